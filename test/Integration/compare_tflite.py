"""Compiles a .tflite model with motec and compares the generated C with
TensorFlow Lite on fixed-seed int8 inputs: its builtin integer kernels
(TFLite 2.2's C library, scripts/tflite_builtin_run.py, the default) or
its WebAssembly interpreter, whose XNNPACK delegate runs int8
convolutions, dense layers and adds with a float32 rescaling
(scripts/tflite_run.js, --oracle xnnpack).

Both sides see the same int8 input: TFLite its raw bytes, the generated
code (float at its boundary) their real values, which its quantize maps
back exactly. Mote's float outputs are mapped back to the output's int8
grid and compared in steps. Prints the share of exact outputs, of outputs
within one step, the largest difference and how many inputs have the same
argmax; exits 1 above --max-steps or below --min-within1 percent.

Usage: compare_tflite.py MODEL.tflite WORKDIR [--motec PATH] [--runs N]
       [--max-steps 1] [--min-within1 99] [--oracle builtin|xnnpack]
       [--numerics tflite|mote]
"""
import argparse
import os
import re
import subprocess
import sys

import numpy as np

from compare_ort import ROOT, build_harness

QUANT = r"!quant\.uniform<i8:f32, ([0-9.e+-]+):?(-?[0-9]*)>"


def boundary(motec_dir, model):
    """Input shape and the int8 scale / zero point of the input and output,
    from the imported IR."""
    ir = subprocess.run([os.path.join(motec_dir, "mote-translate"),
                         "--import-tflite", model], check=True,
                        capture_output=True, text=True).stdout
    shape = re.search(r"%arg0: tensor<([0-9x]+)xf32>", ir).group(1)
    first = re.search(r"mote\.quantize %arg0 .*?" + QUANT, ir)
    last = re.findall(r"mote\.quantize .*?" + QUANT, ir)[-1]
    return ([int(d) for d in shape.split("x")],
            (float(first.group(1)), int(first.group(2) or 0)),
            (float(last[0]), int(last[1] or 0)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("workdir")
    ap.add_argument("--motec", default="motec")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--max-steps", type=int, default=1)
    ap.add_argument("--min-within1", type=float, default=99.0)
    ap.add_argument("--oracle", choices=("builtin", "xnnpack"), default="builtin",
                    help="TFLite 2.2's builtin kernels (scripts/tflite_builtin_run.py) or "
                         "the WebAssembly interpreter with XNNPACK (scripts/tflite_run.js)")
    ap.add_argument("--numerics", default="", help="motec's --numerics")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    motec = subprocess.run(["which", args.motec], check=True,
                           capture_output=True, text=True).stdout.strip()
    shape, (s_in, z_in), (s_out, z_out) = boundary(os.path.dirname(motec),
                                                   args.model)
    nin = int(np.prod(shape))
    # The output size: TFLite's output bytes of a first run.
    rng = np.random.default_rng(20261207)
    qs = [rng.integers(-128, 128, size=nin).astype(np.int8)
          for _ in range(args.runs)]
    files = []
    for i, q in enumerate(qs):
        q.tofile(os.path.join(args.workdir, f"q{i}.bin"))
        files += [os.path.join(args.workdir, f"q{i}.bin"),
                  os.path.join(args.workdir, f"tflite{i}.bin")]
    env = dict(os.environ, MOTE_DEPS=os.environ.get("MOTE_DEPS", os.path.join(ROOT, ".deps")))
    if args.oracle == "builtin":
        oracle = [sys.executable, os.path.join(ROOT, "scripts", "tflite_builtin_run.py")]
    else:
        oracle = ["node", os.path.join(ROOT, "scripts", "tflite_run.js")]
    subprocess.run([*oracle, args.model, *files], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    nout = os.path.getsize(os.path.join(args.workdir, "tflite0.bin"))
    exe = build_harness(args.motec, args.model, args.workdir, nin, nout,
                        options=["--numerics=" + args.numerics] if args.numerics else [])
    ours = []
    for i, q in enumerate(qs):
        x = ((q.astype(np.float32) - z_in) * np.float32(s_in)).astype(np.float32)
        x.tofile(os.path.join(args.workdir, f"x{i}.bin"))
        ours += [os.path.join(args.workdir, f"x{i}.bin"),
                 os.path.join(args.workdir, f"mote{i}.bin")]
    subprocess.run([exe, *ours], check=True)

    total = exact = within1 = worst = same = 0
    for i in range(args.runs):
        ref = np.fromfile(os.path.join(args.workdir, f"tflite{i}.bin"), np.int8).astype(np.int64)
        y = np.fromfile(os.path.join(args.workdir, f"mote{i}.bin"), np.float32)
        mote = np.rint(y.astype(np.float64) / s_out).astype(np.int64) + z_out
        diff = np.abs(mote - ref)
        total += diff.size
        exact += int((diff == 0).sum())
        within1 += int((diff <= 1).sum())
        worst = max(worst, int(diff.max()))
        same += int(np.argmax(mote) == np.argmax(ref))
    share = 100.0 * within1 / total
    print(f"{os.path.basename(args.model)} vs TFLite: {100.0 * exact / total:.1f}% "
          f"of {total} int8 outputs exact, {share:.1f}% within 1 step, max {worst}, "
          f"same argmax on {same}/{args.runs} inputs")
    ok = worst <= args.max_steps and share >= args.min_within1
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
