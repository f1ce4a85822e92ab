"""The baseline codecs of the collaborative-learning harness (float32,
per-tensor uniform B-bit, top-k): the runtime's C code
(runtime/collab/mote_wire.c, built into libmote_sgq.so with the SGQ codec)
through ctypes, so that the server reads and writes exactly the bytes of a
device program. The packet layout is in runtime/collab/mote_wire.h.
"""
import ctypes

import numpy as np

from . import sgq

FLOAT32, UNIFORM, TOPK = 0, 1, 2
CODECS = {FLOAT32: "float32", UNIFORM: "uniform", TOPK: "topk"}
HEADER_BYTES = 20


class Config(ctypes.Structure):
    _fields_ = [("codec", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class Header(ctypes.Structure):
    _fields_ = [("codec", ctypes.c_uint8), ("bits", ctypes.c_uint8),
                ("sequence", ctypes.c_uint32), ("elements", ctypes.c_uint32),
                ("k", ctypes.c_uint32)]


class WireError(ValueError):
    """A packet or configuration the codec refused, with its reason."""


_declared = False


def library():
    global _declared
    lib = sgq.library()
    if not _declared:
        P = ctypes.POINTER
        err = P(ctypes.c_char_p)
        lib.mote_wire_packet_bytes.argtypes = [P(Config), ctypes.c_uint32]
        lib.mote_wire_packet_bytes.restype = ctypes.c_size_t
        lib.mote_wire_encode.argtypes = [P(Config), ctypes.c_void_p, ctypes.c_uint32,
                                         ctypes.c_uint32, ctypes.c_void_p, ctypes.c_size_t,
                                         P(ctypes.c_size_t), err]
        lib.mote_wire_read_header.argtypes = [ctypes.c_void_p, ctypes.c_size_t, P(Header), err]
        lib.mote_wire_decode.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p,
                                         ctypes.c_uint32, err]
        for name in ("mote_wire_encode", "mote_wire_read_header", "mote_wire_decode"):
            getattr(lib, name).restype = ctypes.c_int
        _declared = True
    return lib


def _reason(error):
    return error.value.decode() if error.value else "refused"


def is_packet(packet):
    """Whether `packet` claims to be a baseline packet (its magic); an SGQ
    packet never starts with it (a FlatBuffers root offset that large lies
    outside any packet)."""
    return bytes(packet[:4]) == b"MWIR"


def config(name, bits=None, k=0):
    """The C configuration of codec `name` ("float32", "uniform", "topk")."""
    if name == "float32":
        return Config(FLOAT32, 32, 0)
    if name == "uniform":
        return Config(UNIFORM, bits, 0)
    if name == "topk":
        return Config(TOPK, 32, k)
    raise WireError(f"unknown codec '{name}'")


def read_header(packet):
    """The checked header of a packet (a Header structure)."""
    packet = bytes(packet)
    header = Header()
    error = ctypes.c_char_p()
    if library().mote_wire_read_header(packet, len(packet), ctypes.byref(header),
                                       ctypes.byref(error)) != 0:
        raise WireError(_reason(error))
    return header


def decode(packet, elements):
    """The `elements` float32 values of a packet (flat); raises WireError."""
    packet = bytes(packet)
    out = np.empty(elements, np.float32)
    error = ctypes.c_char_p()
    if library().mote_wire_decode(packet, len(packet), out.ctypes.data, elements,
                                  ctypes.byref(error)) != 0:
        raise WireError(_reason(error))
    return out


def kept_positions(packet, elements):
    """The positions a top-k packet of `elements` values carries, as a
    boolean array (a kept value may itself be 0). The packet's values are
    its last 4k bytes (runtime/collab/mote_wire.h); decoding a copy whose
    values are all 1 reads the positions with the C decoder's checks."""
    header = read_header(packet)
    if header.codec != TOPK:
        raise WireError(f"a {CODECS[header.codec]} packet has no kept positions")
    ones = bytes(packet[: len(packet) - 4 * header.k]) + np.ones(header.k, "<f4").tobytes()
    return decode(ones, elements) != 0


def encode(values, name, bits=None, k=0, sequence=0):
    """Encodes float32 `values` (any shape, flattened) under codec `name`,
    as a device's mote_wire_encode does; returns the packet's bytes."""
    values = np.ascontiguousarray(values, dtype=np.float32).ravel()
    c = config(name, bits, k)
    lib = library()
    capacity = lib.mote_wire_packet_bytes(ctypes.byref(c), values.size)
    if capacity == 0:
        raise WireError(f"invalid configuration {name} bits={bits} k={k} "
                        f"for {values.size} values")
    buf = (ctypes.c_uint8 * capacity)()
    size = ctypes.c_size_t()
    error = ctypes.c_char_p()
    if lib.mote_wire_encode(ctypes.byref(c), values.ctypes.data, values.size, sequence, buf,
                            capacity, ctypes.byref(size), ctypes.byref(error)) != 0:
        raise WireError(_reason(error))
    return bytes(buf[: size.value])
