"""Trains the bundled example, a small CNN on Fashion-MNIST, and writes it as
an INT8 QDQ ONNX model, the form ONNX quantizers produce.

Everything comes from Debian packages: the data from dataset-fashion-mnist,
training from python3-torch. Post-training quantization is done here with
NumPy: weights per output channel (symmetric int8), activations per tensor
(asymmetric int8) from min/max ranges seen on 500 training images, biases
int32 with scale input x weight.

Usage: train_and_quantize.py OUTDIR [--epochs N]
Writes OUTDIR/fashion_cnn.onnx (QDQ), OUTDIR/fashion_cnn_fp32.onnx, and the
test set as OUTDIR/test_images.npy (10000x1x28x28 float32 in [0, 1]) and
OUTDIR/test_labels.npy.
"""
import argparse
import gzip
import os

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

DATA = "/usr/share/datasets/fashion-mnist"


def load_idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_dataset():
    """Training and test images (N x 1 x 28 x 28 floats in [0, 1]) and labels."""
    def images(name):
        return load_idx(name).astype(np.float32)[:, None] / 255.0

    return (images("train-images-idx3-ubyte.gz"),
            load_idx("train-labels-idx1-ubyte.gz").astype(np.int64),
            images("t10k-images-idx3-ubyte.gz"),
            load_idx("t10k-labels-idx1-ubyte.gz").astype(np.int64))


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(8, 16, 3, padding=1)
        self.fc = torch.nn.Linear(16 * 7 * 7, 10)

    def forward(self, x, taps=None):
        a1 = torch.relu(self.conv1(x))
        p1 = torch.nn.functional.max_pool2d(a1, 2)
        a2 = torch.relu(self.conv2(p1))
        p2 = torch.nn.functional.max_pool2d(a2, 2)
        y = self.fc(torch.flatten(p2, 1))
        if taps is not None:
            taps.update(a1=a1, a2=a2, y=y)
        return y


def act_params(values):
    """Asymmetric int8 scale and zero point covering [min(0, lo), max(0, hi)]."""
    lo, hi = min(0.0, float(values.min())), max(0.0, float(values.max()))
    scale = max(hi - lo, 1e-8) / 255.0
    zero = int(np.clip(np.round(-128 - lo / scale), -128, 127))
    return np.float32(scale), np.int8(zero)


def weight_params(w):
    """Symmetric per-output-channel int8 weights."""
    flat = w.reshape(w.shape[0], -1)
    scale = np.maximum(np.abs(flat).max(axis=1), 1e-8) / 127.0
    q = np.clip(np.round(flat / scale[:, None]), -127, 127).astype(np.int8)
    return q.reshape(w.shape), scale.astype(np.float32)


def build_qdq(net, calib):
    taps = {}
    with torch.no_grad():
        net(torch.from_numpy(calib), taps)
    s_in, z_in = np.float32(1.0 / 255.0), np.int8(-128)
    s1, z1 = act_params(taps["a1"].numpy())
    s2, z2 = act_params(taps["a2"].numpy())
    s3, z3 = act_params(taps["y"].numpy())
    inits, nodes = [], []

    def const(name, value):
        inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def qdq(x, scale, zero, name):
        const(name + "_s", scale)
        const(name + "_z", zero)
        nodes.append(helper.make_node("QuantizeLinear", [x, name + "_s", name + "_z"], [name + "_q"]))
        nodes.append(helper.make_node("DequantizeLinear", [name + "_q", name + "_s", name + "_z"], [name]))
        return name

    def layer_params(prefix, weight, bias, s_x):
        wq, sw = weight_params(weight)
        bq = np.round(bias / (s_x * sw)).astype(np.int32)
        const(prefix + "_wq", wq)
        const(prefix + "_ws", sw)
        const(prefix + "_wz", np.zeros(len(sw), np.int8))
        const(prefix + "_bq", bq)
        const(prefix + "_bs", (s_x * sw).astype(np.float32))
        const(prefix + "_bz", np.zeros(len(sw), np.int32))
        nodes.append(helper.make_node("DequantizeLinear", [prefix + "_wq", prefix + "_ws", prefix + "_wz"], [prefix + "_w"], axis=0))
        nodes.append(helper.make_node("DequantizeLinear", [prefix + "_bq", prefix + "_bs", prefix + "_bz"], [prefix + "_b"], axis=0))
        return prefix + "_w", prefix + "_b"

    p = {k: v.detach().numpy() for k, v in net.state_dict().items()}
    x = qdq("image", s_in, z_in, "x")
    w, b = layer_params("conv1", p["conv1.weight"], p["conv1.bias"], s_in)
    nodes.append(helper.make_node("Conv", [x, w, b], ["c1"], pads=[1, 1, 1, 1], kernel_shape=[3, 3]))
    nodes.append(helper.make_node("Relu", ["c1"], ["r1"]))
    a1 = qdq("r1", s1, z1, "a1")
    nodes.append(helper.make_node("MaxPool", [a1], ["m1"], kernel_shape=[2, 2], strides=[2, 2]))
    p1 = qdq("m1", s1, z1, "p1")
    w, b = layer_params("conv2", p["conv2.weight"], p["conv2.bias"], s1)
    nodes.append(helper.make_node("Conv", [p1, w, b], ["c2"], pads=[1, 1, 1, 1], kernel_shape=[3, 3]))
    nodes.append(helper.make_node("Relu", ["c2"], ["r2"]))
    a2 = qdq("r2", s2, z2, "a2")
    nodes.append(helper.make_node("MaxPool", [a2], ["m2"], kernel_shape=[2, 2], strides=[2, 2]))
    p2 = qdq("m2", s2, z2, "p2")
    const("flat_shape", np.array([1, 16 * 7 * 7], np.int64))
    nodes.append(helper.make_node("Reshape", [p2, "flat_shape"], ["flat"]))
    w, b = layer_params("fc", p["fc.weight"], p["fc.bias"], s2)
    nodes.append(helper.make_node("Gemm", ["flat", w, b], ["logits_f"], transB=1))
    qdq("logits_f", s3, z3, "logits")
    graph = helper.make_graph(
        nodes, "fashion_cnn",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 1, 28, 28])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--epochs", type=int, default=3)
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    torch.manual_seed(0)
    torch.set_num_threads(2)
    train_x, train_y, test_x, test_y = load_dataset()

    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    gen = torch.Generator().manual_seed(0)
    for epoch in range(args.epochs):
        order = torch.randperm(len(train_x), generator=gen).numpy()
        for i in range(0, len(order), 64):
            idx = order[i:i + 64]
            loss = torch.nn.functional.cross_entropy(
                net(torch.from_numpy(train_x[idx])), torch.from_numpy(train_y[idx]))
            opt.zero_grad()
            loss.backward()
            opt.step()
    net.eval()
    with torch.no_grad():
        pred = net(torch.from_numpy(test_x)).argmax(1).numpy()
    print(f"fp32 test accuracy (PyTorch): {100.0 * (pred == test_y).mean():.2f}%")

    torch.onnx.export(net, torch.zeros(1, 1, 28, 28), os.path.join(args.outdir, "fashion_cnn_fp32.onnx"),
                      input_names=["image"], output_names=["logits"], opset_version=13)
    onnx.save(build_qdq(net, train_x[:500]), os.path.join(args.outdir, "fashion_cnn.onnx"))
    np.save(os.path.join(args.outdir, "test_images.npy"), test_x)
    np.save(os.path.join(args.outdir, "test_labels.npy"), test_y)
    print(f"wrote {args.outdir}/fashion_cnn.onnx")


if __name__ == "__main__":
    main()
