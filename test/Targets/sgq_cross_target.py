#!/usr/bin/env python3
"""The SGQ codec is bit-identical everywhere: runtime/test/sgq_device.c,
built for the host, aarch64 (QEMU user mode, Cortex-A53) and the Cortex-M4
and Cortex-M55 boards (QEMU system mode, files through semihosting), must
write the same packet bytes as `motec sgq encode` and decode them to the
same float bits as `motec sgq decode`, for every width and both roundings.

Usage: sgq_cross_target.py MOTEC SOURCE_ROOT WORKDIR
"""
import os
import subprocess
import sys

import numpy as np

WARN = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2",
        "-ffp-contract=off"]


def builds(src, work):
    inc = ["-I" + os.path.join(src, "runtime", "include"),
           "-I" + os.path.join(src, "runtime", "boards")]
    files = [os.path.join(src, "runtime", "test", "sgq_device.c"),
             os.path.join(src, "runtime", "src", "mote_sgq.c")]
    hosted = os.path.join(src, "runtime", "boards", "mote_board_hosted.c")
    semihost = os.path.join(src, "runtime", "boards", "mote_board_semihost.c")
    boards = os.path.join(src, "runtime", "boards")
    # Each: compile command, run prefix.
    aarch64 = ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu", "-cpu",
               "cortex-a53"]
    yield "host", ["cc"] + WARN + inc + files + [hosted, "-o"], []
    yield "host-clang-O0", ["clang"] + WARN + ["-O0"] + inc + files + \
        [hosted, "-o"], []
    yield "cortex-a53", ["aarch64-linux-gnu-gcc", "-march=armv8-a"] + WARN + \
        inc + files + [hosted, "-o"], aarch64
    # GCC's default outside ISO mode: multiply-adds fused into FMAs. The
    # codec's arithmetic is exact where it could be fused, so nothing
    # changes.
    yield "cortex-a53-fma", ["aarch64-linux-gnu-gcc", "-march=armv8-a"] + \
        WARN + ["-O3", "-ffp-contract=fast"] + inc + files + \
        [hosted, "-o"], aarch64
    for cpu, ld, machine, fpu in (
            ("cortex-m4", "mps2_an386.ld", "mps2-an386",
             ["-mfpu=fpv4-sp-d16"]),
            ("cortex-m55", "mps3_an547.ld", "mps3-an547", [])):
        yield cpu, ["arm-none-eabi-gcc", "--specs=picolibc.specs",
                    f"-mcpu={cpu}", "-mthumb", "-mfloat-abi=hard"] + fpu + \
            WARN + ["-nostartfiles", "-L" + boards,
                    "-T" + os.path.join(boards, ld)] + inc + files + \
            [semihost, "-o"], \
            ["qemu-system-arm", "-M", machine, "-nographic", "-monitor",
             "none", "-semihosting-config", "enable=on,target=native",
             "-kernel"]


def run(prefix, exe, args, cwd):
    if prefix and prefix[0] == "qemu-system-arm":
        words = prefix + [exe]
        i = words.index("-semihosting-config") + 1
        words[i] += ",arg=" + exe + "".join(",arg=" + a for a in args)
    else:
        words = prefix + [exe] + args
    out = subprocess.run(words, cwd=cwd, capture_output=True, text=True,
                         timeout=300)
    log = out.stdout + out.stderr
    if "encoded and decoded" not in log:
        sys.exit(f"{exe}: {log}")


def main():
    motec, src, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(11)
    y, x = np.mgrid[0:12, 0:12].astype(np.float32) / 12
    relu = np.stack([np.maximum(0.2 * 2 ** (c % 6) *
                                (np.sin(5 * x + c) * np.cos(4 * y) +
                                 0.2 * rng.standard_normal(x.shape) - 0.3), 0)
                     for c in range(20)])[None].astype(np.float32)
    signed = (rng.standard_normal((2, 10, 30)) *
              rng.uniform(1e-3, 5, (1, 10, 1))).astype(np.float32)
    cases = []
    for name, feats in (("relu", relu), ("signed", signed)):
        path = os.path.join(work, name + ".npy")
        np.save(path, feats)
        feats.tofile(os.path.join(work, name + ".f32"))
        for bits in (2, 4, 8):
            for rounding in ("nearest", "stochastic"):
                tag = f"{name}-{bits}-{rounding}"
                stripe = {2: 32, 4: 16, 8: 8}[bits]
                subprocess.run([motec, "sgq", "encode", path, f"--bits={bits}",
                                "--groups=4", f"--stripe={stripe}",
                                f"--rounding={rounding}", "--seed=77",
                                "--write-grouping=" +
                                os.path.join(work, tag + ".msgg"),
                                "-o", os.path.join(work, tag + ".sgq")],
                               check=True, stdout=subprocess.DEVNULL)
                subprocess.run([motec, "sgq", "decode",
                                os.path.join(work, tag + ".sgq"), "-o",
                                os.path.join(work, tag + ".dec.npy")],
                               check=True, stdout=subprocess.DEVNULL)
                cases.append((tag, name, feats.shape, bits, stripe,
                              1 if rounding == "stochastic" else 0))
    failures = 0
    for target, compile_cmd, prefix in builds(src, work):
        exe = os.path.join(work, "sgq_device-" + target)
        subprocess.run(compile_cmd + [exe], check=True)
        same = 0
        for tag, name, shape, bits, stripe, rounding in cases:
            out_packet = os.path.join(work, f"{tag}.{target}.sgq")
            out_values = os.path.join(work, f"{tag}.{target}.f32")
            run(prefix, exe,
                [os.path.join(work, name + ".f32"),
                 os.path.join(work, tag + ".msgg"), str(bits), str(stripe),
                 str(rounding), "77", out_packet, out_values] +
                [str(d) for d in shape], work)
            want = open(os.path.join(work, tag + ".sgq"), "rb").read()
            got = open(out_packet, "rb").read()
            decoded = np.load(os.path.join(work, tag + ".dec.npy"))
            values = np.fromfile(out_values, dtype=np.float32)
            if got == want and values.tobytes() == decoded.tobytes():
                same += 1
            else:
                failures += 1
                print(f"{target} {tag}: DIFFERS from motec "
                      f"({len(got)} vs {len(want)} bytes)")
        print(f"{target}: {same} of {len(cases)} packets and decodes "
              f"identical to motec sgq")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
