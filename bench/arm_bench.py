"""Instruction counts of the MLPerf Tiny models on the Arm targets under
QEMU (a script, not a test: it prints figures, it does not pass or fail).

For each model and target, the model is compiled twice with `motec compile
--target=T`: with the target's kernels, and with the portable C kernels
built by the same compiler for the same CPU (--portable-kernels, the
baseline). Each program runs one inference on a fixed-seed input on the
target's emulator (qemu-system-arm for the Cortex-M boards, qemu-aarch64
for the Cortex-A CPUs) with the instruction-counting TCG plugin of
bench/qemu-insn-count, which counts the guest instructions executed between
the harness's markers around the model's run function, and per kernel call.

Printed per model and target: instructions per inference, MACs per
instruction, code bytes (.text of the model and runtime objects), constant
bytes, arena bytes, the ratio to the portable kernels on the same CPU, and
for Cortex-M the ratio to TensorFlow Lite Micro with CMSIS-NN (the
anchors of issue 5, measured with the same plugin method on the same QEMU
boards). `--layers` prints the per-kernel breakdown.

With --tflite the models are the MLPerf Tiny .tflite files themselves (the
very networks and scales TFLM ran for the anchors), compiled in TFLite's
numerics (their default), so the TFLM ratio compares like with like; the
.onnx files are the same architectures quantized separately.

`--functions` counts every instruction address (the plugin's profile=1) and
prints the instructions spent in each function, static helpers included.

Usage: bench/arm_bench.py [--models DIR] [--targets T,...] [--layers] [--functions] [--tflite]
Deterministic: the counts do not depend on the machine's load.
"""
import argparse
import bisect
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MODELS = ["resnet", "mobilenet_v1", "kws_ref_model", "deep_autoencoder"]
TARGETS = ["cortex-m4", "cortex-m55", "aarch64-neon", "aarch64-dotprod"]

# Instructions per inference inside TFLM's Invoke (issue 5), and TFLM's
# arena bytes on Cortex-M4.
TFLM = {
    "resnet": {"cmsis-m4": 29864125, "ref-m4": 107403588, "cmsis-m55": 4912150, "arena": 54996},
    "mobilenet_v1": {"cmsis-m4": 24102752, "ref-m4": 100251678, "cmsis-m55": 6559128, "arena": 100708},
    "kws_ref_model": {"cmsis-m4": 7697761, "ref-m4": 43040914, "cmsis-m55": 1813524, "arena": 22820},
    "deep_autoencoder": {"cmsis-m4": 583231, "ref-m4": 1952594, "cmsis-m55": 150292, "arena": 2580},
}


# The same networks as published for TFLite (--tflite): the files TFLM runs,
# with their own scales, compiled in TFLite's numerics.
TFLITE_FILES = {"resnet": "pretrainedResnet_quant", "mobilenet_v1": "vww_96_int8",
                "kws_ref_model": "kws_ref_model", "deep_autoencoder": "ad01_int8"}


def input_shape(path, motec=os.path.join(ROOT, "build", "bin", "motec")):
    """The shape of the model's first input: the ONNX graph's first input
    that is not an initializer, or a TFLite model's from its import (by the
    mote-translate next to `motec`)."""
    if path.endswith(".tflite"):
        translate = os.path.join(os.path.dirname(motec), "mote-translate")
        ir = run([translate, "--import-tflite", path]).stdout
        return [int(d) for d in re.search(r"%arg0: tensor<([0-9x]+)xf32>", ir).group(1).split("x")]
    import onnx
    model = onnx.load(path)
    inits = {t.name for t in model.graph.initializer}
    vi = [i for i in model.graph.input if i.name not in inits][0]
    return [d.dim_value for d in vi.type.tensor_type.shape.dim]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def build_plugin(work):
    lib = os.path.join(work, "libinsn_count.so")
    run(["cc", "-shared", "-fPIC", "-O2", "-fvisibility=hidden", "-o", lib,
         os.path.join(HERE, "qemu-insn-count", "insn_count.c")])
    return lib


def symbols(elf, nm):
    table = {}
    for line in run([nm, elf]).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "Tt":
            table[parts[2]] = int(parts[0], 16) & ~1
    return table


