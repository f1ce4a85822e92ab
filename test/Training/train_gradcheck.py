#!/usr/bin/env python3
"""Checks the FP32 train step motec generates against PyTorch autograd.

A small CNN with every op the backward pass supports (convolution,
depthwise convolution, fully-connected, ReLU, ReLU6, max / average / global
average pooling, a residual add, flatten) is exported to ONNX and compiled
with `motec compile --train`. The generated example program runs one step
(or several) on fixed batches and writes the arena's state; the script
reads it through the layout table in the generated header and compares:

  * after one SGD step with momentum, each momentum buffer holds the
    gradient exactly (m = 0.9 * 0 + g): it must match torch's .grad within
    --rtol (relative to the largest gradient of that tensor), and the loss
    must match torch's;
  * after --steps steps of SGD with momentum and of Adam, every parameter
    must match torch.optim's result (relative to the tensor's change).

With --loss bce, mse or l1 the network is trained against float targets
of the output's shape (for bce, probabilities, with a final sigmoid the
loss takes in, as F.binary_cross_entropy_with_logits does).

Usage: train_gradcheck.py MOTEC RUNTIME_DIR WORKDIR [--net cnn|datamove|gates]
                          [--loss cross-entropy|bce|mse|l1]
"""
import argparse
import glob
import os
import re
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 8, 3, padding=1)
        self.dw = nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.c2 = nn.Conv2d(8, 16, 1)
        self.c3 = nn.Conv2d(16, 16, 3, stride=2, padding=1)
        self.fc1 = nn.Linear(16 * 2 * 2, 24)
        self.fc2 = nn.Linear(24, 10)
        self.fc3 = nn.Linear(16, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)            # 8x6x6
        x = x + F.relu6(self.dw(x))                         # residual add
        x = F.avg_pool2d(x, 2)                              # 8x3x3
        x = F.relu(self.c2(x))                              # 16x3x3
        x = F.relu(self.c3(x))                              # 16x2x2
        g = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)   # global pool
        h = F.relu(self.fc1(torch.flatten(x, 1)))
        return self.fc2(h) + self.fc3(g)


class DataMoveNet(nn.Module):
    """Data movement between layers (--net datamove): a concatenation of
    two branches (SqueezeNet's fire module), a slice, a constant pad and a
    transpose, each of which the backward must route through."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 4, 3, padding=1)
        self.squeeze = nn.Conv2d(4, 4, 1)
        self.expand = nn.Conv2d(4, 4, 3, padding=1)
        self.c3 = nn.Conv2d(8, 8, 3)
        self.fc = nn.Linear(8 * 4 * 5, 10)

    def forward(self, x):
        x = F.relu(self.c1(x))                                   # 4x12x12
        x = torch.cat([F.relu(self.squeeze(x)),
                       F.relu(self.expand(x))], 1)               # 8x12x12
        x = x[:, :, 1:, 2:11]                                    # 8x11x9
        x = F.pad(x, (1, 0, 0, 1))                               # 8x12x10
        x = x.transpose(2, 3)                                    # 8x10x12
        x = F.max_pool2d(F.relu(self.c3(x)), 2)                  # 8x4x5
        return self.fc(torch.flatten(x, 1))


class GateNet(nn.Module):
    """MobileNetV3's pieces (--net gates): hard swish, a squeeze-excite
    gate (hard sigmoid) multiplying the feature map by broadcasting, a
    sigmoid, a broadcasting add and subtraction, and a tanh."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 8, 3, padding=1)
        self.se1 = nn.Conv2d(8, 4, 1)
        self.se2 = nn.Conv2d(4, 8, 1)
        self.c2 = nn.Conv2d(8, 8, 3, stride=2, padding=1)
        self.fc1 = nn.Linear(8 * 6 * 6, 16)
        self.fc2 = nn.Linear(16, 10)

    def forward(self, x):
        x = F.hardswish(self.c1(x))                              # 8x12x12
        pooled = F.adaptive_avg_pool2d(x, 1)                     # 8x1x1
        s = F.hardsigmoid(self.se2(F.relu(self.se1(pooled))))
        x = x * s                                                # gate
        x = torch.sigmoid(self.c2(x)) + s - pooled               # 8x6x6
        return self.fc2(torch.tanh(self.fc1(torch.flatten(x, 1))))


