"""One collaborative-learning run on loopback (docs/Collaborative.md).

Starts a mosquitto broker on 127.0.0.1, the server, and N device programs
(the package's collab.elf, on the host or under an emulator), each on its
own shard of Fashion-MNIST's training images; waits for them and prints
what every side counted.

    python3 -m mote_collab.run PACKAGE --devices 2 --samples 300 [--epochs 1]
        [--emulated PACKAGE64 --emulator "qemu-aarch64 -L /usr/aarch64-linux-gnu"]
        [--batch 8 --batch-wait-ms 20 --lr 0.05 --optimizer sgd] [--replicas M] [--hostile 50] [--check]

PACKAGE is what `motec compile MODEL --split-at=T --sgq=... --train -o
PACKAGE` wrote, with collab.elf built (`make -C PACKAGE collab.elf`).
Every second device (every device with `--all-emulated`) runs the
collab.elf of `--emulated` (the same split compiled for another target,
e.g. --target=aarch64-neon) under `--emulator`, so a run mixes host and
emulated devices. `--hostile N` publishes N malformed feature messages
(truncations, bit flips and random bytes of a real packet) before the
devices start. `--check` fails unless the loss fell, every sample was
answered and every hostile message was rejected.
"""
import argparse
import gzip
import os
import random
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np

from .broker import Broker

FASHION = "/usr/share/datasets/fashion-mnist"


def fashion(part, count, offset=0):
    """`count` images (float32 in [0, 1]) and int32 labels from `offset`
    of Fashion-MNIST's `part`, "train" or "t10k"."""
    with gzip.open(os.path.join(FASHION, f"{part}-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    with gzip.open(os.path.join(FASHION, f"{part}-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    x = images[offset:offset + count].astype(np.float32) / 255.0
    return x, labels[offset:offset + count].astype(np.int32)


def read_packets(path):
    """The packets a device's --eval wrote: a 4-byte length, then the bytes."""
    data = open(path, "rb").read()
    at, out = 0, []
    while at + 4 <= len(data):
        n = int.from_bytes(data[at:at + 4], "little")
        out.append(data[at + 4:at + 4 + n])
        at += 4 + n
    return out


def test_accuracy(package, parameters, packets, labels):
    """Top-1 accuracy of the trained split on the test images: each
    device's packets (its trained layers and its codec, as deployed)
    decoded by the server's codec and run through the trained server half."""
    import torch
    from .server import Server, Split
    server = Server(Split(package))
    server.model.load_state_dict(torch.load(parameters))
    features = np.concatenate([server.decode(p)[1] for p in packets])
    with torch.no_grad():
        logits = server.model(torch.from_numpy(features))
    return float((logits.argmax(1).numpy() == labels[:len(packets)]).mean())


def state_progress(path):
    """(epoch, sample) a device's --state file records, or None."""
    try:
        with open(path, "rb") as f:
            head = f.read(24)
    except OSError:
        return None
    if len(head) < 24 or head[:4] != b"MCOL":
        return None
    return int.from_bytes(head[12:16], "little"), int.from_bytes(head[16:20], "little")


def kill_rank(server_pid, rank):
    """SIGKILLs the replica process of `rank` that the server `server_pid`
    started; whether there was one."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                arguments = f.read().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue
        if parent == server_pid and b"--rank" in arguments and \
                arguments[arguments.index(b"--rank") + 1] == str(rank).encode():
            os.kill(int(entry), signal.SIGKILL)
            return True
    return False


def hostile_messages(packet, count, seed=7):
    """Malformed features messages derived from a real packet."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        kind = i % 5  # kinds 0, 2, 3 can never decode
        if kind == 0:  # truncated packet
            body = packet[: rng.randrange(len(packet))]
        elif kind == 1:  # bit flips
            body = bytearray(packet)
            for _ in range(rng.randrange(1, 8)):
                body[rng.randrange(len(body))] ^= 1 << rng.randrange(8)
            body = bytes(body)
        elif kind == 2:  # random bytes
            body = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2 * len(packet))))
        elif kind == 3:  # a bad envelope: no labels
            out.append(b"\x00")
            continue
        else:  # a lying length word inside the packet
            body = bytearray(packet)
            at = rng.randrange(8, len(body) - 4)
            body[at:at + 4] = b"\xff\xff\xff\x7f"
            body = bytes(body)
        out.append(b"\x01\x03" + body)
    return out


