#!/usr/bin/env python3
"""What SGQ costs and saves on a split model's link (a script, not a test:
it prints figures, it does not pass or fail).

Per cut and bit width, on real features (the cuts and inputs of
bench/sgq_features.py) and on the real gradient of the cut (the server
half that `motec compile --split-at` writes, run as the PyTorch module of
python/mote_collab/server_model.py, cross-entropy against the Fashion-MNIST
labels, or against ResNet-8's own top-1 class on the photographs, which
have no CIFAR-10 label):

  * the mean packet bytes of one sample per packet (what a split model's
    device sends) for the features and for the gradient, the ratio of each
    to float32, and of both directions together: the 32x goal of issue 13;
  * encoder instructions per feature element on Cortex-M4 (MPS2 AN386) and
    Cortex-M55 (MPS3 AN547), gcc -O2, counted by the QEMU plugin of
    bench/qemu-insn-count between the markers around mote_sgq_encode_f32
    in runtime/test/sgq_device.c (deterministic);
  * host encode and decode time per sample (the same C through
    libmote_sgq.so; median of --repeat calls; machine-dependent).

Usage: bench/sgq_bench.py [--fashion-model DIR/fashion_cnn.onnx]
           [--models DIR] [--motec motec] [--work DIR] [--no-qemu]
"""
import argparse
import os
import re
import statistics
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "python"))

import sgq_features as study  # noqa: E402
from arm_bench import build_plugin, run, symbols  # noqa: E402
from mote_collab import sgq  # noqa: E402

BITS = (2, 4, 8)
CFLAGS = ["-std=c99", "-O2", "-ffp-contract=off"]
BOARDS = {
    "cortex-m4": ("mps2_an386.ld", "mps2-an386", ["-mfpu=fpv4-sp-d16"]),
    "cortex-m55": ("mps3_an547.ld", "mps3-an547", []),
}


def build_device(cpu, work):
    ld, _, fpu = BOARDS[cpu]
    boards = os.path.join(ROOT, "runtime", "boards")
    elf = os.path.join(work, f"sgq_device-{cpu}.elf")
    run(["arm-none-eabi-gcc", "--specs=picolibc.specs", f"-mcpu={cpu}", "-mthumb",
         "-mfloat-abi=hard"] + fpu + CFLAGS +
        ["-nostartfiles", "-L" + boards, "-T" + os.path.join(boards, ld),
         "-I" + os.path.join(ROOT, "runtime", "include"), "-I" + boards,
         os.path.join(ROOT, "runtime", "test", "sgq_device.c"),
         os.path.join(ROOT, "runtime", "src", "mote_sgq.c"),
         os.path.join(boards, "mote_board_semihost.c"), "-o", elf])
    return elf


