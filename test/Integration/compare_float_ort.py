"""Runs a float model (binary or ONNX text syntax) through `motec run` and
through ONNX Runtime on the same fixed-seed inputs and compares every
output: the largest difference relative to the output's range must be at
most --tolerance (default 1e-4, the bound of issue 4). Integer (int8,
uint8) inputs get random values of their type, so quantized operator-form
models run too (--tolerance 0 asks for exact integers). int32 / int64
inputs are indices (token ids): random values in [-n, n) for the extent n
of the axis the first Gather reading them indexes, or in [-4, 4) when no
Gather reads them (so that comparisons meet equal values). Boolean inputs
(a Where's condition) are random.

Usage: compare_float_ort.py MODEL WORKDIR [--motec PATH]
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import onnx
import onnx.numpy_helper

from onnx_models import load_model

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def index_extent(model, name):
    """The extent of the axis a Gather indexes with graph input `name`, 4
    for an input no Gather reads."""
    shapes = {t.name: list(t.dims) for t in model.graph.initializer}
    for vi in model.graph.input:
        shapes.setdefault(vi.name, [d.dim_value for d in vi.type.tensor_type.shape.dim])
    for node in model.graph.node:
        if node.op_type == "Gather" and node.input[1] == name and node.input[0] in shapes:
            axis = next((a.i for a in node.attribute if a.name == "axis"), 0)
            return shapes[node.input[0]][axis]
    if any(node.op_type == "Gather" and node.input[1] == name for node in model.graph.node):
        sys.exit(f"input '{name}' indexes a table of unknown shape")
    return 4


def matmul_integer_exact(model, name, arrays):
    """The exact int64 result of the MatMulInteger node producing `name`
    from graph inputs and initializer zero points, or None for any other
    producer."""
    node = next((n for n in model.graph.node if name in n.output), None)
    if node is None or node.op_type != "MatMulInteger":
        return None
    inits = {t.name: onnx.numpy_helper.to_array(t) for t in model.graph.initializer}

    def value(i, zero_point=False):
        if i >= len(node.input) or not node.input[i]:
            return np.int64(0)
        v = arrays.get(node.input[i], inits.get(node.input[i]))
        if v is None:
            return None
        v = np.asarray(v)
        if v.dtype == np.int8 and i in (0, 2) and model_input_unsigned(model, node.input[i]):
            v = v.view(np.uint8)
        return v.astype(np.int64)

    a, b, az, bz = value(0), value(1), value(2), value(3)
    if a is None or b is None or az is None or bz is None:
        return None
    return np.matmul(a - az, b - bz)


def model_input_unsigned(model, name):
    vi = next((v for v in model.graph.input if v.name == name), None)
    return vi is not None and vi.type.tensor_type.elem_type == onnx.TensorProto.UINT8


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("workdir")
    ap.add_argument("--motec", default="motec")
    ap.add_argument("--tolerance", type=float, default=1e-4)
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    model = load_model(args.model)
    binary = os.path.join(args.workdir, "model.onnx")
    onnx.save(model, binary)

    rng = np.random.default_rng(20261128)
    inits = {t.name for t in model.graph.initializer}
    cmd = [args.motec, "run", binary]
    inputs, arrays = {}, {}
    for vi in model.graph.input:
        if vi.name in inits:
            continue
        shape = [d.dim_value for d in vi.type.tensor_type.shape.dim]
        elem = vi.type.tensor_type.elem_type
        path = os.path.join(args.workdir, vi.name + ".npy")
        if elem in (onnx.TensorProto.INT32, onnx.TensorProto.INT64):
            n = index_extent(model, vi.name)
            wide = np.int32 if elem == onnx.TensorProto.INT32 else np.int64
            x = rng.integers(-n, n, shape).astype(wide)
            np.save(path, x)
            inputs[vi.name] = [path + ".bin", shape,
                               "int32" if wide is np.int32 else "int64"]
        elif elem == onnx.TensorProto.BOOL:
            x = rng.integers(0, 2, shape).astype(bool)
            np.save(path, x)
            inputs[vi.name] = [path + ".bin", shape, "bool"]
        elif elem in (onnx.TensorProto.INT8, onnx.TensorProto.UINT8):
            # Integer inputs (quantized models): every value of the type;
            # motec reads uint8 as its int8 bits.
            signed = elem == onnx.TensorProto.INT8
            x = rng.integers(-128 if signed else 0, 128 if signed else 256,
                             shape).astype(np.int8 if signed else np.uint8)
            np.save(path, x.view(np.int8))
            inputs[vi.name] = [path + ".bin", shape, "int8" if signed else "uint8"]
        else:
            x = rng.standard_normal(shape).astype(np.float32)
            np.save(path, x)
            inputs[vi.name] = [path + ".bin", shape]
        x.tofile(path + ".bin")
        arrays[vi.name] = x
        cmd += ["--input", path]
    outputs = {}
    for vo in model.graph.output:
        path = os.path.join(args.workdir, "mote_" + vo.name + ".npy")
        cmd += ["--output", path]
        outputs[vo.name] = os.path.join(args.workdir, "ort_" + vo.name + ".bin")
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    spec = os.path.join(args.workdir, "spec.json")
    with open(spec, "w") as f:
        json.dump({"model": binary, "runs": [{"inputs": inputs, "outputs": outputs}]}, f)
    env = dict(os.environ, MOTE_DEPS=os.environ.get("MOTE_DEPS", os.path.join(ROOT, ".deps")))
    subprocess.run(["node", os.path.join(HERE, "ort_run.js"), spec], check=True, env=env)

    ok = True
    unsigned = {vo.name for vo in model.graph.output
                if vo.type.tensor_type.elem_type == onnx.TensorProto.UINT8}
    for name, ref_path in outputs.items():
        ours = np.load(os.path.join(args.workdir, "mote_" + name + ".npy")).ravel()
        if name in unsigned:
            ours = ours.view(np.uint8)
        ref = np.fromfile(ref_path, np.float32)
        span = max(float(ref.max() - ref.min()), 1e-6)
        rel = float(np.abs(ours.astype(np.float64) - ref).max() / span) if ref.size else 0.0
        good = ours.shape == ref.shape and rel <= args.tolerance
        exact = None if good else matmul_integer_exact(model, name, arrays)
        if exact is not None:
            # ONNX Runtime's x86 u8s8 kernel without VNNI (AVX2's VPMADDUBSW)
            # saturates pairs of products to int16: its MatMulInteger is
            # then not the op's definition. Mote must equal the exact
            # integer product (numpy, int64).
            good = np.array_equal(ours.astype(np.int64), exact.ravel())
            print(f"{name}: {ref.size} elements, ONNX Runtime off by {rel:.1e} of the range "
                  f"(its u8s8 kernel saturates); "
                  f"{'equal to' if good else 'DIFFERENT from'} the exact product{'' if good else '  FAIL'}")
            ok &= good
            continue
        ok &= good
        print(f"{name}: {ref.size} elements, largest difference {rel:.1e} of the range"
              f"{'' if good else '  FAIL'}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
