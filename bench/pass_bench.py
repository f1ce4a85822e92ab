#!/usr/bin/env python3
"""PASS patch skipping on real video (a script, not a test: it prints
figures). The frames of a static-camera video (opencv-doc's vtest.avi,
pedestrians in a hall) are scaled to the model's input; MLPerf Tiny's VWW
MobileNetV1 runs on them with `--pass-region` at several thresholds, next
to the dense model.

On the host (`motec run`, the samples being consecutive frames) it prints,
per threshold, the tiles recomputed, the frames whose outputs are
bit-identical to the dense model's, the largest output difference and the
frames whose top class differs. With --targets it runs the same programs
under QEMU with bench/qemu-insn-count (as bench/arm_bench.py does) and
prints the instructions per frame (the first frame, which computes every
tile, apart) against the dense program.

Usage: bench/pass_bench.py [--frames 100] [--region 6|2,4,6] [--grid 4x4]
       [--cell 8x8] [--thresholds 0,32,128,512] [--store 0]
       [--targets cortex-m4,cortex-m55] [--moving-block]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import arm_bench  # noqa: E402

VIDEO = "/usr/share/doc/opencv-doc/examples/data/vtest.avi"


def read_frames(path, count, shape):
    """`count` frames of the video as float NCHW RGB in [0, 1] of `shape`."""
    import cv2
    capture = cv2.VideoCapture(path)
    frames = []
    while len(frames) < count:
        ok, frame = capture.read()
        if not ok:
            break
        frame = cv2.resize(frame, (shape[3], shape[2]), interpolation=cv2.INTER_AREA)
        frame = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
        frames.append(frame.transpose(2, 0, 1).astype(np.float32) / 255.0)
    if not frames:
        sys.exit(f"pass_bench: cannot read frames of {path} (python3-opencv "
                 "and opencv-doc, which scripts/setup.sh installs)")
    return np.stack(frames)


def moving_block(frames, count, size=16):
    """`count` frames of a scene where only a block moves: the first frame
    with a `size` x `size` block of the last pasted at a position that
    steps along the diagonal (unlike the video, whose compression noise
    touches every cell, the rest of each frame is unchanged)."""
    base, block = frames[0], frames[-1][:, :size, :size]
    out = []
    for i in range(count):
        f = base.copy()
        y = x = (i * 7) % (base.shape[1] - size)
        f[:, y:y + size, x:x + size] = block
        out.append(f)
    return np.stack(out)


def conv_output(path, index):
    """The ONNX name of the output of the model's `index`-th Conv."""
    import onnx
    convs = [n for n in onnx.load(path).graph.node if n.op_type == "Conv"]
    return convs[index].output[0]


def host_run(motec, path, frames_file, out, extra):
    """Runs the model over the frames on the host; returns the outputs and
    PASS's report of recomputed tiles (or None)."""
    result = subprocess.run([motec, "run", path, "--input", frames_file, "--output", out,
                             *extra], check=True, capture_output=True, text=True)
    m = re.search(r"PASS: recomputed (\d+) of (\d+) tiles", result.stdout)
    return np.load(out), (int(m.group(1)), int(m.group(2))) if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(arm_bench.ROOT, "..", "shared", "models",
                                                    "mlperf-tiny", "mobilenet_v1.onnx"))
    ap.add_argument("--video", default=VIDEO)
    ap.add_argument("--frames", type=int, default=100)
    ap.add_argument("--region", default="6",
                    help="the span ends at the output of this Conv (0-based); "
                    "a comma-separated list makes a chain of spans")
    ap.add_argument("--grid", default="4x4")
    ap.add_argument("--cell", default="8x8")
    ap.add_argument("--thresholds", default="0,32,128,512")
    ap.add_argument("--moving-block", action="store_true",
                    help="frames of a block moving over the video's first frame "
                    "instead of the video (nothing else changes)")
    ap.add_argument("--store", type=int, default=0,
                    help="--pass-store-threshold of every PASS program")
    ap.add_argument("--targets", default="")
    ap.add_argument("--motec", default=os.path.join(arm_bench.ROOT, "build", "bin", "motec"))
    args = ap.parse_args()

    shape = arm_bench.input_shape(args.model)
    frames = read_frames(args.video, args.frames, shape)
    if args.moving_block:
        frames = moving_block(frames, len(frames))
    tensor = ",".join(conv_output(args.model, int(i)) for i in args.region.split(","))
    thresholds = [int(t) for t in args.thresholds.split(",")]
    print(f"video: {os.path.basename(args.video)}, {len(frames)} frames scaled to "
          f"{shape[2]}x{shape[3]}; span(s) from the input to Conv #{args.region}, {args.grid} tiles, "
          f"cells of {args.cell}, store threshold {args.store}")
    with tempfile.TemporaryDirectory() as work:
        frames_file = os.path.join(work, "frames.npy")
        np.save(frames_file, frames)
        dense, _ = host_run(args.motec, args.model, frames_file,
                            os.path.join(work, "dense.npy"), [])
        print(f"{'threshold':>9} {'tiles recomputed':>18} {'bit-identical':>13} "
              f"{'max |diff|':>10} {'top-1 differs':>13}")
        variants = {}
        for t in thresholds:
            extra = [f"--pass-region={tensor}", f"--pass-grid={args.grid}",
                     f"--pass-cell={args.cell}", f"--pass-threshold={t}",
                     f"--pass-store-threshold={args.store}"]
            variants[t] = extra
            out, (recomputed, tiles) = host_run(args.motec, args.model, frames_file,
                                                os.path.join(work, f"pass{t}.npy"), extra)
            same = sum(np.array_equal(a, b) for a, b in zip(out, dense))
            diff = float(np.max(np.abs(out - dense)))
            top1 = int(np.sum(out.argmax(-1) != dense.argmax(-1)))
            print(f"{t:>9} {recomputed:>7} of {tiles:<5} ({100 * recomputed / tiles:4.1f}%) "
                  f"{same:>5} of {len(frames):<4} {diff:>10.4f} {top1:>13}")
        if not args.targets:
            return
        plugin = arm_bench.build_plugin(work)
        print(f"{'target':<12} {'threshold':>9} {'insns/frame':>12} {'dense':>12} "
              f"{'ratio':>6} {'first frame':>12}")
        for target in args.targets.split(","):
            base = arm_bench.measure(args.motec, args.model, "vww", target, False, work,
                                     plugin, shape, inputs=frames, tag="-dense")
            later = np.mean(base["totals"][1:])
            for t in thresholds:
                run = arm_bench.measure(args.motec, args.model, "vww", target, False, work,
                                        plugin, shape, extra=variants[t], tag=f"-pass{t}",
                                        inputs=frames)
                mean = np.mean(run["totals"][1:])
                print(f"{target:<12} {t:>9} {mean:>12,.0f} {later:>12,.0f} "
                      f"{later / mean:>5.2f}x {run['totals'][0]:>12,}")


if __name__ == "__main__":
    main()