def encoder_instructions(cpu, elf, plugin, sample, msgg, bits, work):
    """Instructions of one mote_sgq_encode_f32 call on `sample` ([1, C, ...])."""
    syms = symbols(elf, "arm-none-eabi-nm")
    feats = os.path.join(work, "sample.f32")
    np.ascontiguousarray(sample, np.float32).tofile(feats)
    args = [feats, msgg, str(bits), str(256 // bits), "0", "1",
            os.path.join(work, "device.sgq"), os.path.join(work, "device.f32")]
    args += [str(d) for d in sample.shape]
    semi = "enable=on,target=native,arg=" + elf + "".join(",arg=" + a for a in args)
    plug = f"{plugin},begin={syms['mote_bench_begin']:#x},end={syms['mote_bench_end']:#x}"
    out = run(["qemu-system-arm", "-M", BOARDS[cpu][1], "-nographic", "-monitor", "none",
               "-semihosting-config", semi, "-plugin", plug, "-kernel", elf], timeout=600)
    m = re.search(r"insn-count total (\d+)", out.stderr)
    if not m or "encoded and decoded" not in out.stdout + out.stderr:
        sys.exit(f"sgq_bench: no count on {cpu}:\n{out.stdout}{out.stderr}")
    return int(m.group(1))


def host_time(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def gradients(model, suite, cut, inputs, labels, motec, work):
    """d loss / d cut for each input: the server half from motec, in torch."""
    import torch
    from mote_collab.server_model import load_server_model
    pkg = os.path.join(work, "split_" + re.sub(r"[^A-Za-z0-9]", "_", cut))
    run([motec, "compile", model, "--name", "net", "-o", pkg, "--split-at=" + cut,
         "--sgq=bits=8"])
    tail = load_server_model(os.path.join(pkg, "net_server.onnx"))
    feats = torch.from_numpy(study.cut_features(model, suite, cut, inputs, work)).requires_grad_()
    out = tail(feats)
    # ResNet-8 ends in a softmax, the Fashion CNN in logits.
    logp = torch.log(out.clamp_min(1e-12)) if suite == "resnet8" else \
        torch.log_softmax(out, dim=1)
    if labels is None:
        labels = out.argmax(1).detach().numpy()
    loss = torch.nn.functional.nll_loss(logp, torch.from_numpy(np.asarray(labels, np.int64)),
                                        reduction="sum")
    loss.backward()
    return feats.grad.numpy().astype(np.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default=study.MODELS)
    ap.add_argument("--fashion-model", help="fashion_cnn.onnx of examples/fashion_mnist/"
                                            "train_and_quantize.py (its cuts are skipped "
                                            "without it)")
    ap.add_argument("--motec", default=os.path.join(ROOT, "build", "bin", "motec"))
    ap.add_argument("--samples", type=int, default=64)
    ap.add_argument("--groups", default="resnet8=8,fashion=2",
                    help="channel groups per suite (as bench/sgq_features.py)")
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--work")
    ap.add_argument("--no-qemu", action="store_true")
    args = ap.parse_args()
    groups_of = {k: int(v) for k, v in (i.split("=") for i in args.groups.split(","))}
    work = args.work or tempfile.mkdtemp(prefix="sgq_bench_")
    os.makedirs(work, exist_ok=True)

    suites = [("resnet8", os.path.join(args.models, "resnet.onnx"))]
    if args.fashion_model:
        suites.append(("fashion", args.fashion_model))
    else:
        print("(no --fashion-model: the Fashion-MNIST cuts are skipped)")
    elfs = {}
    if not args.no_qemu:
        plugin = build_plugin(work)
        elfs = {cpu: build_device(cpu, work) for cpu in BOARDS}

    class Counts:
        calibration = 64
        eval = args.samples

    print(f"\none sample per packet, channel groups {args.groups}, stripe 256/bits, round "
          "to nearest; bytes are means over the samples")
    head = (f"{'cut':<44} {'bits':>4} {'features B':>10} {'x fp32':>6} {'gradient B':>10}"
            f" {'x fp32':>6} {'both x':>6} {'M4 insn/el':>10} {'M55 insn/el':>11}"
            f" {'enc us':>7} {'dec us':>7}")
    rows = []
    for suite, model in suites:
        calib_in, eval_in = study.samples_for(suite, Counts)
        labels = None
        if suite == "fashion":
            from train_and_quantize import load_dataset
            labels = load_dataset()[3][: args.samples]
        for cut, kind in study.SUITES[suite]["cuts"]:
            calib = study.cut_features(model, suite, cut, calib_in, work)
            x = study.cut_features(model, suite, cut, eval_in, work)
            grad = gradients(model, suite, cut, eval_in, labels, args.motec, work)
            fp32 = 4 * x[0].size
            print(f"\n{suite} {cut} ({kind}), {list(x.shape[1:])}")
            print(head)
            for bits in BITS:
                grouping, msgg = study.motec_grouping(calib, bits, groups_of.get(suite, 8),
                                                      args.motec, work)
                fb = [len(sgq.encode(x[i:i + 1], grouping, bits=bits)) for i in range(len(x))]
                gb = [len(sgq.encode(grad[i:i + 1], grouping, bits=bits))
                      for i in range(len(x))]
                feat_b, grad_b = float(np.mean(fb)), float(np.mean(gb))
                packet = sgq.encode(x[:1], grouping, bits=bits)
                enc = host_time(lambda: sgq.encode(x[:1], grouping, bits=bits), args.repeat)
                dec = host_time(lambda: sgq.decode(packet, grouping), args.repeat)
                insns = {}
                for cpu, elf in elfs.items():
                    # The device program embeds the grouping in its packets.
                    insns[cpu] = encoder_instructions(cpu, elf, plugin, x[:1], msgg, bits,
                                                      work) / x[0].size
                both = 2 * fp32 / (feat_b + grad_b)
                m4 = f"{insns['cortex-m4']:10.1f}" if insns else f"{'-':>10}"
                m55 = f"{insns['cortex-m55']:11.1f}" if insns else f"{'-':>11}"
                print(f"{cut:<44} {bits:>4} {feat_b:10.1f} {fp32 / feat_b:6.1f} {grad_b:10.1f}"
                      f" {fp32 / grad_b:6.1f} {both:6.1f} {m4} {m55}"
                      f" {1e6 * enc:7.1f} {1e6 * dec:7.1f}")
                rows.append((suite, cut, bits, both))
    best = max(rows, key=lambda r: r[3])
    print(f"\nboth directions: best {best[3]:.1f}x less traffic than float32 "
          f"({best[0]} {best[1]} at {best[2]} bits); goal 32x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
