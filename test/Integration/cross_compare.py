"""Runs a model (ONNX or TFLite) with `motec run` on the host (generic-c) and then built
another way on the same fixed-seed inputs, and checks that every output is
bit-identical to the host's:

- each --target T: `motec run --target T` (the Arm targets' kernels and
  toolchains, under QEMU);
- each --cpu C: generic-c cross-compiled with --cc and run through
  --emulator as CPU C.

With --variant=ARGS (motec options, e.g. --variant=--patch-inference=auto),
every run but the reference gets ARGS, and the host runs with ARGS too:
the variant must compute the reference's bits everywhere.

Usage: cross_compare.py MODEL WORKDIR [--target cortex-m4 ...]
       [--cc aarch64-linux-gnu-gcc --emulator "qemu-aarch64 -L /usr/aarch64-linux-gnu"
        --cpu cortex-a53 ...] [--motec PATH] [--samples 4 | --inputs X.npy]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

import numpy as np

from onnx_models import load_model, runtime_inputs


def input_shape(model, motec):
    """The first input's shape: from the ONNX graph, or for a TFLite model
    (file identifier TFL3) from its import."""
    with open(model, "rb") as f:
        head = f.read(8)
    if head[4:8] != b"TFL3":
        return runtime_inputs(load_model(model))[0][1]
    translate = os.path.join(os.path.dirname(shutil.which(motec)), "mote-translate")
    ir = subprocess.run([translate, "--import-tflite", model], check=True,
                        capture_output=True, text=True).stdout
    dims = re.search(r"%arg0: tensor<([0-9x]+)xf32>", ir).group(1)
    return [int(d) for d in dims.split("x")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("workdir")
    ap.add_argument("--target", action="append", default=[])
    ap.add_argument("--cc")
    ap.add_argument("--emulator")
    ap.add_argument("--cpu", action="append", default=[])
    ap.add_argument("--motec", default="motec")
    ap.add_argument("--samples", type=int, default=4)
    ap.add_argument("--variant", default="", help="motec options of the compared runs")
    ap.add_argument("--inputs", help="the samples to run (.npy) instead of fixed-seed ones")
    args = ap.parse_args()
    if args.cpu and not (args.cc and args.emulator):
        ap.error("--cpu needs --cc and --emulator")
    os.makedirs(args.workdir, exist_ok=True)
    if args.inputs:
        inputs = args.inputs
        args.samples = len(np.load(inputs))
    else:
        shape = input_shape(args.model, args.motec)
        rng = np.random.default_rng(11)
        x = rng.uniform(-1, 1, [args.samples] + shape[1:]).astype(np.float32)
        inputs = os.path.join(args.workdir, "inputs.npy")
        np.save(inputs, x)

    def run(tag, env=None, extra=()):
        out = os.path.join(args.workdir, tag + ".npy")
        result = subprocess.run([args.motec, "run", args.model, "--input", inputs,
                                 "--output", out, *extra],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env=dict(os.environ, **(env or {})))
        if result.returncode != 0:
            sys.exit(f"motec run ({tag}) failed:\n{result.stdout}")
        return np.load(out)

    host = run("host")
    variant = args.variant.split()
    runs = []
    if variant:
        runs.append(("variant", f"generic-c {args.variant}: {{}} bit-identical to generic-c",
                     lambda: run("variant", extra=variant)))
    runs += [(t, f"{t}: {{}} bit-identical to generic-c",
              lambda t=t: run(t, extra=["--target", t, *variant])) for t in args.target]
    runs += [(c, f"{c}: {{}} bit-identical to the host",
              lambda c=c: run(c, {"CC": args.cc},
                              ["--exec-prefix", f"{args.emulator} -cpu {c}", *variant]))
             for c in args.cpu]
    ok = True
    name = os.path.basename(args.model)
    for tag, message, go in runs:
        got = go()
        same = got.shape == host.shape and np.array_equal(got, host)
        ok &= same
        what = f"{host.size} outputs of {args.samples} samples"
        print(f"{name} " + (message.format(what) if same else f"{tag}: {what} DIFFER"))
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
