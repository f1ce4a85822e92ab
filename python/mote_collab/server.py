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
        [--samples N] [--idle-exit S] [--report N] [--save FILE]
        [--replicas M [--restarts K] | --rank R --world-size M --dist-address A
         --dist-port Q] [--checkpoint DIR]
"""
import argparse
import hashlib
import json
import math
import os
import queue
import signal
import socket
import sys
import time

import numpy as np
import torch

from . import sgq, wire
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


class Diverged(RuntimeError):
    """The training's loss or the cut's gradient is no longer finite."""


DIVERGED_EXIT = 3  # the server's exit code when the training diverged


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
        self.pending = []  # (device, sequence, features, label, codec)
        self.losses, self.correct, self.global_trained = [], 0, 0
        self.steps = 0  # optimizer steps: the same on every replica

    STATE = ("devices", "losses", "correct", "global_trained", "steps")

    def state(self):
        """What a checkpoint holds: the trained parameters, the optimizer,
        the per-device sequences and answers, the counts."""
        out = {name: getattr(self, name) for name in self.STATE}
        out.update(model=self.model.state_dict(), optimizer=self.optimizer.state_dict(),
                   counts={f: getattr(self.counts, f) for f in Counts.FIELDS})
        return out

    def load_state(self, state):
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        for name in self.STATE:
            setattr(self, name, state[name])
        for f, v in state["counts"].items():
            setattr(self.counts, f, v)

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
            sequence, features, codec = self.decode(packet)
        except ValueError:  # SgqError, WireError
            self.counts.rejected += 1
            return []
        state = self.devices.setdefault(device, {"sequence": None, "gradient": None,
                                                 "trained": 0})
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
        self.pending.append((device, sequence, features, label, codec))
        return []

    def decode(self, packet):
        """(sequence, features of the cut's shape, how to answer) of a
        packet: SGQ (answered with SGQ at --gradient-bits) or a baseline
        codec of runtime/collab/mote_wire.h (answered in kind)."""
        elements = int(np.prod(self.split.cut_shape))
        if wire.is_packet(packet):
            header = wire.read_header(packet)
            if header.elements != elements:
                raise wire.WireError(f"{header.elements} values, the cut has {elements}")
            features = wire.decode(packet, elements).reshape(self.split.cut_shape)
            # Top-k sends a masked tensor: the gradient of the mask is the
            # mask, so the answer carries only the positions the server saw.
            kept = wire.kept_positions(packet, elements) if header.codec == wire.TOPK else None
            return header.sequence, features, (wire.CODECS[header.codec], header.bits,
                                               header.k, kept)
        header = sgq.read_header(packet)
        shape = tuple(header.shape.dims[: header.shape.rank])
        if shape != self.split.cut_shape:
            raise sgq.SgqError(f"shape {shape}, the cut is {self.split.cut_shape}")
        return header.sequence, sgq.decode(packet, self.split.grouping), None

    def encode_gradient(self, gradient, sequence, codec):
        if codec is None:
            return sgq.encode(gradient, self.split.grouping, bits=self.gradient_bits,
                              stripe=self.split.stripe, sequence=sequence)
        return answer_in_kind(gradient, sequence, codec)

    def train_batch(self, replicas=None):
        """Runs and trains the server half on the pending samples; returns
        the gradient messages. With `replicas` (a Replicas), every replica
        calls this at the same step: the summed gradients of all replicas'
        samples are all-reduced, so every replica takes the same step on
        the mean over the global batch (a replica without samples adds
        zeros)."""
        # In the order of the devices' ids, not of arrival: a batch of the
        # same samples then trains the same way however the packets raced.
        batch, self.pending = sorted(self.pending, key=lambda b: (b[0], b[1])), []
        self.optimizer.zero_grad()
        params = list(self.model.parameters())
        loss_sum, correct = torch.zeros(()), 0
        if batch:
            x = torch.from_numpy(np.concatenate([b[2] for b in batch])).requires_grad_(True)
            labels = torch.tensor([b[3] for b in batch], dtype=torch.long)
            logits = self.model(x)
            # Summed: each device gets the gradient of its own sample's
            # loss; the parameters step on the mean over the batch.
            loss = torch.nn.functional.cross_entropy(logits, labels, reduction="sum")
            loss.backward()
            loss_sum = loss.detach()
            correct = int((logits.argmax(1) == labels).sum())
        for p in params:
            if p.grad is None:
                p.grad = torch.zeros_like(p)
        total = len(batch)
        if replicas is not None:
            total, loss_sum, correct = replicas.all_reduce_gradients(
                params, len(batch), loss_sum, correct)
        if total == 0:
            return []
        # Checked after the all-reduce: every replica sees the same loss.
        if not math.isfinite(float(loss_sum)) or (batch and not torch.isfinite(x.grad).all()):
            raise Diverged(f"the loss or the cut's gradient is not finite at step "
                           f"{self.steps + 1} ({self.global_trained} samples trained): "
                           "training diverged")
        for p in params:
            p.grad /= total
        self.optimizer.step()
        self.steps += 1
        self.losses.append(float(loss_sum) / total)
        self.correct += correct
        self.global_trained += total
        out = []
        for i, (device, sequence, _, _, codec) in enumerate(batch):
            packet = self.encode_gradient(x.grad[i : i + 1].numpy(), sequence, codec)
            state = self.devices[device]
            state["trained"] += 1
            if state["sequence"] == sequence:
                state["gradient"] = packet
            out.append((gradient_topic(device), packet))
        self.counts.trained += len(batch)
        self.counts.batches += 1
        return out


def answer_in_kind(gradient, sequence, codec):
    """The gradient packet answering a baseline feature packet: the same
    codec, bits and k; `codec` is (name, bits, k, kept) as Server.decode
    gives it, where `kept` (top-k) marks the positions the features
    carried: the gradient elsewhere is 0, the derivative of the mask."""
    name, bits, k, kept = codec
    if kept is not None:
        gradient = np.where(kept, np.ravel(gradient), np.float32(0))
    return wire.encode(gradient, name, bits=bits, k=k, sequence=sequence)


class Replicas:
    """Data-parallel server replicas on torch.distributed's Gloo backend.

    Devices are shared out by a hash of their id (each replica keeps the
    state of its own devices); the replicas step in lockstep, and each step
    all-reduces the parameters' summed gradients with the sample counts, so
    their weights stay identical."""

    def __init__(self, rank, world_size, address, port):
        import torch.distributed as dist
        self.dist = dist
        self.rank, self.world_size = rank, world_size
        dist.init_process_group("gloo", init_method=f"tcp://{address}:{port}",
                                rank=rank, world_size=world_size)

    def owns(self, device):
        digest = hashlib.sha256(device.encode()).digest()
        return int.from_bytes(digest[:4], "little") % self.world_size == self.rank

    def broadcast_parameters(self, params):
        for p in params:
            self.dist.broadcast(p.data, 0)

    def agree(self, stop, pending):
        """Whether any replica stops, and the samples pending on all."""
        t = torch.tensor([1.0 if stop else 0.0, float(pending)], dtype=torch.float64)
        self.dist.all_reduce(t)
        return bool(t[0] > 0), int(t[1])

    def all_reduce_gradients(self, params, count, loss_sum, correct):
        flat = torch.cat([p.grad.reshape(-1) for p in params] +
                         [torch.tensor([float(count), float(loss_sum), float(correct)])])
        self.dist.all_reduce(flat)
        at = 0
        for p in params:
            n = p.numel()
            p.grad.copy_(flat[at:at + n].view_as(p))
            at += n
        return int(flat[at]), flat[at + 1], int(flat[at + 2])

    def barrier(self):
        self.dist.barrier()

    def minimum(self, value):
        t = torch.tensor([value], dtype=torch.int64)
        self.dist.all_reduce(t, op=self.dist.ReduceOp.MIN)
        return int(t[0])

    def close(self):
        self.dist.destroy_process_group()


class Checkpoints:
    """A replica's state after each of its last two optimizer steps
    (DIR/rank<R>-<step % 2>.pt, each written whole, then renamed).

    A step's gradients leave only after every replica wrote its state of
    that step (a barrier), so replicas restarted after one of them died
    resume together from the newest step all of them hold: every gradient
    a device received is in it, and samples trained in a step that did
    not reach every replica's disk are sent again by their devices."""

    def __init__(self, directory, rank):
        os.makedirs(directory, exist_ok=True)
        self.directory, self.rank = directory, rank

    def path(self, step):
        return os.path.join(self.directory, f"rank{self.rank}-{step % 2}.pt")

    def save(self, server):
        path = self.path(server.steps)
        torch.save(server.state(), path + ".part")
        os.replace(path + ".part", path)

    def available(self):
        """{step: state} of the checkpoints on disk."""
        out = {}
        for parity in (0, 1):
            path = self.path(parity)
            if os.path.exists(path):
                state = torch.load(path, weights_only=False)
                out[state["steps"]] = state
        return out

    def resume(self, server, replicas):
        """Loads the newest step every replica holds; returns it (0: a
        fresh start)."""
        states = self.available()
        newest = max(states) if states else 0
        step = replicas.minimum(newest) if replicas is not None else newest
        if step == 0:
            return 0
        if step not in states:
            raise SystemExit(f"mote-collab-server: replica {self.rank} holds no "
                             f"checkpoint of step {step} (it has {sorted(states)})")
        server.load_state(states[step])
        return step


def parameter_digest(model):
    h = hashlib.sha256()
    for p in model.parameters():
        h.update(p.detach().numpy().tobytes())
    return h.hexdigest()[:16]


def launch_replicas(argv, replicas, restarts=0, checkpoint=""):
    """Starts `replicas` server processes on this machine (ranks 0..M-1 of
    one Gloo group on loopback) and waits for them; SIGTERM and SIGINT are
    passed on. When a replica dies (a non-zero exit before a stop was
    asked), up to `restarts` times: the others are killed (they would wait
    in the group's next collective) and all are started again in a new
    group, resuming from their checkpoints."""
    import subprocess
    import tempfile
    base, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a in ("--replicas", "--restarts"):
            skip = True
        elif not a.startswith(("--replicas=", "--restarts=")):
            base.append(a)
    if restarts and not checkpoint:
        checkpoint = tempfile.mkdtemp(prefix="mote-collab-checkpoints-")
        base += ["--checkpoint", checkpoint]
    stopping, procs = [], []

    def forward(sig, _):
        stopping.append(sig)
        for p in procs:
            if p.poll() is None:
                p.send_signal(sig)
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        procs[:] = [subprocess.Popen([sys.executable, "-m", "mote_collab.server", *base,
                                      "--rank", str(r), "--world-size", str(replicas),
                                      "--dist-port", str(port)]) for r in range(replicas)]
        while True:
            codes = [p.poll() for p in procs]
            # Exit 3 is a diverged training, which a restart would repeat.
            died = [r for r, c in enumerate(codes) if c not in (None, 0, DIVERGED_EXIT)]
            if all(c is not None for c in codes) or (died and (stopping or not restarts)):
                return max(p.wait() for p in procs)
            if died:
                break
            time.sleep(0.1)
        restarts -= 1
        print(f"replicas: replica {died[0]} exited with {codes[died[0]]}; restarting the "
              f"group from its checkpoints ({restarts} restart(s) left)", flush=True)
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait()


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
    parser.add_argument("--save", default="",
                        help="write the trained server half's parameters to this file "
                             "(torch.save of its state_dict; rank 0) when it stops")
    parser.add_argument("--replicas", type=int, default=1,
                        help="start this many data-parallel replicas on this machine")
    parser.add_argument("--restarts", type=int, default=0,
                        help="with --replicas: restart the replicas from their "
                             "checkpoints this many times when one dies")
    parser.add_argument("--checkpoint", default="",
                        help="keep each replica's state after every step in this folder, "
                             "and resume from it at start")
    parser.add_argument("--rank", type=int, default=0)
    parser.add_argument("--world-size", type=int, default=1,
                        help="replicas in all (on one or more machines)")
    parser.add_argument("--dist-address", default="127.0.0.1",
                        help="rank 0's address for torch.distributed")
    parser.add_argument("--dist-port", type=int, default=0)
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    if args.replicas > 1:
        return launch_replicas(argv, args.replicas, args.restarts, args.checkpoint)

    import paho.mqtt.client as mqtt

    split = Split(args.split_dir)
    server = Server(split, args.optimizer, args.lr, args.batch, args.gradient_bits)
    replicas = None
    name = "server"
    if args.world_size > 1:
        if not args.dist_port:
            raise SystemExit("mote-collab-server: --world-size needs --dist-port")
        replicas = Replicas(args.rank, args.world_size, args.dist_address, args.dist_port)
        name = f"server {args.rank}/{args.world_size}"
    checkpoints = Checkpoints(args.checkpoint, args.rank) if args.checkpoint else None
    if checkpoints is not None:
        resumed = checkpoints.resume(server, replicas)
        if resumed:
            print(f"{name}: resumed from its checkpoint of step {resumed} "
                  f"({server.global_trained} samples trained)", flush=True)
    if replicas is not None:
        replicas.broadcast_parameters(list(server.model.parameters()))
    inbox = queue.Queue()
    # With a checkpoint the broker keeps the replica's session too: what
    # devices send while it restarts waits for it.
    client = mqtt.Client(client_id=f"mote-server-{args.rank}",
                         clean_session=checkpoints is None)
    client.on_message = lambda c, u, m: inbox.put((m.topic, m.payload))
    client.connect(args.host, args.port, keepalive=60)
    # A gradient is a small message a device waits for: no Nagle delay.
    client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    client.subscribe(TOPIC_FEATURES, qos=1)
    client.loop_start()
    print(f"{name}: split {split.description['model']} at '{split.description['cut']['tensor']}', "
          f"cut {list(split.cut_shape)}, {sum(p.numel() for p in server.model.parameters())} "
          f"trained parameters, batch {args.batch}, {args.optimizer} lr {args.lr}, "
          f"gradients at {args.gradient_bits} bits", flush=True)
    stop = []
    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, lambda *_: stop.append(True))
    last_message = time.monotonic()
    reported = 0
    local_batch = max(1, args.batch // args.world_size)

    def send(messages):
        for t, p in messages:
            client.publish(t, p, qos=1)
            server.counts.bytes_out += len(p) + len(t)

    diverged = None
    try:
        while True:
            # Collect for one step: until this replica's share of the batch
            # is pending or the wait is over.
            deadline = time.monotonic() + args.batch_wait_ms / 1000
            while len(server.pending) < local_batch:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    topic, payload = inbox.get(timeout=left)
                except queue.Empty:
                    break
                last_message = time.monotonic()
                device = topic.split("/")[1] if topic.count("/") == 2 else ""
                if replicas is not None and not replicas.owns(device):
                    continue
                send(server.accept(topic, payload))
            now = time.monotonic()
            done = bool(stop) or (args.idle_exit and now - last_message > args.idle_exit) or \
                (args.samples and server.global_trained >= args.samples)
            if replicas is not None:
                done, pending = replicas.agree(done, len(server.pending))
            else:
                pending = len(server.pending)
            if done:
                break
            if pending:
                try:
                    messages = server.train_batch(replicas)
                except Diverged as e:
                    diverged = e
                    break
                if checkpoints is not None:
                    checkpoints.save(server)
                    if replicas is not None:
                        replicas.barrier()  # every replica holds this step
                send(messages)
            if args.report and server.global_trained - reported >= args.report:
                reported = server.global_trained
                recent = server.losses[-max(1, args.report // max(1, args.batch)):]
                if args.rank == 0:
                    print(f"{name}: {server.global_trained} samples, loss {np.mean(recent):.4f}",
                          flush=True)
    finally:
        time.sleep(0.2)  # let the last gradients leave
        client.loop_stop()
        client.disconnect()
    first = np.mean(server.losses[: max(1, len(server.losses) // 10)]) if server.losses else 0
    last = np.mean(server.losses[-max(1, len(server.losses) // 10):]) if server.losses else 0
    print(f"{name}: {server.counts.line()}", flush=True)
    print(f"{name}: trained per device: " + ", ".join(
        f"{d} {s['trained']}" for d, s in sorted(server.devices.items())), flush=True)
    print(f"{name}: loss first tenth {first:.4f}, last tenth {last:.4f}; training accuracy "
          f"{100.0 * server.correct / max(1, server.global_trained):.2f}%", flush=True)
    print(f"{name}: parameters {parameter_digest(server.model)}", flush=True)
    if args.save and args.rank == 0:
        torch.save(server.model.state_dict(), args.save)
    if replicas is not None:
        replicas.close()
    if diverged is not None:
        print(f"{name}: stopped: {diverged}", flush=True)
        return DIVERGED_EXIT
    return 0


if __name__ == "__main__":
    sys.exit(main())
