#!/usr/bin/env python3
"""SGQ against the usual ways of compressing a cut, on real feature maps.

For each cut (an ONNX tensor of a real model, read with ONNX Runtime on
real images), the features of --eval samples are compressed by

  * SGQ, the runtime's C codec (python/mote_collab/sgq.py), with the channel
    grouping motec computes (`motec sgq encode --grouping=auto`) from
    --calibration other samples, one sample per packet (as a split model's
    device sends them) and --batch samples per packet;
  * per-tensor uniform quantization (per sample: float32 min and step);
  * per-channel uniform quantization (per sample and channel: min and step);
  * top-k sparsification (the k largest magnitudes, float32 values and
    packed indices);

and the script prints, per cut and method, the bytes per sample, the ratio
to float32 and the normalized squared error sum((x - x')^2) / sum(x^2), and
draws the error/bytes curves (--plot). All sizes count everything a
receiver needs: headers, scales, flags and codes.

Models and cuts (--suite):
  resnet8   MLPerf Tiny ResNet-8 (CIFAR-10, int8 QDQ), on 32x32 crops of the
            natural photographs of opencv-doc (CIFAR-10 itself is not on
            this machine): two post-ReLU cuts and two signed ones;
  fashion   the Fashion-MNIST CNN of the bundled example (--fashion-model, QDQ), on
            Fashion-MNIST test images (calibration from training images).

--check fails (exit 1) unless, at 2 and 4 bits on every cut, SGQ with one
sample per packet has a lower error than per-tensor uniform quantization,
and, at the widths of --metadata-bits, with --batch samples per packet its
metadata (everything but the codes) is under --max-metadata percent of the
packet.

Usage: bench/sgq_features.py --suite resnet8|fashion [--suite ...]
           [--resnet-model resnet.onnx] [--fashion-model fashion_cnn.onnx]
           [--groups 8|resnet8=8,fashion=2] [--metadata-bits 2,4]
           [--motec motec] [--work DIR] [--plot OUT.png] [--check]
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "python"))
sys.path.insert(0, os.path.join(ROOT, "examples", "fashion_mnist"))

from mote_collab import sgq  # noqa: E402

MODELS = os.environ.get("MOTE_MODELS", os.path.join(ROOT, "..", "shared", "models",
                                                     "mlperf-tiny"))
PHOTOS_DIR = "/usr/share/doc/opencv-doc/examples/data"
# Photographs of natural scenes and objects (no drawings, text or patterns).
PHOTOS = ["aero1.jpg", "aero3.jpg", "apple.jpg", "baboon.jpg", "building.jpg",
          "butterfly.jpg", "fruits.jpg", "home.jpg", "leuvenA.jpg", "leuvenB.jpg",
          "messi5.jpg", "orange.jpg", "squirrel_cls.jpg", "aloeL.jpg", "board.jpg",
          "HappyFish.jpg", "basketball1.png", "rubberwhale1.png"]

SUITES = {
    "resnet8": dict(input="input_1", sample=[1, 32, 32, 3], cuts=[
        ("model/activation_2/Relu:0", "post-ReLU"),
        ("model/activation_4/Relu:0", "post-ReLU"),
        ("model/add_1/add:0", "signed"),
        ("model/add_2/add:0", "signed")]),
    "fashion": dict(input="image", sample=[1, 1, 28, 28], cuts=[
        ("p1", "post-ReLU"), ("p2", "post-ReLU"), ("c1", "signed"), ("c2", "signed")]),
}
BITS = (2, 4, 8)
TOPK = (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4)


def natural_crops(count, seed):
    """count 32x32 RGB crops (float 0..255, NHWC) of the photographs at
    three scales: the image resized so that its short side is 48, 96 or
    192 pixels (a CIFAR-like object scale down to textures)."""
    from PIL import Image
    rng = np.random.default_rng(seed)
    images = []
    for name in PHOTOS:
        path = os.path.join(PHOTOS_DIR, name)
        if os.path.exists(path):
            images.append(Image.open(path).convert("RGB"))
    if len(images) < 8:
        raise SystemExit(f"sgq_features: the photographs of {PHOTOS_DIR} are missing "
                         "(Debian package opencv-doc, installed by scripts/setup.sh)")
    crops = []
    while len(crops) < count:
        img = images[rng.integers(len(images))]
        short = int(rng.choice([48, 96, 192]))
        w, h = img.size
        f = short / min(h, w)
        small = np.asarray(img.resize((max(32, round(w * f)), max(32, round(h * f))),
                                      Image.BOX))
        y = rng.integers(small.shape[0] - 31)
        x = rng.integers(small.shape[1] - 31)
        crops.append(small[y:y + 32, x:x + 32])
    return np.stack(crops).astype(np.float32)


def samples_for(suite, args):
    """(calibration, evaluation) model inputs."""
    total = args.calibration + args.eval
    if suite == "resnet8":
        crops = natural_crops(total, seed=7)
        return crops[: args.calibration], crops[args.calibration:]
    from train_and_quantize import load_dataset
    train_x, _, test_x, _ = load_dataset()
    return train_x[: args.calibration], test_x[: args.eval]


def cut_features(model_path, suite, cut, inputs, work):
    """The cut's float features for each input, [N, C, ...], by ONNX Runtime."""
    import onnx
    model = onnx.load(model_path)
    inferred = onnx.shape_inference.infer_shapes(model)
    shape = None
    for vi in list(inferred.graph.value_info) + list(inferred.graph.output):
        if vi.name == cut:
            shape = [d.dim_value for d in vi.type.tensor_type.shape.dim]
    if shape is None or not all(shape):
        raise SystemExit(f"sgq_features: no static shape for tensor '{cut}' of {model_path}")
    del model.graph.output[:]
    model.graph.output.append(onnx.helper.make_tensor_value_info(cut, onnx.TensorProto.FLOAT,
                                                                 shape))
    tapped = os.path.join(work, "tapped.onnx")
    onnx.save(model, tapped)
    raw_in, raw_out = os.path.join(work, "in.bin"), os.path.join(work, "out.bin")
    np.ascontiguousarray(inputs, np.float32).tofile(raw_in)
    subprocess.run(["node", os.path.join(ROOT, "scripts", "ort_batch.js"), tapped,
                    SUITES[suite]["input"], json.dumps(SUITES[suite]["sample"]), raw_in,
                    str(len(inputs)), cut, raw_out], check=True)
    return np.fromfile(raw_out, np.float32).reshape([len(inputs)] + shape[1:])


