"""Runs a .tflite model with TensorFlow Lite's builtin kernels: the TFLite
2.2 C library (libtensorflowlite_c.so for x86-64 Linux) that the npm
package node-tflite ships, installed into .deps by scripts/setup.sh and
called here through ctypes. That build has no XNNPACK delegate, so every
int8 operator runs TFLite's own integer kernels (gemmlowp-style double
rounding): the bit-exact reference of `--numerics=tflite`.

    python3 tflite_builtin_run.py MODEL.tflite IN.bin OUT.bin [IN.bin OUT.bin ...]

Each IN.bin holds the raw bytes of the model's single input tensor, each
OUT.bin receives the raw bytes of its single output.
"""
import ctypes
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def library_path():
    deps = os.environ.get("MOTE_DEPS", os.path.join(ROOT, ".deps"))
    return os.path.join(deps, "node_modules", "node-tflite", "tflite", "linux_x86_64",
                        "libtensorflowlite_c.so")


def load(path):
    lib = ctypes.CDLL(path)
    p, i32, size = ctypes.c_void_p, ctypes.c_int32, ctypes.c_size_t
    for name, result, args in (
            ("TfLiteModelCreateFromFile", p, [ctypes.c_char_p]),
            ("TfLiteModelDelete", None, [p]),
            ("TfLiteInterpreterOptionsCreate", p, []),
            ("TfLiteInterpreterOptionsDelete", None, [p]),
            ("TfLiteInterpreterOptionsSetNumThreads", None, [p, i32]),
            ("TfLiteInterpreterCreate", p, [p, p]),
            ("TfLiteInterpreterDelete", None, [p]),
            ("TfLiteInterpreterAllocateTensors", ctypes.c_int, [p]),
            ("TfLiteInterpreterGetInputTensorCount", i32, [p]),
            ("TfLiteInterpreterGetOutputTensorCount", i32, [p]),
            ("TfLiteInterpreterGetInputTensor", p, [p, i32]),
            ("TfLiteInterpreterGetOutputTensor", p, [p, i32]),
            ("TfLiteInterpreterInvoke", ctypes.c_int, [p]),
            ("TfLiteTensorByteSize", size, [p]),
            ("TfLiteTensorCopyFromBuffer", ctypes.c_int, [p, p, size]),
            ("TfLiteTensorCopyToBuffer", ctypes.c_int, [p, p, size])):
        f = getattr(lib, name)
        f.restype, f.argtypes = result, args
    return lib


def main(argv):
    if len(argv) < 3 or len(argv) % 2 == 0:
        raise SystemExit("usage: tflite_builtin_run.py MODEL.tflite IN.bin OUT.bin [...]")
    model_path, files = argv[0], argv[1:]
    lib = load(library_path())
    model = lib.TfLiteModelCreateFromFile(model_path.encode())
    if not model:
        raise SystemExit(f"tflite_builtin_run.py: TFLite cannot load {model_path}")
    options = lib.TfLiteInterpreterOptionsCreate()
    lib.TfLiteInterpreterOptionsSetNumThreads(options, 1)
    interpreter = lib.TfLiteInterpreterCreate(model, options)
    if not interpreter or lib.TfLiteInterpreterAllocateTensors(interpreter) != 0:
        raise SystemExit(f"tflite_builtin_run.py: TFLite 2.2 cannot run {model_path} "
                         "(an operator or operator version it does not know)")
    if lib.TfLiteInterpreterGetInputTensorCount(interpreter) != 1 or \
            lib.TfLiteInterpreterGetOutputTensorCount(interpreter) != 1:
        raise SystemExit("tflite_builtin_run.py runs models of one input and one output")
    source = lib.TfLiteInterpreterGetInputTensor(interpreter, 0)
    for i in range(0, len(files), 2):
        with open(files[i], "rb") as f:
            raw = f.read()
        need = lib.TfLiteTensorByteSize(source)
        if len(raw) != need:
            raise SystemExit(f"{files[i]} has {len(raw)} bytes, the input needs {need}")
        buffer = ctypes.create_string_buffer(raw, len(raw))
        if lib.TfLiteTensorCopyFromBuffer(source, buffer, len(raw)) != 0 or \
                lib.TfLiteInterpreterInvoke(interpreter) != 0:
            raise SystemExit("tflite_builtin_run.py: TFLite inference failed")
        # The output tensor is looked up after Invoke: its buffer is final.
        sink = lib.TfLiteInterpreterGetOutputTensor(interpreter, 0)
        size = lib.TfLiteTensorByteSize(sink)
        out = ctypes.create_string_buffer(size)
        lib.TfLiteTensorCopyToBuffer(sink, out, size)
        with open(files[i + 1], "wb") as f:
            f.write(out.raw)
    lib.TfLiteInterpreterDelete(interpreter)
    lib.TfLiteInterpreterOptionsDelete(options)
    lib.TfLiteModelDelete(model)


if __name__ == "__main__":
    main(sys.argv[1:])