def calls_in_order(source):
    """(layer, kernel) of each kernel call of the generated C, in order."""
    calls, layer = [], "?"
    for line in open(source):
        m = re.match(r"\s*/\* (.*) \*/\s*$", line)
        if m:
            layer = m.group(1)
            continue
        m = re.search(r"\b(mote_[a-z0-9_]+)\(", line)
        if m and "_params" not in m.group(1):
            calls.append((layer, m.group(1)))
    return calls


def by_function(pcs, syms):
    """Instructions per function: each counted address goes to the symbol
    at or below it."""
    starts = sorted((a, n) for n, a in syms.items())
    addrs = [a for a, _ in starts]
    totals = {}
    for pc, n in pcs:
        i = bisect.bisect_right(addrs, pc) - 1
        name = starts[i][1] if i >= 0 else "?"
        totals[name] = totals.get(name, 0) + n
    return sorted(totals.items(), key=lambda kv: -kv[1])


def measure(motec, model_path, name, target, portable, work, plugin, input_shape, extra=(),
            tag="", inputs=None, profile=False):
    """One compiled program's figures; `extra` adds motec compile options
    (`tag` names its build folder). The program runs on one fixed-seed
    input, or on the samples of `inputs` in order (then `totals` holds each
    sample's instructions)."""
    out = os.path.join(work, f"{name}-{target}-{'portable' if portable else 'mote'}{tag}")
    cmd = [motec, "compile", model_path, f"--target={target}", "-o", out, "--name", "m", *extra]
    if portable:
        cmd.append("--portable-kernels")
    report = run(cmd).stdout
    total = re.search(r"total: (\d+) MACs, arena (\d+) bytes .*weights (\d+) bytes, code (\d+) bytes", report)
    macs, arena, weights, code = (int(g) for g in total.groups())
    # Position-dependent, so the plugin's addresses are nm's.
    run(["make", "-s", "-C", out, "m.elf", "LDFLAGS=-no-pie"])
    elf = os.path.join(out, "m.elf")
    if inputs is None:
        x = np.random.default_rng(5).uniform(-1, 1, input_shape).astype(np.float32)
    else:
        x = np.ascontiguousarray(inputs, dtype=np.float32)
    inp = os.path.join(out, "in.bin")
    x.tofile(inp)
    outp = os.path.join(out, "out.bin")
    compiler = "arm-none-eabi-" if target.startswith("cortex") else "aarch64-linux-gnu-"
    syms = symbols(elf, compiler + "nm")
    # Mark the kernels the model's run function calls (not their helpers).
    calls = calls_in_order(os.path.join(out, "m.c"))
    kernels = {n: syms[n] for _, n in calls if n in syms}
    arg = f"{plugin},begin={syms['mote_bench_begin']:#x},end={syms['mote_bench_end']:#x}"
    for a in kernels.values():
        arg += f",mark={a:#x}"
    if profile:
        arg += ",profile=1"
    if target.startswith("cortex"):
        machine = "mps2-an386" if target == "cortex-m4" else "mps3-an547"
        cmd = ["qemu-system-arm", "-M", machine, "-nographic", "-monitor", "none",
               "-semihosting-config", f"enable=on,target=native,arg=m.elf,arg={inp},arg={outp}",
               "-plugin", arg, "-kernel", elf]
    else:
        cpu = "cortex-a53" if target == "aarch64-neon" else "cortex-a76"
        cmd = ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu", "-cpu", cpu, "-plugin", arg,
               elf, inp, outp]
    result = run(cmd, timeout=600)
    insns, per_call, totals, pcs = None, [], [], []
    by_addr = {a: n for n, a in kernels.items()}
    for line in result.stderr.splitlines():
        m = re.match(r"insn-count total (\d+)", line)
        if m:
            insns = int(m.group(1))
            totals.append(insns)
        m = re.match(r"insn-count mark (0x[0-9a-f]+) (\d+)", line)
        if m:
            per_call.append((by_addr.get(int(m.group(1), 16), "?"), int(m.group(2))))
        m = re.match(r"insn-count pc (0x[0-9a-f]+) (\d+)", line)
        if m:
            pcs.append((int(m.group(1), 16), int(m.group(2))))
    if insns is None:
        sys.exit(f"no instruction count for {name} on {target}:\n{result.stderr}")
    # Name each call after its layer: calls happen in the order of the C.
    layers = []
    for i, (kernel, count) in enumerate(per_call):
        layer = calls[i][0] if i < len(calls) and calls[i][1] == kernel else "?"
        layers.append((layer, kernel, count))
    return {"insns": insns, "macs": macs, "arena": arena, "weights": weights,
            "code": code, "layers": layers, "out": np.fromfile(outp, dtype=np.uint8),
            "totals": totals, "functions": by_function(pcs, syms) if profile else []}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default=os.path.join(ROOT, "..", "shared", "models", "mlperf-tiny"))
    ap.add_argument("--targets", default=",".join(TARGETS))
    ap.add_argument("--only", default=",".join(MODELS))
    ap.add_argument("--motec", default=os.path.join(ROOT, "build", "bin", "motec"))
    ap.add_argument("--layers", action="store_true")
    ap.add_argument("--functions", action="store_true",
                    help="instructions per function (static helpers included) of the Mote build")
    ap.add_argument("--tflite", action="store_true",
                    help="the .tflite models (TFLM's very networks) instead of the .onnx ones")
    args = ap.parse_args()
    rows = []
    print(HEADER)
    with tempfile.TemporaryDirectory() as work:
        plugin = build_plugin(work)
        for name in args.only.split(","):
            path = os.path.join(args.models, TFLITE_FILES[name] + ".tflite" if args.tflite
                                else name + ".onnx")
            shape = input_shape(path, args.motec)
            for target in args.targets.split(","):
                mote = measure(args.motec, path, name, target, False, work, plugin, shape,
                               profile=args.functions)
                base = measure(args.motec, path, name, target, True, work, plugin, shape)
                same = np.array_equal(mote["out"], base["out"])
                rows.append((name, target, mote, base, same))
                print_row(name, target, mote, base, same)
                if args.layers:
                    print_layers(mote, base)
                if args.functions:
                    for fn, n in mote["functions"][:25]:
                        print(f"    {fn[-48:]:<48} {n:>12,} {100 * n / mote['insns']:>5.1f}%")
    print_summary(rows)


