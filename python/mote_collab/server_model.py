"""The server half of a split model as a PyTorch module.

`motec compile --split-at` writes the layers after the cut as an ONNX model
(<name>_server.onnx) whose input is the cut's tensor. `load_server_model`
turns it into a torch.nn.Module that a server trains: the weights and biases
of convolutions, fully-connected layers and batch norms become
nn.Parameters (an int8 weight of a QDQ model becomes its dequantized float
value), and the activations' QuantizeLinear / DequantizeLinear pairs become
fake quantization with a straight-through gradient, so the forward pass is
the model's. The leading dimension is the batch: the module runs batches of
any size although the exported model has batch 1.
"""
import re

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper


class UnsupportedOnnx(ValueError):
    """A node the server module cannot express, with its name and op."""


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _pair(pads):
    """ONNX pads [t, l, b, r] as torch's symmetric padding, or None."""
    t, l, b, r = pads
    return (t, l) if (t, l) == (b, r) else None


class _RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.round(x)  # half to even, as ONNX QuantizeLinear

    @staticmethod
    def backward(ctx, g):
        return g


class ServerModel(torch.nn.Module):
    """An ONNX graph run node by node on torch tensors."""

    # Inputs of these ops that are trained when they are constants.
    TRAINED = {"Conv": (1, 2), "Gemm": (1, 2), "MatMul": (1,),
               "BatchNormalization": (1, 2)}

    def __init__(self, model):
        super().__init__()
        graph = model.graph
        self.input_names = [i.name for i in graph.input]
        self.output_names = [o.name for o in graph.output]
        self.nodes = list(graph.node)
        self._consts = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
        for node in self.nodes:
            if node.op_type == "Constant":
                self._consts[node.output[0]] = numpy_helper.to_array(_attrs(node)["value"])
        producers = {o: n for n in self.nodes for o in n.output}
        self.params = torch.nn.ParameterDict()
        self._param_of = {}  # tensor name -> parameter key
        for node in self.nodes:
            for index in self.TRAINED.get(node.op_type, ()):
                if index >= len(node.input) or not node.input[index]:
                    continue
                name = node.input[index]
                value = self._constant_value(name, producers)
                if value is None or name in self._param_of:
                    continue
                key = re.sub(r"[^A-Za-z0-9_]", "_", name) or "p"
                while key in self.params:
                    key += "_"
                self.params[key] = torch.nn.Parameter(
                    torch.from_numpy(np.array(value, dtype=np.float32)))
                self._param_of[name] = key
        for node in self.nodes:
            if node.op_type not in _OPS and node.op_type != "Constant":
                raise UnsupportedOnnx(f"node '{node.name}' ({node.op_type}) has no "
                                      f"PyTorch form in the server module")

    def _constant_value(self, name, producers):
        """The float value of a constant tensor, or of the dequantization of
        a constant (a QDQ model's weights), else None."""
        if name in self._consts:
            return self._consts[name].astype(np.float32)
        node = producers.get(name)
        if node is not None and node.op_type == "DequantizeLinear" and \
                all(i in self._consts for i in node.input if i):
            q = self._consts[node.input[0]].astype(np.float64)
            scale = self._consts[node.input[1]].astype(np.float64)
            zero = (self._consts[node.input[2]].astype(np.float64)
                    if len(node.input) > 2 and node.input[2] else np.zeros_like(scale))
            axis = _attrs(node).get("axis", 1)
            if scale.ndim == 1 and q.ndim > 1:
                shape = [1] * q.ndim
                shape[axis] = -1
                scale, zero = scale.reshape(shape), zero.reshape(shape)
            return ((q - zero) * scale).astype(np.float32)
        return None

    def forward(self, *inputs):
        env = {}
        for name, x in zip(self.input_names, inputs):
            env[name] = x
        for name, key in self._param_of.items():
            env[name] = self.params[key]

        def get(name):
            if not name:
                return None
            if name in env:
                return env[name]
            if name in self._consts:
                return torch.from_numpy(np.array(self._consts[name]))
            raise UnsupportedOnnx(f"tensor '{name}' is read before it is computed")

        for node in self.nodes:
            if node.op_type == "Constant" or all(o in env for o in node.output):
                continue
            args = [get(i) for i in node.input]
            outs = _OPS[node.op_type](args, _attrs(node))
            if not isinstance(outs, tuple):
                outs = (outs,)
            for name, value in zip(node.output, outs):
                env[name] = value
        results = tuple(env[n] for n in self.output_names)
        return results[0] if len(results) == 1 else results


def _conv(a, at):
    x, w, b = a[0], a[1], a[2] if len(a) > 2 else None
    pads = at.get("pads", [0, 0, 0, 0])
    sym = _pair(pads)
    if sym is None:
        x = F.pad(x, (pads[1], pads[3], pads[0], pads[2]))
        sym = (0, 0)
    return F.conv2d(x, w, b, stride=tuple(at.get("strides", [1, 1])), padding=sym,
                    dilation=tuple(at.get("dilations", [1, 1])), groups=at.get("group", 1))


