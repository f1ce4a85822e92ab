#!/usr/bin/env python3
"""On-device adaptation of MLPerf Tiny's anomaly-detection autoencoder.

The benchmark's dense autoencoder (640 -> 128 x4 -> 8 -> 128 x4 -> 640, int8
QDQ, trained on ToyADMOS machine sounds) scores a sample by how badly it
reconstructs it: the mean squared error between the 640 log-mel values
(5 frames x 128 bands) and the output. A device deployed next to another
machine hears sounds the autoencoder was not trained on, so normal and
faulty sounds both reconstruct badly. Adaptation fine-tunes the
autoencoder on the device's own normal sounds with the reconstruction loss
(`motec compile --train --loss=mse`, the target is the input), after which
normal sounds reconstruct well and faults stand out.

Steps:
  1. The float model the int8 one stands for: every Gemm with its weights
     and bias dequantized, and a Relu where the int8 model's activation
     range starts at 0 (the fused ReLU of the TFLite original), batch
     symbolic. Checked against ONNX Runtime on the int8 model.
  2. The device's machine (synthetic, no machine recordings are available
     here): log-mel frames of a machine with a fundamental and harmonics
     over a background, with per-frame gain and noise; faults add a
     non-harmonic tone, drop a harmonic or raise broadband noise.
  3. `motec compile --train --loss=mse --optimizer=adam:...` and the
     generated example program train on the normal sounds; `motec weights
     unpack` / `apply` write the trained weights into the float model.
  4. Anomaly scores of held-out normal and faulty samples before and after,
     computed by ONNX Runtime on the float model and on the trained one;
     the ROC AUC of normal against faulty before and after.

Usage: adapt_autoencoder.py MODEL.onnx OUT [--motec motec] [--steps N]
           [--min-auc-gain G]
"""
import argparse
import json
import os
import re
import subprocess
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
BANDS, FRAMES = 128, 5


def float_model(qdq_path, out_path):
    """Writes the float autoencoder the QDQ model quantizes; returns a
    function that runs it in numpy with the int8 model's rounding and
    clipping of each activation (which reproduces the int8 model if the
    float weights are right)."""
    model = onnx.load(qdq_path)
    init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    dq = {n.output[0]: n for n in model.graph.node
          if n.op_type == "DequantizeLinear"}
    q_of = {n.input[0]: n for n in model.graph.node
            if n.op_type == "QuantizeLinear"}

    def dequantized(name):
        n = dq[name]
        scale = init[n.input[1]].astype(np.float32)
        zero = init[n.input[2]].astype(np.int64) if len(n.input) > 2 else 0
        return ((init[n.input[0]].astype(np.int64) - zero) * scale).astype(
            np.float32)

    nodes, initializers, x = [], [], "input"
    gemms = [n for n in model.graph.node if n.op_type == "Gemm"]
    for i, gemm in enumerate(gemms):
        weight, bias = dequantized(gemm.input[1]), dequantized(gemm.input[2])
        attrs = {a.name: helper.get_attribute_value(a) for a in gemm.attribute}
        initializers += [numpy_helper.from_array(weight, f"dense{i}_weight"),
                         numpy_helper.from_array(bias, f"dense{i}_bias")]
        y = f"dense{i}" if i + 1 < len(gemms) else "output"
        # The activation's int8 range: a zero point at the bottom of the
        # range is a fused ReLU.
        q = q_of[gemm.output[0]]
        relu = int(init[q.input[2]]) == -128
        nodes.append(helper.make_node(
            "Gemm", [x, f"dense{i}_weight", f"dense{i}_bias"],
            [y + "_pre" if relu else y], name=f"dense{i}",
            transB=attrs.get("transB", 0)))
        if relu:
            nodes.append(helper.make_node("Relu", [y + "_pre"], [y],
                                          name=f"relu{i}"))
        x = y
    graph = helper.make_graph(
        nodes, "autoencoder",
        [helper.make_tensor_value_info("input", onnx.TensorProto.FLOAT,
                                       ["N", BANDS * FRAMES])],
        [helper.make_tensor_value_info("output", onnx.TensorProto.FLOAT,
                                       ["N", BANDS * FRAMES])],
        initializers)
    onnx.save(helper.make_model(graph, opset_imports=[
        helper.make_opsetid("", 13)]), out_path)

    def fake_quant(x, q):
        scale, zero = float(init[q.input[1]]), int(init[q.input[2]])
        return (np.clip(np.round(x / scale) + zero, -128, 127) - zero) * scale

    def simulate(x):
        x = fake_quant(x, q_of[model.graph.input[0].name])
        for i, gemm in enumerate(gemms):
            weight = numpy_helper.to_array(initializers[2 * i])
            bias = numpy_helper.to_array(initializers[2 * i + 1])
            x = fake_quant(x @ weight.T + bias, q_of[gemm.output[0]])
        return x
    return simulate