HEADER = (f"{'model':<17} {'target':<16} {'insns/inference':>15} {'MACs/insn':>9} "
          f"{'vs portable':>11} {'vs TFLM+CMSIS':>13} {'code B':>7} {'const B':>8} {'arena B':>8}")


def print_row(name, target, mote, base, same):
    anchor = ""
    if target == "cortex-m4":
        anchor = f"{TFLM[name]['cmsis-m4'] / mote['insns']:.2f}x"
    elif target == "cortex-m55":
        anchor = f"{TFLM[name]['cmsis-m55'] / mote['insns']:.2f}x"
    print(f"{name:<17} {target:<16} {mote['insns']:>15,} {mote['macs'] / mote['insns']:>9.3f} "
          f"{base['insns'] / mote['insns']:>10.2f}x {anchor:>13} {mote['code']:>7,} "
          f"{mote['weights']:>8,} {mote['arena']:>8,}"
          + ("" if same else "   OUTPUTS DIFFER from the portable kernels"), flush=True)


def print_layers(mote, base):
    total = mote["insns"]
    print(f"    {'layer':<40} {'kernel':<32} {'insns':>12} {'share':>6} {'portable':>12}")
    for i, (layer, kernel, count) in enumerate(mote["layers"]):
        b = base["layers"][i][2] if i < len(base["layers"]) else 0
        print(f"    {layer[-40:]:<40} {kernel:<32} {count:>12,} {100 * count / total:>5.1f}% {b:>12,}")


def print_summary(rows):
    print("\nCortex-M against TFLM (instructions per inference; arena bytes):")
    for name, target, mote, base, same in rows:
        if not target.startswith("cortex"):
            continue
        key = "cmsis-m4" if target == "cortex-m4" else "cmsis-m55"
        goal = 2.0 if target == "cortex-m4" else 1.5
        ratio = TFLM[name][key] / mote["insns"]
        arena = f"arena {mote['arena']:,} vs TFLM(M4) {TFLM[name]['arena']:,}"
        print(f"  {name:<17} {target:<11} mote {mote['insns']:>12,}  TFLM+CMSIS-NN {TFLM[name][key]:>12,}"
              f"  {ratio:5.2f}x fewer (goal {goal}x: {'met' if ratio >= goal else 'not met'}), {arena}")


if __name__ == "__main__":
    main()
