"""The SGQ codec for the server side: the runtime's C code (mote_sgq.c,
built as libmote_sgq.so) called through ctypes, so that a server decodes
and encodes exactly the bytes a device does.

The library is found at $MOTE_SGQ_LIB, or in build/lib of the repository.
"""
import ctypes
import os

import numpy as np

MAX_RANK = 6
NEAREST, STOCHASTIC = 0, 1
SOURCE_F32, SOURCE_S8 = 0, 1


class Grouping(ctypes.Structure):
    _fields_ = [("id", ctypes.c_uint32), ("channels", ctypes.c_uint32),
                ("groups", ctypes.c_uint32),
                ("permutation", ctypes.POINTER(ctypes.c_uint16)),
                ("group_ends", ctypes.POINTER(ctypes.c_uint16))]


class Shape(ctypes.Structure):
    _fields_ = [("rank", ctypes.c_uint32), ("dims", ctypes.c_uint32 * MAX_RANK)]


class Config(ctypes.Structure):
    _fields_ = [("bits", ctypes.c_uint8), ("rounding", ctypes.c_uint8),
                ("embed_grouping", ctypes.c_uint8), ("stripe", ctypes.c_uint32),
                ("grouping", Grouping)]


class Header(ctypes.Structure):
    _fields_ = [("source", ctypes.c_uint8), ("bits", ctypes.c_uint8),
                ("rounding", ctypes.c_uint8), ("has_grouping", ctypes.c_uint8),
                ("groups", ctypes.c_uint32), ("stripe", ctypes.c_uint32),
                ("grouping_id", ctypes.c_uint32), ("sequence", ctypes.c_uint32),
                ("scale", ctypes.c_float), ("zero_point", ctypes.c_int32),
                ("shape", Shape), ("elements", ctypes.c_uint32),
                ("code_bytes", ctypes.c_uint32), ("metadata_bytes", ctypes.c_uint32),
                ("zero_stripes", ctypes.c_uint32), ("flat_stripes", ctypes.c_uint32),
                ("coded_stripes", ctypes.c_uint32)]


class SgqError(ValueError):
    """A packet or grouping the codec refused, with the codec's reason."""


def _library_path():
    path = os.environ.get("MOTE_SGQ_LIB")
    if path:
        return path
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.path.join(root, "build", "lib", "libmote_sgq.so")


_lib = None


def library():
    """The loaded codec (ctypes.CDLL), with its prototypes declared."""
    global _lib
    if _lib is not None:
        return _lib
    lib = ctypes.CDLL(_library_path())
    P = ctypes.POINTER
    err = P(ctypes.c_char_p)
    lib.mote_sgq_read_header.argtypes = [ctypes.c_void_p, ctypes.c_size_t, P(Header), err]
    lib.mote_sgq_decode_f32.argtypes = [ctypes.c_void_p, ctypes.c_size_t, P(Grouping),
                                        ctypes.c_void_p, ctypes.c_size_t, err]
    lib.mote_sgq_read_grouping.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint32,
                                           ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint32,
                                           P(Grouping), err]
    lib.mote_sgq_get_buffer_size.argtypes = [P(Config), P(Shape)]
    lib.mote_sgq_get_buffer_size.restype = ctypes.c_size_t
    lib.mote_sgq_encode_f32.argtypes = [P(Config), P(Shape), ctypes.c_void_p, ctypes.c_uint32,
                                        P(ctypes.c_uint32), ctypes.c_void_p, ctypes.c_size_t,
                                        P(ctypes.c_size_t), err]
    for name in ("mote_sgq_read_header", "mote_sgq_decode_f32", "mote_sgq_read_grouping",
                 "mote_sgq_encode_f32"):
        getattr(lib, name).restype = ctypes.c_int32
    _lib = lib
    return lib