def nmse(x, y):
    return float(((x.astype(np.float64) - y) ** 2).sum() / max((x.astype(np.float64) ** 2).sum(),
                                                             1e-30))


def uniform(x, bits, axes):
    """Min/max uniform quantization, round to nearest, with one range per
    index of the axes kept (per sample: axes (0,); per channel: (0, 1))."""
    keep = tuple(range(len(axes)))
    reduce = tuple(i for i in range(x.ndim) if i not in keep)
    lo = x.min(axis=reduce, keepdims=True)
    hi = x.max(axis=reduce, keepdims=True)
    step = (hi - lo) / (2 ** bits - 1)
    safe = np.where(step > 0, step, 1.0)
    q = np.clip(np.rint((x - lo) / safe), 0, 2 ** bits - 1)
    ranges = int(np.prod(lo.shape[1:]))  # per sample
    per_sample = math.ceil(x[0].size * bits / 8) + 8 * ranges
    return (lo + q * step).astype(np.float32), per_sample


def topk(x, fraction):
    flat = x.reshape(len(x), -1)
    n = flat.shape[1]
    k = max(1, round(fraction * n))
    idx = np.argpartition(-np.abs(flat), k - 1, axis=1)[:, :k]
    out = np.zeros_like(flat)
    np.put_along_axis(out, idx, np.take_along_axis(flat, idx, 1), 1)
    per_sample = math.ceil(k * (32 + max(1, math.ceil(math.log2(n)))) / 8)
    return out.reshape(x.shape), per_sample


