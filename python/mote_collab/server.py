"""The server of collaborative (split) learning (docs/Collaborative.md).

Subscribes to `mote/+/features` on an MQTT broker; each message is a label
count K, K class labels and the SGQ packet of a device's cut (wire format:
runtime/collab/mote_collab_device.h). The server decodes packets with the
runtime's C codec (the device's own code, through ctypes), assembles
batches across devices, runs and trains the server half `motec compile
--split-at` wrote (as a PyTorch module), encodes each sample's gradient of
the cut with SGQ under the features' sequence number and publishes it to
`mote/<device>/gradient`.

Per device it keeps the last sequence number and the last gradient packet:
a repeated packet (the device resends when a gradient was lost) is answered
from that cache without training twice, an older one is dropped; a packet
the codec refuses, of another shape, or with a bad label is rejected. All
are counted.

    python3 -m mote_collab.server SPLIT_DIR --port P [--batch 8]
        [--optimizer sgd|adam] [--lr 0.01] [--gradient-bits 8]
        [--samples N] [--idle-exit S] [--report N]
"""
import argparse
import json
import os
import queue
import signal
import socket
import sys
import time

import numpy as np
import torch

from . import sgq
from .server_model import load_server_model

TOPIC_FEATURES = "mote/+/features"


def gradient_topic(device):
    return f"mote/{device}/gradient"


class Split:
    """What `motec compile --split-at --train` wrote into a package."""

    def __init__(self, directory):
        files = [f for f in os.listdir(directory) if f.endswith("_split.json")]
        if len(files) != 1:
            raise SystemExit(f"mote-collab-server: {directory} holds {len(files)} "
                             "*_split.json files, expected one")
        with open(os.path.join(directory, files[0])) as f:
            self.description = json.load(f)
        d = self.description
        if "gradient" not in d:
            raise SystemExit("mote-collab-server: the split was compiled without "
                             "--train: its device takes no gradient")
        self.cut_shape = tuple(d["cut"]["shape"])
        self.grouping = sgq.SgqGrouping(d["sgq"]["grouping_id"], d["sgq"]["permutation"],
                                        d["sgq"]["group_ends"])
        self.stripe = d["gradient"]["stripe"]
        self.max_gradient_bits = d["gradient"]["max_bits"]
        self.gradient_capacity = d["gradient"]["capacity"]
        self.server_model = os.path.join(directory, d["files"]["server_model"])


class Counts:
    FIELDS = ("received", "trained", "batches", "repeated", "late", "rejected",
              "bytes_in", "bytes_out")

    def __init__(self):
        for f in self.FIELDS:
            setattr(self, f, 0)

    def line(self):
        return ", ".join(f"{f.replace('_', ' ')} {getattr(self, f)}" for f in self.FIELDS)


class Server:
    def __init__(self, split, optimizer="sgd", lr=0.01, batch=8, gradient_bits=8,
                 seed=0):
        torch.manual_seed(seed)
        self.split = split
        self.model = load_server_model(split.server_model)
        params = list(self.model.parameters())
        if optimizer == "adam":
            self.optimizer = torch.optim.Adam(params, lr=lr)
        else:
            self.optimizer = torch.optim.SGD(params, lr=lr)
        self.batch = batch
        if gradient_bits > split.max_gradient_bits:
            raise SystemExit(f"mote-collab-server: gradient bits {gradient_bits} above "
                             f"the device's {split.max_gradient_bits}")
        self.gradient_bits = gradient_bits
        self.counts = Counts()
        self.devices = {}  # device -> {"sequence", "gradient", "trained"}
        self.pending = []  # (device, sequence, features, label)
        self.losses, self.correct = [], 0

    def accept(self, topic, payload):
        """Checks one features message; queues it for the next batch, answers
        it from the cache, or counts why it is dropped. Returns the messages
        to publish now."""
        self.counts.received += 1
        self.counts.bytes_in += len(payload) + len(topic)
        parts = topic.split("/")
        if len(parts) != 3 or parts[0] != "mote" or parts[2] != "features" or not parts[1]:
            self.counts.rejected += 1
            return []
        device = parts[1]
        if len(payload) < 2 or payload[0] != 1:
            self.counts.rejected += 1
            return []
        label, packet = payload[1], bytes(payload[2:])
        try:
            header = sgq.read_header(packet)
            shape = tuple(header.shape.dims[: header.shape.rank])
            if shape != self.split.cut_shape:
                raise sgq.SgqError(f"shape {shape}, the cut is {self.split.cut_shape}")
            features = sgq.decode(packet, self.split.grouping)
        except sgq.SgqError:
            self.counts.rejected += 1
            return []
        state = self.devices.setdefault(device, {"sequence": None, "gradient": None,
                                                 "trained": 0})
        sequence = header.sequence
        if state["sequence"] is not None and sequence == state["sequence"]:
            self.counts.repeated += 1
            if state["gradient"] is not None:
                return [(gradient_topic(device), state["gradient"])]
            return []  # still in a pending batch
        if state["sequence"] is not None and sequence < state["sequence"]:
            self.counts.late += 1
            return []
        state["sequence"] = sequence
        state["gradient"] = None
        self.pending.append((device, sequence, features, label))
        return []

    def train_batch(self):
        """Runs and trains the server half on the pending samples; returns
        the gradient messages."""
        if not self.pending:
            return []
        batch, self.pending = self.pending, []
        x = torch.from_numpy(np.concatenate([b[2] for b in batch])).requires_grad_(True)
        labels = torch.tensor([b[3] for b in batch], dtype=torch.long)
        self.optimizer.zero_grad()
        logits = self.model(x)
        # Summed: each device gets the gradient of its own sample's loss;
        # the server's parameters step on the batch mean.
        loss = torch.nn.functional.cross_entropy(logits, labels, reduction="sum")
        loss.backward()
        for p in self.model.parameters():
            if p.grad is not None:
                p.grad /= len(batch)
        self.optimizer.step()
        self.losses.append(loss.item() / len(batch))
        self.correct += int((logits.argmax(1) == labels).sum())
        out = []
        for i, (device, sequence, _, _) in enumerate(batch):
            g = x.grad[i : i + 1].numpy()
            packet = sgq.encode(g, self.split.grouping, bits=self.gradient_bits,
                                stripe=self.split.stripe, sequence=sequence)
            state = self.devices[device]
            state["trained"] += 1
            if state["sequence"] == sequence:
                state["gradient"] = packet
            out.append((gradient_topic(device), packet))
        self.counts.trained += len(batch)
        self.counts.batches += 1
        return out


