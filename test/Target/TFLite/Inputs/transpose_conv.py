"""Writes a small int8 TRANSPOSE_CONV model as JSON for flatc:
transpose_conv.py OUT.json. Input [1, 3, 3, 2] (scale 0.5, zero point 1),
filter [2, 3, 3, 2] with a scale per output channel, an int32 bias, SAME
padding with stride 2 to a [1, 6, 6, 2] output (scale 0.25, zero point
-10) and a fused RELU."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "Integration"))
from make_tflite_models import Model  # noqa: E402

m = Model()
x = m.tensor([1, 3, 3, 2], 0.5, 1)
w = np.arange(-18, 18, dtype=np.int8).reshape(2, 3, 3, 2) * 3
wt = m.tensor(w.shape, kind="INT8", data=w, scales=[0.02, 0.03], dim=0)
b = m.tensor([2], kind="INT32", data=np.array([40, -70], np.int32),
             scales=[0.5 * 0.02, 0.5 * 0.03], dim=0)
y = m.tensor([1, 6, 6, 2], 0.25, -10)
m.op("TRANSPOSE_CONV", [m.ints([1, 6, 6, 2]), wt, x, b], y,
     "TransposeConvOptions", padding="SAME", stride_w=2, stride_h=2,
     fused_activation_function="RELU")
m.write(sys.argv[1], [x], [y])