def motec_grouping(calibration, bits, groups, motec, work):
    """The channel grouping `motec sgq encode --grouping=auto` computes from
    the calibration features (min(groups, channels) groups): (grouping,
    path of its grouping message)."""
    channels = calibration.shape[1]
    groups = min(groups, channels)
    calib = os.path.join(work, "calibration.npy")
    np.save(calib, calibration)
    msgg = os.path.join(work, f"grouping_{bits}_{groups}.msgg")
    subprocess.run([motec, "sgq", "encode", calib, f"--bits={bits}", f"--groups={groups}",
                    "--grouping=auto", "--write-grouping=" + msgg,
                    "-o", os.path.join(work, "calibration.sgq")],
                   check=True, stdout=subprocess.DEVNULL)
    with open(msgg, "rb") as f:
        return sgq.SgqGrouping.from_message(f.read(), channels), msgg


def sgq_codec(features, calibration, bits, groups, batch, motec, work):
    """SGQ of features in packets of `batch` samples, with the grouping motec
    computes from the calibration features: (decoded, bytes per sample,
    metadata share of the packets)."""
    grouping, _ = motec_grouping(calibration, bits, groups, motec, work)
    decoded, total, metadata = [], 0, 0
    for i in range(0, len(features), batch):
        packet = sgq.encode(features[i:i + batch], grouping, bits=bits, sequence=i)
        header = sgq.read_header(packet)
        total += len(packet)
        metadata += header.metadata_bytes
        decoded.append(sgq.decode(packet, grouping))
    return np.concatenate(decoded), total / len(features), 100.0 * metadata / total


