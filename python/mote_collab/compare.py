"""Collaborative learning on Fashion-MNIST with SGQ and its baselines, one
command (docs/Collaborative.md):

    python3 -m mote_collab.compare [--devices 4] [--replicas 2]
        [--samples 2500] [--epochs 1] [--test 10000]
        [--methods float32,uniform:8,uniform:4,uniform:2,topk:10,sgq:4,sgq:2]
        [--seeds 5[,6,...]] [--out DIR]

compiles the small CNN of mote_collab.models split after its first pooling
(the device trains its layers with INT8 training), then, per method, starts
a broker on loopback, M server replicas and N device programs
(mote_collab.run) on the same shards of the training images in the same
order, and measures the test accuracy of the trained split as deployed
(each device's packets of the test images under its codec) against the
bytes on the wire both ways (MQTT framing included). Prints a line per
method and a table, and writes DIR/accuracy_vs_bytes.png and
DIR/results.json. With several seeds (the model's initial weights) every
method runs once per seed; the table and plot show the mean accuracy and
its standard deviation, and each seed's accuracy.

Methods: float32 (no compression), uniform:B (per-tensor B-bit
quantization over the tensor's range with an exact zero, both ways),
topk:P (the P percent largest magnitudes as index and float32 value,
both ways), sgq:B (SGQ at B bits both ways). A method whose training
diverges stays in the table as such.
"""
import argparse
import json
import os
import subprocess
import sys

from . import models

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def compile_split(motec, model, out, bits, lr, precision):
    """A split package whose device runs `--sgq` at `bits` and has the cut
    entries the baselines send through."""
    subprocess.run([motec, "compile", model, "--name", "net", "-o", out,
                    "--split-at=" + models.CUT, f"--sgq=bits={bits},groups=2,cut_entries",
                    "--train", f"--train-precision={precision}", f"--optimizer=sgd:lr={lr}"],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["make", "-s", "-C", out, "collab.elf"], check=True)
    return out


def plot(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for r in results:
        if r.get("failed"):
            continue
        per_sample = (r["bytes_up"] + r["bytes_down"]) / r["samples"]
        ax.errorbar(per_sample, 100 * r["accuracy"], yerr=100 * r.get("accuracy_sd", 0),
                    fmt="*" if r["method"].startswith("sgq") else "o", markersize=7, capsize=3)
        ax.annotate(r["method"], (per_sample, 100 * r["accuracy"]),
                    textcoords="offset points", xytext=(5, 4), fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("bytes on the wire per training sample, both ways (MQTT framing included)")
    ax.set_ylabel("test accuracy (%)")
    ax.set_title("Split learning on Fashion-MNIST: accuracy against traffic")
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="mote-collab-compare", description=__doc__.split("\n")[0])
    ap.add_argument("--devices", type=int, default=4)
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--samples", type=int, default=2500, help="training samples per device")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--test", type=int, default=10000, help="test images (up to 10000)")
    ap.add_argument("--methods", default="float32,uniform:8,uniform:4,uniform:2,topk:10,sgq:4,"
                                         "sgq:2")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=0.05, help="the server's SGD learning rate")
    ap.add_argument("--device-lr", type=float, default=None,
                    help="the devices' SGD learning rate (default: --lr / --batch: a device "
                         "steps on every sample, the server on the mean of a batch)")
    ap.add_argument("--train-precision", default="int8", choices=("int8", "fp32"),
                    help="the device's training arithmetic")
    ap.add_argument("--seeds", default="5",
                    help="the model's initial weights: one seed, or several (comma separated) "
                         "to repeat every method per seed and report the mean and spread")
    ap.add_argument("--motec", default=os.path.join(ROOT, "build", "bin", "motec"))
    ap.add_argument("--out", default="collab-compare")
    args = ap.parse_args(argv)
    if args.devices * args.samples > 60000:
        raise SystemExit("mote-collab-compare: Fashion-MNIST has 60000 training images")
    try:
        seeds = [int(s) for s in args.seeds.split(",")]
    except ValueError:
        raise SystemExit(f"mote-collab-compare: --seeds '{args.seeds}' is not a list of integers")
    # A device steps on each of its samples, the server on a batch's mean:
    # the same rate per sample on the device made device layers die
    # (docs/Collaborative.md, repeated runs).
    device_lr = args.lr / args.batch if args.device_lr is None else args.device_lr
    os.makedirs(args.out, exist_ok=True)
    methods = args.methods.split(",")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.join(ROOT, "python") + \
        (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    print(f"compare: {args.devices} devices x {args.samples} Fashion-MNIST training images, "
          f"{args.epochs} epoch(s), {args.replicas} server replica(s), batch {args.batch}, "
          f"lr {args.lr} (devices {device_lr}), device training {args.train_precision}"
          + (f", seeds {args.seeds}" if len(seeds) > 1 else ""), flush=True)
    runs = {method: [] for method in methods}
    for seed in seeds:
        # One seed keeps the file names of a single run.
        tag = f"-seed{seed}" if len(seeds) > 1 else ""
        model = os.path.join(args.out, f"cnn{tag}.onnx")
        models.export(model, seed)
        packages = {}
        for method in methods:
            bits = int(method.split(":")[1]) if method.startswith("sgq:") else 4
            if bits not in packages:
                packages[bits] = compile_split(
                    args.motec, model, os.path.join(args.out, f"package-sgq{bits}{tag}"), bits,
                    device_lr, args.train_precision)
        for method in methods:
            runs[method].append(run_method(args, method, packages, tag, env))
    results = [summarize(method, runs[method], seeds) for method in methods]
    print_table(results, len(seeds) > 1)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    plot(results, os.path.join(args.out, "accuracy_vs_bytes.png"))
    print(f"\ncompare: {os.path.join(args.out, 'accuracy_vs_bytes.png')}, "
          f"{os.path.join(args.out, 'results.json')}")
    return 0


def run_method(args, method, packages, tag, env):
    """Trains and tests one method (mote_collab.run); its summary, or a
    failed entry."""
    name = method.replace(":", "") + tag
    work = os.path.join(args.out, name)
    summary = os.path.join(args.out, name + ".json")
    if os.path.exists(summary):
        os.remove(summary)
    if method.startswith("sgq:"):
        bits = int(method.split(":")[1])
        codec, extra = "sgq", ["--gradient-bits", str(bits)]
    else:
        bits, codec, extra = 4, method, []
    command = [sys.executable, "-m", "mote_collab.run", packages[bits],
               "--devices", str(args.devices), "--samples", str(args.samples),
               "--epochs", str(args.epochs), "--batch", str(args.batch),
               "--lr", str(args.lr), "--replicas", str(args.replicas),
               "--codec", codec, "--test", str(args.test), "--summary", summary,
               "--work", work, *extra]
    label = method + (f" ({tag[1:]})" if tag else "")
    with open(os.path.join(args.out, name + ".log"), "w") as log:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   env=env, text=True)
        for line in process.stdout:
            log.write(line)
            if ": epoch " in line and line.startswith("device d0") or \
                    line.startswith("run: test accuracy"):
                print(f"  {label}: {line.strip()}", flush=True)
        status = process.wait()
    if status != 0 or not os.path.exists(summary):
        # A method whose training diverged is a result too: it stays in
        # the table, and the comparison goes on.
        with open(log.name) as f:
            text = f.read()
        reason = "diverged" if "training diverged" in text else "failed"
        print(f"  {label}: {reason} (see {log.name})", flush=True)
        return {"failed": reason}
    with open(summary) as f:
        return json.load(f)


