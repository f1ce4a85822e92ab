"""The device half of split learning against PyTorch autograd.

A small CNN (conv, ReLU, max pool | conv, ReLU, fully connected) exported
by PyTorch is compiled with `motec compile --split-at=<pool output> --train`.
A C harness linked with the package runs <name>_device_forward (packet of
the cut), the server side decodes it with the runtime's codec, computes the
gradient of the cut through the tail with PyTorch (softmax cross-entropy),
encodes it with SGQ and hands it to <name>_device_backward. The device's
updated weights must equal one SGD step of PyTorch autograd from the same
decoded gradient (what the device sees). A truncated gradient packet must
fail with the state unchanged.

Usage: split_train_torch.py MOTEC WORKDIR [--precision fp32]
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python"))
from mote_collab import sgq  # noqa: E402
from mote_collab.models import SmallCnn  # noqa: E402
from mote_collab.server_model import load_server_model  # noqa: E402

LR = 0.05

HARNESS = r"""
#include "net.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Alignas(16) uint8_t arena[NET_ARENA_BYTES];

static long slurp(const char *path, void *data, long cap) {
  FILE *f = fopen(path, "rb");
  long n;
  if (!f) return -1;
  n = (long)fread(data, 1, (size_t)cap, f);
  fclose(f);
  return n;
}

static int dump_state(const char *path) {
  FILE *f = fopen(path, "wb");
  int i;
  if (!f) return 1;
  for (i = 0; i < NET_STATE_TENSORS; ++i)
    if (net_state[i].trained)
      fwrite(arena + net_state[i].offset, 4, (size_t)net_state[i].elements, f);
  return fclose(f) != 0;
}