class MatMulLinear(nn.Module):
    """A linear layer coded as `x @ w + b`: exported as MatMul by a [K, N]
    constant and an Add, not as Gemm."""

    def __init__(self, k, n):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(n, k) / k ** 0.5)
        self.bias = nn.Parameter(torch.randn(n) * 0.1)

    def forward(self, x):
        return x @ self.weight.t() + self.bias


class MatMulNet(nn.Module):
    """An MLP of MatMul + Add layers with sigmoid units (--net mlp)."""

    def __init__(self):
        super().__init__()
        self.fc1 = MatMulLinear(144, 32)
        self.fc2 = MatMulLinear(32, 10)

    def forward(self, x):
        return self.fc2(torch.sigmoid(self.fc1(torch.flatten(x, 1))))


class AttentionNet(nn.Module):
    """Self-attention's products (--net attention): the image's rows as 12
    tokens, query, key and value layers on [B, T, K] (MatMul + Add), the
    scores q k^T and their product with v, both matmuls of two
    activations (tanh in place of the softmax, which has no backward)."""

    def __init__(self):
        super().__init__()
        self.q = nn.Linear(12, 8)
        self.k = nn.Linear(12, 8)
        self.v = nn.Linear(12, 8)
        self.fc = nn.Linear(12 * 8, 10)

    def forward(self, x):
        t = x.reshape(-1, 12, 12)
        q, k, v = self.q(t), self.k(t), self.v(t)
        a = torch.tanh(q @ k.transpose(1, 2) * 0.35)             # 12x12
        return self.fc(torch.flatten(a @ v, 1))


class ActivationNet(nn.Module):
    """Leaky ReLU, GELU (exported as its erf formula) and a softmax inside
    the model, over the channels, gating the feature map (--net acts)."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 3, padding=1)
        self.c2 = nn.Conv2d(6, 6, 3, stride=2, padding=1)
        self.fc = nn.Linear(6 * 6 * 6, 10)

    def forward(self, x):
        x = F.leaky_relu(self.c1(x), 0.1)                        # 6x12x12
        x = F.gelu(self.c2(x))                                   # 6x6x6
        x = x * torch.softmax(x, dim=1)
        return self.fc(torch.flatten(x, 1))


# Each network, its conv / FC modules in the model's order, and the opset
# it is exported at (14: HardSwish as one op).
NETS = {
    "cnn": (Net, ["c1", "dw", "c2", "c3", "fc1", "fc2", "fc3"], 13),
    "datamove": (DataMoveNet, ["c1", "squeeze", "expand", "c3", "fc"], 13),
    "gates": (GateNet, ["c1", "se1", "se2", "c2", "fc1", "fc2"], 14),
    "mlp": (MatMulNet, ["fc1", "fc2"], 13),
    "attention": (AttentionNet, ["q", "k", "v", "fc"], 13),
    "acts": (ActivationNet, ["c1", "c2", "fc"], 13),
}


# Each --loss: PyTorch's function of the logits and the labels or targets.
LOSSES = {
    "cross-entropy": lambda z, y: F.cross_entropy(z, y.long()),
    "bce": F.binary_cross_entropy_with_logits,
    "mse": F.mse_loss,
    "l1": F.l1_loss,
}


def compile_and_build(args, onnx_path, optimizer, outdir):
    subprocess.run([args.motec, "compile", onnx_path, "--train",
                    "--loss=" + args.loss,
                    "--optimizer=" + optimizer, "--name", "net",
                    "--runtime-dir", args.runtime_dir, "-o", outdir],
                   check=True, stdout=subprocess.DEVNULL)
    runtime = os.path.join(outdir, "runtime")
    # Every runtime source the package holds (kernels and training).
    sources = sorted(glob.glob(os.path.join(runtime, "src", "*.c")))
    subprocess.run([os.environ.get("CC", "cc"), "-std=c99", "-O2",
                    "-ffp-contract=off", "-I" + outdir,
                    "-I" + os.path.join(runtime, "include"),
                    "-I" + os.path.join(runtime, "boards"),
                    os.path.join(outdir, "main.c"), os.path.join(outdir, "net.c"),
                    *sources, os.path.join(runtime, "boards", "mote_board_hosted.c"),
                    "-o", os.path.join(outdir, "train")], check=True)


def read_state(outdir, path):
    """The state tensors by name, from the header's layout table."""
    header = open(os.path.join(outdir, "net.h")).read()
    state_bytes = int(re.search(r"NET_STATE_BYTES (\d+)", header).group(1))
    raw = np.fromfile(path, dtype=np.uint8)[-state_bytes:]  # image payload
    state = {}
    for name, offset, count, _ in re.findall(
            r'\{"(\w+)", (\d+), (\d+), (\d)\}', header):
        state[name] = raw[int(offset):int(offset) + 4 * int(count)].view(
            np.float32)
    return state


