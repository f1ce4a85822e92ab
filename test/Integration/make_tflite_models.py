"""Writes small int8 TFLite models, one per operator family the importer
maps, as JSON for flatc (schema/tflite.fbs): make_tflite_models.py OUTDIR.

Every model takes one int8 NHWC input of shape [1, 5, 6, 4] (height and
width differ, so a layout mix-up changes the numbers) and exercises the
parts of TFLite's semantics the importer translates: SAME padding with the
extra row after, strides and dilations, depthwise multipliers, a weight
scale per output channel, NHWC flattening before a dense layer, broadcasting
of lower-rank constants, axes of reductions, paddings, permutations,
strided slices with masks and negative strides, and requantization.
Weights and scales come from a fixed seed.
"""
import json
import os
import sys

import numpy as np

RNG = np.random.default_rng(20261207)
SHAPE = [1, 5, 6, 4]

# Builtin operator codes and BuiltinOptions tags of the format.
CODES = {"ADD": 0, "AVERAGE_POOL_2D": 1, "CONCATENATION": 2, "CONV_2D": 3,
         "DEPTHWISE_CONV_2D": 4, "FULLY_CONNECTED": 9, "LOGISTIC": 14,
         "MAX_POOL_2D": 17, "MUL": 18, "RELU": 19, "RELU6": 21,
         "RESHAPE": 22, "SOFTMAX": 25, "TANH": 28, "PAD": 34,
         "TRANSPOSE": 39, "MEAN": 40, "SUB": 41, "SQUEEZE": 43,
         "STRIDED_SLICE": 45, "PADV2": 60, "REDUCE_MAX": 82,
         "QUANTIZE": 114, "HARD_SWISH": 117, "SPLIT": 49, "PRELU": 54,
         "LEAKY_RELU": 98, "SPLIT_V": 102, "TRANSPOSE_CONV": 67,
         "RESIZE_NEAREST_NEIGHBOR": 97}


class Model:
    def __init__(self):
        self.tensors, self.buffers, self.ops, self.codes = [], [{}], [], []

    def tensor(self, shape, scale=None, zp=0, kind="INT8", data=None,
               scales=None, dim=0):
        """An int8 activation (scale, zp), or a constant (data) with one
        scale or a scale per channel along `dim`."""
        t = {"shape": list(shape), "type": kind, "buffer": 0,
             "name": f"t{len(self.tensors)}"}
        if data is not None:
            raw = np.ascontiguousarray(data).tobytes()
            self.buffers.append({"data": list(raw)})
            t["buffer"] = len(self.buffers) - 1
        if scales is not None:
            t["quantization"] = {"scale": [float(s) for s in scales],
                                 "zero_point": [0] * len(scales),
                                 "quantized_dimension": dim}
        elif scale is not None:
            t["quantization"] = {"scale": [float(scale)], "zero_point": [int(zp)]}
        self.tensors.append(t)
        return len(self.tensors) - 1

    def ints(self, values):
        v = np.array(values, np.int32)
        return self.tensor(v.shape, kind="INT32", data=v)

    def op(self, name, inputs, output, options_type=None, **options):
        code = CODES[name]
        if code not in self.codes:
            self.codes.append(code)
        o = {"opcode_index": self.codes.index(code), "inputs": inputs,
             "outputs": output if isinstance(output, list) else [output]}
        if options_type:
            o["builtin_options_type"] = options_type
            o["builtin_options"] = options
        self.ops.append(o)
        return output

    def weights(self, shape, dim, scale=0.01):
        channels = shape[dim]
        scales = scale * RNG.uniform(0.5, 1.5, size=channels)
        w = RNG.integers(-127, 128, size=shape).astype(np.int8)
        return self.tensor(shape, kind="INT8", data=w, scales=scales, dim=dim), scales

    def bias(self, in_scale, w_scales, per_tensor=False):
        """An int32 bias at input x weight scale: one scale per channel, or
        one for all (a layer with per-tensor weights)."""
        b = RNG.integers(-2000, 2000, size=len(w_scales)).astype(np.int32)
        scales = in_scale * np.asarray(w_scales)
        return self.tensor([len(w_scales)], kind="INT32", data=b,
                           scales=scales[:1] if per_tensor else scales)

    def write(self, path, inputs, outputs):
        model = {"version": 3,
                 "operator_codes": [{"deprecated_builtin_code": min(c, 127),
                                     "builtin_code": c} for c in self.codes],
                 "subgraphs": [{"tensors": self.tensors, "inputs": inputs,
                                "outputs": outputs, "operators": self.ops}],
                 "buffers": self.buffers}
        with open(path, "w") as f:
            json.dump(model, f)


