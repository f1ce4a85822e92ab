#!/usr/bin/env python3
"""Writes a valid state image of the fuzzer's fixed layout (the table in
StateImageFuzzer.cpp) as a seed: header, directory, payload, CRC-32."""
import os
import struct
import sys
import zlib

TABLE = [("l0_weight", 0, 36, 1), ("l0_weight_momentum", 144, 36, 0),
         ("l0_bias", 288, 4, 1), ("rng_state", 304, 1, 0)]
STATE_BYTES = 320


def fnv1a(h, data):
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    h = fnv1a(2166136261, b"fuzz\0")
    directory = b""
    for name, offset, elements, trained in TABLE:
        h = fnv1a(h, name.encode() + b"\0")
        h = fnv1a(h, struct.pack("<3I", offset, elements, trained))
        n = len(name)
        directory += struct.pack("<I", n) + name.encode() + b"\0" * ((4 - n % 4) % 4)
        directory += struct.pack("<3I", offset, elements, trained)
    payload = bytes((i * 7) & 0xFF for i in range(STATE_BYTES))
    header = struct.pack("<6I", 0x53544F4D, 1, h, len(TABLE), STATE_BYTES,
                         zlib.crc32(payload))
    open(os.path.join(out, "image.bin"), "wb").write(header + directory + payload)


if __name__ == "__main__":
    main()