def run_steps(outdir, images, labels, steps):
    inputs = os.path.join(outdir, "inputs.bin")
    label_file = os.path.join(outdir, "labels.bin")
    state = os.path.join(outdir, "state.bin")
    images.astype(np.float32).tofile(inputs)
    labels.tofile(label_file)
    out = subprocess.run([os.path.join(outdir, "train"), inputs, label_file,
                          str(steps), state], check=True, capture_output=True,
                         text=True).stdout
    losses = [float(v) for v in re.findall(r"loss\s+(-?[\d.]+)", out)]
    return read_state(outdir, state), losses


def onnx_layers(path):
    """(weight, bias) of each Conv, Gemm and MatMul node of an ONNX model in
    graph order, as PyTorch lays them out ([N, K] for a MatMul's [K, N]
    initializer, whose bias is the constant of the Add after it)."""
    model = onnx.load(path)
    init = {t.name: numpy_helper.to_array(t)
            for t in model.graph.initializer}
    layers = []
    for node in model.graph.node:
        if node.op_type in ("Conv", "Gemm"):
            layers.append((init[node.input[1]], init[node.input[2]]))
        elif node.op_type == "MatMul" and node.input[1] in init:
            add = next(n for n in model.graph.node
                       if n.op_type == "Add" and node.output[0] in n.input)
            bias = next(init[i] for i in add.input if i in init)
            layers.append((init[node.input[1]].T, bias))
    return layers


