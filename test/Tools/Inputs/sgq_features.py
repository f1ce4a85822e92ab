"""Features for test/Tools/motec-sgq.test and checks of what motec sgq
decodes: `make DIR`, `check ORIGINAL DECODED BITS`, `exact Q.npy SCALE ZP
DECODED`."""

import sys

import numpy as np


def make(d):
    rng = np.random.default_rng(3)
    # Post-ReLU features of a conv layer: smooth maps, channel ranges from
    # 0.1 to 6.4, zeros where the pre-activation was negative.
    y, x = np.mgrid[0:16, 0:16].astype(np.float32) / 16.0
    maps = []
    for c in range(24):
        scale = 0.1 * 2 ** (c % 7)
        f = np.sin(6 * x + c) * np.cos(5 * y - c) + 0.1 * rng.standard_normal(x.shape)
        maps.append(scale * (f - 0.6))
    relu = np.maximum(np.stack([maps, maps[::-1]]), 0).astype(np.float32)
    np.save(f"{d}/relu.npy", relu)
    signed = rng.standard_normal((3, 12, 5, 7)).astype(np.float32)
    signed *= rng.uniform(0.1, 3.0, (1, 12, 1, 1)).astype(np.float32)
    np.save(f"{d}/signed.npy", signed)
    np.save(f"{d}/q.npy", rng.integers(-128, 128, (2, 8, 9), dtype=np.int8))
    np.save(f"{d}/f64.npy", relu.astype(np.float64))
    bad = relu.copy()
    bad[1, 3, 2, 2] = np.nan
    np.save(f"{d}/nan.npy", bad)


def check(original, decoded, bits):
    x = np.load(original)
    y = np.load(decoded)
    assert x.shape == y.shape and y.dtype == np.float32, (x.shape, y.shape)
    levels = 2 ** bits - 1
    # Every element within half a step, and no step exceeds the widest
    # stripe of the tensor over the levels (plus the 7-bit rounding).
    flat = x.reshape(x.shape[0], x.shape[1], -1)
    widest = (flat.max(-1) - flat.min(-1)).max()
    bound = 0.5 * widest / levels * (1 + 1 / 64) + 1e-6
    err = np.abs(x - y).max()
    assert err <= bound, (err, bound)
    # Per-tensor uniform quantization of the same width (per sample).
    lo = flat.min(axis=(1, 2), keepdims=True)
    hi = flat.max(axis=(1, 2), keepdims=True)
    step = (hi - lo) / levels
    uniform = np.round((flat - lo) / step) * step + lo
    sgq_mse = ((x - y) ** 2).mean()
    uniform_mse = ((flat - uniform) ** 2).mean()
    assert sgq_mse < uniform_mse, (sgq_mse, uniform_mse)
    print("within the bound, error below per-tensor uniform")


def exact(q, scale, zero_point, decoded):
    q = np.load(q)
    y = np.load(decoded)
    want = np.float32(scale) * (q.astype(np.float32) - np.float32(zero_point))
    assert np.array_equal(y, want), np.abs(y - want).max()
    print("exact")


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        exact(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
