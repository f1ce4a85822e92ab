"""Checks motec's post-training quantization of a float model end to end.

1. FP32: `motec run MODEL` against ONNX Runtime on MODEL: largest output
   difference relative to the output range <= --fp32-tolerance.
2. INT8: `motec run MODEL --quantize=int8 --calibration CALIB` agrees with
   the FP32 C on top-1 for >= --min-agreement percent of the inputs.
3. Export: the QDQ model `motec compile --emit=onnx` writes reads back
   into bit-identical INT8 C, and ONNX Runtime running it is compared with
   the INT8 C (in units of the output's quantization step, and top-1).

Usage: compare_qdq_ort.py MODEL CALIB.npy INPUTS.npy WORKDIR [--motec PATH]
       [--method minmax] [--min-agreement 90] [--fp32-tolerance 1e-4]
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

from onnx_models import is_text_model, load_model

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def ort(model_path, inputs, work, tag):
    model = onnx.load(model_path)
    inits = {t.name for t in model.graph.initializer}
    inp = [i for i in model.graph.input if i.name not in inits][0]
    out = model.graph.output[0].name
    shape = [d.dim_value for d in inp.type.tensor_type.shape.dim]
    raw_in, raw_out = os.path.join(work, tag + "_in.bin"), os.path.join(work, tag + "_out.bin")
    # Token ids (an int64 / int32 input) stay integers.
    dtype = {onnx.TensorProto.INT64: "int64",
             onnx.TensorProto.INT32: "int32"}.get(inp.type.tensor_type.elem_type, "float32")
    inputs.astype(dtype).tofile(raw_in)
    env = dict(os.environ, MOTE_DEPS=os.environ.get("MOTE_DEPS", os.path.join(ROOT, ".deps")))
    subprocess.run(["node", os.path.join(ROOT, "scripts", "ort_batch.js"), model_path, inp.name,
                    json.dumps(shape), raw_in, str(len(inputs)), out, raw_out, dtype],
                   check=True, env=env)
    return np.fromfile(raw_out, np.float32).reshape(len(inputs), -1)


def output_scale(model_path):
    """The scale of the DequantizeLinear that produces the model's output."""
    model = onnx.load(model_path)
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    producer = {o: n for n in model.graph.node for o in n.output}
    node = producer[model.graph.output[0].name]
    while node.op_type == "Identity":
        node = producer[node.input[0]]
    assert node.op_type == "DequantizeLinear", node.op_type
    return float(inits[node.input[1]])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("calibration")
    ap.add_argument("inputs")
    ap.add_argument("workdir")
    ap.add_argument("--motec", default="motec")
    ap.add_argument("--method", default="minmax")
    ap.add_argument("--min-agreement", type=float, default=90.0)
    ap.add_argument("--fp32-tolerance", type=float, default=1e-4)
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    w = lambda name: os.path.join(args.workdir, name)
    name = os.path.splitext(os.path.basename(args.model))[0]
    inputs = np.load(args.inputs)
    with open(args.model, "rb") as f:
        text_model = is_text_model(f.read())
    if text_model:  # ONNX text syntax: ONNX Runtime reads binary
        model = load_model(args.model)
        args.model = w(name + ".onnx")
        onnx.save(model, args.model)
    quant = ["--quantize=int8", "--calibration", args.calibration, "--calibration-method", args.method]

    run([args.motec, "run", args.model, "--input", args.inputs, "--output", w("fp32.npy")])
    run([args.motec, "run", args.model, "--input", args.inputs, "--output", w("int8.npy"), *quant])
    run([args.motec, "compile", args.model, "-o", args.workdir, "--name", "qdq", "--emit=onnx", *quant])
    run([args.motec, "run", w("qdq.onnx"), "--input", args.inputs, "--output", w("reread.npy")])
    fp32 = np.load(w("fp32.npy")).reshape(len(inputs), -1)
    int8 = np.load(w("int8.npy")).reshape(len(inputs), -1)
    reread = np.load(w("reread.npy")).reshape(len(inputs), -1)
    ort_fp32 = ort(args.model, inputs, args.workdir, "fp32")
    ort_int8 = ort(w("qdq.onnx"), inputs, args.workdir, "qdq")

    fp32_rel = float(np.abs(fp32.astype(np.float64) - ort_fp32).max() / (ort_fp32.max() - ort_fp32.min()))
    agree = 100.0 * (int8.argmax(1) == fp32.argmax(1)).mean()
    lsb = np.rint(np.abs(int8 - ort_int8) / output_scale(w("qdq.onnx")))
    ort_agree = 100.0 * (int8.argmax(1) == ort_int8.argmax(1)).mean()
    same = bool((reread == int8).all())
    classes = len(set(fp32.argmax(1).tolist()))
    print(f"{name}: {len(inputs)} inputs ({classes} distinct FP32 classes), calibration {args.method}")
    print(f"  FP32 C vs ONNX Runtime: largest difference {fp32_rel:.1e} of the output range")
    print(f"  INT8 C vs FP32 C: same top-1 on {agree:.1f}% of inputs")
    print(f"  INT8 C vs ONNX Runtime on the exported QDQ model: same top-1 on {ort_agree:.1f}%, "
          f"{100.0 * (lsb <= 1).mean():.1f}% of outputs within 1 step (max {int(lsb.max())})")
    print(f"  exported QDQ model read back: {'bit-identical' if same else 'DIFFERENT'} INT8 C")
    ok = fp32_rel <= args.fp32_tolerance and agree >= args.min_agreement and same
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