def _pool(kind):
    def run(a, at):
        x = a[0]
        pads = at.get("pads", [0, 0, 0, 0])
        kernel, strides = tuple(at["kernel_shape"]), tuple(at.get("strides", [1, 1]))
        ceil = bool(at.get("ceil_mode", 0))
        sym = _pair(pads)
        if kind == "max":
            if sym is None:
                x = F.pad(x, (pads[1], pads[3], pads[0], pads[2]), value=float("-inf"))
                sym = (0, 0)
            return F.max_pool2d(x, kernel, strides, sym, tuple(at.get("dilations", [1, 1])),
                                ceil_mode=ceil)
        if sym is None:
            raise UnsupportedOnnx("AveragePool with asymmetric padding")
        return F.avg_pool2d(x, kernel, strides, sym, ceil_mode=ceil,
                            count_include_pad=bool(at.get("count_include_pad", 0)))
    return run


def _gemm(a, at):
    x, w = a[0], a[1]
    if at.get("transA", 0):
        x = x.transpose(0, 1)
    if at.get("transB", 0):
        w = w.transpose(0, 1)
    y = at.get("alpha", 1.0) * (x @ w)
    if len(a) > 2 and a[2] is not None:
        y = y + at.get("beta", 1.0) * a[2]
    return y


def _reshape(a, at):
    x, shape = a[0], [int(d) for d in a[1].tolist()]
    # The leading dimension is the batch.
    if shape and shape[0] == 1:
        shape[0] = x.shape[0]
    shape = [x.shape[i] if d == 0 else d for i, d in enumerate(shape)]
    return x.reshape(shape)


def _quantize(a, at):
    x, scale = a[0], a[1].float()
    zero = a[2] if len(a) > 2 and a[2] is not None else torch.zeros((), dtype=torch.uint8)
    lo, hi = (-128, 127) if zero.dtype == torch.int8 else (0, 255)
    shape = [1] * x.dim()
    if scale.dim() == 1 and scale.numel() > 1:
        shape[at.get("axis", 1)] = -1
    s, z = scale.reshape(shape), zero.float().reshape(shape)
    return torch.clamp(_RoundSTE.apply(x / s) + z, lo, hi)


def _dequantize(a, at):
    q, scale = a[0].float(), a[1].float()
    zero = a[2].float() if len(a) > 2 and a[2] is not None else torch.zeros(())
    shape = [1] * q.dim()
    if scale.dim() == 1 and scale.numel() > 1:
        shape[at.get("axis", 1)] = -1
    return (q - zero.reshape(shape)) * scale.reshape(shape)


def _slice(a, at):
    x = a[0]
    starts, ends = a[1].tolist(), a[2].tolist()
    axes = a[3].tolist() if len(a) > 3 and a[3] is not None else list(range(len(starts)))
    steps = a[4].tolist() if len(a) > 4 and a[4] is not None else [1] * len(starts)
    index = [slice(None)] * x.dim()
    for s, e, ax, st in zip(starts, ends, axes, steps):
        index[ax] = slice(int(s), int(min(e, x.shape[ax])), int(st))
    return x[tuple(index)]


def _pad(a, at):
    x, pads = a[0], [int(p) for p in a[1].tolist()]
    value = float(a[2]) if len(a) > 2 and a[2] is not None else 0.0
    n = x.dim()
    torch_pads = []
    for d in reversed(range(n)):
        torch_pads += [pads[d], pads[d + n]]
    return F.pad(x, torch_pads, mode="constant", value=value)


def _batch_norm(a, at):
    x, scale, bias, mean, var = a
    return F.batch_norm(x, mean.float(), var.float(), scale, bias, training=False,
                        eps=at.get("epsilon", 1e-5))


def _clip(a, at):
    lo = a[1] if len(a) > 1 and a[1] is not None else None
    hi = a[2] if len(a) > 2 and a[2] is not None else None
    return torch.clamp(a[0], None if lo is None else float(lo),
                       None if hi is None else float(hi))


_OPS = {
    "Conv": _conv,
    "MaxPool": _pool("max"),
    "AveragePool": _pool("avg"),
    "GlobalAveragePool": lambda a, at: a[0].mean(dim=tuple(range(2, a[0].dim())), keepdim=True),
    "Gemm": _gemm,
    "MatMul": lambda a, at: torch.matmul(a[0], a[1]),
    "Add": lambda a, at: a[0] + a[1],
    "Sub": lambda a, at: a[0] - a[1],
    "Mul": lambda a, at: a[0] * a[1],
    "Relu": lambda a, at: torch.relu(a[0]),
    "Sigmoid": lambda a, at: torch.sigmoid(a[0]),
    "Tanh": lambda a, at: torch.tanh(a[0]),
    "HardSigmoid": lambda a, at: torch.clamp(at.get("alpha", 0.2) * a[0] + at.get("beta", 0.5), 0, 1),
    "HardSwish": lambda a, at: F.hardswish(a[0]),
    "Clip": _clip,
    "Softmax": lambda a, at: torch.softmax(a[0], dim=at.get("axis", -1)),
    "Reshape": _reshape,
    "Transpose": lambda a, at: a[0].permute(*at["perm"]),
    "Concat": lambda a, at: torch.cat(a, dim=at["axis"]),
    "Slice": _slice,
    "Pad": _pad,
    "BatchNormalization": _batch_norm,
    "QuantizeLinear": _quantize,
    "DequantizeLinear": _dequantize,
    "Identity": lambda a, at: a[0],
}


def load_server_model(path):
    """The server half at `path` (<name>_server.onnx) as a ServerModel."""
    return ServerModel(onnx.load(path))
