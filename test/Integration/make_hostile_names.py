"""Writes a float ONNX model whose input and output names are hostile to C:
the generated API's own parameter name (`arena`), a leading digit, a C
keyword, names that sanitize alike (`a-b`, `a_b`), a space, non-ASCII
characters and a name of the model's own macro namespace.

Usage: make_hostile_names.py OUT.onnx
"""
import sys

import onnx
from onnx import TensorProto, helper


def main():
    shape = [1, 4]
    names_in = ["arena", "3d"]
    names_out = ["float", "a-b", "a_b", "my output", "café", "HOSTILE_ARENA_BYTES"]
    inputs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, shape)
              for n in names_in]
    outputs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, shape)
               for n in names_out]
    x, y = names_in
    nodes = [
        helper.make_node("Add", [x, y], ["float"]),
        helper.make_node("Mul", [x, y], ["a-b"]),
        helper.make_node("Sub", [x, y], ["a_b"]),
        helper.make_node("Relu", [x], ["my output"]),
        helper.make_node("Sigmoid", [y], ["café"]),
        helper.make_node("Tanh", [x], ["HOSTILE_ARENA_BYTES"]),
    ]
    graph = helper.make_graph(nodes, "hostile", inputs, outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