def study(suite, args, work):
    if suite == "resnet8":
        model = args.resnet_model
    else:
        model = args.fashion_model
        if not model:
            raise SystemExit("sgq_features: --suite fashion needs --fashion-model "
                             "(fashion_cnn.onnx)")
    calib_in, eval_in = samples_for(suite, args)
    groups = args.groups_of.get(suite, 8)
    rows, failures = [], []
    for cut, kind in SUITES[suite]["cuts"]:
        calib = cut_features(model, suite, cut, calib_in, work)
        x = cut_features(model, suite, cut, eval_in, work)
        elements = x[0].size
        fp32 = 4 * elements
        zeros = 100.0 * (x == 0).mean()
        print(f"\n{suite} {cut} ({kind}): {list(x.shape[1:])}, {elements} features, "
              f"{zeros:.1f}% exact zeros, {len(x)} samples (grouping from {len(calib)})")
        print(f"  {'method':<28} {'bytes/sample':>12} {'vs fp32':>8} {'NMSE':>10}"
              f" {'metadata':>9}")
        result = {}

        def report(method, bits, decoded, per_sample, meta=None):
            err = nmse(x, decoded)
            result[(method, bits)] = (per_sample, err, meta)
            rows.append(dict(suite=suite, cut=cut, kind=kind, method=method, bits=bits,
                             bytes=per_sample, ratio=fp32 / per_sample, nmse=err,
                             metadata=meta))
            m = f"{meta:8.1f}%" if meta is not None else ""
            label = f"{method} {bits}" + (" bits" if method != "top-k" else "")
            print(f"  {label:<28} {per_sample:12.1f} {fp32 / per_sample:7.1f}x {err:10.3e} {m}")

        for bits in BITS:
            for batch in (1, args.batch):
                dec, per, meta = sgq_codec(x, calib, bits, groups, batch, args.motec, work)
                report(f"SGQ G={min(groups, x.shape[1])} x{batch}", bits, dec, per, meta)
            dec, per = uniform(x, bits, (0,))
            report("per-tensor", bits, dec, per)
            dec, per = uniform(x, bits, (0, 1))
            report("per-channel", bits, dec, per)
        for fraction in TOPK:
            dec, per = topk(x, fraction)
            report("top-k", f"{100 * fraction:g}%", dec, per)

        sgq1 = f"SGQ G={min(groups, x.shape[1])} x1"
        sgqb = f"SGQ G={min(groups, x.shape[1])} x{args.batch}"
        for bits in (2, 4):
            s, t = result[(sgq1, bits)][1], result[("per-tensor", bits)][1]
            print(f"  {bits} bits: SGQ error {s / t:.3f}x per-tensor's; metadata "
                  f"{result[(sgq1, bits)][2]:.1f}% (1 sample/packet), "
                  f"{result[(sgqb, bits)][2]:.1f}% ({args.batch} samples/packet)")
            if s >= t:
                failures.append(f"{cut} at {bits} bits: SGQ error {s:.3e} not below "
                                f"per-tensor {t:.3e}")
            if bits in args.metadata_bits and result[(sgqb, bits)][2] >= args.max_metadata:
                failures.append(f"{cut} at {bits} bits: metadata "
                                f"{result[(sgqb, bits)][2]:.1f}% of {args.batch}-sample "
                                f"packets, not under {args.max_metadata}%")
    return rows, failures


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    cuts = []
    for r in rows:
        if (r["suite"], r["cut"]) not in cuts:
            cuts.append((r["suite"], r["cut"]))
    cols = min(4, len(cuts))
    nrows = math.ceil(len(cuts) / cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(4.2 * cols, 3.6 * nrows), squeeze=False)
    seen = set()
    for ax, (suite, cut) in zip(axes.flat, cuts):
        mine = [r for r in rows if (r["suite"], r["cut"]) == (suite, cut)]
        methods = []
        for r in mine:
            if r["method"] not in methods:
                methods.append(r["method"])
        for method in methods:
            pts = sorted((r["bytes"], r["nmse"]) for r in mine if r["method"] == method)
            style = "o-" if method.startswith("SGQ") else "s--"
            ax.plot([p[0] for p in pts], [max(p[1], 1e-9) for p in pts], style, label=method,
                    markersize=4)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"{suite}: {cut} ({mine[0]['kind']})", fontsize=8)
        ax.set_xlabel("bytes per sample")
        ax.set_ylabel("normalized squared error")
        ax.grid(True, which="both", alpha=0.3)
        if suite not in seen:  # one legend per model: its group count
            ax.legend(fontsize=7)
            seen.add(suite)
    for ax in list(axes.flat)[len(cuts):]:
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"\nwrote {path}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--suite", action="append", choices=sorted(SUITES), required=True)
    ap.add_argument("--resnet-model", default=os.path.join(MODELS, "resnet.onnx"))
    ap.add_argument("--fashion-model", help="fashion_cnn.onnx of examples/fashion_mnist/"
                                            "train_and_quantize.py")
    ap.add_argument("--motec", default=os.path.join(ROOT, "build", "bin", "motec"))
    ap.add_argument("--calibration", type=int, default=64)
    ap.add_argument("--eval", type=int, default=256)
    ap.add_argument("--groups", default="8",
                    help="channel groups: a count for every suite, or SUITE=G,... "
                         "(resnet8=8,fashion=2)")
    ap.add_argument("--batch", type=int, default=16, help="samples per packet for the batched "
                                                          "SGQ rows")
    ap.add_argument("--max-metadata", type=float, default=10.0)
    ap.add_argument("--metadata-bits", default="2,4",
                    help="widths at which --check bounds the metadata (comma list; "
                         "empty: none)")
    ap.add_argument("--work")
    ap.add_argument("--plot")
    ap.add_argument("--json", help="write every row to this file")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    args.metadata_bits = [int(b) for b in args.metadata_bits.split(",") if b]
    if "=" in args.groups:
        args.groups_of = {k: int(v) for k, v in
                          (item.split("=") for item in args.groups.split(","))}
    else:
        args.groups_of = {suite: int(args.groups) for suite in SUITES}
    work = args.work or tempfile.mkdtemp(prefix="sgq_features_")
    os.makedirs(work, exist_ok=True)
    rows, failures = [], []
    for suite in args.suite:
        r, f = study(suite, args, work)
        rows += r
        failures += f
    if args.plot:
        plot(rows, args.plot)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    if args.check:
        for f in failures:
            print("FAIL: " + f)
        if failures:
            return 1
        widths = "/".join(str(b) for b in args.metadata_bits) or "no"
        print("checks passed: SGQ below per-tensor at 2 and 4 bits on every cut; metadata "
              f"under {args.max_metadata}% at {widths} bits with {args.batch} samples per "
              "packet")
    return 0


if __name__ == "__main__":
    sys.exit(main())
