"""Compiles an INT8 QDQ model with motec, runs the generated C on fixed-seed
inputs and compares with ONNX Runtime on the same model.

Outputs are compared in units of the last quantized tensor's scale (LSB): a
trailing Softmax is cut off first (by both sides seeing the same truncated
model), since its probabilities have no LSB. Prints, per model, the share of
elements within 1 LSB, the largest difference in LSB and how many inputs have
the same argmax; exits 1 when the issue's bar is missed (>= 99% within 1 LSB,
never more than 2 LSB, same argmax on >= 19 of 20 inputs).

Usage: compare_ort.py MODEL.onnx WORKDIR [--runs N] [--cc CC] [--cflags ...]
"""
import argparse
import glob
import json
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def truncate_softmax(model):
    """Drops a final Softmax so the graph ends in its quantized logits."""
    graph = model.graph
    if len(graph.output) != 1:
        return model
    out = graph.output[0].name
    last = [n for n in graph.node if out in n.output]
    if not last or last[0].op_type != "Softmax":
        return model
    node = last[0]
    logits = node.input[0]
    graph.node.remove(node)
    shape = [d.dim_value for d in graph.output[0].type.tensor_type.shape.dim]
    del graph.output[:]
    graph.output.append(onnx.helper.make_tensor_value_info(
        logits, onnx.TensorProto.FLOAT, shape))
    return model


def output_scale(model):
    """Scale of the DequantizeLinear that produces the graph output."""
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    out = model.graph.output[0].name
    for n in model.graph.node:
        if out in n.output and n.op_type == "DequantizeLinear":
            return float(inits[n.input[1]])
    raise SystemExit("compare_ort: the output is not a DequantizeLinear")


def input_range(model):
    """Real range of the int8 input quantization (first QuantizeLinear)."""
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for n in model.graph.node:
        if n.op_type == "QuantizeLinear":
            s = float(inits[n.input[1]])
            z = int(inits[n.input[2]]) if len(n.input) > 2 else 0
            return (-128 - z) * s, (127 - z) * s
    return -1.0, 1.0


HARNESS = r"""
#include "{name}.h"
#include <stdio.h>
#include <stdlib.h>
static float input[{nin}], output[{nout}];
static _Alignas(16) uint8_t arena[{upper}_ARENA_BYTES + 1];
int main(int argc, char **argv) {{
  int i;
  for (i = 1; i + 1 < argc; i += 2) {{
    FILE *f = fopen(argv[i], "rb");
    if (!f || fread(input, sizeof(float), {nin}, f) != {nin}) return 2;
    fclose(f);
    if ({name}_run(input, output, arena) != 0) return 3;
    f = fopen(argv[i + 1], "wb");
    if (!f || fwrite(output, sizeof(float), {nout}, f) != {nout}) return 4;
    fclose(f);
  }}
  return 0;
}}
"""


def build_harness(motec, model, workdir, nin, nout, cc="cc", cflags="-O2",
                  options=()):
    """Compiles `model` with motec (and its `options`) into WORKDIR/pkg and
    builds a program that runs it on raw float32 files: run IN OUT [IN OUT
    ...]."""
    name = "m"
    pkg = os.path.join(workdir, "pkg")
    subprocess.run([motec, "compile", model, "-o", pkg, "--name", name, *options],
                   check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(pkg, "main.c"), "w") as f:
        f.write(HARNESS.format(name=name, upper=name.upper(), nin=nin, nout=nout))
    exe = os.path.join(workdir, "run")
    includes = ["-I", pkg, "-I", os.path.join(pkg, "runtime", "include")]
    objects = []
    # The generated code and the runtime build as strict C99.
    for src in [os.path.join(pkg, name + ".c"),
                *sorted(glob.glob(os.path.join(pkg, "runtime", "src", "*.c")))]:
        obj = os.path.join(workdir, os.path.basename(src) + ".o")
        subprocess.run([cc, "-std=c99", "-Wall", "-Wextra", "-Werror",
                        "-pedantic", *cflags.split(), *includes, "-c",
                        src, "-o", obj], check=True)
        objects.append(obj)
    subprocess.run([cc, "-std=c11", *cflags.split(), *includes,
                    os.path.join(pkg, "main.c"), *objects, "-o", exe],
                   check=True)
    return exe


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("workdir")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--motec", default="motec")
    ap.add_argument("--cc", default="cc")
    ap.add_argument("--cflags", default="-O2")
    ap.add_argument("--same-as", help="a WORKDIR of an earlier run whose "
                    "outputs must be bit-identical to this run's")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)

    model = truncate_softmax(onnx.load(args.model))
    cut = os.path.join(args.workdir, "model.onnx")
    onnx.save(model, cut)
    scale = output_scale(model)
    lo, hi = input_range(model)
    inp = model.graph.input[0]
    in_shape = [d.dim_value for d in inp.type.tensor_type.shape.dim]
    out_shape = [d.dim_value for d in model.graph.output[0].type.tensor_type.shape.dim]
    nin, nout = int(np.prod(in_shape)), int(np.prod(out_shape))

    exe = build_harness(args.motec, cut, args.workdir, nin, nout, args.cc,
                        args.cflags)

    rng = np.random.default_rng(20261128)
    runs, files = [], []
    for i in range(args.runs):
        x = rng.uniform(lo, hi, size=in_shape).astype(np.float32)
        xf = os.path.join(args.workdir, f"in{i}.bin")
        x.tofile(xf)
        ours = os.path.join(args.workdir, f"mote{i}.bin")
        ref = os.path.join(args.workdir, f"ort{i}.bin")
        runs.append({"inputs": {inp.name: [xf, in_shape]},
                     "outputs": {model.graph.output[0].name: ref}})
        files += [xf, ours]
    spec = os.path.join(args.workdir, "spec.json")
    with open(spec, "w") as f:
        json.dump({"model": cut, "runs": runs}, f)
    env = dict(os.environ, MOTE_DEPS=os.environ.get("MOTE_DEPS", os.path.join(ROOT, ".deps")))
    subprocess.run(["node", os.path.join(HERE, "ort_run.js"), spec], check=True, env=env)
    subprocess.run([exe, *files], check=True)

    total = within1 = 0
    worst = 0
    same_argmax = 0
    for i in range(args.runs):
        ours = np.fromfile(os.path.join(args.workdir, f"mote{i}.bin"), np.float32)
        ref = np.fromfile(os.path.join(args.workdir, f"ort{i}.bin"), np.float32)
        lsb = np.rint(np.abs(ours.astype(np.float64) - ref) / scale)
        total += lsb.size
        within1 += int((lsb <= 1).sum())
        worst = max(worst, int(lsb.max()))
        same_argmax += int(np.argmax(ours) == np.argmax(ref))
    identical = True
    if args.same_as:
        for i in range(args.runs):
            with open(os.path.join(args.workdir, f"mote{i}.bin"), "rb") as a, \
                 open(os.path.join(args.same_as, f"mote{i}.bin"), "rb") as b:
                identical &= a.read() == b.read()
        print(f"bit-identical to {os.path.basename(args.same_as)}: "
              f"{'yes' if identical else 'NO'}")
    share = 100.0 * within1 / total
    print(f"{os.path.basename(args.model)}: {share:.2f}% of {total} elements within 1 LSB "
          f"of ONNX Runtime, max {worst} LSB, same argmax on {same_argmax}/{args.runs} inputs")
    ok = share >= 99.0 and worst <= 2 and same_argmax >= args.runs - 1 and identical
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
