"""Checks the packets a split model's device half wrote (motec run
--split-at): all different, each decodes with the server side's codec
(python/mote_collab/sgq.py); prints the header of the last one.

Usage: split_packets.py PACKETS.npy BYTES.npy
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "python"))
from mote_collab import sgq  # noqa: E402

packets = np.load(sys.argv[1])
sizes = np.load(sys.argv[2]).ravel()
assert packets.shape[0] == sizes.shape[0], (packets.shape, sizes.shape)
trimmed = [packets[i, : sizes[i]].tobytes() for i in range(len(sizes))]
print(f"{len(set(trimmed))} different packets")
for packet in trimmed:
    h = sgq.read_header(packet)
    channels = h.shape.dims[1]
    ends = [channels * (g + 1) // h.groups for g in range(h.groups)]
    grouping = sgq.SgqGrouping(h.grouping_id, np.arange(channels), ends)
    values = sgq.decode(packet, grouping)
    assert np.isfinite(values).all()
h = sgq.read_header(trimmed[-1])
print(f"last: sequence {h.sequence}, {h.bits} bits, {h.groups} groups, stripe {h.stripe}, "
      f"shape {list(h.shape.dims[: h.shape.rank])}")