class Machine:
    """Log-mel frames (dB) of a machine: a fundamental with harmonics over a
    sloped background; each frame varies in gain and noise."""

    def __init__(self, seed):
        rng = np.random.default_rng(seed)
        bands = np.arange(BANDS)
        self.f0 = rng.uniform(7, 11)
        self.background = -58 + 14 * np.exp(-bands / 40.0)
        self.harmonics = [(k * self.f0, rng.uniform(14, 26))
                          for k in range(1, int(BANDS / self.f0))]

    def spectrum(self, harmonics, extra_noise=0.0):
        bands = np.arange(BANDS)
        s = self.background + extra_noise
        for centre, level in harmonics:
            s = np.maximum(s, self.background + level -
                           3.0 * (bands - centre) ** 2)
        return s

    def samples(self, rng, count, fault=None):
        out = np.empty((count, FRAMES * BANDS), np.float32)
        for i in range(count):
            harmonics, noise = list(self.harmonics), 0.0
            kind = fault if fault != "any" else rng.choice(
                ["tone", "missing", "noise"])
            if kind == "tone":  # a bearing: a tone between two harmonics
                k = rng.integers(1, len(harmonics))
                harmonics.append(((k + rng.uniform(0.3, 0.7)) * self.f0,
                                  rng.uniform(12, 20)))
            elif kind == "missing":  # a harmonic gone
                del harmonics[rng.integers(0, len(harmonics))]
            elif kind == "noise":  # friction: broadband noise
                noise = rng.uniform(6, 10)
            base = self.spectrum(harmonics, noise)
            frames = [base + rng.normal(0, 1.0) + rng.normal(0, 1.5, BANDS)
                      for _ in range(FRAMES)]
            out[i] = np.concatenate(frames)
        return out


def ort_run(onnx_path, x, work):
    """The model's output for each sample, by ONNX Runtime (one sample at a
    time, scripts/ort_batch.js)."""
    model = onnx.load(onnx_path)
    raw_in, raw_out = (os.path.join(work, "ort_in.bin"),
                       os.path.join(work, "ort_out.bin"))
    np.ascontiguousarray(x, np.float32).tofile(raw_in)
    subprocess.run(["node", os.path.join(ROOT, "scripts", "ort_batch.js"),
                    onnx_path, model.graph.input[0].name,
                    json.dumps([1, x.shape[1]]), raw_in, str(len(x)),
                    model.graph.output[0].name, raw_out], check=True)
    return np.fromfile(raw_out, np.float32).reshape(x.shape)


def scores(onnx_path, x, work):
    """Mean squared reconstruction error of each sample."""
    return np.mean((ort_run(onnx_path, x, work) - x) ** 2, axis=1)