def main(argv=None):
    parser = argparse.ArgumentParser(prog="mote-collab-server", description=__doc__.split("\n")[0])
    parser.add_argument("split_dir")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--batch-wait-ms", type=float, default=20.0,
                        help="train a partial batch once its oldest sample waited this long")
    parser.add_argument("--optimizer", choices=("sgd", "adam"), default="sgd")
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--gradient-bits", type=int, choices=(2, 4, 8), default=8)
    parser.add_argument("--samples", type=int, default=0,
                        help="stop after training this many samples (0: never; "
                             "SIGTERM or SIGINT stop too)")
    parser.add_argument("--idle-exit", type=float, default=0.0,
                        help="stop after this many seconds without a message (0: never)")
    parser.add_argument("--report", type=int, default=0,
                        help="print a progress line every N trained samples")
    args = parser.parse_args(argv)

    import paho.mqtt.client as mqtt

    split = Split(args.split_dir)
    server = Server(split, args.optimizer, args.lr, args.batch, args.gradient_bits)
    inbox = queue.Queue()
    client = mqtt.Client(client_id="mote-server", clean_session=True)
    client.on_message = lambda c, u, m: inbox.put((m.topic, m.payload))
    client.connect(args.host, args.port, keepalive=60)
    # A gradient is a small message a device waits for: no Nagle delay.
    client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    client.subscribe(TOPIC_FEATURES, qos=1)
    client.loop_start()
    print(f"server: split {split.description['model']} at '{split.description['cut']['tensor']}', "
          f"cut {list(split.cut_shape)}, {sum(p.numel() for p in server.model.parameters())} "
          f"trained parameters, batch {args.batch}, {args.optimizer} lr {args.lr}, "
          f"gradients at {args.gradient_bits} bits", flush=True)
    stop = []
    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, lambda *_: stop.append(True))
    last_message = time.monotonic()
    oldest = None
    reported = 0
    try:
        while not stop:
            try:
                topic, payload = inbox.get(timeout=0.005)
                last_message = time.monotonic()
                before = len(server.pending)
                for t, p in server.accept(topic, payload):
                    client.publish(t, p, qos=1)
                    server.counts.bytes_out += len(p) + len(t)
                if len(server.pending) > before and oldest is None:
                    oldest = time.monotonic()
            except queue.Empty:
                pass
            now = time.monotonic()
            if server.pending and (len(server.pending) >= args.batch or
                                   now - oldest >= args.batch_wait_ms / 1000):
                for t, p in server.train_batch():
                    client.publish(t, p, qos=1)
                    server.counts.bytes_out += len(p) + len(t)
                oldest = None
            if args.report and server.counts.trained - reported >= args.report:
                reported = server.counts.trained
                recent = server.losses[-max(1, args.report // max(1, args.batch)):]
                print(f"server: {server.counts.trained} samples, loss {np.mean(recent):.4f}",
                      flush=True)
            if args.samples and server.counts.trained >= args.samples and not server.pending:
                break
            if args.idle_exit and now - last_message > args.idle_exit:
                break
    finally:
        time.sleep(0.2)  # let the last gradients leave
        client.loop_stop()
        client.disconnect()
    first = np.mean(server.losses[: max(1, len(server.losses) // 10)]) if server.losses else 0
    last = np.mean(server.losses[-max(1, len(server.losses) // 10):]) if server.losses else 0
    print(f"server: {server.counts.line()}", flush=True)
    print("server: trained per device: " + ", ".join(
        f"{d} {s['trained']}" for d, s in sorted(server.devices.items())), flush=True)
    print(f"server: loss first tenth {first:.4f}, last tenth {last:.4f}; training accuracy "
          f"{100.0 * server.correct / max(1, server.counts.trained):.2f}%", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
