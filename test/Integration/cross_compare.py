"""Runs a model with `motec run` on the host and, cross-compiled with
--cc, under an emulator for each --cpu, on the same fixed-seed inputs, and
checks that every output is bit-identical to the host's.

Usage: cross_compare.py MODEL WORKDIR --cc aarch64-linux-gnu-gcc
       --emulator "qemu-aarch64 -L /usr/aarch64-linux-gnu" --cpu cortex-a53
       [--cpu cortex-a76] [--motec PATH] [--samples 4]
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
    ap.add_argument("--cc", required=True)
    ap.add_argument("--emulator", required=True)
    ap.add_argument("--cpu", action="append", required=True)
    ap.add_argument("--motec", default="motec")
    ap.add_argument("--samples", type=int, default=4)
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    shape = runtime_inputs(load_model(args.model))[0][1]
    rng = np.random.default_rng(11)
    x = rng.uniform(-1, 1, [args.samples] + shape[1:]).astype(np.float32)
    inputs = os.path.join(args.workdir, "inputs.npy")
    np.save(inputs, x)

    def run(tag, env=None, extra=()):
        out = os.path.join(args.workdir, tag + ".npy")
        subprocess.run([args.motec, "run", args.model, "--input", inputs, "--output", out, *extra],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=dict(os.environ, **(env or {})))
        return np.load(out)

    host = run("host")
    ok = True
    name = os.path.basename(args.model)
    for cpu in args.cpu:
        got = run(cpu, {"CC": args.cc}, ["--exec-prefix", f"{args.emulator} -cpu {cpu}"])
        same = got.shape == host.shape and np.array_equal(got, host)
        ok &= same
        print(f"{name} {cpu}: {host.size} outputs of {args.samples} samples "
              f"{'bit-identical to the host' if same else 'DIFFER from the host'}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
