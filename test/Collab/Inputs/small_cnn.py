"""Exports a small untrained CNN for Fashion-MNIST's 28x28 images as ONNX:
conv 1->4, ReLU, 2x2 max pooling (the cut: /MaxPool_output_0), conv 4->8,
ReLU, fully connected to 10 classes.

    small_cnn.py OUT.onnx
"""
import sys

import torch


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 4, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(4, 8, 3, padding=1)
        self.fc = torch.nn.Linear(8 * 14 * 14, 10)

    def forward(self, x):
        h = torch.nn.functional.max_pool2d(torch.relu(self.conv1(x)), 2)
        return self.fc(torch.relu(self.conv2(h)).flatten(1))


torch.manual_seed(5)
torch.onnx.export(Net().eval(), torch.zeros(1, 1, 28, 28), sys.argv[1],
                  input_names=["image"], output_names=["logits"], opset_version=13)