/* forward X PACKET BYTES | step X GPACKET GBYTES STATE */
int main(int argc, char **argv) {
  static float x[784];
  static int8_t packet[1 << 16];
  int32_t sequence = 0, bytes = 0, status;
  FILE *f;
  if (argc < 5 || slurp(argv[2], x, sizeof x) != (long)sizeof x) return 2;
  if (net_init_state(arena) != 0) return 3;
  if (strcmp(argv[1], "forward") == 0) {
    if (net_device_forward(x, &sequence, packet, &bytes, arena) != 0) return 4;
    f = fopen(argv[3], "wb");
    fwrite(packet, 1, (size_t)bytes, f);
    fclose(f);
    f = fopen(argv[4], "wb");
    fwrite(&bytes, 4, 1, f);
    fclose(f);
    return 0;
  }
  if (argc < 6 || slurp(argv[4], &bytes, 4) != 4) return 2;
  memset(packet, 0, sizeof packet);
  if (slurp(argv[3], packet, sizeof packet) < 0) return 2;
  status = net_device_backward(x, packet, &bytes, arena);
  printf("device_backward status %d\n", (int)status);
  return dump_state(argv[5]);
}
"""


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("motec")
    ap.add_argument("work")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    torch.manual_seed(5)
    net = SmallCnn().eval()
    model = os.path.join(args.work, "net.onnx")
    torch.onnx.export(net, torch.zeros(1, 1, 28, 28), model, input_names=["image"],
                      output_names=["logits"], opset_version=13)
    import onnx
    graph = onnx.load(model).graph
    cut = next(n.output[0] for n in graph.node if n.op_type == "MaxPool")

    pkg = os.path.join(args.work, "pkg")
    run([args.motec, "compile", model, "--name", "net", "-o", pkg, "--split-at=" + cut,
         "--sgq=bits=8,groups=2", "--train", "--optimizer=sgd:lr=%g" % LR],
        stdout=subprocess.DEVNULL)
    with open(os.path.join(pkg, "net_split.json")) as f:
        split = json.load(f)
    run(["make", "-s", "-C", pkg, "libnet.a"])
    harness = os.path.join(args.work, "harness.c")
    with open(harness, "w") as f:
        f.write(HARNESS)
    exe = os.path.join(args.work, "harness")
    run(["cc", "-std=c11", "-O2", "-ffp-contract=off", "-I" + pkg,
         "-I" + os.path.join(pkg, "runtime", "include"), harness,
         os.path.join(pkg, "libnet.a"), "-lm", "-o", exe])

    rng = np.random.default_rng(11)
    x = rng.random((1, 1, 28, 28), dtype=np.float32)
    label = 3
    w = lambda name: os.path.join(args.work, name)  # noqa: E731
    x.tofile(w("x.bin"))
    run([exe, "forward", w("x.bin"), w("packet.sgq"), w("bytes.bin")])

    grouping = sgq.SgqGrouping(split["sgq"]["grouping_id"], split["sgq"]["permutation"],
                               split["sgq"]["group_ends"])
    packet = open(w("packet.sgq"), "rb").read()
    features = sgq.decode(packet, grouping)
    with torch.no_grad():
        reference = net.head(torch.from_numpy(x)).numpy()
    span = float(reference.max() - reference.min())
    feature_error = float(np.abs(features - reference).max())
    print(f"device features: {len(packet)} byte packet, max error {feature_error:.3g} "
          f"({feature_error / span:.2e} of the range)")

    # The server half motec wrote, as a PyTorch module, is PyTorch's tail:
    # the same logits and the same gradient of the cut.
    server = load_server_model(os.path.join(pkg, "net_server.onnx"))
    h = torch.from_numpy(features).requires_grad_(True)
    hs = torch.from_numpy(features).requires_grad_(True)
    loss = torch.nn.functional.cross_entropy(net.tail(h), torch.tensor([label]))
    loss.backward()
    torch.nn.functional.cross_entropy(server(hs), torch.tensor([label])).backward()
    batch = torch.from_numpy(rng.random((8,) + features.shape[1:], dtype=np.float32))
    with torch.no_grad():
        logits_diff = float((server(batch) - net.tail(batch)).abs().max())
    grad_diff = float((hs.grad - h.grad).abs().max() / h.grad.abs().max())
    print(f"server module vs PyTorch's tail: logits max |difference| {logits_diff:.3g} "
          f"(batch of 8), cut gradient {grad_diff:.2e} relative")
    server_ok = logits_diff <= 1e-4 and grad_diff <= 1e-5
    gpacket = sgq.encode(h.grad.numpy(), grouping, bits=8, stripe=split["sgq"]["stripe"])
    with open(w("gradient.sgq"), "wb") as f:
        f.write(gpacket)
    np.array([len(gpacket)], np.int32).tofile(w("gbytes.bin"))
    seen = torch.from_numpy(sgq.decode(gpacket, grouping))

    out = run([exe, "step", w("x.bin"), w("gradient.sgq"), w("gbytes.bin"), w("state.bin")],
              capture_output=True, text=True).stdout
    print(out.strip())
    device = np.fromfile(w("state.bin"), np.float32)

    # PyTorch: one SGD step of the head from the gradient the device decoded.
    net.zero_grad()
    net.head(torch.from_numpy(x)).backward(seen)
    expected = []
    with torch.no_grad():
        for p in (net.conv1.weight, net.conv1.bias):
            expected.append((p - LR * p.grad).numpy().ravel())
    expected = np.concatenate(expected)
    if device.size != expected.size:
        print(f"FAIL: device state has {device.size} trained values, PyTorch {expected.size}")
        return 1
    diff = float(np.abs(device - expected).max())
    scale = float(np.abs(expected).max())
    print(f"device step vs PyTorch autograd: max |difference| {diff:.3g} "
          f"({diff / scale:.2e} of the largest weight)")
    ok = diff <= 1e-5 * scale and "status 0" in out and server_ok

    # A truncated gradient packet: refused, the state unchanged.
    np.array([len(gpacket) // 2], np.int32).tofile(w("short.bin"))
    out = run([exe, "step", w("x.bin"), w("gradient.sgq"), w("short.bin"), w("state2.bin")],
              capture_output=True, text=True).stdout
    initial = np.concatenate([p.detach().numpy().ravel()
                              for p in (net.conv1.weight, net.conv1.bias)])
    unchanged = np.array_equal(np.fromfile(w("state2.bin"), np.float32), initial)
    print(f"truncated gradient packet: {out.strip()}, state "
          f"{'unchanged' if unchanged else 'CHANGED'}")
    ok = ok and unchanged and "status 0" not in out
    if not ok:
        print("FAIL")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