def start(scale=0.05, zp=-3):
    m = Model()
    return m, m.tensor(SHAPE, scale, zp), scale


def conv(out):
    m, x, s = start()
    w, ws = m.weights([5, 3, 3, 4], 0)
    y = m.tensor([1, 3, 3, 5], 0.1, -20)
    m.op("CONV_2D", [x, w, m.bias(s, ws)], y, "Conv2DOptions", padding="SAME",
         stride_w=2, stride_h=2, fused_activation_function="RELU6")
    w2, ws2 = m.weights([3, 2, 3, 5], 0, 0.02)
    z = m.tensor([1, 2, 1, 3], 0.2, 5)
    m.op("CONV_2D", [y, w2, m.bias(0.1, ws2)], z, "Conv2DOptions",
         padding="VALID", stride_w=1, stride_h=1, dilation_w_factor=1,
         dilation_h_factor=1)
    m.write(out, [x], [z])


def conv_dilated(out):
    m, x, s = start()
    w, ws = m.weights([3, 2, 3, 4], 0)
    y = m.tensor([1, 3, 1, 3], 0.1, 2)
    m.op("CONV_2D", [x, w, m.bias(s, ws)], y, "Conv2DOptions", padding="VALID",
         stride_w=2, stride_h=1, dilation_w_factor=2, dilation_h_factor=2)
    m.write(out, [x], [y])


def depthwise(out, activation="RELU"):
    m, x, s = start()
    w, ws = m.weights([1, 3, 3, 8], 3, 0.03)
    y = m.tensor([1, 5, 6, 8], 0.08, -30)
    m.op("DEPTHWISE_CONV_2D", [x, w, m.bias(s, ws)], y,
         "DepthwiseConv2DOptions", padding="SAME", stride_w=1, stride_h=1,
         depth_multiplier=2, fused_activation_function=activation)
    m.write(out, [x], [y])


def depthwise_linear(out):
    """The depthwise layer without its fused activation (TFLite 2.2's
    builtin kernel omits it for a depth multiplier above 1)."""
    depthwise(out, "NONE")


def pools(out):
    m, x, s = start()
    y = m.tensor([1, 2, 3, 4], s, -3)
    m.op("MAX_POOL_2D", [x], y, "Pool2DOptions", padding="VALID", stride_w=2,
         stride_h=2, filter_width=2, filter_height=2)
    z = m.tensor([1, 2, 3, 4], s, -3)
    m.op("AVERAGE_POOL_2D", [y], z, "Pool2DOptions", padding="SAME",
         stride_w=1, stride_h=1, filter_width=3, filter_height=3)
    m.write(out, [x], [z])


def dense(out):
    m, x, s = start()
    w = RNG.integers(-127, 128, size=[7, 120]).astype(np.int8)
    wt = m.tensor([7, 120], kind="INT8", data=w, scales=[0.004])
    y = m.tensor([1, 7], 0.15, 4)
    m.op("FULLY_CONNECTED", [x, wt, m.bias(s, [0.004] * 7, per_tensor=True)], y,
         "FullyConnectedOptions")
    m.write(out, [x], [y])


def arithmetic(out):
    m, x, s = start()
    c = RNG.integers(-128, 128, size=[4]).astype(np.int8)
    ct = m.tensor([4], 0.03, 7, data=c)
    y = m.tensor(SHAPE, 0.06, -60)
    m.op("ADD", [x, ct], y, "AddOptions", fused_activation_function="RELU")
    k = RNG.integers(-128, 128, size=[1, 1, 6, 1]).astype(np.int8)
    kt = m.tensor([1, 1, 6, 1], 0.02, 0, data=k)
    z = m.tensor(SHAPE, 0.05, 0)
    m.op("MUL", [y, kt], z, "MulOptions")
    u = m.tensor(SHAPE, 0.06, 3)
    m.op("SUB", [z, x], u, "SubOptions")
    m.write(out, [x], [u])


def reductions(out):
    m, x, s = start()
    y = m.tensor([1, 4], 0.02, -1)
    m.op("MEAN", [x, m.ints([1, 2])], y, "ReducerOptions", keep_dims=False)
    m.write(out, [x], [y])