def rel(a, b, scale):
    return float(np.max(np.abs(a - b)) / max(scale, 1e-30))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("motec")
    ap.add_argument("runtime_dir")
    ap.add_argument("workdir")
    ap.add_argument("--rtol", type=float, default=1e-4)
    ap.add_argument("--adam-rtol", type=float, default=None,
                    help="limit of the Adam comparison (default --rtol): "
                         "Adam's first step moves a weight by lr * g / "
                         "(|g| + eps), so a gradient element near eps "
                         "(1e-8) magnifies rounding differences")
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--net", choices=sorted(NETS), default="cnn")
    ap.add_argument("--loss", choices=sorted(LOSSES), default="cross-entropy")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    torch.manual_seed(0)
    make_net, layer_names, opset = NETS[args.net]
    net = make_net()
    # The torch modules in the order of the model's conv / FC ops (ONNX).
    layers = [getattr(net, name) for name in layer_names]
    batch = 4
    onnx_path = os.path.join(args.workdir, "net.onnx")
    # With bce the exported model ends in the sigmoid the loss includes.
    exported = nn.Sequential(net, nn.Sigmoid()) if args.loss == "bce" else net
    torch.onnx.export(exported, torch.zeros(batch, 1, 12, 12), onnx_path,
                      input_names=["image"], output_names=["logits"],
                      opset_version=opset)
    initial = {k: v.clone() for k, v in net.state_dict().items()}
    rng = np.random.default_rng(1)
    images = rng.normal(size=(args.steps, batch, 1, 12, 12)).astype(np.float32)
    if args.loss == "cross-entropy":
        labels = rng.integers(0, 10, size=(args.steps, batch)).astype(np.int32)
    else:  # targets of the logits' shape; probabilities for bce
        labels = rng.uniform(0 if args.loss == "bce" else -1, 1,
                             size=(args.steps, batch, 10)).astype(np.float32)
    loss_fn = LOSSES[args.loss]
    failures = 0

    def check(what, value, limit):
        nonlocal failures
        ok = value <= limit
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {what}: {value:.2e} (limit {limit:.0e})")

    # 1. Gradients of one step, read from the momentum buffers.
    sgd_dir = os.path.join(args.workdir, "sgd")
    compile_and_build(args, onnx_path, "sgd:lr=0.05,momentum=0.9", sgd_dir)
    state, losses = run_steps(sgd_dir, images[:1], labels[:1], 1)
    net.zero_grad()
    loss = loss_fn(net(torch.from_numpy(images[0])),
                   torch.from_numpy(labels[0]))
    loss.backward()
    check("loss", abs(losses[0] - loss.item()) / abs(loss.item()), args.rtol)
    for i, module in enumerate(layers):
        for kind in ("weight", "bias"):
            grad = getattr(module, kind).grad.numpy().ravel()
            mine = state[f"l{i}_{kind}_momentum"]
            check(f"gradient of layer {i} {kind} ({grad.size} values)",
                  rel(mine, grad, np.max(np.abs(grad))), args.rtol)

    # 2. Several steps of each optimizer against torch.optim.
    for spec, make in (
            ("sgd:lr=0.05,momentum=0.9,weight_decay=0.001",
             lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9,
                                       weight_decay=0.001)),
            ("adam:lr=0.01", lambda p: torch.optim.Adam(p, lr=0.01))):
        net.load_state_dict(initial)
        opt = make(net.parameters())
        for s in range(args.steps):
            opt.zero_grad()
            loss_fn(net(torch.from_numpy(images[s])),
                    torch.from_numpy(labels[s])).backward()
            opt.step()
        outdir = os.path.join(args.workdir, spec.split(":")[0] + "_steps")
        compile_and_build(args, onnx_path, spec, outdir)
        state, _ = run_steps(outdir, images, labels, args.steps)
        adam = spec.startswith("adam")
        limit = args.adam_rtol if adam and args.adam_rtol else args.rtol
        for i, module in enumerate(layers):
            for kind in ("weight", "bias"):
                final = getattr(module, kind).detach().numpy().ravel()
                start = initial[f"{layer_names[i]}.{kind}"].numpy().ravel()
                mine = state[f"l{i}_{kind}"]
                check(f"{spec.split(':')[0]} x{args.steps}: layer {i} {kind}",
                      rel(mine, final, np.max(np.abs(final - start))),
                      limit)
        if adam:
            continue
        # The trained values written back into the ONNX model.
        mtw = os.path.join(outdir, "trained.mtw")
        trained = os.path.join(outdir, "trained.onnx")
        subprocess.run([args.motec, "weights", "unpack",
                        os.path.join(outdir, "state.bin"), "-o", mtw],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run([args.motec, "weights", "apply", onnx_path, mtw,
                        "--optimizer=" + spec, "--name", "net", "-o", trained],
                       check=True, stdout=subprocess.DEVNULL)
        written = onnx_layers(trained)
        for i, module in enumerate(layers):
            for j, kind in enumerate(("weight", "bias")):
                final = getattr(module, kind).detach().numpy()
                start = initial[f"{layer_names[i]}.{kind}"].numpy()
                check(f"ONNX after sgd x{args.steps}: layer {i} {kind}",
                      rel(written[i][j].reshape(final.shape), final,
                          np.max(np.abs(final - start))), args.rtol)
    print("gradcheck:", "FAILED" if failures else "passed",
          f"({failures} failure(s))")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
