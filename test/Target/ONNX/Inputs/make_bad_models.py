"""Writes binary ONNX models that the importer must reject cleanly.

Usage: make_bad_models.py OUTDIR
"""
import os
import sys

import onnx
from onnx import TensorProto, helper


def conv_model(weight):
    x = helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 1, 4, 4])
    y = helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 1, 2, 2])
    node = helper.make_node("Conv", ["X", "W"], ["Y"], name="conv0")
    graph = helper.make_graph([node], "g", [x], [y], initializer=[weight])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def main(out):
    os.makedirs(out, exist_ok=True)
    good = conv_model(helper.make_tensor("W", TensorProto.FLOAT, [1, 1, 3, 3],
                                         [0.5] * 9))
    data = good.SerializeToString()
    with open(os.path.join(out, "good.onnx"), "wb") as f:
        f.write(data)
    # Cut inside the initializer: protobuf parsing fails.
    with open(os.path.join(out, "truncated.onnx"), "wb") as f:
        f.write(data[: len(data) // 2])
    # Not a protobuf at all.
    with open(os.path.join(out, "garbage.onnx"), "wb") as f:
        f.write(bytes(range(256)) * 4)
    # raw_data shorter than the declared shape needs.
    short = helper.make_tensor("W", TensorProto.FLOAT, [1, 1, 3, 3],
                               [0.5] * 9)
    short.ClearField("float_data")
    short.raw_data = b"\0" * 20
    with open(os.path.join(out, "short_raw.onnx"), "wb") as f:
        f.write(conv_model(short).SerializeToString())
    # Weights stored in an external file.
    ext = helper.make_tensor("W", TensorProto.FLOAT, [1, 1, 3, 3], [0.5] * 9)
    ext.ClearField("float_data")
    ext.data_location = TensorProto.EXTERNAL
    ext.external_data.add(key="location", value="weights.bin")
    with open(os.path.join(out, "external.onnx"), "wb") as f:
        f.write(conv_model(ext).SerializeToString())
    # A float16 initializer: an element type Mote does not compile.
    half = helper.make_tensor("W", TensorProto.FLOAT16, [1, 1, 3, 3], [0] * 9)
    with open(os.path.join(out, "float16.onnx"), "wb") as f:
        f.write(conv_model(half).SerializeToString())
    # Declared dimension that is negative.
    neg = helper.make_tensor("W", TensorProto.FLOAT, [1, 1, 3, 3], [0.5] * 9)
    neg.dims[2] = -3
    with open(os.path.join(out, "negative_dim.onnx"), "wb") as f:
        f.write(conv_model(neg).SerializeToString())


if __name__ == "__main__":
    main(sys.argv[1])
