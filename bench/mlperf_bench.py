"""Benchmark of the generated C on the MLPerf Tiny models (a script, not a
test: it prints figures, it does not pass or fail).

For each model: code and constant bytes of the built objects (`size -A`),
the arena against the planner's layer-by-layer bound, and the host latency
of the generated C (single thread, median of many runs) divided by ONNX
Runtime's single-thread latency measured in the same run.

Usage: bench/mlperf_bench.py [--models DIR] [--runs N] [--cc CC]
Run it on an otherwise idle machine (no build or test running).
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MODELS = ["resnet", "mobilenet_v1", "kws_ref_model", "deep_autoencoder"]

HARNESS = r"""
#define _POSIX_C_SOURCE 199309L
#include "m.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static float input[%(nin)d], output[%(nout)d];
static _Alignas(16) uint8_t arena[M_ARENA_BYTES + 1];
static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}
int main(void) {
  static double times[%(runs)d];
  int i;
  for (i = 0; i < %(nin)d; ++i) input[i] = (float)((i * 7919) %% 255) / 255.0f;
  for (i = 0; i < 10; ++i) m_run(input, output, arena);
  for (i = 0; i < %(runs)d; ++i) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (m_run(input, output, arena) != 0) return 1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    times[i] = (t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3;
  }
  qsort(times, %(runs)d, sizeof(double), compare);
  printf("%%.1f\n", times[%(runs)d / 2]);
  return 0;
}
"""


def section_sizes(obj):
    out = subprocess.run(["size", "-A", obj], check=True, capture_output=True,
                         text=True).stdout
    sizes = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].startswith(".") and parts[1].isdigit():
            sizes[parts[0]] = sizes.get(parts[0], 0) + int(parts[1])
    return sizes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default=os.path.join(ROOT, "..", "shared", "models", "mlperf-tiny"))
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--cc", default="gcc")
    ap.add_argument("--motec", default=os.path.join(ROOT, "build", "bin", "motec"))
    args = ap.parse_args()
    if not os.path.isdir(args.models):
        sys.exit(f"mlperf_bench: no models in {args.models}")
    env = dict(os.environ, MOTE_DEPS=os.path.join(ROOT, ".deps"))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in MODELS:
            path = os.path.join(args.models, name + ".onnx")
            model = onnx.load(path)
            inp = model.graph.input[0]
            in_shape = [d.dim_value for d in inp.type.tensor_type.shape.dim]
            out_shape = [d.dim_value for d in model.graph.output[0].type.tensor_type.shape.dim]
            nin = 1
            for d in in_shape:
                nin *= d
            nout = 1
            for d in out_shape:
                nout *= d
            pkg = os.path.join(tmp, name)
            report = subprocess.run([args.motec, "compile", path, "-o", pkg, "--name", "m"],
                                    check=True, capture_output=True, text=True).stdout
            arena, bound = map(int, re.search(r"arena (\d+) bytes \(lower bound (\d+)\)", report).groups())
            inc = ["-I", pkg, "-I", os.path.join(pkg, "runtime", "include")]
            objs = []
            for src in [os.path.join(pkg, "m.c"), *sorted(glob.glob(os.path.join(pkg, "runtime", "src", "*.c")))]:
                obj = src + ".o"
                subprocess.run([args.cc, "-std=c99", "-O2", *inc, "-c", src, "-o", obj], check=True)
                objs.append(obj)
            model_sizes, kernel_sizes = section_sizes(objs[0]), section_sizes(objs[1])
            code = model_sizes.get(".text", 0) + kernel_sizes.get(".text", 0)
            const = model_sizes.get(".rodata", 0)
            with open(os.path.join(pkg, "bench.c"), "w") as f:
                f.write(HARNESS % {"nin": nin, "nout": nout, "runs": args.runs})
            exe = os.path.join(pkg, "bench")
            subprocess.run([args.cc, "-std=c11", "-O2", *inc, os.path.join(pkg, "bench.c"), *objs,
                            "-o", exe], check=True)
            ours = float(subprocess.run([exe], check=True, capture_output=True, text=True).stdout)
            ort = float(subprocess.run(["node", os.path.join(HERE, "ort_latency.js"), path, inp.name,
                                        str(in_shape), str(args.runs)], check=True,
                                       capture_output=True, text=True, env=env).stdout)
            rows.append((name, code, const, arena, bound, ours, ort))
    print(f"{'model':<18} {'code B':>8} {'const B':>9} {'arena B':>9} {'bound B':>9} "
          f"{'mote us':>9} {'ORT us':>9} {'mote/ORT':>9}")
    for name, code, const, arena, bound, ours, ort in rows:
        print(f"{name:<18} {code:>8} {const:>9} {arena:>9} {bound:>9} {ours:>9.1f} {ort:>9.1f} "
              f"{ours / ort:>9.2f}")
    print(f"(host {args.cc} -O2 generic C, single thread, median of {args.runs} runs; "
          f"code = .text of the model and the runtime kernels, const = .rodata of the model)")


if __name__ == "__main__":
    main()