class SgqGrouping:
    """A channel grouping: position p holds channel permutation[p], group g
    holds positions [group_ends[g-1], group_ends[g])."""

    def __init__(self, grouping_id, permutation, group_ends):
        self.id = int(grouping_id)
        self.permutation = np.ascontiguousarray(permutation, dtype=np.uint16)
        self.group_ends = np.ascontiguousarray(group_ends, dtype=np.uint16)

    def struct(self):
        return Grouping(self.id, len(self.permutation), len(self.group_ends),
                        self.permutation.ctypes.data_as(ctypes.POINTER(ctypes.c_uint16)),
                        self.group_ends.ctypes.data_as(ctypes.POINTER(ctypes.c_uint16)))

    @staticmethod
    def from_message(message, channels):
        """Reads a grouping message ("MSGG", e.g. <name>_grouping.msgg)."""
        message = bytes(message)
        perm = np.zeros(channels, np.uint16)
        ends = np.zeros(channels, np.uint16)
        out = Grouping()
        error = ctypes.c_char_p()
        status = library().mote_sgq_read_grouping(message, len(message), channels,
                                                  perm.ctypes.data, ends.ctypes.data,
                                                  channels, ctypes.byref(out),
                                                  ctypes.byref(error))
        if status != 0:
            raise SgqError(_reason(error))
        return SgqGrouping(out.id, perm[: out.channels].copy(), ends[: out.groups].copy())


def _reason(error):
    return error.value.decode() if error.value else "refused"


def read_header(packet):
    """The checked header of a packet (a Header structure)."""
    packet = bytes(packet)
    header = Header()
    error = ctypes.c_char_p()
    if library().mote_sgq_read_header(packet, len(packet), ctypes.byref(header),
                                      ctypes.byref(error)) != 0:
        raise SgqError(_reason(error))
    return header


def decode(packet, grouping=None):
    """Decodes a packet to float32 features of the packet's shape (the real
    values; an int8 source's scale applied). Raises SgqError for a packet
    the codec refuses."""
    packet = bytes(packet)
    header = read_header(packet)
    shape = tuple(header.shape.dims[: header.shape.rank])
    out = np.empty(int(np.prod(shape)), np.float32)
    error = ctypes.c_char_p()
    g = grouping.struct() if grouping is not None else None
    status = library().mote_sgq_decode_f32(packet, len(packet),
                                           ctypes.byref(g) if g is not None else None,
                                           out.ctypes.data, out.size, ctypes.byref(error))
    if status != 0:
        raise SgqError(_reason(error))
    return out.reshape(shape)


def encode(features, grouping, bits=4, stripe=0, rounding="nearest", sequence=0,
           seed=1, embed_grouping=False):
    """Encodes float32 features ([batch, channels, spatial...]) into a
    packet (bytes), as a device's mote_sgq_encode_f32 does."""
    features = np.ascontiguousarray(features, dtype=np.float32)
    if not 2 <= features.ndim <= MAX_RANK:
        raise SgqError("features must have 2 to 6 dimensions")
    shape = Shape(features.ndim, (ctypes.c_uint32 * MAX_RANK)(*features.shape))
    config = Config(bits, STOCHASTIC if rounding == "stochastic" else NEAREST,
                    1 if embed_grouping else 0, stripe or 256 // bits, grouping.struct())
    lib = library()
    capacity = lib.mote_sgq_get_buffer_size(ctypes.byref(config), ctypes.byref(shape))
    if capacity == 0:
        raise SgqError("invalid configuration for features of shape %s" % (features.shape,))
    buf = (ctypes.c_uint8 * capacity)()
    size = ctypes.c_size_t()
    state = ctypes.c_uint32(seed)
    error = ctypes.c_char_p()
    status = lib.mote_sgq_encode_f32(ctypes.byref(config), ctypes.byref(shape),
                                     features.ctypes.data, sequence, ctypes.byref(state),
                                     buf, capacity, ctypes.byref(size), ctypes.byref(error))
    if status != 0:
        raise SgqError(_reason(error))
    return bytes(buf[: size.value])
