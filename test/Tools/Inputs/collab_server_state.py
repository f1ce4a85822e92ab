"""The server's per-device state (python/mote_collab/server.py) on packets
of a real split package, without a broker: a new sequence number is
trained once; its repeat is answered with the same gradient bytes; an older
one is dropped; a wrong topic, a bad envelope, a packet the codec refuses
and a packet of another shape are rejected. Prints the counts.

    collab_server_state.py PACKAGE
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "python"))
from mote_collab import sgq  # noqa: E402
from mote_collab.server import Diverged, Server, Split  # noqa: E402

split = Split(sys.argv[1])
server = Server(split, lr=0.01, batch=2)
rng = np.random.default_rng(1)


def features_message(sequence, label=3, shape=split.cut_shape):
    x = rng.random(shape).astype(np.float32)
    return b"\x01" + bytes([label]) + sgq.encode(x, split.grouping, bits=4,
                                                 stripe=split.stripe, sequence=sequence)


topic = "mote/d0/features"
assert server.accept(topic, features_message(5)) == []
assert len(server.pending) == 1
out = server.train_batch()
assert len(out) == 1 and out[0][0] == "mote/d0/gradient"
gradient = out[0][1]
assert sgq.read_header(gradient).sequence == 5
# The device resends (its gradient was lost): the cached bytes, no training.
again = server.accept(topic, features_message(5))
assert again == [("mote/d0/gradient", gradient)] and not server.pending
assert server.accept(topic, features_message(4)) == [] and not server.pending
for bad_topic in ("mote/d0/other", "mote//features", "elsewhere"):
    server.accept(bad_topic, features_message(9))
server.accept(topic, b"\x00")
server.accept(topic, features_message(9)[:-7])
other = list(split.cut_shape)
other[-1] += 1
try:
    server.accept(topic, features_message(9, shape=tuple(other)))
except sgq.SgqError:
    pass
assert not server.pending
# Another device is independent of d0's sequence numbers.
server.accept("mote/d1/features", features_message(1))
assert len(server.pending) == 1
c = server.counts
print(f"trained {c.trained}, repeated {c.repeated}, late {c.late}, rejected {c.rejected}")

# Training that diverges (here a learning rate of 1e30 on a valid packet)
# stops with Diverged, naming the step, before any non-finite gradient is
# encoded.
wild = Server(split, lr=1e30, batch=1)
try:
    for sequence in range(1, 6):
        wild.accept("mote/d0/features", features_message(sequence))
        wild.train_batch()
    print("no divergence")
except Diverged as e:
    print(f"diverged: {e}")
