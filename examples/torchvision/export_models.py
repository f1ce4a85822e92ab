"""Exports torchvision architectures to float ONNX (opset 13) for Mote's
tests, at small input sizes, with batch-norm statistics settled by
train-mode passes (cumulative averages) on real images.

The images are Fashion-MNIST pictures (Debian's dataset-fashion-mnist) as
3-channel SIZE x SIZE inputs. Two things make INT8-vs-FP32 top-1 agreement
a meaningful check rather than an accident:
- real images, not noise: with noise a network's global pooling averages
  everything away and every input gets the same class;
- a short training run (--steps, default 300 Adam steps): a network with
  random weights is chaotic, so that uniform noise of one int8 step added
  after each layer already flips 30-50% of its top-1 answers (measured on
  MobileNetV2 and EfficientNet-B0), which no quantizer can avoid. --steps 0
  keeps the random weights.

Usage: export_models.py OUTDIR [--models a,b,...] [--size 64]
Writes OUTDIR/<name>.onnx, OUTDIR/calibration.npy (training images) and
OUTDIR/eval.npy (test images).
"""
import argparse
import gzip
import os

import numpy as np
import torch
import torchvision.models as tvm

MODELS = {
    "mobilenet_v2": lambda: tvm.mobilenet_v2(num_classes=10),
    "mobilenet_v3_small": lambda: tvm.mobilenet_v3_small(num_classes=10),
    "resnet18": lambda: tvm.resnet18(num_classes=10),
    "squeezenet1_1": lambda: tvm.squeezenet1_1(num_classes=10),
    "shufflenet_v2_x0_5": lambda: tvm.shufflenet_v2_x0_5(num_classes=10),
    "efficientnet_b0": lambda: tvm.efficientnet_b0(num_classes=10),
}


DATA = "/usr/share/datasets/fashion-mnist"


def load_images(name, count, size):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        raw = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    x = torch.from_numpy(raw[:count].astype(np.float32) / 255.0)
    x = torch.nn.functional.interpolate(x, size=(size, size), mode="bilinear",
                                        align_corners=False)
    x = (x - 0.286) / 0.353  # the dataset's mean and deviation
    return x.repeat(1, 3, 1, 1).contiguous()


def load_labels(name, count):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=8)[:count].astype(np.int64)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--size", type=int, default=32)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--calibration", type=int, default=32)
    ap.add_argument("--eval", type=int, default=100)
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    torch.manual_seed(0)
    torch.set_num_threads(2)
    count = max(256, min(60000, args.steps * 32))
    train = load_images("train-images-idx3-ubyte.gz", count, args.size)
    labels = torch.from_numpy(load_labels("train-labels-idx1-ubyte.gz", count))
    test = load_images("t10k-images-idx3-ubyte.gz", args.eval, args.size)
    np.save(os.path.join(args.outdir, "calibration.npy"),
            train[:args.calibration].numpy())
    np.save(os.path.join(args.outdir, "eval.npy"), test.numpy())
    for name in args.models.split(","):
        torch.manual_seed(0)
        model = MODELS[name]()
        optimizer = torch.optim.Adam(model.parameters(), 1e-3)
        model.train()
        for step in range(args.steps):
            i = (step * 32) % count
            loss = torch.nn.functional.cross_entropy(model(train[i:i + 32]),
                                                     labels[i:i + 32])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        # Settle the batch-norm running statistics to the activations'
        # real mean and variance (momentum None: cumulative average); the
        # initial mean 0 / var 1 make deep random networks explode or die.
        for m in model.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                m.reset_running_stats()
                m.momentum = None
        model.train()
        with torch.no_grad():
            for i in range(0, 256, 32):
                model(train[i:i + 32])
        model.eval()
        path = os.path.join(args.outdir, name + ".onnx")
        torch.onnx.export(model, test[:1], path, opset_version=13,
                          input_names=["input"], output_names=["logits"])
        print(f"exported {path} (training loss {loss.item() if args.steps else float('nan'):.2f})")


if __name__ == "__main__":
    main()
