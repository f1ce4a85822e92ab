#!/usr/bin/env python3
"""Trains a small CNN on Fashion-MNIST with the C that `motec compile --train`
generates, next to PyTorch, from the same initial weights in the same sample
order, and prints the curves (loss and test accuracy per epoch).

Runs (--runs, any of):
  torch       PyTorch FP32 (CPU, one thread), the reference
  fp32        generated C, --train-precision=fp32
  int8        generated C, --train-precision=int8 (LAC and PRC on)
  int8-nolac  int8 without loss-aware compensation
  int8-noprc  int8 without range clipping (clip = 1)
  int8-plain  int8 without either

The curves go to OUT/curves.json; plot_curves.py draws them. With --check,
the script fails unless FP32 C is within 1 point of PyTorch and INT8 within
1.5 points of FP32 C (final test accuracy).

Usage: train_on_device.py OUT [--motec motec] [--epochs 3] [--train-size N]
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fashion_mnist"))
from train_and_quantize import load_dataset  # noqa: E402

VARIANTS = {
    "fp32": ["--train-precision=fp32"],
    "int8": ["--train-precision=int8"],
    "int8-nolac": ["--train-precision=int8", "--lac=false"],
    "int8-noprc": ["--train-precision=int8", "--prc=1"],
    "int8-plain": ["--train-precision=int8", "--lac=false", "--prc=1"],
}


class Net(nn.Module):
    """conv-relu-pool x 2, fully-connected (as the bundled example)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc = nn.Linear(16 * 7 * 7, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(torch.flatten(x, 1))


def torch_run(net, data, order, args):
    torch.set_num_threads(1)
    train_x, train_y, test_x, test_y = data
    opt = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=args.momentum)

    def accuracy():
        with torch.no_grad():
            pred = net(torch.from_numpy(test_x)).argmax(1).numpy()
        return 100.0 * float(np.mean(pred == test_y))

    curve = [{"epoch": 0, "loss": None, "accuracy": accuracy()}]
    start = time.time()
    batches = order.reshape(args.epochs, -1, args.batch)
    for e in range(args.epochs):
        total = 0.0
        for idx in batches[e]:
            opt.zero_grad()
            loss = F.cross_entropy(net(torch.from_numpy(train_x[idx])),
                                   torch.from_numpy(train_y[idx]).long())
            loss.backward()
            opt.step()
            total += loss.item()
        curve.append({"epoch": e + 1, "loss": total / len(batches[e]),
                      "accuracy": accuracy()})
    return curve, time.time() - start


def build_harness(motec, model, outdir, options, batch):
    """Compiles `model` with `motec compile --train --name net OPTIONS` into
    `outdir` and links train_harness.c with it; returns the program."""
    subprocess.run([motec, "compile", model, "--train", "--name", "net",
                    *options, "-o", outdir], check=True,
                   stdout=subprocess.DEVNULL)
    runtime = os.path.join(outdir, "runtime")
    exe = os.path.join(outdir, "harness")
    subprocess.run([os.environ.get("CC", "cc"), "-std=c11", "-O2",
                    "-ffp-contract=off", f"-DBATCH={batch}",
                    "-DSAMPLE=784", "-DCLASSES=10", "-I" + outdir,
                    "-I" + os.path.join(runtime, "include"),
                    os.path.join(HERE, "train_harness.c"),
                    os.path.join(outdir, "net.c"),
                    *sorted(glob.glob(os.path.join(runtime, "src", "*.c"))),
                    "-o", exe],
                   check=True)
    return exe


def c_run(name, onnx_path, files, args):
    outdir = os.path.join(args.out, name)
    exe = build_harness(args.motec, onnx_path, outdir,
                        [f"--optimizer=sgd:lr={args.lr},momentum={args.momentum}",
                         *VARIANTS[name]], args.batch)
    start = time.time()
    out = subprocess.run([exe, files["train_x"], files["train_y"],
                          files["order"], str(args.epochs), files["test_x"],
                          files["test_y"], os.path.join(outdir, "state.bin")],
                         check=True, capture_output=True, text=True).stdout
    seconds = time.time() - start
    curve = []
    for line in out.splitlines():
        _, e, _, loss, _, acc = line.split()
        curve.append({"epoch": int(e),
                      "loss": None if loss == "nan" else float(loss),
                      "accuracy": float(acc)})
    return curve, seconds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--motec", default="motec")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--train-size", type=int, default=60000)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--runs", default="torch,fp32,int8")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    train_x, train_y, test_x, test_y = load_dataset()
    train_x, train_y = train_x[:args.train_size], train_y[:args.train_size]
    data = (train_x, train_y, test_x, test_y)
    rng = np.random.default_rng(0)
    per_epoch = len(train_x) // args.batch * args.batch
    order = np.concatenate([rng.permutation(len(train_x))[:per_epoch]
                            for _ in range(args.epochs)]).astype(np.int32)
    files = {}
    for key, array, dtype in (("train_x", train_x, np.float32),
                              ("train_y", train_y, np.int32),
                              ("test_x", test_x, np.float32),
                              ("test_y", test_y, np.int32),
                              ("order", order, np.int32)):
        files[key] = os.path.join(args.out, key + ".bin")
        array.astype(dtype).tofile(files[key])

    torch.manual_seed(0)
    net = Net()
    onnx_path = os.path.join(args.out, "net.onnx")
    torch.onnx.export(net, torch.zeros(args.batch, 1, 28, 28), onnx_path,
                      input_names=["image"], output_names=["logits"],
                      opset_version=13)
    results = {}
    for name in args.runs.split(","):
        if name == "torch":
            results[name] = torch_run(net, data, order, args)
        elif name in VARIANTS:
            results[name] = c_run(name, onnx_path, files, args)
        else:
            sys.exit(f"unknown run '{name}'")
        curve, seconds = results[name]
        print(f"{name:11s} " + "  ".join(
            f"e{p['epoch']}: loss {p['loss'] if p['loss'] is None else round(p['loss'], 4)}"
            f" acc {p['accuracy']:.2f}%" for p in curve) + f"  ({seconds:.1f} s)",
              flush=True)
    with open(os.path.join(args.out, "curves.json"), "w") as f:
        json.dump({"settings": vars(args),
                   "runs": {k: {"curve": v[0], "seconds": v[1]}
                            for k, v in results.items()}}, f, indent=1)
    final = {k: v[0][-1]["accuracy"] for k, v in results.items()}
    print("final test accuracy: " +
          ", ".join(f"{k} {v:.2f}%" for k, v in final.items()))
    failures = 0
    if args.check:
        for a, b, limit in (("fp32", "torch", 1.0), ("int8", "fp32", 1.5)):
            if a in final and b in final:
                gap = abs(final[a] - final[b])
                ok = gap <= limit
                failures += not ok
                print(f"{'ok  ' if ok else 'FAIL'} |{a} - {b}| = {gap:.2f} "
                      f"points (limit {limit})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
