"""Runs the ONNX node tests (Debian's libonnx-testdata: model.onnx plus
input_N.pb / output_N.pb per data set) of every op the Mote importer
handles through motec: import, compile to C, build with the host compiler,
run, and compare with the expected outputs at the ONNX backend tests'
tolerance (rtol 1e-3, atol 1e-7; integers exactly).

Mote compiles ahead of time, so weights, shapes, axes and quantization
parameters are compile-time constants: a test's first input stays a
runtime input and the others are bound into the model as initializers
(values unchanged). Each test ends as one of:

  passed       compiled, ran, every output within tolerance;
  unsupported  motec refused it with an error message (exit code 1), e.g.
               an attribute, data type or form it does not implement;
  failed       wrong output, or motec crashed (any other exit).

Prints a table per op and the reason of every unsupported and failed test;
exits 1 if any test failed.

The suites are Debian's libonnx-testdata directories: `node` (one op per
test) and the model suites `pytorch-converted`, `pytorch-operator` and
`simple` (opset 6 to 12 models exported from PyTorch and written by hand;
older opsets are upgraded by motec's importer).

Usage: run_node_tests.py [--data DIR] [--suites S,T] [--motec PATH]
                         [--work DIR] [--ops A,B]
"""
import argparse
import collections
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

# The ops the importer turns into Mote ops (lib/Target/ONNX).
CLAIMED = {
    "Add", "AveragePool", "BatchNormalization", "Clip", "Concat", "Conv", "Div",
    "ConvInteger", "ConvTranspose", "DequantizeLinear", "Elu", "Erf", "Flatten", "Gemm",
    "GlobalAveragePool", "LeakyRelu", "PRelu", "Selu",
    "HardSigmoid", "HardSwish", "Identity", "MatMul", "MatMulInteger",
    "MaxPool", "Mul", "Pad", "QLinearConv", "QLinearMatMul", "QuantizeLinear",
    "ReduceMax", "ReduceMean", "ReduceMin", "ReduceSum", "Relu", "Reshape", "Resize",
    "Expand", "Gather", "GRU", "LSTM", "RNN", "Sigmoid", "Slice", "Softmax", "Split", "Squeeze",
    "Sub", "Tanh",
    "Transpose", "Unsqueeze",
    "Equal", "Greater", "GreaterOrEqual", "Less", "LessOrEqual", "Where",
    "Not", "And", "Or", "Xor",
    "LayerNormalization",
}
RTOL, ATOL = 1e-3, 1e-7
NPY_TYPES = {np.dtype(np.float32), np.dtype(np.int8), np.dtype(np.uint8), np.dtype(np.bool_),
             np.dtype(np.int32), np.dtype(np.int64)}


