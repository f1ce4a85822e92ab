"""Benchmark of collaborative learning (docs/Collaborative.md): the whole
loop over a constrained link, the server's replicas, and a device's
instructions per sample on Cortex-M4.

    /usr/bin/python3 bench/collab_bench.py [--motec build/bin/motec]
        [--link-bps 1000000,250000] [--samples 300] [--work DIR]

1. Samples per second of the loop (two host devices, one server training
   a batch as soon as both devices' samples are in) when each device's
   MQTT traffic, both ways, crosses a link of each --link-bps bits per
   second (the device program paces itself: collab.elf --link-bps), for
   float32 features and gradients, uniform 8-bit, and SGQ at 8 and 4 bits;
   bytes per sample both ways, MQTT framing included.
2. Server throughput with 1, 2 and 4 replicas (four devices, no pacing,
   SGQ at 4 bits): every process shares this machine's cores, so this shows
   the replicas' overhead here, not the scaling of separate machines.
3. One sample of the device on Cortex-M4 (mps2-an386 under QEMU, counted by
   bench/qemu-insn-count): the head's forward with the SGQ encoder, then
   the gradient packet's decoding with the head's INT8 training step.

Figures, not pass/fail: the samples per second depend on this machine.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "python"))
from arm_bench import build_plugin, run, symbols  # noqa: E402
from mote_collab import models, sgq  # noqa: E402
from mote_collab.server import Split  # noqa: E402


def compile_split(motec, model, out, bits, target="generic-c", cut_entries=True):
    run([motec, "compile", model, "--name", "net", "-o", out, "--target=" + target,
         "--split-at=" + models.CUT,
         f"--sgq=bits={bits},groups=2" + (",cut_entries" if cut_entries else ""),
         "--train", "--train-precision=int8", "--optimizer=sgd:lr=0.05"])
    return out


def loop(package, codec, work, devices, samples, replicas=1, link_bps=0, gradient_bits=8,
         batch=8):
    """Runs mote_collab.run; its summary with samples per second."""
    summary = os.path.join(work, "summary.json")
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    command = [sys.executable, "-m", "mote_collab.run", package, "--devices", str(devices),
               "--samples", str(samples), "--batch", str(batch), "--lr", "0.05",
               "--replicas", str(replicas), "--codec", codec,
               "--gradient-bits", str(gradient_bits), "--summary", summary, "--work", work]
    if link_bps:
        command += ["--link-bps", str(link_bps)]
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit(f"collab_bench: the run of {codec} failed:\n{result.stdout}{result.stderr}")
    with open(summary) as f:
        s = json.load(f)
    s["per_second"] = s["samples"] / s["device_seconds"]
    return s


def device_instructions(motec, model, work, plugin):
    """(forward + encode, decode + training step) instructions on Cortex-M4."""
    out = compile_split(motec, model, os.path.join(work, "m4"), 4, "cortex-m4",
                        cut_entries=False)
    shutil.copy(os.path.join(HERE, "collab_device.c"), os.path.join(out, "main.c"))
    run(["make", "-s", "-C", out, "net.elf"])
    elf = os.path.join(out, "net.elf")
    split = Split(out)
    rng = np.random.default_rng(3)
    image = os.path.join(out, "image.f32")
    rng.random((1, 1, 28, 28), dtype=np.float32).tofile(image)
    gradient = (rng.standard_normal(split.cut_shape) * 1e-3).astype(np.float32)
    packet = os.path.join(out, "gradient.sgq")
    with open(packet, "wb") as f:
        f.write(sgq.encode(gradient, split.grouping, bits=8, stripe=split.stripe, sequence=1))
    syms = symbols(elf, "arm-none-eabi-nm")
    plug = f"{plugin},begin={syms['mote_bench_begin']:#x},end={syms['mote_bench_end']:#x}"
    result = run(["qemu-system-arm", "-M", "mps2-an386", "-nographic", "-monitor", "none",
                  "-semihosting-config",
                  f"enable=on,target=native,arg=net.elf,arg={image},arg={packet}",
                  "-plugin", plug, "-kernel", elf], timeout=600)
    counts = [int(n) for n in re.findall(r"insn-count total (\d+)", result.stderr)]
    if len(counts) != 2 or "collab device step done" not in result.stdout + result.stderr:
        sys.exit(f"collab_bench: no counts on Cortex-M4:\n{result.stdout}{result.stderr}")
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--motec", default=os.path.join(ROOT, "build", "bin", "motec"))
    ap.add_argument("--link-bps", default="1000000,250000",
                    help="link speeds in bits per second, comma-separated")
    ap.add_argument("--samples", type=int, default=300, help="samples per device")
    ap.add_argument("--work", default="")
    args = ap.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="collab-bench-")
    os.makedirs(work, exist_ok=True)
    model = os.path.join(work, "cnn.onnx")
    models.export(model)
    packages = {bits: compile_split(args.motec, model, os.path.join(work, f"sgq{bits}"), bits)
                for bits in (4, 8)}
    for bits in (4, 8):
        run(["make", "-s", "-C", packages[bits], "collab.elf"])

    rows = [("float32", 4, "float32", 8), ("uniform:8", 4, "uniform:8", 8),
            ("sgq 8/8", 8, "sgq", 8), ("sgq 4/8", 4, "sgq", 8), ("sgq 4/4", 4, "sgq", 4)]
    for bps in (int(b) for b in args.link_bps.split(",")):
        print(f"1. the loop over a {bps / 1e6:g} Mbit/s link per device "
              f"(2 devices x {args.samples} samples, 1 server, batch 2)")
        print(f"   {'codec':<12} {'samples/s':>10} {'B/sample up':>12} {'down':>8} "
              f"{'vs float32':>11}")
        base = None
        for label, bits, codec, gbits in rows:
            name = label.replace(" ", "-").replace("/", "-").replace(":", "")
            s = loop(packages[bits], codec, os.path.join(work, f"link{bps}-{name}"), 2,
                     args.samples, link_bps=bps, gradient_bits=gbits, batch=2)
            base = base or s
            print(f"   {label:<12} {s['per_second']:>10.1f} "
                  f"{s['bytes_up'] / s['samples']:>12.1f} {s['bytes_down'] / s['samples']:>8.1f} "
                  f"{s['per_second'] / base['per_second']:>10.2f}x", flush=True)
    print("   (codec sgq B/G: B-bit features up, G-bit gradients down)")

    print(f"\n2. server replicas (4 devices x {args.samples} samples, SGQ 4 bits, no pacing, "
          f"{os.cpu_count()} cores for all processes)")
    one = None
    for replicas in (1, 2, 4):
        s = loop(packages[4], "sgq", os.path.join(work, f"replicas{replicas}"), 4, args.samples,
                 replicas=replicas)
        one = one or s
        print(f"   {replicas} replica(s): {s['per_second']:>7.1f} samples/s "
              f"({s['per_second'] / one['per_second']:.2f}x one replica)", flush=True)

    plugin = build_plugin(work)
    forward, backward = device_instructions(args.motec, model, work, plugin)
    print("\n3. one sample on Cortex-M4 (QEMU mps2-an386, instructions; INT8 training)")
    print(f"   head forward + SGQ encode (4 bits):          {forward:>10,}")
    print(f"   SGQ decode (8 bits) + head's training step:  {backward:>10,}")
    print(f"   total per sample:                            {forward + backward:>10,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
