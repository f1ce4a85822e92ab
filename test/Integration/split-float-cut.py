"""A float cut of a QDQ model (split-float-cut.test): the device half ends
in a float conv (per-channel int8 weights read as float), its 8-bit packet
must decode to ONNX Runtime's values of the cut within one step of the
packet's range.

Usage: split-float-cut.py MODEL.onnxtxt CUT DIR (DIR holds motec run's
packets fc_p.npy / fc_n.npy and the input x.npy)
"""
import json
import os
import subprocess
import sys

import numpy as np
import onnx
import onnx.parser

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python"))
from mote_collab import sgq  # noqa: E402


def main():
    model_path, cut, d = sys.argv[1:4]
    model = onnx.parser.parse_model(open(model_path).read())
    packet = np.load(os.path.join(d, "fc_p.npy")).view(np.uint8).ravel()
    size = int(np.load(os.path.join(d, "fc_n.npy")).ravel()[0])
    with open(os.path.join(d, "pkg", "tiny_grouping.msgg"), "rb") as f:
        message = f.read()
    header = sgq.read_header(packet[:size].tobytes())
    shape = list(header.shape.dims[: header.shape.rank])
    grouping = sgq.SgqGrouping.from_message(message, shape[1])
    device = sgq.decode(packet[:size].tobytes(), grouping)
    del model.graph.output[:]
    model.graph.output.append(onnx.helper.make_tensor_value_info(cut, onnx.TensorProto.FLOAT,
                                                                 shape))
    tapped = os.path.join(d, "tapped.onnx")
    onnx.save(model, tapped)
    x = np.load(os.path.join(d, "x.npy"))
    x.tofile(os.path.join(d, "x.bin"))
    subprocess.run(["node", os.path.join(ROOT, "scripts", "ort_batch.js"), tapped, "image",
                    json.dumps(list(x.shape)), os.path.join(d, "x.bin"), "1", cut,
                    os.path.join(d, "ort.bin")], check=True)
    ort = np.fromfile(os.path.join(d, "ort.bin"), np.float32).reshape(shape)
    diff = float(np.abs(device - ort).max())
    step = float(ort.max() - ort.min()) / 255
    print(f"float cut {cut}: {ort.size} values, signed: {bool(ort.min() < 0)}, "
          f"max |device - ONNX Runtime| {diff:.3g}, "
          + ("within" if diff <= step else "MORE THAN") + f" one step ({step:.3g})")
    return 0 if diff <= step else 1


if __name__ == "__main__":
    sys.exit(main())
