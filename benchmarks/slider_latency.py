"""How long the freeze-depth slider takes from "moved" to "re-trained accuracy shown".

ImageNet MobileNetV2 (alpha 1.0) at 96x96 on the Sign Language Digits photos, through
``tlcourse.widgets.freeze_depth_slider`` exactly as notebook 05 uses it:

1. one-time work: the frozen part's activations at every offered depth (one ``predict`` pass
   of one multi-output model over train + validation) and the classifier head trained once
   on the fully frozen network;
2. per slider move: the widget's own handler (``_on_slider``: select the depth, re-train the
   layers above the cut on the cached activations, redraw the status line and the accuracy
   plot). Every move to a depth starts from a cleared result, so each one really trains.

Target (issue 4): <= 5 s per move on the 2-core CPU. Prints a markdown table and appends it,
with machine, versions, date and load, to ``benchmarks/slider_latency.md``.

Run from the repository root::

    TLCOURSE_DATA=/path/to/datasets .venv/bin/python benchmarks/slider_latency.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


import tlcourse  # noqa: E402
from tlcourse.widgets import freeze_depth_slider, param_counts  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 5.0
#: The cut points offered: MobileNetV2's last block boundaries (cut after these layers).
DEPTHS = ("block_12_add", "block_13_project_BN", "block_14_add", "block_15_add",
          "block_16_project_BN", "out_relu")


def _cpu() -> float:
    """CPU seconds of this process so far, all threads (user + system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} / {five:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=96, help="image height and width (default 96)")
    parser.add_argument("--repeats", type=int, default=3, help="moves per depth (default 3)")
    parser.add_argument("--epochs", type=int, default=3, help="fine-tuning epochs per move (default 3)")
    parser.add_argument("--limit-per-class", type=int, default=None,
                        help="at most this many photos per class (default: all 2,062 photos)")
    parser.add_argument("--depths", nargs="+", default=list(DEPTHS),
                        help="layers to cut after (default: the last six block boundaries)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "slider_latency.md")
    args = parser.parse_args(argv)

    load_before = _load()
    split = tlcourse.load("sign_language_digits", image_size=(args.size, args.size),
                          limit_per_class=args.limit_per_class)
    preprocess = tlcourse.backbone_preprocess("mobilenet_v2")
    data = (preprocess(split.x_train.astype("float32")), split.y_train,
            preprocess(split.x_val.astype("float32")), split.y_val)
    base = tlcourse.imagenet_backbone("mobilenet_v2", (args.size, args.size, 3))

    start, start_cpu = time.perf_counter(), _cpu()
    explorer = freeze_depth_slider(base, data, args.depths, epochs=args.epochs)
    first, first_cpu = time.perf_counter() - start, _cpu() - start_cpu
    print(f"one-time: activations {explorer.timings['activations']:.1f} s, head "
          f"{explorer.timings['head']:.1f} s, total with the widget {first:.1f} s", flush=True)

    rows = []
    seconds: dict[int, list[float]] = {d: [] for d in explorer.depths}
    cpu: dict[int, list[float]] = {d: [] for d in explorer.depths}
    accuracy: dict[int, set] = {d: set() for d in explorer.depths}
    for _ in range(args.repeats):
        for depth in explorer.depths:
            explorer.results.pop(depth, None)  # a fresh move: nothing stored for this depth
            t, c = time.perf_counter(), _cpu()
            explorer._on_slider({"new": depth})  # what the slider's observer calls
            seconds[depth].append(time.perf_counter() - t)
            cpu[depth].append(_cpu() - c)
            accuracy[depth].add(round(explorer.results[depth].val_accuracy, 4))
            print(f"depth {depth}: {seconds[depth][-1]:.2f} s ({cpu[depth][-1]:.2f} CPU s), accuracy "
                  f"{explorer.results[depth].val_accuracy:.3f}", flush=True)
    for depth in explorer.depths:
        result = explorer.results[depth]
        median, worst = statistics.median(seconds[depth]), max(seconds[depth])
        rows.append((depth, result.layer, len(base.layers) - depth, param_counts(base, depth)["trainable"],
                     result.trainable_params, median, worst, statistics.median(cpu[depth]),
                     sorted(accuracy[depth]), "yes" if worst <= TARGET_SECONDS else "no",
                     "yes" if statistics.median(cpu[depth]) <= TARGET_SECONDS else "no"))

    import keras
    import tensorflow as tf

    lines = [
        f"## {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        "",
        f"MobileNetV2 (alpha 1.0, ImageNet) at {args.size}x{args.size}, Sign Language Digits: "
        f"{len(split.y_train):,} training / {len(split.y_val):,} validation images; "
        f"{args.epochs} fine-tuning epochs per move (Adam 1e-4, BatchNorm frozen), head "
        f"pre-trained {explorer.head_epochs} epochs; {args.repeats} moves per depth.",
        f"Machine: {os.cpu_count()} CPU cores ({platform.processor() or platform.machine()}), "
        f"Python {platform.python_version()}, TensorFlow {tf.__version__}, Keras {keras.__version__}. "
        f"Load average (1 / 5 min) before: {load_before}, after: {_load()} "
        "(other jobs share this CPU; numbers above ~2 mean contention).",
        "",
        f"One-time work: activations for {len(explorer.depths)} depths "
        f"{explorer.timings['activations']:.1f} s, head {explorer.timings['head']:.1f} s "
        f"(constructor with widget: {first:.1f} s wall, {first_cpu:.1f} CPU s).",
        "",
        "CPU s = user + system time of all threads: on an otherwise idle machine a move's wall time "
        "is at most about this (2 cores run in parallel), so it shows the latency without contention.",
        "",
        "| depth | frozen up to | layers re-trained | trainable params (network) | trainable params "
        "(with head) | median s / move | max s / move | median CPU s / move | val accuracy | "
        "max wall <= 5 s | CPU <= 5 s |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|:---:|:---:|",
    ]
    for depth, layer, above, net, total, median, worst, cpu_median, accs, ok, cpu_ok in rows:
        acc = ", ".join(f"{a:.3f}" for a in accs)
        lines.append(f"| {depth} | {layer} | {above} | {net:,} | {total:,} | {median:.2f} | "
                     f"{worst:.2f} | {cpu_median:.2f} | {acc} | {ok} | {cpu_ok} |")
    table = "\n".join(lines) + "\n"
    print()
    print(table)
    header = ("# Freeze-depth slider latency\n\nWritten by `benchmarks/slider_latency.py`: wall time from "
              "a slider move to the re-trained accuracy being shown (activations cached first).\n\n")
    existing = args.out.read_text(encoding="utf-8") if args.out.exists() else header
    args.out.write_text(existing.rstrip("\n") + "\n\n" + table, encoding="utf-8")
    print(f"appended to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