def reduce_keep(out):
    m, x, s = start()
    y = m.tensor([1, 5, 1, 4], s, -3)
    m.op("REDUCE_MAX", [x, m.ints([2])], y, "ReducerOptions", keep_dims=True)
    z = m.tensor([1, 5, 1, 1], 0.03, 0)
    m.op("MEAN", [y, m.ints([-1])], z, "ReducerOptions", keep_dims=True)
    m.write(out, [x], [z])


def padding(out):
    m, x, s = start()
    y = m.tensor([1, 8, 7, 4], s, -3)
    m.op("PAD", [x, m.ints([[0, 0], [1, 2], [0, 1], [0, 0]])], y)
    v = m.tensor([1], s, -3, data=np.array([17], np.int8))
    z = m.tensor([1, 8, 9, 6], s, -3)
    m.op("PADV2", [y, m.ints([[0, 0], [0, 0], [2, 0], [1, 1]]), v], z)
    m.write(out, [x], [z])


def transpose(out):
    m, x, s = start()
    y = m.tensor([1, 6, 5, 4], s, -3)
    m.op("TRANSPOSE", [x, m.ints([0, 2, 1, 3])], y)
    z = m.tensor([4, 6, 5, 1], s, -3)
    m.op("TRANSPOSE", [y, m.ints([3, 1, 2, 0])], z)
    m.write(out, [x], [z])


def strided_slice(out):
    m, x, s = start()
    y = m.tensor([1, 2, 6, 3], s, -3)
    # H from 1 by 2 (2 rows), W reversed whole (masks), C from 3 down to 1.
    m.op("STRIDED_SLICE", [x, m.ints([0, 1, 0, -1]), m.ints([1, 5, 0, 0]),
                           m.ints([1, 2, -1, -1])], y,
         "StridedSliceOptions", begin_mask=4, end_mask=4)
    z = m.tensor([1, 6, 3], s, -3)
    m.op("STRIDED_SLICE", [y, m.ints([0, 1, 0, 0]), m.ints([1, 2, 6, 3]),
                           m.ints([1, 1, 1, 1])], z,
         "StridedSliceOptions", shrink_axis_mask=2)
    m.write(out, [x], [z])


def shapes(out):
    m, x, s = start()
    y = m.tensor([1, 6, 5, 4], s, -3)
    m.op("RESHAPE", [x, m.ints([1, 6, 5, 4])], y)
    z = m.tensor([1, 1, 30, 4], s, -3)
    m.op("RESHAPE", [y, m.ints([1, 1, 30, 4])], z)
    u = m.tensor([1, 30, 4], s, -3)
    m.op("SQUEEZE", [z], u, "SqueezeOptions", squeeze_dims=[1])
    m.write(out, [x], [u])


def concatenation(out):
    m, x, s = start()
    # TFLite's int8 concatenation needs one scale for inputs and output.
    r = m.tensor(SHAPE, s, -3)
    m.op("RELU", [x], r)
    y = m.tensor([1, 5, 6, 8], s, -3)
    m.op("CONCATENATION", [x, r], y, "ConcatenationOptions", axis=-1)
    z = m.tensor([1, 10, 6, 8], s, -3)
    m.op("CONCATENATION", [y, y], z, "ConcatenationOptions", axis=1)
    m.write(out, [x], [z])


def activations(out):
    m, x, s = start(0.08, 10)
    y = m.tensor(SHAPE, 1.0 / 256, -128)
    m.op("LOGISTIC", [x], y)
    t = m.tensor(SHAPE, 0.02, 0)
    m.op("QUANTIZE", [x], t)
    u = m.tensor(SHAPE, 1.0 / 128, 0)
    m.op("TANH", [t], u)
    h = m.tensor(SHAPE, 0.05, -50)
    m.op("HARD_SWISH", [x], h)
    a = m.tensor(SHAPE, 0.02, -128)
    m.op("RELU6", [h], a)
    z = m.tensor(SHAPE, 0.02, -20)
    m.op("ADD", [y, u], z, "AddOptions")
    w = m.tensor(SHAPE, 0.03, -20)
    m.op("ADD", [z, a], w, "AddOptions")
    m.write(out, [x], [w])


def softmax(out):
    m, x, s = start(0.1, 0)
    y = m.tensor(SHAPE, 1.0 / 256, -128)
    m.op("SOFTMAX", [x], y, "SoftmaxOptions", beta=1.0)
    m.write(out, [x], [y])


def leaky_relu(out):
    m, x, s = start()
    y = m.tensor(SHAPE, 0.03, 20)
    m.op("LEAKY_RELU", [x], y, "LeakyReluOptions", alpha=0.2)
    m.write(out, [x], [y])