def publish_hostile(port, packet, count):
    import paho.mqtt.client as mqtt
    client = mqtt.Client(client_id="mote-hostile", clean_session=True)
    client.connect("127.0.0.1", port)
    client.loop_start()
    infos = [client.publish("mote/intruder/features", m, qos=1)
             for m in hostile_messages(packet, count)]
    for info in infos:
        info.wait_for_publish()
    client.loop_stop()
    client.disconnect()


def main(argv=None):
    ap = argparse.ArgumentParser(prog="mote-collab-run", description=__doc__.split("\n")[0])
    ap.add_argument("package")
    ap.add_argument("--devices", type=int, default=2)
    ap.add_argument("--samples", type=int, default=300, help="training samples per device")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--emulated", default="", help="package for every second device")
    ap.add_argument("--all-emulated", action="store_true",
                    help="every device runs --emulated's program")
    ap.add_argument("--state", action="store_true",
                    help="every device keeps its state in WORK/device<d>.state (--state of "
                         "collab.elf)")
    ap.add_argument("--emulator", default="", help="command prefix of the emulated devices")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--batch-wait-ms", type=float, default=20.0,
                    help="the server trains a partial batch after this wait")
    ap.add_argument("--optimizer", default="sgd")
    ap.add_argument("--gradient-bits", type=int, default=8)
    ap.add_argument("--replicas", type=int, default=1, help="data-parallel server replicas")
    ap.add_argument("--codec", default="sgq",
                    help="the devices' codec: sgq (compiled), float32, uniform:B, topk:P "
                         "(the baselines need a package compiled with --sgq=...,cut_entries)")
    ap.add_argument("--hostile", type=int, default=0)
    ap.add_argument("--kill-device", type=int, default=0, metavar="N",
                    help="kill device d0 (SIGKILL) once it has done N samples, then start "
                         "it again: it resumes from its --state file")
    ap.add_argument("--kill-replica", type=int, default=0, metavar="N",
                    help="kill server replica 1 (SIGKILL) once N samples are trained; the "
                         "server restarts its replicas from their checkpoints")
    ap.add_argument("--link-bps", type=int, default=0,
                    help="pace each device as if its MQTT traffic, both ways, crossed a "
                         "link of this many bits per second")
    ap.add_argument("--test", type=int, default=0, metavar="K",
                    help="after training, the test accuracy on the first K Fashion-MNIST "
                         "test images, per device")
    ap.add_argument("--summary", default="", help="write the run's figures as JSON here")
    ap.add_argument("--work", default="")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)

    collab = os.path.join(args.package, "collab.elf")
    if not os.access(collab, os.X_OK):
        raise SystemExit(f"mote-collab-run: {collab} missing: make -C {args.package} collab.elf")
    work = args.work or tempfile.mkdtemp(prefix="mote-collab-")
    os.makedirs(work, exist_ok=True)
    shards = []
    for d in range(args.devices):
        x, y = fashion("train", args.samples, offset=d * args.samples)
        xs, ys = os.path.join(work, f"inputs{d}.bin"), os.path.join(work, f"labels{d}.bin")
        x.tofile(xs)
        y.tofile(ys)
        shards.append((xs, ys))

    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + \
        (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    total = args.devices * args.samples * args.epochs
    failures = []
    test_inputs = None
    if args.test:
        tx, test_labels = fashion("t10k", args.test)
        test_inputs = os.path.join(work, "test_inputs.bin")
        tx.tofile(test_inputs)
    parameters = os.path.join(work, "server_parameters.pt")
    with Broker() as broker:
        server_log = open(os.path.join(work, "server.log"), "w+")
        server = subprocess.Popen(
            [sys.executable, "-m", "mote_collab.server", args.package, "--port", str(broker.port),
             "--batch", str(args.batch), "--batch-wait-ms", str(args.batch_wait_ms),
             "--lr", str(args.lr), "--optimizer", args.optimizer,
             "--gradient-bits", str(args.gradient_bits), "--replicas", str(args.replicas),
             "--report", str(max(1, total // 10)), "--save", parameters]
            + (["--restarts", "1", "--checkpoint", os.path.join(work, "checkpoints")]
               if args.kill_replica else []),
            stdout=server_log, stderr=subprocess.STDOUT, env=env)
        # The server subscribes before any device publishes.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            server_log.seek(0)
            if server_log.read().count(": split ") >= args.replicas or \
                    server.poll() is not None:
                break
            time.sleep(0.1)
        if args.hostile:
            from . import sgq
            from .server import Split
            split = Split(args.package)
            features = np.random.default_rng(0).random(split.cut_shape).astype(np.float32)
            packet = sgq.encode(features, split.grouping, bits=8, stripe=split.stripe)
            publish_hostile(broker.port, packet, args.hostile)
        devices, commands = [], []
        for d, (xs, ys) in enumerate(shards):
            emulated = bool(args.emulated) and (d % 2 == 1 or args.all_emulated)
            prefix = shlex.split(args.emulator) if emulated else []
            program = os.path.join(args.emulated, "collab.elf") if emulated else collab
            log = open(os.path.join(work, f"device{d}.log"), "w+")
            command = prefix + [program, "127.0.0.1", str(broker.port), f"d{d}", xs, ys,
                                f"--epochs={args.epochs}", f"--codec={args.codec}"]
            if args.link_bps:
                command.append(f"--link-bps={args.link_bps}")
            if args.kill_replica:
                # The replicas' restart takes seconds: wait longer per try.
                command.append("--timeout-ms=10000")
            if args.state or (args.kill_device and d == 0):
                command.append("--state=" + os.path.join(work, f"device{d}.state"))
            if test_inputs:
                command.append(f"--eval={test_inputs},{os.path.join(work, f'eval{d}.bin')}")
            commands.append(command)
            devices.append((subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT),
                            log, emulated))
        killed = killed_replica = None
        # Devices end on their own; if the server dies first, they are
        # stopped (they would otherwise resend until they give up).
        while any(p.poll() is None for p, _, _ in devices):
            if args.kill_device and killed is None:
                progress = state_progress(os.path.join(work, "device0.state"))
                if progress and progress[0] * args.samples + progress[1] >= args.kill_device:
                    p, log, emulated = devices[0]
                    p.kill()
                    p.wait()
                    killed = progress
                    log.write(f"run: killed device d0 after {progress[1]} samples of "
                              f"epoch {progress[0] + 1}\n")
                    log.flush()
                    devices[0] = (subprocess.Popen(commands[0], stdout=log,
                                                   stderr=subprocess.STDOUT), log, emulated)
            if args.kill_replica and killed_replica is None:
                trained = [int(n) for n in re.findall(r": (\d+) samples, loss",
                                                       open(server_log.name).read())]
                # (not found while the group restarts: tried again next time)
                if trained and max(trained) >= args.kill_replica and kill_rank(server.pid, 1):
                    killed_replica = max(trained)
            if server.poll() is not None:
                failures.append(f"the server exited with {server.returncode} during the run")
                for p, _, _ in devices:
                    if p.poll() is None:
                        p.terminate()
                break
            time.sleep(0.1)
        for p, _, _ in devices:
            p.wait()
        server.terminate()  # the server prints its counts and exits
        server.wait(60)
        server_log.seek(0)
        server_text = server_log.read()
    print(server_text, end="")
    sent = received = 0
    seconds = []  # each device's time from its connection to its last sample
    for d, (p, log, emulated) in enumerate(devices):
        log.seek(0)
        text = log.read()
        print(("(emulated) " if emulated else "") + text, end="")
        m = re.search(r"bytes sent (\d+), received (\d+)", text)
        if p.returncode != 0 or not m:
            failures.append(f"device d{d} exited with {p.returncode}")
        else:
            sent += int(m.group(1))
            received += int(m.group(2))
            seconds += [float(t) for t in re.findall(r"seconds ([0-9.]+)", text)[-1:]]
    float_bytes = None
    m = re.search(r"cut \[([0-9, ]+)\]", server_text)
    if m:
        float_bytes = 4 * int(np.prod([int(v) for v in m.group(1).split(",")])) * total * 2
    print(f"run: {args.devices} devices, {total} samples, codec {args.codec}; device traffic "
          f"{sent} bytes up, {received} down (MQTT framing included)"
          + (f"; float32 features and gradients would be {float_bytes} bytes, "
             f"{float_bytes / max(1, sent + received):.1f}x more" if float_bytes else ""))
    accuracies = []
    if args.test and not failures:
        for d in range(args.devices):
            packets = read_packets(os.path.join(work, f"eval{d}.bin"))
            if len(packets) != args.test:
                failures.append(f"device d{d} wrote {len(packets)} test packets, "
                                f"not {args.test}")
                continue
            accuracies.append(test_accuracy(args.package, parameters, packets, test_labels))
        if accuracies:
            print(f"run: test accuracy {100 * np.mean(accuracies):.2f}% on {args.test} "
                  "Fashion-MNIST test images (per device: "
                  + ", ".join(f"{100 * a:.2f}%" for a in accuracies) + ")")
    if args.kill_device:
        if killed is None:
            failures.append("device d0 was not killed (it finished first)")
        else:
            print(f"run: device d0 killed after {killed[1]} samples of epoch {killed[0] + 1} "
                  "and restarted")
    if args.kill_replica:
        restarts = re.findall(r"replicas: replica 1 exited with (-?\d+); restarting",
                              server_text)
        resumed = re.findall(r"resumed from its checkpoint of step (\d+)", server_text)
        if not killed_replica or not restarts or len(resumed) != args.replicas:
            failures.append("replica 1 was not killed, or the replicas did not resume")
        else:
            print(f"run: replica 1 killed once {killed_replica} samples were trained; "
                  f"the replicas resumed from step {resumed[0]}")
    if args.summary:
        import json
        with open(args.summary, "w") as f:
            json.dump({"codec": args.codec, "devices": args.devices, "samples": total,
                       "bytes_up": sent, "bytes_down": received,
                       "float32_bytes": float_bytes,
                       "device_seconds": max(seconds) if seconds else None,
                       "accuracy": float(np.mean(accuracies)) if accuracies else None,
                       "accuracies": accuracies}, f)
    if args.check:
        m = re.search(r"loss first tenth ([0-9.]+), last tenth ([0-9.]+)", server_text)
        # (every replica reports the same global losses)
        if not m or float(m.group(2)) >= float(m.group(1)):
            failures.append("the loss did not fall")
        per_device = {}
        for line in re.findall(r"trained per device: (.*)", server_text):
            for d, c in re.findall(r"(\S+) (\d+)(?:,|$)", line):
                per_device[d] = per_device.get(d, 0) + int(c)
        digests = set(re.findall(r"parameters ([0-9a-f]+)", server_text))
        print(f"run: {args.replicas} server replica(s), "
              f"{'identical parameters' if len(digests) == 1 else 'parameters differ'}")
        if len(digests) != 1 or len(re.findall(r"parameters ", server_text)) != args.replicas:
            failures.append("the replicas' parameters differ or a replica did not report")
        for d in range(args.devices):
            if int(per_device.get(f"d{d}", 0)) != args.samples * args.epochs:
                failures.append(f"the server trained {per_device.get(f'd{d}', 0)} samples "
                                f"of device d{d}, not {args.samples * args.epochs}")
        # Truncations, random bytes and broken envelopes must be rejected;
        # a bit flip or a changed word may still be a valid packet (the
        # codec has no checksum: TCP does not corrupt, and a checksum does
        # not stop a sender who means harm), which then trains as a sample
        # of device 'intruder'.
        never_valid = sum(1 for i in range(args.hostile) if i % 5 in (0, 2, 3))
        rejected = sum(int(r) for r in re.findall(r"rejected (\d+)", server_text))
        accepted = int(per_device.get("intruder", 0))
        print(f"run: {args.hostile} hostile messages, {rejected} rejected, "
              f"{accepted} decoded as samples of 'intruder'")
        if rejected < never_valid:
            failures.append(f"{rejected} hostile messages rejected, fewer than the "
                            f"{never_valid} that cannot be valid")
        if server.returncode != 0:
            failures.append(f"the server exited with {server.returncode}")
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
