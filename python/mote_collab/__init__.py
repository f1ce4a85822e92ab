"""Server side of Mote's split (edge-cloud) computing.

sgq: the SGQ codec of the runtime (the device's C code) through ctypes.
"""
