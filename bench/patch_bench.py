"""Patch-based inference against layer-by-layer code (a script, not a
test: it prints figures). For each model, target and --patch-overhead
bound, `motec compile --patch-inference=auto` picks a span and grid; the
program runs one inference under QEMU with bench/qemu-insn-count (as
bench/arm_bench.py does) next to the same model compiled layer by layer.

Printed per row: the span and grid auto chose, arena bytes, MACs,
instructions per inference, and the ratios to layer by layer (arena
smaller by, instructions more by), and whether the outputs are
bit-identical.

Usage: bench/patch_bench.py [--models DIR] [--only mobilenet_v1]
       [--targets cortex-m4,cortex-m55] [--overheads 10,25,50]
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


def chosen(motec, path, overhead):
    """What auto picks at `overhead` percent: (layers, grid) or None."""
    out = subprocess.run([motec, "info", path, "--patch-inference=auto",
                          f"--patch-overhead={overhead}"],
                         check=True, capture_output=True, text=True).stdout
    m = re.search(r"patch inference: (\d+) layers from .* to .*, (\d+x\d+) patches", out)
    return (int(m.group(1)), m.group(2)) if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default=os.path.join(arm_bench.ROOT, "..", "shared", "models",
                                                     "mlperf-tiny"))
    ap.add_argument("--only", default="mobilenet_v1")
    ap.add_argument("--targets", default="cortex-m4,cortex-m55")
    ap.add_argument("--overheads", default="10,25,50")
    ap.add_argument("--motec", default=os.path.join(arm_bench.ROOT, "build", "bin", "motec"))
    args = ap.parse_args()
    print(f"{'model':<14} {'target':<11} {'run':<22} {'arena B':>8} {'smaller':>8} "
          f"{'MACs':>11} {'insns/inference':>15} {'more insns':>10}  outputs")
    with tempfile.TemporaryDirectory() as work:
        plugin = arm_bench.build_plugin(work)
        for name in args.only.split(","):
            path = os.path.join(args.models, name + ".onnx")
            shape = arm_bench.input_shape(path)
            for target in args.targets.split(","):
                dense = arm_bench.measure(args.motec, path, name, target, False, work, plugin,
                                          shape)
                print(f"{name:<14} {target:<11} {'layer by layer':<22} {dense['arena']:>8,} "
                      f"{'':>8} {dense['macs']:>11,} {dense['insns']:>15,}", flush=True)
                for overhead in args.overheads.split(","):
                    pick = chosen(args.motec, path, overhead)
                    if pick is None:
                        print(f"{name:<14} {target:<11} {'auto ' + overhead + '%: none':<22}")
                        continue
                    run = arm_bench.measure(args.motec, path, name, target, False, work, plugin,
                                            shape, ["--patch-inference=auto",
                                                    f"--patch-overhead={overhead}"],
                                            tag=f"-patch{overhead}")
                    same = np.array_equal(run["out"], dense["out"])
                    label = f"auto {overhead}%: {pick[0]} l. {pick[1]}"
                    print(f"{name:<14} {target:<11} {label:<22} {run['arena']:>8,} "
                          f"{dense['arena'] / run['arena']:>7.2f}x {run['macs']:>11,} "
                          f"{run['insns']:>15,} {100 * (run['insns'] / dense['insns'] - 1):>9.1f}%  "
                          + ("bit-identical" if same else "DIFFER"), flush=True)


if __name__ == "__main__":
    main()