def summarize(method, runs, seeds):
    """One method over its seeds: the mean accuracy and bytes of the runs
    that finished, each seed's accuracy, and the spread."""
    done = [r for r in runs if not r.get("failed")]
    if not done:
        return {"method": method, "failed": runs[0]["failed"], "accuracy": None}
    r = dict(done[0]) if len(runs) == 1 else {}
    r["method"] = method
    accuracies = [x["accuracy"] for x in done]
    r["accuracy"] = sum(accuracies) / len(accuracies)
    for key in ("bytes_up", "bytes_down", "samples"):
        r[key] = sum(x[key] for x in done) / len(done)
    if len(runs) > 1:
        r["seeds"] = seeds
        r["accuracies"] = [None if x.get("failed") else x["accuracy"] for x in runs]
        mean = r["accuracy"]
        r["accuracy_sd"] = (sum((a - mean) ** 2 for a in accuracies) /
                            max(1, len(accuracies) - 1)) ** 0.5
    return r


def print_table(results, several):
    base = next((r for r in results if r["method"] == "float32" and not r.get("failed")),
                None)
    print(f"\n{'method':<11} {'accuracy':>9} {'vs float32':>11} {'B/sample up':>12} "
          f"{'down':>8} {'traffic ratio':>14}" + ("  sd, per seed" if several else ""))
    for r in results:
        if r.get("failed"):
            print(f"{r['method']:<11} {r['failed']:>9}")
            continue
        per = (r["bytes_up"] + r["bytes_down"]) / r["samples"]
        delta = f"{100 * (r['accuracy'] - base['accuracy']):+.2f}" if base else "-"
        ratio = f"{(base['bytes_up'] + base['bytes_down']) / (r['bytes_up'] + r['bytes_down']):.1f}x" \
            if base else "-"
        spread = ""
        if several:
            seeds = " ".join("failed" if a is None else f"{100 * a:.2f}"
                             for a in r["accuracies"])
            spread = f"  sd {100 * r['accuracy_sd']:.2f}: {seeds}"
        print(f"{r['method']:<11} {100 * r['accuracy']:>8.2f}% {delta:>11} "
              f"{r['bytes_up'] / r['samples']:>12.1f} {r['bytes_down'] / r['samples']:>8.1f} "
              f"{ratio:>14}  ({per:.1f} B/sample){spread}")


if __name__ == "__main__":
    sys.exit(main())
