#!/usr/bin/env python3
"""PASS on real video for test/Integration/pass-video.test: MLPerf Tiny's
VWW MobileNetV1 over the first frames of opencv-doc's vtest.avi (a static
camera), dense and with `--pass-region` at each threshold, through `motec
run` (the samples being consecutive frames of one video). Prints, per
threshold, the tiles recomputed, the frames bit-identical to the dense
model, the largest and mean output difference, the largest difference in
the first and in the last fifth of the video (drift), and the frames whose
top class differs.

Usage: pass_video.py MODEL WORK --motec MOTEC [--frames 500] [--region 6]
       [--grid 8x8] [--cell 4x4] [--thresholds 0,256] [--store 0]
"""
import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))
import pass_bench  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("work")
    ap.add_argument("--motec", required=True)
    ap.add_argument("--frames", type=int, default=500)
    ap.add_argument("--region", default="6")
    ap.add_argument("--grid", default="8x8")
    ap.add_argument("--cell", default="4x4")
    ap.add_argument("--thresholds", default="0,256")
    ap.add_argument("--store", type=int, default=0)
    ap.add_argument("--write-moving-block", metavar="FILE",
                    help="only write --frames frames of a moving block over the "
                    "video's first frame to FILE (.npy)")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    shape = pass_bench.arm_bench.input_shape(args.model)
    frames = pass_bench.read_frames(pass_bench.VIDEO, args.frames, shape)
    if args.write_moving_block:
        np.save(args.write_moving_block, pass_bench.moving_block(frames, args.frames))
        return
    path = os.path.join(args.work, "frames.npy")
    np.save(path, frames)
    dense, _ = pass_bench.host_run(args.motec, args.model, path,
                                   os.path.join(args.work, "dense.npy"), [])
    tensor = ",".join(pass_bench.conv_output(args.model, int(i))
                      for i in args.region.split(","))
    fifth = max(1, len(frames) // 5)
    print(f"frames: {len(frames)}")
    for t in (int(x) for x in args.thresholds.split(",")):
        out, (recomputed, tiles) = pass_bench.host_run(
            args.motec, args.model, path, os.path.join(args.work, f"pass{t}.npy"),
            [f"--pass-region={tensor}", f"--pass-grid={args.grid}",
             f"--pass-cell={args.cell}", f"--pass-threshold={t}",
             f"--pass-store-threshold={args.store}"])
        diff = np.abs(out - dense).reshape(len(out), -1).max(axis=1)
        same = sum(np.array_equal(a, b) for a, b in zip(out, dense))
        top1 = int(np.sum(out.reshape(len(out), -1).argmax(1) !=
                          dense.reshape(len(dense), -1).argmax(1)))
        print(f"threshold {t}: recomputed {recomputed} of {tiles} tiles "
              f"({100 * recomputed / tiles:.1f}%), bit-identical {same} of {len(out)}, "
              f"max diff {diff.max():.4f}, mean {diff.mean():.4f}, "
              f"first fifth {diff[:fifth].max():.4f}, last fifth {diff[-fifth:].max():.4f}, "
              f"top-1 differs {top1}")


if __name__ == "__main__":
    main()
