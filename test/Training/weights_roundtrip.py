#!/usr/bin/env python3
"""Trained weights leave the device and return to the user's tools.

A CNN exported by PyTorch (conv + BatchNormalization, ReLU, pool, Gemm) is
compiled with `motec compile --train`, trained for 5 steps by the generated
example program, which writes its state image. Then:

  * `motec weights unpack` turns the image into a FlatBuffers file and
    `motec weights pack` turns that back into an image equal byte for byte;
    the device program starts from the packed image and continues exactly
    as an uninterrupted run (same losses);
  * `motec weights apply` writes the trained tensors into the ONNX model.
    FP32: every Conv / Gemm initializer equals PyTorch's after the same 5
    SGD steps (relative 1e-5) and the folded batch normalization became
    the identity; INT8: each weight equals the trained master weight times
    its LAC scale and each bias b * scale + shift, read from the image;
  * corrupt, truncated and foreign images and weights files are rejected
    with a message (motec) and a status (the device program).

Usage: weights_roundtrip.py MOTEC RUNTIME_DIR WORKDIR
"""
import os
import re
import struct
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 6, 3, padding=1)
        self.bn = nn.BatchNorm2d(6)
        self.fc = nn.Linear(6 * 4 * 4, 5)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)
        return self.fc(torch.flatten(x, 1))


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def parse_image(path):
    """Tensors of a state image by name (float32 views; see mote_train.h)."""
    raw = open(path, "rb").read()
    magic, version, _, count, state_bytes, _ = struct.unpack_from("<6I", raw)
    assert magic == 0x53544F4D and version == 1
    at, layout = 24, []
    for _ in range(count):
        (n,) = struct.unpack_from("<I", raw, at)
        name = raw[at + 4:at + 4 + n].decode()
        at += 4 + (n + 3) // 4 * 4
        offset, elements, _ = struct.unpack_from("<3I", raw, at)
        at += 12
        layout.append((name, offset, elements))
    payload = raw[at:]
    assert len(payload) == state_bytes
    return {name: np.frombuffer(payload, np.float32, elements, offset)
            for name, offset, elements in layout}


