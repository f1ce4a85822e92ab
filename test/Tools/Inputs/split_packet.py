"""Helpers of motec-split.test.

  inputs DIR             DIR/x.bin (one random image of the tiny model) and
                         DIR/seq.bin (sequence number 0), and both as .npy
  same DIR               motec run's packet (DIR/run_p.npy, run_n.npy) is
                         DIR/device.sgq
  trim DIR               DIR/device.sgq: the packet the device wrote in
                         DIR/packet.bin, cut to DIR/bytes.bin
  grouping DIR           a run-time grouping: DIR/id.npy (7), DIR/g.npy (a
                         permutation and group ends), DIR/bad.npy (an entry
                         that is not a channel)
  check-grouping DIR     the packet in DIR/rg_p.npy, rg_n.npy names grouping
                         7 and decodes with it, not with the compiled one
  int8 IN.npy S Z OUT    the int8 values q = round(v / S) + Z of decoded
                         features (exact for 8-bit packets of int8 features)
  batch-inputs DIR       DIR/x8.npy (8 random images), DIR/seq8.npy (0..7),
                         DIR/seq2.npy (0, 1)
  batch-check DIR        the two 4-sample packets (DIR/k4_p.npy, k4_n.npy)
                         decode to the eight 1-sample packets' values
                         (DIR/k1_p.npy, k1_n.npy)
"""
import os
import sys

import numpy as np


def main():
    action = sys.argv[1]
    if action == "inputs":
        d = sys.argv[2]
        rng = np.random.default_rng(3)
        x = rng.random((1, 1, 8, 8), dtype=np.float32)
        x.tofile(os.path.join(d, "x.bin"))
        np.save(os.path.join(d, "x.npy"), x)
        np.zeros(1, np.int32).tofile(os.path.join(d, "seq.bin"))
        np.save(os.path.join(d, "seq.npy"), np.zeros(1, np.int32))
    elif action == "same":
        d = sys.argv[2]
        p = np.load(os.path.join(d, "run_p.npy")).view(np.uint8)
        n = int(np.load(os.path.join(d, "run_n.npy")).ravel()[0])
        device = open(os.path.join(d, "device.sgq"), "rb").read()
        print("motec run packet " + ("identical" if p[:n].tobytes() == device
                                     else "DIFFERENT") + " to the package's")
    elif action == "trim":
        d = sys.argv[2]
        size = int(np.fromfile(os.path.join(d, "bytes.bin"), np.int32)[0])
        packet = np.fromfile(os.path.join(d, "packet.bin"), np.uint8)
        assert 0 < size <= len(packet), (size, len(packet))
        packet[:size].tofile(os.path.join(d, "device.sgq"))
        print(f"device packet: {size} of {len(packet)} bytes")
    elif action == "grouping":
        d = sys.argv[2]
        np.save(os.path.join(d, "id.npy"), np.array([7], np.int32))
        np.save(os.path.join(d, "g.npy"), np.array([3, 1, 0, 2, 1, 4], np.int16))
        np.save(os.path.join(d, "bad.npy"), np.array([3, 1, 9, 2, 1, 4], np.int16))
    elif action == "check-grouping":
        d = sys.argv[2]
        sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                        "python"))
        from mote_collab import sgq
        p = np.load(os.path.join(d, "rg_p.npy")).view(np.uint8).ravel()
        n = int(np.load(os.path.join(d, "rg_n.npy")).ravel()[0])
        packet = p[:n].tobytes()
        h = sgq.read_header(packet)
        sgq.decode(packet, sgq.SgqGrouping(7, [3, 1, 0, 2], [1, 4]))
        try:
            sgq.decode(packet, sgq.SgqGrouping(1, [0, 1, 2, 3], [2, 4]))
            print("decoded with the compiled grouping")
        except sgq.SgqError as e:
            print(f"grouping {h.grouping_id}; the compiled one refused: {e}")
    elif action == "int8":
        v = np.load(sys.argv[2])
        scale, zero = np.float32(sys.argv[3]), int(sys.argv[4])
        q = np.round(v / scale) + zero
        assert np.array_equal((q - zero) * scale, v), "not int8 values"
        np.save(sys.argv[5], q.astype(np.int8))
    elif action == "batch-inputs":
        d = sys.argv[2]
        rng = np.random.default_rng(5)
        np.save(os.path.join(d, "x8.npy"), rng.random((8, 1, 8, 8), dtype=np.float32))
        np.save(os.path.join(d, "seq8.npy"), np.arange(8, dtype=np.int32))
        np.save(os.path.join(d, "seq2.npy"), np.arange(2, dtype=np.int32))
    elif action == "batch-check":
        d = sys.argv[2]
        sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                        "python"))
        from mote_collab import sgq
        with open(os.path.join(d, "k4", "tiny_grouping.msgg"), "rb") as f:
            g = sgq.SgqGrouping.from_message(f.read(), 4)

        def decoded(tag):
            p = np.load(os.path.join(d, tag + "_p.npy")).view(np.uint8)
            n = np.load(os.path.join(d, tag + "_n.npy")).ravel()
            heads = [sgq.read_header(p[i, :n[i]].tobytes()) for i in range(len(n))]
            values = np.concatenate([sgq.decode(p[i, :n[i]].tobytes(), g)
                                     for i in range(len(n))])
            return values, int(n.sum()), heads
        k4, k4_bytes, heads = decoded("k4")
        k1, k1_bytes, _ = decoded("k1")
        print(f"{len(heads)} packets of {heads[0].shape.dims[0]} samples, sequences "
              f"{[h.sequence for h in heads]}: "
              + ("the same values" if np.array_equal(k4, k1) else "DIFFERENT values")
              + f" as {len(k1)} one-sample packets, {k4_bytes} bytes against {k1_bytes}"
              + (" (fewer)" if k4_bytes < k1_bytes else " (NOT FEWER)"))
    else:
        raise SystemExit("unknown action " + action)


if __name__ == "__main__":
    main()
