"""Exports small CNNs with the activations real models use beyond ReLU
(LeakyReLU, GELU, ELU, SELU, PReLU) from Debian's PyTorch to ONNX, as a
user would: torch.onnx.export at opset 13, where GELU is written out with
Erf. Weights are random (seeded); the models are for numerics, not accuracy.

Usage: make_activation_models.py OUTDIR
Writes OUTDIR/act_cnn.onnx, OUTDIR/calib.npy and OUTDIR/inputs.npy.
"""
import os
import sys

import numpy as np
import torch
from torch import nn


class ActCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.a1 = nn.LeakyReLU(0.1)
        self.c2 = nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.a2 = nn.GELU()
        self.c3 = nn.Conv2d(8, 8, 1)
        self.a3 = nn.ELU(0.7)
        self.c4 = nn.Conv2d(8, 8, 3, stride=2, padding=1)
        self.a4 = nn.SELU()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        x = self.a1(self.c1(x))
        x = self.a2(self.c2(x))
        x = self.a3(self.c3(x))
        x = self.a4(self.c4(x))
        return self.fc(torch.flatten(self.pool(x), 1))


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    model = ActCNN().eval()
    torch.onnx.export(model, torch.zeros(1, 3, 12, 12),
                      os.path.join(out, "act_cnn.onnx"), opset_version=13,
                      input_names=["image"], output_names=["logits"])
    # A float-only variant with PReLU (per-channel slope), which Mote keeps
    # in float.
    prelu = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.PReLU(4),
                          nn.Conv2d(4, 2, 1), nn.PReLU()).eval()
    with torch.no_grad():
        prelu[1].weight.copy_(torch.tensor([0.25, -0.5, 0.0, 1.5]))
    torch.onnx.export(prelu, torch.zeros(1, 3, 6, 6),
                      os.path.join(out, "prelu.onnx"), opset_version=13,
                      input_names=["image"], output_names=["y"])
    rng = np.random.default_rng(5)
    np.save(os.path.join(out, "calib.npy"),
            rng.uniform(-1, 1, (32, 3, 12, 12)).astype(np.float32))
    np.save(os.path.join(out, "inputs.npy"),
            rng.uniform(-1, 1, (64, 3, 12, 12)).astype(np.float32))


if __name__ == "__main__":
    main(sys.argv[1])