def main():
    motec, runtime, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    torch.manual_seed(0)
    net = Net()
    with torch.no_grad():  # a BN that is not the identity
        net.bn.running_mean.uniform_(-0.2, 0.2)
        net.bn.running_var.uniform_(0.5, 1.5)
        net.bn.weight.uniform_(0.5, 1.5)
        net.bn.bias.uniform_(-0.2, 0.2)
    net.eval()
    onnx_path = os.path.join(work, "net.onnx")
    torch.onnx.export(net, torch.zeros(4, 1, 8, 8), onnx_path,
                      input_names=["image"], output_names=["logits"],
                      opset_version=13, do_constant_folding=False,
                      training=torch.onnx.TrainingMode.PRESERVE)
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 1, size=(5, 4, 1, 8, 8)).astype(np.float32)
    y = rng.integers(0, 5, size=(5, 4)).astype(np.int32)
    xf, yf = os.path.join(work, "x.bin"), os.path.join(work, "y.bin")
    x.tofile(xf)
    y.tofile(yf)
    failures = 0

    def check(what, ok, detail=""):
        nonlocal failures
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {what}{(': ' + detail) if detail else ''}")

    for precision in ("fp32", "int8"):
        pkg = os.path.join(work, precision)
        opts = [f"--train-precision={precision}", "--name", "net",
                "--optimizer=sgd:lr=0.1,momentum=0.9"]
        run([motec, "compile", onnx_path, "--train", *opts, "--runtime-dir",
             runtime, "-o", pkg])
        run(["make", "-s", "-C", pkg])
        exe = os.path.join(pkg, "net.elf")
        image = os.path.join(pkg, "state5.bin")
        full = run([exe, xf, yf, "5", image], cwd=pkg).stdout
        # Round trip through FlatBuffers.
        mtw = os.path.join(pkg, "trained.mtw")
        packed = os.path.join(pkg, "packed.bin")
        print(run([motec, "weights", "unpack", image, "-o", mtw]).stdout.strip())
        run([motec, "weights", "pack", mtw, "-o", packed])
        check(f"{precision}: unpack + pack gives the image back",
              open(image, "rb").read() == open(packed, "rb").read())
        # Three steps, then two more from the exported image: same losses.
        three = os.path.join(pkg, "state3.bin")
        run([exe, xf, yf, "3", three], cwd=pkg)
        x[3:].tofile(os.path.join(pkg, "x2.bin"))
        y[3:].tofile(os.path.join(pkg, "y2.bin"))
        resumed = run([exe, "x2.bin", "y2.bin", "2", "resumed.bin", three],
                      cwd=pkg).stdout
        losses = re.findall(r"step \d+ loss\s+(\S+)", full)
        again = re.findall(r"step \d+ loss\s+(\S+)", resumed)
        check(f"{precision}: resuming from an exported image continues the run",
              again == losses[3:], f"{losses[3:]} vs {again}")
        # Write back into ONNX.
        updated = os.path.join(pkg, "updated.onnx")
        run([motec, "weights", "apply", onnx_path, mtw, *opts, "-o", updated])
        model = onnx.load(updated)
        onnx.checker.check_model(model)
        init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
        node = {n.op_type: n for n in model.graph.node}
        conv_w, conv_b = init[node["Conv"].input[1]], init[node["Conv"].input[2]]
        gemm_w, gemm_b = init[node["Gemm"].input[1]], init[node["Gemm"].input[2]]
        if "BatchNormalization" in node:
            bn = [init[name] for name in node["BatchNormalization"].input[1:]]
            check(f"{precision}: the folded batch normalization is the identity",
                  np.all(bn[0] == 1) and np.all(bn[1] == 0) and np.all(bn[2] == 0)
                  and np.allclose(bn[3] + 1e-5, 1))
        state = parse_image(image)
        if precision == "fp32":
            # PyTorch, same steps, BN folded as motec folds it.
            ref = Net()
            ref.load_state_dict(net.state_dict())
            scale = (ref.bn.weight / torch.sqrt(ref.bn.running_var + ref.bn.eps)).detach()
            w0 = (ref.conv.weight * scale[:, None, None, None]).detach().clone()
            b0 = ((ref.conv.bias - ref.bn.running_mean) * scale + ref.bn.bias).detach().clone()
            conv = nn.Conv2d(1, 6, 3, padding=1)
            with torch.no_grad():
                conv.weight.copy_(w0)
                conv.bias.copy_(b0)
            fc = ref.fc
            params = list(conv.parameters()) + list(fc.parameters())
            opt = torch.optim.SGD(params, lr=0.1, momentum=0.9)
            for s in range(5):
                opt.zero_grad()
                h = F.max_pool2d(F.relu(conv(torch.from_numpy(x[s]))), 2)
                F.cross_entropy(fc(torch.flatten(h, 1)),
                                torch.from_numpy(y[s]).long()).backward()
                opt.step()
            for what, mine, theirs in (("conv weight", conv_w, conv.weight),
                                       ("conv bias", conv_b, conv.bias),
                                       ("Gemm weight", gemm_w, fc.weight),
                                       ("Gemm bias", gemm_b, fc.bias)):
                theirs = theirs.detach().numpy()
                err = float(np.max(np.abs(mine - theirs)) / np.max(np.abs(theirs)))
                check(f"fp32: ONNX {what} equals PyTorch's after 5 steps", err < 1e-5,
                      f"{err:.1e}")
        else:
            s0, t0 = state["l0_lac_scale"], state["l0_lac_shift"]
            w = state["l0_weight"].reshape(6, -1) * s0[:, None]
            b = state["l0_bias"] * s0 + t0
            check("int8: ONNX conv weight = master weight x LAC scale",
                  np.allclose(conv_w.reshape(6, -1), w, rtol=1e-6, atol=1e-7))
            check("int8: ONNX conv bias = bias x LAC scale + LAC shift",
                  np.allclose(conv_b, b, rtol=1e-6, atol=1e-7))
            check("int8: LAC terms moved off the identity",
                  float(np.max(np.abs(s0 - 1))) > 0)

    # Bad input.
    pkg = os.path.join(work, "int8")
    image = open(os.path.join(pkg, "state5.bin"), "rb").read()
    bad = {"flipped": bytearray(image), "truncated": image[:len(image) // 2],
           "foreign": open(os.path.join(work, "fp32", "state5.bin"), "rb").read(),
           "not-an-image": b"hello, this is not a state image at all........"}
    bad["flipped"][-3] ^= 0x40
    expected = {"flipped": 4, "truncated": 4, "foreign": 3, "not-an-image": 2}
    for name, data in bad.items():
        path = os.path.join(pkg, name + ".bin")
        open(path, "wb").write(bytes(data))
        out = subprocess.run([os.path.join(pkg, "net.elf"), xf, yf, "1",
                              "o.bin", path], cwd=pkg, capture_output=True,
                             text=True)
        check(f"device rejects the {name} image: exit {out.returncode}: "
              f"{out.stdout.strip()}", out.returncode == 5 and
              f"status {expected[name]}" in out.stdout)
        if name == "foreign":
            continue  # a valid image of another model: motec reads it
        m = subprocess.run([motec, "weights", "unpack", path, "-o",
                            os.path.join(pkg, "o.mtw")], capture_output=True,
                           text=True)
        check(f"motec rejects the {name} image: exit {m.returncode}: "
              f"{m.stderr.strip()}", m.returncode == 1)
    mtw = open(os.path.join(pkg, "trained.mtw"), "rb").read()
    for name, data in (("truncated", mtw[:len(mtw) // 2]),
                       ("foreign", open(os.path.join(work, "fp32", "trained.mtw"), "rb").read())):
        path = os.path.join(pkg, name + ".mtw")
        open(path, "wb").write(data)
        m = subprocess.run([motec, "weights", "apply", onnx_path, path, "--name",
                            "net", "--train-precision=int8", "--optimizer=sgd:lr=0.1,momentum=0.9",
                            "-o", os.path.join(pkg, "x.onnx")],
                           capture_output=True, text=True)
        check(f"motec apply rejects the {name} weights file: exit "
              f"{m.returncode}: {m.stderr.strip()}", m.returncode == 1)
    print("weights:", "FAILED" if failures else "passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
