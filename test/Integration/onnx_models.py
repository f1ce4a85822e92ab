"""Helpers the test scripts share: reading a model given as binary ONNX or
in the ONNX text syntax (leading '#' comment lines allowed), and its
runtime inputs."""
import onnx
import onnx.parser


def is_text_model(data):
    text = data.lstrip()
    while text.startswith(b"#"):
        text = text.split(b"\n", 1)[1].lstrip()
    return text.startswith(b"<")


def load_model(path):
    """The ModelProto in `path` (binary or text syntax)."""
    with open(path, "rb") as f:
        data = f.read()
    if is_text_model(data):
        return onnx.parser.parse_model(data.decode())
    return onnx.load_from_string(data)


def runtime_inputs(model):
    """(name, shape) of each graph input that is not an initializer."""
    inits = {t.name for t in model.graph.initializer}
    return [(vi.name, [d.dim_value for d in vi.type.tensor_type.shape.dim])
            for vi in model.graph.input if vi.name not in inits]
