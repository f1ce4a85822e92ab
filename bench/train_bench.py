#!/usr/bin/env python3
"""Cost of one train step of the Fashion-MNIST CNN (conv-relu-pool x 2, FC;
examples/training/train_on_device.py), INT8 against FP32 generated code, in
the same run:

  * instructions per train step: callgrind on the host (x86-64, gcc -O2),
    and the QEMU TCG plugin (bench/qemu-insn-count) on Cortex-M4 (MPS2
    AN386) and Cortex-A53 (qemu-aarch64), counted between the example
    program's markers around <model>_train_step;
  * arena bytes (state + scratch of the train step) and state bytes;
  * host wall time per step against PyTorch on the CPU (one thread), the
    median of --repeat runs of --steps steps;
  * sparse updates: arena and state bytes of the FP32 and INT8 packages
    for each --train-layers choice (all, last:2, last:1, bias), which show
    what the memory plan releases when frozen layers need no saved
    activations and no error.

Target of issue 6: INT8 at most 0.5x the instructions and 0.6x the memory
of FP32. The script prints the ratios; it does not fail.

Usage: bench/train_bench.py [--motec motec] [--batch 8] [--work DIR]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "examples", "training"))
from train_on_device import Net  # noqa: E402
from arm_bench import build_plugin, symbols  # noqa: E402


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def compile_package(args, onnx_path, precision, target, work):
    out = os.path.join(work, f"{precision}-{target}")
    run([args.motec, "compile", onnx_path, "--train", "--name", "net",
         f"--train-precision={precision}", f"--target={target}",
         "--optimizer=sgd:lr=0.05,momentum=0.9", "-o", out])
    run(["make", "-s", "-C", out, "net.elf", "LDFLAGS=-no-pie"])
    header = open(os.path.join(out, "net.h")).read()
    arena = int(re.search(r"NET_ARENA_BYTES (\d+)", header).group(1))
    state = int(re.search(r"NET_STATE_BYTES (\d+)", header).group(1))
    return out, arena, state


def sizes(args, onnx_path, precision, layers, work):
    """Arena and state bytes of a package (compiled only)."""
    out = os.path.join(work, f"sizes-{precision}-{layers.replace(':', '')}")
    run([args.motec, "compile", onnx_path, "--train", "--name", "net",
         f"--train-precision={precision}", f"--train-layers={layers}",
         "--optimizer=sgd:lr=0.05,momentum=0.9", "-o", out])
    header = open(os.path.join(out, "net.h")).read()
    return (int(re.search(r"NET_ARENA_BYTES (\d+)", header).group(1)),
            int(re.search(r"NET_STATE_BYTES (\d+)", header).group(1)))


def data_files(work, batch, steps):
    rng = np.random.default_rng(0)
    x = os.path.join(work, "x.bin")
    y = os.path.join(work, "y.bin")
    rng.uniform(0, 1, size=(steps, batch, 1, 28, 28)).astype(np.float32).tofile(x)
    rng.integers(0, 10, size=(steps, batch)).astype(np.int32).tofile(y)
    return x, y


def callgrind(out, x, y):
    """Instructions of one train step (the second; the first warms up)."""
    log = os.path.join(out, "callgrind.out")
    run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={log}",
         "--collect-atstart=no", "--toggle-collect=net_train_step",
         os.path.join(out, "net.elf"), x, y, "2"])
    total = None
    for line in open(log):
        if line.startswith("totals:") or line.startswith("summary:"):
            total = int(line.split()[1])
    return total // 2


def qemu_count(out, target, plugin, x, y):
    elf = os.path.join(out, "net.elf")
    prefix = "arm-none-eabi-" if target.startswith("cortex") else "aarch64-linux-gnu-"
    syms = symbols(elf, prefix + "nm")
    arg = f"{plugin},begin={syms['mote_bench_begin']:#x},end={syms['mote_bench_end']:#x}"
    if target == "cortex-m4":
        cmd = ["qemu-system-arm", "-M", "mps2-an386", "-nographic", "-monitor",
               "none", "-semihosting-config",
               f"enable=on,target=native,arg=net.elf,arg={x},arg={y},arg=1",
               "-plugin", arg, "-kernel", elf]
    else:
        cmd = ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu", "-cpu",
               "cortex-a53", "-plugin", arg, elf, x, y, "1"]
    result = run(cmd, timeout=1800)
    m = re.search(r"insn-count total (\d+)", result.stderr)
    if not m:
        sys.exit(f"no instruction count on {target}:\n{result.stderr}")
    return int(m.group(1))


def wall_time(out, x, y, steps, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run([os.path.join(out, "net.elf"), x, y, str(steps)])
        times.append(time.perf_counter() - start)
    return statistics.median(times) / steps


def torch_time(batch, steps, repeat):
    torch.set_num_threads(1)
    torch.manual_seed(0)
    net = Net()
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    x = torch.rand(batch, 1, 28, 28)
    y = torch.randint(0, 10, (batch,))
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(steps):
            opt.zero_grad()
            F.cross_entropy(net(x), y).backward()
            opt.step()
        times.append(time.perf_counter() - start)
    return statistics.median(times) / steps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--motec", default="motec")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--targets", default="cortex-m4,aarch64-neon")
    ap.add_argument("--work")
    args = ap.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="mote-train-bench-")
    os.makedirs(work, exist_ok=True)
    torch.manual_seed(0)
    onnx_path = os.path.join(work, "net.onnx")
    torch.onnx.export(Net(), torch.zeros(args.batch, 1, 28, 28), onnx_path,
                      input_names=["image"], output_names=["logits"],
                      opset_version=13)
    x, y = data_files(work, args.batch, args.steps)
    plugin = build_plugin(work)
    rows = {}
    for precision in ("fp32", "int8"):
        out, arena, state = compile_package(args, onnx_path, precision,
                                            "generic-c", work)
        row = {"arena": arena, "state": state, "host": callgrind(out, x, y),
               "time": wall_time(out, x, y, args.steps, args.repeat)}
        for target in args.targets.split(","):
            tout, _, _ = compile_package(args, onnx_path, precision, target, work)
            row[target] = qemu_count(tout, target, plugin, x, y)
        rows[precision] = row
    torch_seconds = torch_time(args.batch, args.steps, args.repeat)

    targets = args.targets.split(",")
    print(f"Fashion-MNIST CNN, batch {args.batch}, one train step "
          "(forward, loss, backward, SGD-momentum update)")
    header = ["", "host instr (callgrind)"] + [f"{t} instr (QEMU)" for t in targets] + \
        ["arena B", "state B", "host ms/step"]
    print(" | ".join(header))
    for precision in ("fp32", "int8"):
        r = rows[precision]
        cells = [precision, f"{r['host']:,}"] + [f"{r[t]:,}" for t in targets] + \
            [f"{r['arena']:,}", f"{r['state']:,}", f"{r['time'] * 1e3:.2f}"]
        print(" | ".join(cells))
    f, i = rows["fp32"], rows["int8"]
    ratios = ["int8 / fp32", f"{i['host'] / f['host']:.2f}x"] + \
        [f"{i[t] / f[t]:.2f}x" for t in targets] + \
        [f"{i['arena'] / f['arena']:.2f}x", f"{i['state'] / f['state']:.2f}x",
         f"{i['time'] / f['time']:.2f}x"]
    print(" | ".join(ratios))
    print(f"PyTorch CPU, 1 thread: {torch_seconds * 1e3:.2f} ms/step; "
          f"generated C fp32 {f['time'] / torch_seconds:.2f}x, "
          f"int8 {i['time'] / torch_seconds:.2f}x its time")
    print("\nSparse updates (--train-layers), arena / state bytes:")
    print("train-layers | fp32 arena | fp32 state | int8 arena | int8 state")
    full = {}
    for layers in ("all", "last:2", "last:1", "bias"):
        cells = [layers]
        for precision in ("fp32", "int8"):
            arena, state = sizes(args, onnx_path, precision, layers, work)
            full.setdefault(precision, arena)
            cells += [f"{arena:,} ({arena / full[precision]:.2f}x)",
                      f"{state:,}"]
        print(" | ".join(cells))
    ins = max([i['host'] / f['host']] + [i[t] / f[t] for t in targets])
    mem = i["arena"] / f["arena"]
    print(f"target (INT8 <= 0.5x instructions, <= 0.6x memory of FP32): "
          f"instructions {'met' if ins <= 0.5 else 'NOT met'} (worst "
          f"{ins:.2f}x), memory {'met' if mem <= 0.6 else 'NOT met'} "
          f"({mem:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
