"""Trains the float models of Mote's post-training-quantization and QAT
checks on Fashion-MNIST (Debian's dataset-fashion-mnist, Debian's torch):

- fashion_cnn_fp32.onnx: the bundled example's CNN (conv-relu-pool x2, FC);
- fashion_resnet_fp32.onnx: a residual CNN with batch normalization, a
  residual add, a strided conv and global average pooling;
- fashion_qat.onnx: the residual CNN fine-tuned with fake quantization
  (int8 per-tensor activations, per-channel weights) and exported the way
  PyTorch leaves it: QuantizeLinear / DequantizeLinear pairs from the
  fake-quant ops and BatchNormalization nodes not folded into the convs.

Also writes calibration.npy (500 training images, the data motec
calibrates on), test_images.npy and test_labels.npy.

Usage: train_float_models.py OUTDIR [--epochs N]
"""
import argparse
import os

import numpy as np
import torch
import torch.nn.functional as F

from train_and_quantize import Net, load_dataset


class ResNetish(torch.nn.Module):
    def __init__(self):
        super().__init__()
        conv = lambda i, o, s=1: torch.nn.Conv2d(i, o, 3, stride=s, padding=1, bias=False)
        self.stem, self.bn0 = conv(1, 16), torch.nn.BatchNorm2d(16)
        self.conv1, self.bn1 = conv(16, 16), torch.nn.BatchNorm2d(16)
        self.conv2, self.bn2 = conv(16, 16), torch.nn.BatchNorm2d(16)
        self.down, self.bn3 = conv(16, 32, 2), torch.nn.BatchNorm2d(32)
        self.fc = torch.nn.Linear(32, 10)
        self.fake_quant = False
        self.ranges = {}

    def act(self, name, x):
        """Fake-quantizes activation `name` to int8 with a moving min/max."""
        if not self.fake_quant:
            return x
        if self.training:
            lo, hi = float(x.min()), float(x.max())
            old = self.ranges.get(name)
            self.ranges[name] = (lo, hi) if old is None else (
                0.9 * old[0] + 0.1 * lo, 0.9 * old[1] + 0.1 * hi)
        lo, hi = self.ranges[name]
        lo, hi = min(lo, 0.0), max(hi, 0.0)
        scale = max(hi - lo, 1e-8) / 255.0
        zero = int(np.clip(np.round(-128 - lo / scale), -128, 127))
        return torch.fake_quantize_per_tensor_affine(x, scale, zero, -128, 127)

    def weight(self, layer):
        """Fake-quantizes a conv or linear weight per output channel."""
        if not self.fake_quant:
            return layer.weight
        w = layer.weight
        # Computed outside the traced graph, so the export holds constants.
        flat = w.detach().numpy().reshape(w.shape[0], -1)
        scale = torch.tensor(np.maximum(np.abs(flat).max(axis=1), 1e-8) / 127.0,
                             dtype=torch.float32)
        zero = torch.zeros(w.shape[0], dtype=torch.int32)
        return torch.fake_quantize_per_channel_affine(w, scale, zero, 0, -128, 127)

    def conv_bn(self, conv, bn, x):
        return bn(F.conv2d(x, self.weight(conv), None, conv.stride, conv.padding))

    def forward(self, x):
        x = self.act("input", x)
        x = self.act("a0", F.relu(self.conv_bn(self.stem, self.bn0, x)))
        x = F.max_pool2d(x, 2)
        y = self.act("a1", F.relu(self.conv_bn(self.conv1, self.bn1, x)))
        y = self.act("a2", self.conv_bn(self.conv2, self.bn2, y))
        x = self.act("a3", F.relu(x + y))
        x = self.act("a4", F.relu(self.conv_bn(self.down, self.bn3, x)))
        x = self.act("pool", F.adaptive_avg_pool2d(x, 1)).flatten(1)
        return self.act("logits", F.linear(x, self.weight(self.fc), self.fc.bias))


def train(net, x, y, epochs, lr, seed):
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    net.train()
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=gen).numpy()
        for i in range(0, len(order), 64):
            idx = order[i:i + 64]
            loss = F.cross_entropy(net(torch.from_numpy(x[idx])), torch.from_numpy(y[idx]))
            opt.zero_grad()
            loss.backward()
            opt.step()
    net.eval()


def accuracy(net, x, y):
    with torch.no_grad():
        return 100.0 * (net(torch.from_numpy(x)).argmax(1).numpy() == y).mean()


def export(net, path):
    torch.onnx.export(net, torch.zeros(1, 1, 28, 28), path, input_names=["image"],
                      output_names=["logits"], opset_version=13)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--epochs", type=int, default=2)
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    torch.manual_seed(0)
    torch.set_num_threads(2)
    train_x, train_y, test_x, test_y = load_dataset()

    cnn = Net()
    train(cnn, train_x, train_y, args.epochs, 2e-3, 0)
    print(f"fashion_cnn fp32 test accuracy (PyTorch): {accuracy(cnn, test_x, test_y):.2f}%")
    export(cnn, os.path.join(args.outdir, "fashion_cnn_fp32.onnx"))

    resnet = ResNetish()
    train(resnet, train_x, train_y, args.epochs, 2e-3, 1)
    print(f"fashion_resnet fp32 test accuracy (PyTorch): {accuracy(resnet, test_x, test_y):.2f}%")
    export(resnet, os.path.join(args.outdir, "fashion_resnet_fp32.onnx"))

    # Quantization-aware fine-tuning of the residual CNN: one epoch with
    # fake quantization in the forward pass (straight-through gradients).
    resnet.fake_quant = True
    train(resnet, train_x[:20000], train_y[:20000], 1, 2e-4, 2)
    print(f"fashion_qat fake-quant test accuracy (PyTorch): {accuracy(resnet, test_x, test_y):.2f}%")
    export(resnet, os.path.join(args.outdir, "fashion_qat.onnx"))

    np.save(os.path.join(args.outdir, "calibration.npy"), train_x[:500])
    np.save(os.path.join(args.outdir, "test_images.npy"), test_x)
    np.save(os.path.join(args.outdir, "test_labels.npy"), test_y)
    print(f"wrote {args.outdir}")


if __name__ == "__main__":
    main()
