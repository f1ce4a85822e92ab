#!/usr/bin/env python3
"""On-device adaptation: a CNN pre-trained in PyTorch on Fashion-MNIST
classes 0-4 is exported to ONNX and fine-tuned by the C that
`motec compile --train` generates on classes 5-9: first the last layer only
(--train-layers=last:1), then every layer, continuing from the first
stage's weights (the device's state image goes through `motec weights
unpack` and `motec weights apply` into an ONNX model, which is compiled
again with every layer trainable). Prints the test accuracy on the new
classes (and on the old ones) before and after each stage.

Usage: finetune_on_device.py OUT [--motec motec] [--precision int8]
"""
import argparse
import os
import re
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fashion_mnist"))
from train_and_quantize import load_dataset  # noqa: E402
from train_on_device import Net, build_harness  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--motec", default="motec")
    ap.add_argument("--precision", default="int8")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--pretrain-steps", type=int, default=600)
    ap.add_argument("--samples", type=int, default=6000,
                    help="new-class training samples seen on the device")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--lr", type=float, default=0.02,
                    help="learning rate when the last layer trains")
    ap.add_argument("--lr-all", type=float, default=0.005,
                    help="learning rate when every layer trains")
    ap.add_argument("--min-accuracy", type=float, default=0.0,
                    help="fail unless every fine-tuning reaches this "
                         "accuracy on the new classes")
    args = ap.parse_args()
    failures = 0
    os.makedirs(args.out, exist_ok=True)
    train_x, train_y, test_x, test_y = load_dataset()
    old, new = train_y < 5, train_y >= 5

    # Pre-training in PyTorch on classes 0-4 only.
    torch.manual_seed(0)
    torch.set_num_threads(1)
    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    rng = np.random.default_rng(0)
    ox, oy = train_x[old], train_y[old]
    for _ in range(args.pretrain_steps):
        idx = rng.integers(0, len(ox), size=64)
        opt.zero_grad()
        F.cross_entropy(net(torch.from_numpy(ox[idx])),
                        torch.from_numpy(oy[idx]).long()).backward()
        opt.step()
    onnx_path = os.path.join(args.out, "pretrained.onnx")
    torch.onnx.export(net, torch.zeros(args.batch, 1, 28, 28), onnx_path,
                      input_names=["image"], output_names=["logits"],
                      opset_version=13)

    # The device's data: classes 5-9.
    nx, ny = train_x[new][:args.samples], train_y[new][:args.samples]
    per_epoch = len(nx) // args.batch * args.batch
    order = np.concatenate([rng.permutation(len(nx))[:per_epoch]
                            for _ in range(args.epochs)]).astype(np.int32)
    files = {}
    for key, array, dtype in (("train_x", nx, np.float32),
                              ("train_y", ny, np.int32),
                              ("order", order, np.int32),
                              ("new_x", test_x[test_y >= 5], np.float32),
                              ("new_y", test_y[test_y >= 5], np.int32),
                              ("old_x", test_x[test_y < 5], np.float32),
                              ("old_y", test_y[test_y < 5], np.int32)):
        files[key] = os.path.join(args.out, key + ".bin")
        array.astype(dtype).tofile(files[key])

    print(f"pre-trained on classes 0-4 in PyTorch ({args.pretrain_steps} "
          f"steps); fine-tuning on {per_epoch} images of classes 5-9 x "
          f"{args.epochs} epoch(s), {args.precision} generated C")
    model = onnx_path
    for layers in ("last:1", "all"):
        outdir = os.path.join(args.out, layers.replace(":", ""))
        train_opts = [f"--train-precision={args.precision}",
                      f"--train-layers={layers}",
                      "--optimizer=sgd:lr="
                      f"{args.lr if layers != 'all' else args.lr_all},"
                      "momentum=0.9"]
        exe = build_harness(args.motec, model, outdir, train_opts, args.batch)
        image = os.path.join(outdir, "state.img")

        def accuracies(test):
            out = subprocess.run(
                [exe, files["train_x"], files["train_y"], files["order"],
                 str(args.epochs), files[test + "_x"], files[test + "_y"],
                 image], check=True, capture_output=True, text=True).stdout
            return [float(a) for a in re.findall(r"accuracy ([\d.]+)", out)]

        new_acc, old_acc = accuracies("new"), accuracies("old")
        print(f"train-layers={layers:7s} classes 5-9: {new_acc[0]:5.2f}% -> "
              f"{new_acc[-1]:5.2f}%   classes 0-4: {old_acc[0]:5.2f}% -> "
              f"{old_acc[-1]:5.2f}%")
        if new_acc[-1] < args.min_accuracy:
            failures += 1
            print(f"FAIL train-layers={layers}: {new_acc[-1]:.2f}% on the new "
                  f"classes, below {args.min_accuracy}%")
        # The trained weights back into ONNX for the next stage.
        mtw = os.path.join(outdir, "trained.mtw")
        model = os.path.join(outdir, "trained.onnx")
        subprocess.run([args.motec, "weights", "unpack", image, "-o", mtw],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run([args.motec, "weights", "apply", onnx_path if
                        layers != "all" else os.path.join(
                            args.out, "last1", "trained.onnx"), mtw,
                        *train_opts, "--name", "net", "-o", model], check=True,
                       stdout=subprocess.DEVNULL)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
