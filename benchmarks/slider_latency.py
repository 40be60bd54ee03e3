"""How long the freeze-depth slider takes from "moved" to "re-trained accuracy shown".

ImageNet MobileNetV2 (alpha 1.0) at 96x96 on the Sign Language Digits photos, through
``tlcourse.widgets.freeze_depth_slider`` exactly as notebook 07 uses it, driven through its
public methods only:

1. one-time work (the constructor): the frozen part's activations at every offered depth (one
   ``predict`` pass of one multi-output model over train + validation), the classifier head
   trained once on the fully frozen network, and every depth's training graph traced once;
2. per slider move: ``explorer.move(depth)`` -- what the slider's handler runs when it is
   released at a depth not trained yet: select it, train ``steps`` Adam updates above the cut
   on the cached activations, measure validation accuracy, redraw the status line and the
   accuracy plot. Later rounds press "Train again" at each depth (``explorer.select(depth)``,
   ``explorer.train(again=True)``): the same work, so every timed move really trains.

Target (issue 13): <= 5 s per move on the 2-core CPU for every offered depth. Prints a
markdown table and appends it, with machine, versions, date and load, to
``benchmarks/slider_latency.md``.

Run from the repository root::

    TLCOURSE_DATA=/path/to/datasets .venv/bin/python benchmarks/slider_latency.py
    .venv/bin/python benchmarks/slider_latency.py --repeats 1 --limit-per-class 60   # a quick look
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


import tlcourse  # noqa: E402
from tlcourse.config import environment_report  # noqa: E402
from tlcourse.tables import Table  # noqa: E402
from tlcourse.widgets import freeze_depth_slider, param_counts  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 5.0
#: The cut points offered, as in notebook 07: MobileNetV2's last block boundaries (cut after these).
DEPTHS = ("block_11_add", "block_12_add", "block_13_project_BN", "block_14_add", "block_15_add",
          "block_16_project_BN", "out_relu")
#: The columns of the Markdown table each run appends.
COLUMNS = ("depth", "frozen up to", "layers re-trained", "trainable params (network)",
           "trainable params (with head)", "median s / move", "max s / move", "median CPU s / move",
           "val accuracy", "max wall <= 5 s", "CPU <= 5 s")


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
    parser.add_argument("--steps", type=int, default=40, help="Adam updates per move (default 40, as notebook 07)")
    parser.add_argument("--batch-size", type=int, default=32, help="examples per update (default 32)")
    parser.add_argument("--limit-per-class", type=int, default=None,
                        help="at most this many photos per class (default: all 2,062 photos)")
    parser.add_argument("--depths", nargs="+", default=list(DEPTHS),
                        help="layers to cut after (default: notebook 07's seven)")
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
    explorer = freeze_depth_slider(base, data, args.depths, steps=args.steps, batch_size=args.batch_size)
    first, first_cpu = time.perf_counter() - start, _cpu() - start_cpu
    timings = explorer.precompute()
    print(f"one-time: activations {timings['activations']:.1f} s, head {timings['head']:.1f} s, "
          f"graphs {timings['graphs']:.1f} s, total with the widget {first:.1f} s", flush=True)

    rows = []
    seconds: dict[int, list[float]] = {d: [] for d in explorer.depths}
    cpu: dict[int, list[float]] = {d: [] for d in explorer.depths}
    accuracy: dict[int, set] = {d: set() for d in explorer.depths}
    for repeat in range(args.repeats):
        for depth in explorer.depths:
            t, c = time.perf_counter(), _cpu()
            if repeat == 0:
                result = explorer.move(depth)  # released at a depth not trained yet
            else:
                explorer.select(depth)
                result = explorer.train(again=True)  # the "Train again" button
            seconds[depth].append(time.perf_counter() - t)
            cpu[depth].append(_cpu() - c)
            accuracy[depth].add(round(result.val_accuracy, 4))
            print(f"depth {depth}: {seconds[depth][-1]:.2f} s ({cpu[depth][-1]:.2f} CPU s), accuracy "
                  f"{result.val_accuracy:.3f}", flush=True)
    for depth in explorer.depths:
        result = explorer.results[depth]
        median, worst = statistics.median(seconds[depth]), max(seconds[depth])
        cpu_median = statistics.median(cpu[depth])
        rows.append((depth, result.layer, len(base.layers) - depth, f"{param_counts(base, depth)['trainable']:,}",
                     f"{result.trainable_params:,}", f"{median:.2f}", f"{worst:.2f}", f"{cpu_median:.2f}",
                     ", ".join(f"{a:.3f}" for a in sorted(accuracy[depth])),
                     "yes" if worst <= TARGET_SECONDS else "no", "yes" if cpu_median <= TARGET_SECONDS else "no"))

    machine = environment_report(supported=False, machine=True)
    lines = [
        f"## {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        "",
        f"MobileNetV2 (alpha 1.0, ImageNet) at {args.size}x{args.size}, Sign Language Digits: "
        f"{len(split.y_train):,} training / {len(split.y_val):,} validation images; "
        f"{args.steps} Adam updates of {args.batch_size} cached activations per move (1e-4, "
        f"BatchNorm frozen), head pre-trained {explorer.head_epochs} epochs; {args.repeats} moves "
        "per depth (the first a move to an untrained depth, then \"Train again\").",
        f"Machine: {machine['CPU cores']} CPU cores ({machine['CPU']}), Python {machine['Python']}, "
        f"TensorFlow {machine['TensorFlow']}, Keras {machine['Keras']}. "
        f"Load average (1 / 5 min) before: {load_before}, after: {_load()} "
        "(other jobs share this CPU; numbers above ~2 mean contention).",
        "",
        f"One-time work: activations for {len(explorer.depths)} depths "
        f"{timings['activations']:.1f} s, head {timings['head']:.1f} s, tracing every depth's "
        f"training graph {timings['graphs']:.1f} s (constructor with widget: {first:.1f} s wall, "
        f"{first_cpu:.1f} CPU s).",
        "",
        "CPU s = user + system time of all threads: on an otherwise idle machine a move's wall time "
        "is at most about this (2 cores run in parallel), so it shows the latency without contention.",
        "",
        Table(COLUMNS, rows, align="rlrrrrrrlcc").markdown(),
    ]
    table = "\n".join(lines) + "\n"
    print()
    print(table)
    header = ("# Freeze-depth slider latency\n\nWritten by `benchmarks/slider_latency.py`: wall time from "
              "a slider move to the re-trained accuracy being shown (activations cached and graphs "
              "traced first).\n\n")
    existing = args.out.read_text(encoding="utf-8") if args.out.exists() else header
    args.out.write_text(existing.rstrip("\n") + "\n\n" + table, encoding="utf-8")
    print(f"appended to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