def prelu(out):
    """A slope per channel ([1, 1, C], broadcast over NHWC), quantized
    with its own scale and zero point."""
    m, x, s = start()
    slope = RNG.integers(-100, 100, size=[1, 1, 4]).astype(np.int8)
    st = m.tensor([1, 1, 4], 0.004, 5, data=slope)
    y = m.tensor(SHAPE, 0.03, 10)
    m.op("PRELU", [x, st], y)
    m.write(out, [x], [y])


def split(out):
    """SPLIT of the channels in two, SPLIT_V of one half's rows as 2 and
    the rest (-1), concatenated back in another order."""
    m, x, s = start()
    a = m.tensor([1, 5, 6, 2], s, -3)
    b = m.tensor([1, 5, 6, 2], s, -3)
    m.op("SPLIT", [m.ints([3]), x], [a, b], "SplitOptions", num_splits=2)
    c = m.tensor([1, 2, 6, 2], s, -3)
    d = m.tensor([1, 3, 6, 2], s, -3)
    m.op("SPLIT_V", [b, m.ints([2, -1]), m.ints([1])], [c, d], "SplitVOptions",
         num_splits=2)
    y = m.tensor([1, 5, 6, 2], s, -3)
    m.op("CONCATENATION", [d, c], y, "ConcatenationOptions", axis=1)
    z = m.tensor(SHAPE, s, -3)
    m.op("CONCATENATION", [y, a], z, "ConcatenationOptions", axis=3)
    m.write(out, [x], [z])


def transpose_conv(out, bias=True):
    """TRANSPOSE_CONV: SAME with stride 2 (the output twice the input, the
    first row at -1 of the scattered rows), with a bias and a fused RELU
    unless `bias` is False (TFLite 2.2 reads neither), then VALID with a
    2x2 filter to an output one larger than the scatter (11 x 13 from
    5 x 6)."""
    m, x, s = start()
    w, ws = m.weights([6, 3, 3, 4], 0)
    y = m.tensor([1, 10, 12, 6], 0.1, -20)
    inputs = [m.ints([1, 10, 12, 6]), w, x]
    if bias:
        m.op("TRANSPOSE_CONV", inputs + [m.bias(s, ws)], y,
             "TransposeConvOptions", padding="SAME", stride_w=2, stride_h=2,
             fused_activation_function="RELU")
    else:
        m.op("TRANSPOSE_CONV", inputs, y, "TransposeConvOptions",
             padding="SAME", stride_w=2, stride_h=2)
    w2, ws2 = m.weights([3, 2, 2, 6], 0, 0.02)
    z = m.tensor([1, 11, 13, 3], 0.2, 5)
    v = m.tensor([1, 5, 6, 6], 0.1, -20)
    m.op("MAX_POOL_2D", [y], v, "Pool2DOptions", padding="SAME", stride_w=2,
         stride_h=2, filter_width=2, filter_height=2)
    m.op("TRANSPOSE_CONV", [m.ints([1, 11, 13, 3]), w2, v], z,
         "TransposeConvOptions", padding="VALID", stride_w=2, stride_h=2)
    m.write(out, [x], [z])


def transpose_conv_linear(out):
    transpose_conv(out, bias=False)


def resize_nearest(out):
    """RESIZE_NEAREST_NEIGHBOR: 2x (5 x 6 to 10 x 12), then to 7 x 9
    (ratios that are not integers). TFLite 2.2 predates TFLite's current
    half-pixel and aligned-corner rules: those are checked against TFLite
    Micro's bytes (test/Target/TFLite/resize.test)."""
    m, x, s = start()
    y = m.tensor([1, 10, 12, 4], s, -3)
    m.op("RESIZE_NEAREST_NEIGHBOR", [x, m.ints([10, 12])], y,
         "ResizeNearestNeighborOptions")
    z = m.tensor([1, 7, 9, 4], s, -3)
    m.op("RESIZE_NEAREST_NEIGHBOR", [y, m.ints([7, 9])], z,
         "ResizeNearestNeighborOptions")
    m.write(out, [x], [z])


MODELS = [conv, conv_dilated, depthwise, pools, dense, arithmetic,
          reductions, reduce_keep, padding, transpose, strided_slice, shapes,
          concatenation, activations, softmax, depthwise_linear, leaky_relu,
          prelu, split, transpose_conv, transpose_conv_linear, resize_nearest]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for make in MODELS:
        make(os.path.join(out, make.__name__ + ".json"))
    print(" ".join(make.__name__ for make in MODELS))


if __name__ == "__main__":
    main()
