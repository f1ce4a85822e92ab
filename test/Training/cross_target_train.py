#!/usr/bin/env python3
"""Trains one model for 10 steps on several targets and checks that the
final state (weights, biases, LAC terms, optimizer state, generator state)
is bit-identical to the host build's.

Each package is built with its own generated Makefile and toolchain and run
with the command `make run` would use (QEMU for Arm targets), given the
input, label and state files.

Usage: cross_target_train.py MOTEC RUNTIME_DIR MODEL WORKDIR
           --precision fp32|int8 --targets generic-c,cortex-m4,...
           [--loss cross-entropy|bce|mse|l1] [--input-shape 4,1,8,8]
           [--outputs 5]
"""
import argparse
import os
import shlex
import subprocess
import sys

import numpy as np


def run_target(args, target, inputs, labels, steps):
    outdir = os.path.join(args.workdir, f"{args.precision}-{target}")
    subprocess.run([args.motec, "compile", args.model, "--train",
                    f"--train-precision={args.precision}", f"--target={target}",
                    f"--loss={args.loss}",
                    "--optimizer=sgd:lr=0.05,momentum=0.9",
                    "--runtime-dir", args.runtime_dir, "-o", outdir],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["make", "-s", "-C", outdir], check=True)
    command = subprocess.run(["make", "-s", "-n", "-C", outdir, "run"],
                             check=True, capture_output=True,
                             text=True).stdout.strip().splitlines()[-1]
    words = shlex.split(command)
    files = [inputs, labels, str(steps), "state.bin"]
    if "-semihosting-config" in words:  # bare metal: arguments by semihosting
        i = words.index("-semihosting-config") + 1
        words[i] += "".join(",arg=" + f for f in files)
    else:
        words += files
    out = subprocess.run(words, cwd=outdir, check=True, capture_output=True,
                         text=True, timeout=600)
    log = out.stdout + out.stderr
    if f"trained {steps} step(s)" not in log:
        sys.exit(f"{target}: the program did not finish:\n{log}")
    losses = [line for line in log.splitlines() if line.startswith("step")]
    return open(os.path.join(outdir, "state.bin"), "rb").read(), losses


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("motec")
    ap.add_argument("runtime_dir")
    ap.add_argument("model")
    ap.add_argument("workdir")
    ap.add_argument("--precision", default="int8")
    ap.add_argument("--targets", default="generic-c,cortex-m4")
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--loss", default="cross-entropy")
    ap.add_argument("--input-shape", default="4,1,8,8",
                    help="the model's input shape (batch first)")
    ap.add_argument("--outputs", type=int, default=5,
                    help="classes, or the width of the targets")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    rng = np.random.default_rng(3)
    inputs = os.path.join(os.path.abspath(args.workdir), "inputs.bin")
    labels = os.path.join(os.path.abspath(args.workdir), "labels.bin")
    shape = [int(d) for d in args.input_shape.split(",")]
    rng.uniform(0, 1, size=[args.steps] + shape).astype(np.float32).tofile(inputs)
    if args.loss == "cross-entropy":
        rng.integers(0, args.outputs, size=(args.steps, shape[0])).astype(
            np.int32).tofile(labels)
    else:  # float targets of the output's shape (probabilities for bce)
        rng.uniform(0, 1, size=(args.steps, shape[0], args.outputs)).astype(
            np.float32).tofile(labels)
    reference = None
    failures = 0
    for target in args.targets.split(","):
        state, losses = run_target(args, target, inputs, labels, args.steps)
        if reference is None:
            reference = (target, state)
            print(f"{args.precision} {target}: {len(state)} byte state image, "
                  f"{losses[0]} ... {losses[-1]}")
            continue
        same = state == reference[1]
        failures += not same
        diff = sum(a != b for a, b in zip(state, reference[1]))
        print(f"{args.precision} {target}: state after {args.steps} steps "
              f"{'bit-identical to' if same else 'DIFFERS from'} "
              f"{reference[0]}" + ("" if same else f" ({diff} bytes)"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
