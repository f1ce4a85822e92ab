"""Post-training quantization by motec, measured on Fashion-MNIST.

For a float model written by train_float_models.py: runs the generated FP32
C and the INT8 C that `motec --quantize=int8` makes after calibrating on
DIR/calibration.npy (500 training images) on all 10,000 test images and
prints both top-1 accuracies. The QDQ model motec writes (--emit=onnx) is
also run in ONNX Runtime next to the INT8 C.

With --quantized, MODEL is already a QDQ model (the QAT export): its C is
compared with ONNX Runtime running the same model.

Usage: ptq_evaluate.py DIR MODEL.onnx [--motec PATH] [--max-drop 0.5]
       ptq_evaluate.py DIR MODEL.onnx --quantized [--min-agreement 99]
"""
import argparse
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def motec_run(args, model, images, out, extra=()):
    subprocess.run([args.motec, "run", model, "--input", images, "--output", out, *extra],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return np.load(out).reshape(-1, 10)


def ort_run(model, images, work):
    raw_in, raw_out = os.path.join(work, "ort_in.bin"), os.path.join(work, "ort_out.bin")
    images.astype(np.float32).tofile(raw_in)
    subprocess.run(["node", os.path.join(ROOT, "scripts", "ort_batch.js"), model, "image",
                    "[1,1,28,28]", raw_in, str(len(images)), "logits", raw_out], check=True)
    return np.fromfile(raw_out, np.float32).reshape(len(images), -1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("model")
    ap.add_argument("--motec", default=os.path.join(ROOT, "build", "bin", "motec"))
    ap.add_argument("--method", default="minmax")
    ap.add_argument("--max-drop", type=float, default=0.5,
                    help="fail if INT8 top-1 is more than this many points below FP32")
    ap.add_argument("--quantized", action="store_true",
                    help="MODEL is a QDQ model: compare its C with ONNX Runtime")
    ap.add_argument("--min-agreement", type=float, default=99.0,
                    help="with --quantized, fail below this share (percent) of "
                         "images where the C and ONNX Runtime pick the same class")
    args = ap.parse_args()
    name = os.path.splitext(os.path.basename(args.model))[0]
    work = os.path.join(args.dir, name + "_ptq")
    os.makedirs(work, exist_ok=True)
    images_file = os.path.join(args.dir, "test_images.npy")
    images = np.load(images_file)
    labels = np.load(os.path.join(args.dir, "test_labels.npy"))
    quant = ["--quantize=int8", "--calibration", os.path.join(args.dir, "calibration.npy"),
             "--calibration-method", args.method]

    if args.quantized:
        ours = motec_run(args, args.model, images_file, os.path.join(work, "c.npy"))
        ort = ort_run(args.model, images, work)
        agree = 100.0 * (ours.argmax(1) == ort.argmax(1)).mean()
        print(f"{name}: {len(images)} Fashion-MNIST test images, QDQ model as exported")
        print(f"  generated C:  {100.0 * (ours.argmax(1) == labels).mean():.2f}% top-1")
        print(f"  ONNX Runtime: {100.0 * (ort.argmax(1) == labels).mean():.2f}% top-1")
        print(f"  same class on {agree:.2f}% of images, largest logit difference "
              f"{np.abs(ours - ort).max() / float(ort.max() - ort.min()):.3f} of the range")
        if agree < args.min_agreement:
            print(f"FAIL: agreement below {args.min_agreement}%")
            return 1
        return 0

    fp32 = motec_run(args, args.model, images_file, os.path.join(work, "fp32.npy"))
    int8 = motec_run(args, args.model, images_file, os.path.join(work, "int8.npy"), quant)
    subprocess.run([args.motec, "compile", args.model, "-o", work, "--name", "qdq",
                    "--emit=onnx", *quant], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    ort = ort_run(os.path.join(work, "qdq.onnx"), images, work)

    acc_fp32 = 100.0 * (fp32.argmax(1) == labels).mean()
    acc_int8 = 100.0 * (int8.argmax(1) == labels).mean()
    acc_ort = 100.0 * (ort.argmax(1) == labels).mean()
    agree = 100.0 * (int8.argmax(1) == ort.argmax(1)).mean()
    span = float(ort.max() - ort.min())
    print(f"{name}: {len(images)} Fashion-MNIST test images, calibrated on 500 "
          f"training images ({args.method})")
    print(f"  FP32 generated C:  {acc_fp32:.2f}% top-1")
    print(f"  INT8 generated C:  {acc_int8:.2f}% top-1 ({acc_int8 - acc_fp32:+.2f} points)")
    print(f"  motec's QDQ model in ONNX Runtime: {acc_ort:.2f}% top-1; same class as "
          f"the INT8 C on {agree:.2f}% of images, largest logit difference "
          f"{np.abs(int8 - ort).max() / span:.3f} of the range")
    ok = acc_fp32 - acc_int8 <= args.max_drop
    if not ok:
        print(f"FAIL: INT8 more than {args.max_drop} points below FP32")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
