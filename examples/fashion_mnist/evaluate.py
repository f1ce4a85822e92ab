"""Evaluates the bundled Fashion-MNIST model on the 10,000 test images with
the C code motec generates (motec run) and with ONNX Runtime, and prints
both top-1 accuracies and how often the two agree.

Usage: evaluate.py DIR [--motec PATH]   (DIR as written by train_and_quantize.py)
"""
import argparse
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--motec", default=os.path.join(ROOT, "build", "bin", "motec"))
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--min-accuracy", type=float, default=0.0,
                    help="fail below this top-1 accuracy (percent) of the C code")
    ap.add_argument("--fp32", action="store_true",
                    help="evaluate the float model (fashion_cnn_fp32.onnx) and "
                         "compare logits relative to their range")
    ap.add_argument("--max-relative", type=float, default=1e-4,
                    help="with --fp32, fail above this difference of logits "
                         "relative to the range of ONNX Runtime's logits")
    ap.add_argument("--min-agreement", type=float, default=0.0,
                    help="fail below this share (percent) of images on which "
                         "the C code and ONNX Runtime pick the same class")
    args = ap.parse_args()
    model = os.path.join(args.dir, "fashion_cnn_fp32.onnx" if args.fp32 else "fashion_cnn.onnx")
    images = np.load(os.path.join(args.dir, "test_images.npy"))[: args.count]
    labels = np.load(os.path.join(args.dir, "test_labels.npy"))[: args.count]
    subset = os.path.join(args.dir, "eval_images.npy")
    np.save(subset, images)

    ours_file = os.path.join(args.dir, "mote_logits.npy")
    subprocess.run([args.motec, "run", model, "--input", subset, "--output", ours_file],
                   check=True, stdout=subprocess.DEVNULL)
    ours = np.load(ours_file).reshape(len(images), -1)

    raw_in = os.path.join(args.dir, "eval_images.bin")
    raw_out = os.path.join(args.dir, "ort_logits.bin")
    images.astype(np.float32).tofile(raw_in)
    subprocess.run(["node", os.path.join(ROOT, "scripts", "ort_batch.js"), model, "image",
                    "[1,1,28,28]", raw_in, str(len(images)), "logits", raw_out], check=True)
    ort = np.fromfile(raw_out, np.float32).reshape(len(images), -1)

    acc_mote = 100.0 * (ours.argmax(1) == labels).mean()
    acc_ort = 100.0 * (ort.argmax(1) == labels).mean()
    agree = 100.0 * (ours.argmax(1) == ort.argmax(1)).mean()
    if args.fp32:
        relative = float(np.abs(ours - ort).max() / (ort.max() - ort.min()))
        print(f"Fashion-MNIST test set, {len(images)} images, FP32 model:")
        print(f"  generated C (motec): {acc_mote:.2f}% top-1")
        print(f"  ONNX Runtime:        {acc_ort:.2f}% top-1")
        print(f"  same top-1 class on {agree:.2f}% of images; largest logit "
              f"difference {relative:.2e} of the logits' range")
        ok = (acc_mote >= args.min_accuracy and agree >= args.min_agreement
              and relative <= args.max_relative)
        if not ok:
            print("FAIL: below --min-accuracy / --min-agreement or above --max-relative")
        return 0 if ok else 1
    inits = {t.name: numpy_helper.to_array(t) for t in onnx.load(model).graph.initializer}
    lsb = np.rint(np.abs(ours - ort) / float(inits["logits_s"]))
    print(f"Fashion-MNIST test set, {len(images)} images, INT8 model:")
    print(f"  generated C (motec): {acc_mote:.2f}% top-1")
    print(f"  ONNX Runtime:        {acc_ort:.2f}% top-1")
    print(f"  same top-1 class on {agree:.2f}% of images; logits within 1 LSB on "
          f"{100.0 * (lsb <= 1).mean():.2f}% of elements (max {int(lsb.max())} LSB)")
    ok = acc_mote >= args.min_accuracy and agree >= args.min_agreement
    if not ok:
        print("FAIL: below --min-accuracy or --min-agreement")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
