"""Helpers of motec-split.test.

  inputs DIR             DIR/x.bin (one random image of the tiny model) and
                         DIR/seq.bin (sequence number 0)
  trim DIR               DIR/device.sgq: the packet the device wrote in
                         DIR/packet.bin, cut to DIR/bytes.bin
  int8 IN.npy S Z OUT    the int8 values q = round(v / S) + Z of decoded
                         features (exact for 8-bit packets of int8 features)
"""
import os
import sys

import numpy as np


def main():
    action = sys.argv[1]
    if action == "inputs":
        d = sys.argv[2]
        rng = np.random.default_rng(3)
        rng.random((1, 1, 8, 8), dtype=np.float32).tofile(os.path.join(d, "x.bin"))
        np.zeros(1, np.int32).tofile(os.path.join(d, "seq.bin"))
    elif action == "trim":
        d = sys.argv[2]
        size = int(np.fromfile(os.path.join(d, "bytes.bin"), np.int32)[0])
        packet = np.fromfile(os.path.join(d, "packet.bin"), np.uint8)
        assert 0 < size <= len(packet), (size, len(packet))
        packet[:size].tofile(os.path.join(d, "device.sgq"))
        print(f"device packet: {size} of {len(packet)} bytes")
    elif action == "int8":
        v = np.load(sys.argv[2])
        scale, zero = np.float32(sys.argv[3]), int(sys.argv[4])
        q = np.round(v / scale) + zero
        assert np.array_equal((q - zero) * scale, v), "not int8 values"
        np.save(sys.argv[5], q.astype(np.int8))
    else:
        raise SystemExit("unknown action " + action)


if __name__ == "__main__":
    main()
