"""Split inference on Fashion-MNIST: the model is cut at a named tensor by
`motec compile --split-at`, the device half (generated C, built with its
package's Makefile) runs on the test images and writes one SGQ packet per
image, the server side decodes each packet with the runtime's codec
(python/mote_collab/sgq.py) and runs the server half (<name>_server.onnx)
in ONNX Runtime. Prints the packets' size, and how often the split model
picks the class of the unsplit model in ONNX Runtime.

Usage: split_evaluate.py DIR MODEL --split-at TENSOR --sgq bits=B,...
           [--motec PATH] [--min-agreement PCT] [--max-metadata PCT]
DIR holds test_images.npy and test_labels.npy (train_and_quantize.py); the
channel grouping is computed from 500 training images.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "python"))
sys.path.insert(0, HERE)

import torch  # noqa: E402

from mote_collab import sgq  # noqa: E402
from mote_collab.server_model import load_server_model  # noqa: E402
from train_and_quantize import load_dataset  # noqa: E402


def ort_batch(model, input_name, shape, samples, output_name, work):
    raw_in = os.path.join(work, "ort_in.bin")
    raw_out = os.path.join(work, "ort_out.bin")
    np.ascontiguousarray(samples, np.float32).tofile(raw_in)
    subprocess.run(["node", os.path.join(ROOT, "scripts", "ort_batch.js"), model, input_name,
                    json.dumps(list(shape)), raw_in, str(len(samples)), output_name, raw_out],
                   check=True)
    return np.fromfile(raw_out, np.float32).reshape(len(samples), -1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("model")
    ap.add_argument("--split-at", required=True)
    ap.add_argument("--sgq", default="bits=8")
    ap.add_argument("--motec", default=os.path.join(ROOT, "build", "bin", "motec"))
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--min-agreement", type=float, default=0.0,
                    help="fail below this share (percent) of images on which the split "
                         "model picks the unsplit model's class")
    ap.add_argument("--max-metadata", type=float, default=100.0,
                    help="fail unless the packets' metadata (all but the codes) is "
                         "under this share (percent)")
    args = ap.parse_args()

    tag = "split_" + args.split_at + "_" + args.sgq.replace(",", "_").replace("=", "")
    work = os.path.join(args.dir, tag)
    os.makedirs(work, exist_ok=True)
    train_x, _, _, _ = load_dataset()
    calibration = os.path.join(work, "calibration.npy")
    np.save(calibration, train_x[:500])
    images = np.load(os.path.join(args.dir, "test_images.npy"))[: args.count]
    labels = np.load(os.path.join(args.dir, "test_labels.npy"))[: args.count]

    pkg = os.path.join(work, "pkg")
    subprocess.run([args.motec, "compile", args.model, "--name", "net", "-o", pkg,
                    "--split-at=" + args.split_at, "--sgq=" + args.sgq,
                    "--calibration=" + calibration], check=True)
    subprocess.run(["make", "-s", "-C", pkg, "net.elf"], check=True)
    with open(os.path.join(pkg, "net_split.json")) as f:
        split = json.load(f)
    capacity = split["sgq"]["capacity"]
    cut_shape = split["cut"]["shape"]
    # A device compiled with samples=K takes K images per call and sends
    # one packet for them.
    per_packet = split["sgq"].get("samples", 1)
    if len(images) % per_packet:
        raise SystemExit(f"{len(images)} images are not a multiple of {per_packet} "
                         "samples per packet")
    packets_count = len(images) // per_packet

    # The device: the generated program streams the images and sequence
    # numbers through net_device_forward into packets.
    images_bin = os.path.join(work, "images.bin")
    seq_bin = os.path.join(work, "sequence.bin")
    packets_bin = os.path.join(work, "packets.bin")
    sizes_bin = os.path.join(work, "packet_bytes.bin")
    images.astype(np.float32).tofile(images_bin)
    np.arange(packets_count, dtype=np.int32).tofile(seq_bin)
    subprocess.run([os.path.join(pkg, "net.elf"), images_bin, seq_bin, packets_bin, sizes_bin],
                   check=True, stdout=subprocess.DEVNULL)
    packets = np.fromfile(packets_bin, np.uint8).reshape(packets_count, capacity)
    sizes = np.fromfile(sizes_bin, np.int32)

    # The server: decode with the compile-time grouping, run the rest.
    with open(os.path.join(pkg, "net_grouping.msgg"), "rb") as f:
        grouping = sgq.SgqGrouping.from_message(f.read(), cut_shape[1])
    features = np.concatenate([sgq.decode(packets[i, : sizes[i]].tobytes(), grouping)
                               for i in range(packets_count)])
    metadata = sum(sgq.read_header(packets[i, : sizes[i]].tobytes()).metadata_bytes
                   for i in range(packets_count))
    metadata_share = 100.0 * metadata / float(sizes.sum())
    for i in (0, packets_count - 1):
        assert sgq.read_header(packets[i, : sizes[i]].tobytes()).sequence == i
    split_logits = ort_batch(os.path.join(pkg, "net_server.onnx"), args.split_at, cut_shape,
                             features, "logits", work)
    full_logits = ort_batch(args.model, "image", [1, 1, 28, 28], images, "logits", work)
    # The server half as the PyTorch module a server trains: ONNX Runtime's
    # logits, batched.
    server = load_server_model(os.path.join(pkg, "net_server.onnx"))
    with torch.no_grad():
        torch_logits = torch.cat([server(torch.from_numpy(features[i:i + 500]))
                                  for i in range(0, len(features), 500)]).numpy()
    torch_diff = float(np.abs(torch_logits - split_logits).max())
    torch_agree = 100.0 * (torch_logits.argmax(1) == split_logits.argmax(1)).mean()

    elements = int(np.prod(cut_shape))
    mean_bytes = float(sizes.mean()) / per_packet  # per image
    agree = 100.0 * (split_logits.argmax(1) == full_logits.argmax(1)).mean()
    acc_split = 100.0 * (split_logits.argmax(1) == labels).mean()
    acc_full = 100.0 * (full_logits.argmax(1) == labels).mean()
    print(f"split at {args.split_at} ({elements} features, {split['cut']['dtype']}), "
          f"SGQ {args.sgq}: {len(images)} images")
    print(f"packets: mean {mean_bytes:.1f} bytes per image ({per_packet} per packet), "
          f"max {sizes.max()} per packet (capacity {capacity}), "
          f"{4.0 * elements / mean_bytes:.1f}x smaller than float32 features, "
          f"metadata {metadata_share:.1f}%")
    print(f"top-1: split {acc_split:.2f}%, unsplit (ONNX Runtime) {acc_full:.2f}%; "
          f"agreement {agree:.2f}%")
    print(f"server half in PyTorch vs ONNX Runtime: max |difference| {torch_diff:.3g}, "
          f"top-1 agreement {torch_agree:.2f}%")
    if torch_agree < 99.9:
        print(f"FAIL: the PyTorch server module agrees with ONNX Runtime on "
              f"{torch_agree:.2f}% only")
        return 1
    if metadata_share >= args.max_metadata:
        print(f"FAIL: metadata {metadata_share:.1f}% of the packets, not under "
              f"{args.max_metadata}%")
        return 1
    if agree < args.min_agreement:
        print(f"FAIL: agreement {agree:.2f}% below {args.min_agreement}%")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
