#!/usr/bin/env python3
"""Draws the curves train_on_device.py wrote (OUT/curves.json) as a PNG:
training loss and test accuracy per epoch, one line per run.

Usage: plot_curves.py OUT/curves.json curves.png
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    runs = json.load(open(sys.argv[1]))["runs"]
    fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(10, 4))
    for name, run in runs.items():
        curve = run["curve"]
        trained = [p for p in curve if p["loss"] is not None]
        loss_ax.plot([p["epoch"] for p in trained], [p["loss"] for p in trained],
                     marker="o", label=name)
        acc_ax.plot([p["epoch"] for p in curve], [p["accuracy"] for p in curve],
                    marker="o", label=name)
    loss_ax.set(xlabel="epoch", ylabel="mean training loss", title="Loss")
    acc_ax.set(xlabel="epoch", ylabel="test accuracy (%)",
               title="Fashion-MNIST test accuracy")
    for ax in (loss_ax, acc_ax):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=100)
    print("wrote", sys.argv[2])


if __name__ == "__main__":
    main()
