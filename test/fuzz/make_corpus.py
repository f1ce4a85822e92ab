"""Writes a seed corpus of small binary ONNX models for the importer fuzzer.

The seeds cover the op families the importer handles, so mutations start
from inputs that reach deep into the handlers.  Usage: make_corpus.py OUTDIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def tensor(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def model(nodes, inputs, outputs, inits, opset=13):
    graph = helper.make_graph(nodes, "seed", inputs, outputs, initializer=inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def seeds():
    f = TensorProto.FLOAT
    rng = np.random.default_rng(0)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    yield "conv", model(
        [helper.make_node("Conv", ["X", "W", "B"], ["C"], pads=[1, 1, 1, 1], strides=[2, 2]),
         helper.make_node("Relu", ["C"], ["R"]),
         helper.make_node("MaxPool", ["R"], ["P"], kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1),
         helper.make_node("GlobalAveragePool", ["P"], ["G"]),
         helper.make_node("Flatten", ["G"], ["F"]),
         helper.make_node("Gemm", ["F", "FW"], ["Y"], transB=1),
         helper.make_node("Softmax", ["Y"], ["S"])],
        [vi("X", f, ["N", 3, 8, 8])], [vi("S", f, [1, 2])],
        [tensor("W", w), tensor("B", np.zeros(4, np.float32)),
         tensor("FW", rng.standard_normal((2, 4)).astype(np.float32))])
    yield "qdq", model(
        [helper.make_node("QuantizeLinear", ["X", "s", "z"], ["q"]),
         helper.make_node("DequantizeLinear", ["q", "s", "z"], ["d"]),
         helper.make_node("DequantizeLinear", ["Wq", "ws", "wz"], ["wd"], axis=0),
         helper.make_node("DequantizeLinear", ["Bq", "bs", "bz"], ["bd"], axis=0),
         helper.make_node("Conv", ["d", "wd", "bd"], ["c"], group=1),
         helper.make_node("QuantizeLinear", ["c", "s", "z"], ["cq"]),
         helper.make_node("DequantizeLinear", ["cq", "s", "z"], ["Y"])],
        [vi("X", f, [1, 3, 4, 4])], [vi("Y", f, [1, 4, 2, 2])],
        [tensor("s", np.float32(0.5)), tensor("z", np.int8(-3)),
         tensor("Wq", rng.integers(-127, 127, (4, 3, 3, 3)).astype(np.int8)),
         tensor("ws", np.full(4, 0.1, np.float32)), tensor("wz", np.zeros(4, np.int8)),
         tensor("Bq", np.arange(4, dtype=np.int32)),
         tensor("bs", np.full(4, 0.05, np.float32)), tensor("bz", np.zeros(4, np.int32))])
    yield "split", model(
        [helper.make_node("Shape", ["X"], ["sh"]),
         helper.make_node("Gather", ["sh", "one"], ["c"], axis=0),
         helper.make_node("Add", ["c", "one"], ["c1"]),
         helper.make_node("Div", ["c1", "two"], ["h"]),
         helper.make_node("Mul", ["h", "one"], ["e"]),
         helper.make_node("Slice", ["X", "zero1", "e", "one1", "one1"], ["lo"]),
         helper.make_node("Div", ["lo", "d"], ["half"]),
         helper.make_node("ReduceMean", ["half"], ["Y"], axes=[2, 3], keepdims=0),
         helper.make_node("QuantizeLinear", ["Wf", "s", "z"], ["Wq"]),
         helper.make_node("DequantizeLinear", ["Wq", "s", "z"], ["Z"])],
        [vi("X", f, [1, 4, 4, 4])], [vi("Y", f, [1, 2]), vi("Z", f, [3])],
        [tensor("one", np.array(1, np.int64)), tensor("two", np.array(2, np.int64)),
         tensor("zero1", np.array([0], np.int64)), tensor("one1", np.array([1], np.int64)),
         tensor("d", np.array([2.0], np.float32)), tensor("Wf", np.array([0.5, -1.0, 3.0], np.float32)),
         tensor("s", np.float32(0.25)), tensor("z", np.int8(0))])
    yield "shape", model(
        [helper.make_node("Shape", ["X"], ["sh"]),
         helper.make_node("Gather", ["sh", "zero"], ["n"], axis=0),
         helper.make_node("Unsqueeze", ["n", "axes"], ["n1"]),
         helper.make_node("Concat", ["n1", "m1"], ["t"], axis=0),
         helper.make_node("Reshape", ["X", "t"], ["r"]),
         helper.make_node("Transpose", ["r"], ["T"], perm=[1, 0]),
         helper.make_node("Pad", ["T", "pads"], ["P"], mode="reflect"),
         helper.make_node("Concat", ["P", "P"], ["Y"], axis=1)],
        [vi("X", f, [2, 3, 2])], [vi("Y", f, [8, 8])],
        [tensor("zero", np.int64(0)), tensor("axes", np.array([0], np.int64)),
         tensor("m1", np.array([-1], np.int64)),
         tensor("pads", np.array([1, 1, 1, 1], np.int64))])
    yield "elementwise", model(
        [helper.make_node("Add", ["X", "P"], ["a"]),
         helper.make_node("Mul", ["a", "X"], ["m"]),
         helper.make_node("Clip", ["m", "lo", "hi"], ["c"]),
         helper.make_node("HardSwish", ["c"], ["h"]),
         helper.make_node("BatchNormalization", ["h", "g", "b", "mu", "v"], ["Y"])],
        [vi("X", f, [1, 2, 2, 2])], [vi("Y", f, [1, 2, 2, 2])],
        [tensor("P", np.ones((2, 1, 1), np.float32)), tensor("lo", np.float32(0)),
         tensor("hi", np.float32(6)), tensor("g", np.ones(2, np.float32)),
         tensor("b", np.zeros(2, np.float32)), tensor("mu", np.zeros(2, np.float32)),
         tensor("v", np.ones(2, np.float32))])
    u8 = TensorProto.UINT8
    yield "qlinear", model(
        [helper.make_node("QLinearConv", ["X", "xs", "xz", "W", "ws", "wz", "ys", "yz"], ["Y"]),
         helper.make_node("MatMulInteger", ["A", "Bm", "az"], ["N"])],
        [vi("X", u8, [1, 2, 3, 3]), vi("A", u8, [2, 3])],
        [vi("Y", u8, [1, 2, 3, 3]), vi("N", TensorProto.INT32, [2, 2])],
        [tensor("xs", np.float32(0.5)), tensor("xz", np.uint8(128)),
         tensor("W", rng.integers(-127, 127, (2, 2, 1, 1)).astype(np.int8)),
         tensor("ws", np.float32(0.1)), tensor("wz", np.int8(0)),
         tensor("ys", np.float32(0.25)), tensor("yz", np.uint8(100)),
         tensor("Bm", rng.integers(0, 255, (3, 2)).astype(np.uint8)),
         tensor("az", np.uint8(3))])

    # Decoder ops: ConvTranspose (pads from output_shape), Resize by scales
    # and by sizes, Split; Upsample at opset 9.
    yield "decoder", model(
        [helper.make_node("ConvTranspose", ["X", "Wt"], ["t"], strides=[2, 2],
                          output_shape=[7, 7], group=2),
         helper.make_node("Resize", ["t", "", "rs"], ["r"], mode="linear",
                          coordinate_transformation_mode="align_corners"),
         helper.make_node("Resize", ["r", "", "", "sz"], ["n"], nearest_mode="ceil"),
         helper.make_node("Split", ["n", "sp"], ["Y", "Z"], axis=1)],
        [vi("X", f, [1, 2, 3, 3])], [vi("Y", f, [1, 1, 5, 5]), vi("Z", f, [1, 1, 5, 5])],
        [tensor("Wt", rng.standard_normal((2, 1, 3, 3)).astype(np.float32)),
         tensor("rs", np.array([1, 1, 1.5, 1.5], np.float32)),
         tensor("sz", np.array([1, 2, 5, 5], np.int64)),
         tensor("sp", np.array([1, 1], np.int64))])
    yield "upsample9", model(
        [helper.make_node("Upsample", ["X", "us"], ["Y"], mode="linear")],
        [vi("X", f, [1, 1, 2, 3])], [vi("Y", f, [1, 1, 4, 6])],
        [tensor("us", np.array([1, 1, 2, 2], np.float32))], opset=9)

    # An embedding lookup of int64 token ids (Gather by a model input).
    yield "embedding", model(
        [helper.make_node("Gather", ["E", "ids"], ["e"], axis=0),
         helper.make_node("ReduceMean", ["e"], ["Y"], axes=[1], keepdims=0)],
        [vi("ids", onnx.TensorProto.INT64, [2, 3])], [vi("Y", f, [2, 4])],
        [tensor("E", rng.standard_normal((6, 4)).astype(np.float32))])

    # Comparisons, Where (a bool input, a constant mask) and LayerNorm
    # with its statistics outputs.
    yield "where", model(
        [helper.make_node("Greater", ["X", "t"], ["g"]),
         helper.make_node("Where", ["g", "X", "t"], ["w"]),
         helper.make_node("Where", ["M", "w", "X"], ["v"]),
         helper.make_node("LayerNormalization", ["v", "s"], ["Y", "mu", "r"], axis=1)],
        [vi("X", f, [2, 3]), vi("M", onnx.TensorProto.BOOL, [1, 3])],
        [vi("Y", f, [2, 3]), vi("mu", f, [2, 1]), vi("r", f, [2, 1])],
        [tensor("t", np.array([0.5], np.float32)), tensor("s", np.ones(3, np.float32))],
        opset=17)

    # Old opsets go through ONNX's version converter before the importer.
    yield "opset6", model(
        [helper.make_node("Gemm", ["X", "W6", "C6"], ["g"], broadcast=1, transB=1),
         helper.make_node("Add", ["g", "b6"], ["a"], broadcast=1, axis=1),
         helper.make_node("Relu", ["a"], ["Y"])],
        [vi("X", f, [2, 3])], [vi("Y", f, [2, 4])],
        [tensor("W6", rng.standard_normal((4, 3)).astype(np.float32)),
         tensor("C6", np.zeros(4, np.float32)), tensor("b6", np.ones(4, np.float32))],
        opset=6)
    yield "opset9", model(
        [helper.make_node("Conv", ["X", "W"], ["c"], pads=[1, 1, 1, 1]),
         helper.make_node("BatchNormalization", ["c", "g", "b", "mu", "v"], ["n"]),
         helper.make_node("MaxPool", ["n"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
         helper.make_node("Flatten", ["p"], ["Y"])],
        [vi("X", f, [1, 3, 4, 4])], [vi("Y", f, [1, 16])],
        [tensor("W", w), tensor("g", np.ones(4, np.float32)),
         tensor("b", np.zeros(4, np.float32)), tensor("mu", np.zeros(4, np.float32)),
         tensor("v", np.ones(4, np.float32))],
        opset=9)


def main(out):
    os.makedirs(out, exist_ok=True)
    for name, m in seeds():
        with open(os.path.join(out, name + ".onnx"), "wb") as fh:
            fh.write(m.SerializeToString())


if __name__ == "__main__":
    main(sys.argv[1])
