"""The small CNN of the collaborative-learning runs and tests (Fashion-MNIST,
28x28 grey images): conv 1->4, ReLU, 2x2 max pooling (the cut,
`/MaxPool_output_0`, 4x14x14), conv 4->8, ReLU, fully connected to 10
classes. Untrained: split learning trains both halves from scratch.

    python3 -m mote_collab.models OUT.onnx [--seed 5]
"""
import argparse

import torch

CUT = "/MaxPool_output_0"


class SmallCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 4, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(4, 8, 3, padding=1)
        self.fc = torch.nn.Linear(8 * 14 * 14, 10)

    def head(self, x):
        return torch.nn.functional.max_pool2d(torch.relu(self.conv1(x)), 2)

    def tail(self, h):
        return self.fc(torch.relu(self.conv2(h)).flatten(1))

    def forward(self, x):
        return self.tail(self.head(x))


def export(path, seed=5):
    """Writes the untrained model (weights drawn from `seed`) as ONNX."""
    torch.manual_seed(seed)
    torch.onnx.export(SmallCnn().eval(), torch.zeros(1, 1, 28, 28), path,
                      input_names=["image"], output_names=["logits"], opset_version=13)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(prog="mote-collab-models", description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    export(args.out, args.seed)