def load_pb(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def run_test(test_dir, motec, work):
    """Returns (status, detail)."""
    model = onnx.load(os.path.join(test_dir, "model.onnx"))
    data_sets = sorted(d for d in os.listdir(test_dir) if d.startswith("test_data_set"))
    if not data_sets:
        return "unsupported", "no data set"
    ds = os.path.join(test_dir, data_sets[0])
    inits = {t.name for t in model.graph.initializer}
    graph_inputs = [i for i in model.graph.input if i.name not in inits]
    try:
        values = [load_pb(os.path.join(ds, f"input_{k}.pb")) for k in range(len(graph_inputs))]
        expected = [load_pb(os.path.join(ds, f"output_{k}.pb"))
                    for k in range(len(model.graph.output))]
    except Exception as e:  # sequences, optionals: not tensors
        return "unsupported", f"test data are not plain tensors ({type(e).__name__})"

    if graph_inputs and values[0].dtype not in NPY_TYPES:
        return "unsupported", f"input of element type {values[0].dtype} (motec runs float32, int8, uint8, bool, int32, int64)"
    # Bind every input but the first as an initializer.
    runtime = []
    for k, (vi, value) in enumerate(zip(graph_inputs, values)):
        if k == 0 and value.dtype in NPY_TYPES and value.ndim > 0:
            runtime.append((vi.name, value))
            continue
        model.graph.initializer.append(numpy_helper.from_array(value, vi.name))
    # The bound inputs stay listed as graph inputs: an initializer may be
    # one (a default value), and before IR version 4 it must be.
    path = os.path.join(work, "model.onnx")
    onnx.save(model, path)

    cmd = [motec, "run", path]
    for k, (name, value) in enumerate(runtime):
        f = os.path.join(work, f"in{k}.npy")
        np.save(f, value.view(np.int8) if value.dtype == np.uint8 else value)
        cmd += ["--input", f]
    for k in range(len(expected)):
        cmd += ["--output", os.path.join(work, f"out{k}.npy")]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    # motec exits 1 for a refused model, but also when the C it generated
    # does not build or its program fails: that is a wrong answer.
    if proc.returncode == 1 and "failed (exit code" in proc.stderr:
        line = next(l for l in proc.stderr.splitlines() if "failed (exit code" in l)
        return "failed", line
    if proc.returncode == 1:
        lines = [l for l in proc.stderr.splitlines() if "error" in l or l.startswith("motec: ") and
                 not l.rstrip().endswith("...") and "done in" not in l]
        reason = lines[0] if lines else proc.stderr.strip()[-200:]
        return "unsupported", reason.split("error: ", 1)[-1]
    if proc.returncode != 0:
        return "failed", f"motec exited with {proc.returncode}: {proc.stderr.strip()[-300:]}"
    for k, want in enumerate(expected):
        got = np.load(os.path.join(work, f"out{k}.npy"))
        if want.dtype == np.uint8:
            got = got.view(np.uint8)
        if got.size != want.size:
            return "failed", f"output {k}: {got.size} elements, expected {want.size}"
        got = got.reshape(want.shape)
        if want.dtype.kind == "f":
            if not np.allclose(got.astype(np.float64), want, rtol=RTOL, atol=ATOL):
                err = np.abs(got.astype(np.float64) - want).max()
                return "failed", f"output {k}: largest difference {err:.3g}"
        elif not np.array_equal(got.astype(np.int64), want.astype(np.int64)):
            return "failed", f"output {k}: {int((got != want).sum())} elements differ"
    return "passed", ""


SUITES = ("node", "pytorch-converted", "pytorch-operator", "simple")


def suite_tests(data, suite, only):
    """Yields (group, test_dir) for the tests of `suite` to run. Node tests
    belong to their op and run when every node is a claimed op (tests that
    expand into ops Mote does not claim are not its business); the model
    suites run whole, grouped by the ops each model uses, since a model of
    unclaimed ops must still be refused cleanly."""
    root = os.path.join(data, suite)
    for name in sorted(os.listdir(root)):
        test_dir = os.path.join(root, name)
        try:
            model = onnx.load(os.path.join(test_dir, "model.onnx"))
        except Exception:
            continue
        ops = [n.op_type for n in model.graph.node]
        if not ops:
            continue
        if suite != "node":
            group = "+".join(sorted(set(ops)))
            if only is None or set(ops) & only:
                yield group, test_dir
            continue
        if any(n.domain not in ("", "ai.onnx") for n in model.graph.node):
            continue
        if not set(ops) <= CLAIMED:
            continue
        op = ops[-1] if len(set(ops)) > 1 else ops[0]
        if op in (only or CLAIMED):
            yield op, test_dir


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/usr/share/libonnx-testdata/data")
    ap.add_argument("--suites", default=",".join(SUITES),
                    help="comma separated, of " + ", ".join(SUITES))
    ap.add_argument("--motec", default="motec")
    ap.add_argument("--work", default=None)
    ap.add_argument("--ops", default=None, help="only tests of these ops (comma separated)")
    args = ap.parse_args()
    only = set(args.ops.split(",")) if args.ops else None
    work = args.work or tempfile.mkdtemp(prefix="mote-node-tests-")
    os.makedirs(work, exist_ok=True)
    any_failed = False
    for suite in args.suites.split(","):
        if suite not in SUITES:
            ap.error(f"unknown suite '{suite}'")
        results = collections.defaultdict(list)
        for group, test_dir in suite_tests(args.data, suite, only):
            name = os.path.basename(test_dir)
            case = os.path.join(work, name)
            os.makedirs(case, exist_ok=True)
            status, detail = run_test(test_dir, args.motec, case)
            shutil.rmtree(case, ignore_errors=True)
            results[group].append((name, status, detail))

        totals = collections.Counter()
        print(f"suite {suite}")
        print(f"{'op':<40}{'passed':>8}{'failed':>8}{'unsupported':>13}")
        for op in sorted(results):
            c = collections.Counter(s for _, s, _ in results[op])
            totals.update(c)
            print(f"{op:<40}{c['passed']:>8}{c['failed']:>8}{c['unsupported']:>13}")
        print(f"{'total ' + suite:<40}{totals['passed']:>8}{totals['failed']:>8}"
              f"{totals['unsupported']:>13}")
        for status in ("unsupported", "failed"):
            rows = [(op, n, d) for op in sorted(results) for n, s, d in results[op] if s == status]
            if rows:
                print(f"\n{status} ({suite}):")
                for op, n, d in rows:
                    print(f"  {n}: {d}")
        print()
        any_failed |= bool(totals["failed"])
    return 1 if any_failed else 0


if __name__ == "__main__":
    sys.exit(main())
