"""Runs a model with `motec run` for generic-c on the host and for each
--target (Arm targets under QEMU) on the same fixed-seed inputs, and checks
that every target's outputs are bit-identical to generic-c's.

Usage: target_compare.py MODEL WORKDIR --target cortex-m4 [--target ...]
       [--motec PATH] [--samples 3]
"""
import argparse
import os
import subprocess
import sys

import numpy as np

from onnx_models import load_model, runtime_inputs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("workdir")
    ap.add_argument("--target", action="append", required=True)
    ap.add_argument("--motec", default="motec")
    ap.add_argument("--samples", type=int, default=3)
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    shape = runtime_inputs(load_model(args.model))[0][1]
    rng = np.random.default_rng(29)
    x = rng.uniform(-1, 1, [args.samples] + shape[1:]).astype(np.float32)
    inputs = os.path.join(args.workdir, "inputs.npy")
    np.save(inputs, x)

    def run(target):
        out = os.path.join(args.workdir, target + ".npy")
        result = subprocess.run([args.motec, "run", args.model, "--target", target,
                                 "--input", inputs, "--output", out],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if result.returncode != 0:
            sys.exit(f"motec run --target {target} failed:\n{result.stdout}")
        return np.load(out)

    reference = run("generic-c")
    ok = True
    name = os.path.basename(args.model)
    for target in args.target:
        got = run(target)
        same = got.shape == reference.shape and np.array_equal(got, reference)
        ok &= same
        print(f"{name} {target}: {reference.size} outputs of {args.samples} samples "
              f"{'bit-identical to generic-c' if same else 'DIFFER from generic-c'}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
