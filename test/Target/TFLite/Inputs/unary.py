"""Writes a TFLite model of one int8 operator on a [1, N] tensor, as JSON
for flatc: unary.py OUT.json OP IN_SCALE IN_ZERO_POINT OUT_SCALE
OUT_ZERO_POINT N (OP is SOFTMAX, LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU,
whose alpha is 0.2, or MEAN over the N elements into a [1, 1] output), or
unary.py OUT.json RESIZE_NEAREST_NEIGHBOR H W NEW_H NEW_W OPTION (OPTION
none, half_pixel_centers or align_corners; scale 1, zero point 0)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "Integration"))
from make_tflite_models import Model  # noqa: E402

m = Model()
if sys.argv[2] == "RESIZE_NEAREST_NEIGHBOR":
    out, op, h, w, new_h, new_w, option = sys.argv[1:]
    x = m.tensor([1, int(h), int(w), 1], 1.0, 0)
    y = m.tensor([1, int(new_h), int(new_w), 1], 1.0, 0)
    options = {} if option == "none" else {option: True}
    m.op(op, [x, m.ints([int(new_h), int(new_w)])], y,
         "ResizeNearestNeighborOptions", **options)
    m.write(out, [x], [y])
    sys.exit(0)
out, op, in_scale, in_zp, out_scale, out_zp, n = sys.argv[1:]
x = m.tensor([1, int(n)], float(in_scale), int(in_zp))
y = m.tensor([1, 1] if op == "MEAN" else [1, int(n)], float(out_scale),
             int(out_zp))
if op == "MEAN":
    m.op(op, [x, m.ints([1])], y, "ReducerOptions", keep_dims=True)
elif op == "SOFTMAX":
    m.op(op, [x], y, "SoftmaxOptions", beta=1.0)
elif op == "LEAKY_RELU":
    m.op(op, [x], y, "LeakyReluOptions", alpha=0.2)
else:
    m.op(op, [x], y)
m.write(out, [x], [y])