def auc(normal, faulty):
    """ROC AUC: the probability that a faulty sample scores above a normal
    one (ties count half)."""
    diff = faulty[:, None] - normal[None, :]
    return float(np.mean((diff > 0) + 0.5 * (diff == 0)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model", help="MLPerf Tiny's deep_autoencoder.onnx")
    ap.add_argument("out")
    ap.add_argument("--motec", default="motec")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--normal", type=int, default=400,
                    help="normal samples the device trains on")
    ap.add_argument("--test", type=int, default=200,
                    help="held-out samples of each kind")
    ap.add_argument("--optimizer", default="adam:lr=0.0005")
    ap.add_argument("--precision", choices=["fp32", "int8"], default="fp32",
                    help="arithmetic of the train step on the device")
    ap.add_argument("--min-auc-gain", type=float, default=None,
                    help="fail unless the AUC rises by at least this much")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    # 1. The float model, checked against the int8 one in ONNX Runtime.
    float_path = os.path.join(args.out, "autoencoder.onnx")
    simulate = float_model(args.model, float_path)
    machine = Machine(seed=3)
    rng = np.random.default_rng(4)
    probe = machine.samples(rng, 16)
    q, f = ort_run(args.model, probe, args.out), ort_run(float_path, probe,
                                                        args.out)
    exact = float(np.max(np.abs(q - simulate(probe))))
    gap = float(np.mean(np.abs(q - f)) / np.mean(np.abs(q)))
    print(f"float model: int8 model (ONNX Runtime) vs the float weights with "
          f"its activation rounding simulated: max |diff| {exact:.2g}; vs "
          f"the float model: mean |diff| {gap:.3f} of the mean |output|")
    if exact > 1e-3:
        print("FAIL: the float weights do not reproduce the int8 model")
        return 1

    # 2. The device's sounds.
    train = machine.samples(rng, args.normal)
    normal = machine.samples(rng, args.test)
    kinds = ("tone", "missing", "noise")
    faulty = np.concatenate([machine.samples(rng, args.test // 3, fault=k)
                             for k in kinds])
    per_kind = args.test // 3
    before = (scores(float_path, normal, args.out),
              scores(float_path, faulty, args.out))

    # 3. Training on the device: the generated program reads the inputs
    # and the targets (the same samples) batch by batch.
    order = np.concatenate([rng.permutation(len(train)) for _ in range(
        -(-args.steps * args.batch // len(train)))])[:args.steps * args.batch]
    inputs = os.path.join(args.out, "inputs.bin")
    train[order].tofile(inputs)
    pkg = os.path.join(args.out, "device")
    options = [f"--optimizer={args.optimizer}", f"--bind-dim=N={args.batch}",
               f"--train-precision={args.precision}", "--name", "ae"]
    subprocess.run([args.motec, "compile", float_path, "--train",
                    "--loss=mse", *options, "-o", pkg], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["make", "-s", "-C", pkg], check=True)
    image = os.path.join(args.out, "state.img")
    out = subprocess.run([os.path.join(pkg, "ae.elf"), inputs, inputs,
                          str(args.steps), image], check=True,
                         capture_output=True, text=True).stdout
    losses = [float(v) for v in re.findall(r"loss\s+(-?[\d.e+-]+)", out)]
    if len(losses) != args.steps:
        print(f"FAIL: {len(losses)} steps ran, expected {args.steps}")
        return 1
    tenth = max(1, args.steps // 10)
    print(f"device: {args.steps} steps of {args.batch} ({args.precision}, "
          f"{args.optimizer}); reconstruction loss "
          f"{np.mean(losses[:tenth]):.1f} over the first {tenth} steps -> "
          f"{np.mean(losses[-tenth:]):.1f} over the last {tenth}")
    mtw = os.path.join(args.out, "trained.mtw")
    trained = os.path.join(args.out, "adapted.onnx")
    subprocess.run([args.motec, "weights", "unpack", image, "-o", mtw],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run([args.motec, "weights", "apply", float_path, mtw,
                    *options, "-o", trained], check=True,
                   stdout=subprocess.DEVNULL)

    # 4. Scores before and after.
    after = scores(trained, normal, args.out), scores(trained, faulty,
                                                      args.out)
    auc_before, auc_after = auc(*before), auc(*after)
    for label, (n, a) in (("before", before), ("after", after)):
        kind_aucs = ", ".join(
            f"{k} {auc(n, a[i * per_kind:(i + 1) * per_kind]):.3f}"
            for i, k in enumerate(kinds))
        print(f"{label:6s}: median score normal {np.median(n):8.2f}, faulty "
              f"{np.median(a):8.2f}; AUC {auc(n, a):.3f} ({kind_aucs})")
    print(f"AUC {auc_before:.3f} -> {auc_after:.3f} ({len(normal)} normal, "
          f"{len(faulty)} faulty held-out samples)")
    if args.min_auc_gain is not None and \
            auc_after - auc_before < args.min_auc_gain:
        print(f"FAIL: the AUC rose by {auc_after - auc_before:.3f}, less "
              f"than {args.min_auc_gain}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
