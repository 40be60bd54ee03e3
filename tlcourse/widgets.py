"""The freeze-depth slider: move the cut, see what is frozen, re-train above it in seconds.

Lecture 6-4 (choosing the level of transfer) as something to play with. The logic is plain
functions and one class that tests and headless runs call directly; ipywidgets only wires
them to a slider and a button:

* :func:`frozen_layers_table`, :func:`param_counts`, :func:`layer_strip_html` -- what
  ``set_freeze_depth(model, k)`` WOULD freeze, without touching ``model``.
* :class:`FreezeDepthExplorer` -- caches the frozen part's activations at every offered depth
  once (:class:`tlcourse.features.ActivationCache`), trains a classifier head once on the
  fully frozen network and prepares one :class:`tlcourse.features.CutTrainer` per depth;
  then each move fine-tunes only the layers above the cut (starting from that head) for a
  fixed number of update steps and keeps each depth's validation accuracy to compare.
* :func:`freeze_depth_slider` -- builds the explorer and its widget.

"Depth" is the number of frozen layers of ``model.layers`` (:mod:`tlcourse.features`); the
slider offers exactly the depths where the explorer can cut, labelled by the last frozen
layer (:func:`tlcourse.features.cut_points`), so one arrow key press is one cut further.

In a notebook: make the explorer, call ``explorer.train(k)`` for a depth the lesson
discusses (the same code a slider move runs), and end a cell with ``explorer``: a live
Jupyter front end shows the slider, and every move to a depth not trained yet trains there
(progress bar; the kernel is busy meanwhile); a static render (GitHub, nbval, CI) shows the
summary table instead. JupyterLab started by ``make lab`` saves the widget's last state with
the notebook (``tools/lab/overrides.json``), so a reopened notebook shows it again. Taught in
``07_choosing_what_to_freeze``.
"""

from __future__ import annotations

import html
import io
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import keras

from tlcourse._checks import check_built, check_freeze_depth, check_int, check_model
from tlcourse._keras_graph import check_cut, count_params, cut_depth, cut_label, shape_text, walk
from tlcourse.config import SEED
from tlcourse.features import (
    ActivationCache,
    CutResult,
    CutTrainer,
    Transferability,
    cut_points,
    plot_transferability,
    train_above_cut,
)
from tlcourse.surgery import TrainableReport

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "FreezeDepthExplorer",
    "freeze_depth_slider",
    "frozen_layers_table",
    "layer_strip_html",
    "param_counts",
]

#: Colours of the layer strip: frozen, trainable, BatchNormalization kept frozen above the cut.
COLORS = {"frozen": "#4c72b0", "trainable": "#dd8452", "batchnorm": "#f2c9a5"}


# ------------------------------------------------------------------ what k freezes


def _is_bn(layer: keras.layers.Layer) -> bool:
    return isinstance(layer, keras.layers.BatchNormalization)


def _would_train(layer: keras.layers.Layer) -> list:
    """The variables of ``layer`` that train once unfrozen, BatchNormalization kept frozen."""
    found = []
    for sub in walk(layer):
        if not _is_bn(sub):
            found += list(sub._trainable_variables)  # trainable kind, whatever the flag is now
    return found


def frozen_layers_table(model: keras.Model, k: int) -> TrainableReport:
    """The layer table ``set_freeze_depth(model, k)`` would give, without changing ``model``.

    Layers ``[:k]`` frozen, the rest trainable with BatchNormalization kept frozen (the
    course's default; :func:`tlcourse.unfreeze` explains why).

    Args:
        model: a built model; a nested base counts as one row.
        k: the freeze depth, 0..``len(model.layers)``.

    Returns:
        A :class:`tlcourse.surgery.TrainableReport` (prints as a text table, HTML in Jupyter),
        equal to ``trainable_report(model)`` after ``set_freeze_depth(model, k)``.

    Raises:
        ValueError: k out of range (the message gives the range), model not built.

    Example (``07_choosing_what_to_freeze``):
        >>> frozen_layers_table(base, 143)  # doctest: +SKIP
    """
    check_model(model, "frozen_layers_table")
    check_built(model, "frozen_layers_table")
    check_freeze_depth(model, k, "frozen_layers_table")
    rows, trainable = [], []
    for index, layer in enumerate(model.layers):
        train = _would_train(layer) if index >= k else []
        trainable += train
        rows.append({"index": index, "name": layer.name, "type": type(layer).__name__,
                     "output_shape": shape_text(model, layer), "params": count_params(layer.weights),
                     "trainable_params": count_params(train), "trainable": index >= k and not _is_bn(layer)})
    total = count_params(model.weights)
    n_train = count_params(trainable)
    return TrainableReport(model.name, rows, {"trainable": n_train, "non_trainable": total - n_train,
                                              "total": total})


def param_counts(model: keras.Model, k: int) -> dict[str, int]:
    """Trainable and non-trainable parameters if the first ``k`` layers are frozen.

    Args:
        model: a built model.
        k: the freeze depth, 0..``len(model.layers)``.

    Returns:
        ``{"trainable": ..., "non_trainable": ..., "total": ...}``, as Keras's ``summary()``
        would count them after ``set_freeze_depth(model, k)`` (BatchNormalization frozen).
        A new classifier head is not included.

    Raises:
        ValueError: k out of range (the message gives the range).

    Example (``07_choosing_what_to_freeze``):
        >>> param_counts(base, 143)["trainable"]  # doctest: +SKIP
    """
    return dict(frozen_layers_table(model, k).totals)


def layer_strip_html(model: keras.Model, k: int) -> str:
    """A strip of one coloured box per layer: frozen, trainable, or BatchNorm kept frozen.

    Args:
        model: a built model.
        k: the freeze depth, 0..``len(model.layers)``.

    Returns:
        HTML (hover a box for the layer's index, name and type), with a legend.

    Raises:
        ValueError: k out of range.

    Example (``07_choosing_what_to_freeze``):
        >>> IPython.display.HTML(layer_strip_html(base, 143))  # doctest: +SKIP
    """
    check_model(model, "layer_strip_html")
    check_freeze_depth(model, k, "layer_strip_html")
    n = len(model.layers)
    width = max(3, min(24, 720 // max(n, 1)))
    boxes = []
    for index, layer in enumerate(model.layers):
        part = "frozen" if index < k else ("batchnorm" if _is_bn(layer) else "trainable")
        tip = html.escape(f"{index} {layer.name} ({type(layer).__name__}): {part}")
        boxes.append(f'<span title="{tip}" style="display:inline-block;width:{width}px;height:20px;'
                     f'background:{COLORS[part]};margin-right:1px"></span>')
    legend = " ".join(f'<span style="color:{COLORS[p]}">&#9632;</span> {label}' for p, label in (
        ("frozen", f"frozen (layers 0..{k - 1})" if k else "frozen (none)"),
        ("trainable", "trainable"), ("batchnorm", "BatchNorm kept frozen")))
    return (f'<div style="line-height:0">{"".join(boxes)}</div>'
            f'<div style="font-size:smaller">{legend}</div>')


# --------------------------------------------------------------------- the explorer


class FreezeDepthExplorer:
    """Freeze depth -> re-trained validation accuracy, a move at a time: the logic behind the slider.

    On :meth:`precompute` (done by the constructor unless ``precompute=False``), once: the
    frozen part's activations for every offered depth (one pass), a classifier head trained
    for ``head_epochs`` on the fully frozen network (feature extraction), and one
    :class:`tlcourse.features.CutTrainer` per depth with its training graph traced. Then
    :meth:`train` at depth k re-trains the layers above the cut (BatchNormalization frozen) plus
    that head for ``steps`` Adam updates of ``batch_size`` cached activations, and measures the
    validation accuracy: every depth from the same start, seed and number of updates, so depths
    differ only in what trains. A move costs only those updates (seconds on a 2-core CPU,
    ``benchmarks/slider_latency.md``).

    Args:
        model: the pretrained network without its classifier (e.g.
            ``imagenet_backbone("mobilenet_v2", (96, 96, 3))``). It is never changed.
        data: a tlcourse ``Split`` or ``(x_train, y_train, x_val, y_val)``, PREPROCESSED for
            ``model`` (e.g. with ``backbone_preprocess``).
        depths: the depths the slider offers (:func:`tlcourse.features.cut_points` values or
            layer names, cut after that layer). Default: ``cut_points(model, blocks=True)``.
            Shallow depths re-train most of the network and are slow on a CPU: for
            MobileNetV2 offer the last few (e.g. ``cut_points(base, blocks=True)[-6:]``).
        steps: Adam updates per training run (a move).
        learning_rate: Adam's rate for fine-tuning (low: a high rate destroys the pretrained
            features).
        head_epochs: epochs of the shared head training (0: each depth starts from a random head).
        head_learning_rate: Adam's rate for the head training.
        batch_size: examples per update step (and per head-training step).
        seed: seed of every training run.
        train_on_move: the slider trains as soon as it is released at a depth not trained yet
            (else only the button does).
        precompute: compute activations, head and graphs now (else on the first :meth:`train`).

    Example (``07_choosing_what_to_freeze``):
        >>> explorer = FreezeDepthExplorer(base, split, depths=cut_points(base, blocks=True)[-6:])  # doctest: +SKIP
        >>> explorer.train("block_14_add").val_accuracy  # doctest: +SKIP
    """

    def __init__(self, model: keras.Model, data: Any, depths: Sequence[int | str] | None = None, *,
                 steps: int = 40, learning_rate: float = 1e-4, head_epochs: int = 10,
                 head_learning_rate: float = 1e-3, batch_size: int = 32, seed: int = SEED,
                 train_on_move: bool = True, precompute: bool = True) -> None:
        self.cache = ActivationCache(model, data, batch_size=max(batch_size, 64))
        self.model = model
        chosen = cut_points(model, blocks=True) if depths is None else [
            check_cut(model, d, "FreezeDepthExplorer") for d in depths]
        if not chosen:
            raise ValueError("FreezeDepthExplorer(): depths is empty; pass some of cut_points(model).")
        for name, value, low in (("steps", steps, 1), ("head_epochs", head_epochs, 0),
                                 ("batch_size", batch_size, 1)):
            check_int(value, name, "FreezeDepthExplorer", low=low)
        self.depths = sorted(set(int(d) for d in chosen))
        self.depth = self.depths[-1]
        self.steps, self.learning_rate, self.batch_size, self.seed = steps, learning_rate, batch_size, seed
        self.head_epochs, self.head_learning_rate = head_epochs, head_learning_rate
        self.train_on_move = train_on_move
        self.results: dict[int, CutResult] = {}
        self.head: CutResult | None = None
        self.trainers: dict[int, CutTrainer] = {}
        self.timings: dict[str, float] = {}
        self.busy = False
        self._ready = False
        self._widget = None
        self._syncing = False
        if precompute:
            self.precompute()

    # ------------------------------------------------------------ logic (no browser needed)

    def precompute(self) -> dict[str, float]:
        """Activations of every offered depth (one pass), the shared head, every depth's graphs; once.

        Returns:
            Seconds taken: ``{"activations": ..., "head": ..., "graphs": ...}`` (also kept in
            ``.timings``; "graphs" is Keras tracing each depth's training step, paid here so
            that no move pays it).

        Example (``07_choosing_what_to_freeze``):
            >>> explorer.precompute()  # doctest: +SKIP
            {'activations': 12.1, 'head': 3.9, 'graphs': 9.8}
        """
        if self._ready:
            return dict(self.timings)
        n = len(self.model.layers)
        self.timings["activations"] = self.cache.precompute(self.depths + [n])
        start = time.perf_counter()
        if self.head_epochs:
            self.head = train_above_cut(self.cache, n, mode="head", epochs=self.head_epochs,
                                        learning_rate=self.head_learning_rate,
                                        batch_size=self.batch_size, seed=self.seed)
        self.timings["head"] = time.perf_counter() - start
        start = time.perf_counter()
        for d in self.depths:
            self.trainers[d] = CutTrainer(self.cache, d, learning_rate=self.learning_rate,
                                          batch_size=self.batch_size, seed=self.seed,
                                          head_weights=self.head.head_weights if self.head else None)
            self.trainers[d].warm_up()
        self.timings["graphs"] = time.perf_counter() - start
        self._ready = True
        return dict(self.timings)

    def _check_depth(self, depth: int | str, func: str) -> int:
        d = cut_depth(self.model, depth, func)
        if d not in self.depths:
            raise ValueError(f"{func}(): depth {depth!r} is not one of this explorer's depths "
                             f"{self.depths}; pick one of them, or make the explorer with "
                             "depths=[...] from cut_points(model).")
        return d

    def select(self, depth: int | str) -> dict[str, int]:
        """Move the cut to ``depth`` without training; the widget shows it.

        Args:
            depth: one of ``.depths``, or the name of the last frozen layer.

        Returns:
            :func:`param_counts` at that depth.

        Raises:
            ValueError: a depth the explorer does not offer (the message lists them).

        Example (``07_choosing_what_to_freeze``):
            >>> explorer.select("block_15_add")  # doctest: +SKIP
        """
        self.depth = self._check_depth(depth, "select")
        self._refresh()
        return param_counts(self.model, self.depth)

    def train(self, depth: int | str | None = None, *, again: bool = False) -> CutResult:
        """Re-train above the cut at ``depth`` (default: the current one), showing progress.

        Args:
            depth: one of ``.depths`` or a layer name; None = the selected depth.
            again: train even if this depth was trained before (the "Train again" button; the
                same seed gives the same accuracy, the time is measured anew).

        Returns:
            The :class:`tlcourse.features.CutResult` (a depth trained before, with
            ``again=False``, returns its stored result without training).

        Raises:
            ValueError: a depth the explorer does not offer.

        Example (``07_choosing_what_to_freeze``):
            >>> explorer.train("block_14_add").seconds  # doctest: +SKIP
        """
        if depth is not None:
            self.depth = self._check_depth(depth, "train")
        self.precompute()
        if again or self.depth not in self.results:
            self._set_busy(True)
            try:
                self.results[self.depth] = self.trainers[self.depth].train(self.steps, self._on_step)
            finally:
                self._set_busy(False)
        self._refresh()
        return self.results[self.depth]

    def move(self, depth: int | str) -> CutResult | None:
        """What releasing the slider at ``depth`` does: select it, and train there if not trained yet.

        Args:
            depth: one of ``.depths`` or a layer name.

        Returns:
            The depth's :class:`tlcourse.features.CutResult` (new, or from memory when trained
            before), or None when ``train_on_move`` is off and it was never trained.

        Raises:
            ValueError: a depth the explorer does not offer.

        Example (``07_choosing_what_to_freeze``):
            >>> explorer.move("block_13_project_BN").val_accuracy  # doctest: +SKIP
        """
        self.select(depth)
        if self.train_on_move:
            return self.train()
        return self.results.get(self.depth)

    def describe(self, depth: int | str | None = None) -> str:
        """One line: what is frozen at ``depth``, what trains, and the parameter counts.

        Args:
            depth: one of ``.depths``; None = the selected depth.

        Returns:
            The sentence (the widget shows it under the slider).

        Example (``07_choosing_what_to_freeze``):
            >>> print(explorer.describe(143))  # doctest: +SKIP
        """
        d = self.depth if depth is None else self._check_depth(depth, "describe")
        n, counts = len(self.model.layers), param_counts(self.model, d)
        frozen = f"layers 0..{d - 1} frozen (up to {cut_label(self.model, d)})" if d else "nothing frozen"
        above = f"{n - d} layer(s) above the cut + the new head train" if d < n else "only the new head trains"
        return (f"depth {d} of {n}: {frozen}; {above}. Network parameters: "
                f"{counts['trainable']:,} trainable, {counts['non_trainable']:,} non-trainable.")

    def summary(self) -> Transferability:
        """Every depth trained so far: trainable parameters, validation accuracy, seconds.

        Returns:
            A :class:`tlcourse.features.Transferability` (text or HTML table), sorted by depth.

        Example (``07_choosing_what_to_freeze``):
            >>> explorer.summary()  # doctest: +SKIP
        """
        rows = [self.results[d] for d in sorted(self.results)]
        return Transferability(self.model.name, "finetune", self.cache.num_classes, rows)

    def plot(self, ax: Axes | None = None) -> Axes:
        """Validation accuracy of every depth trained so far, the selected one circled.

        Args:
            ax: axes to draw on (default: a new figure).

        Returns:
            The matplotlib axes.

        Raises:
            ValueError: nothing trained yet.

        Example (``07_choosing_what_to_freeze``):
            >>> explorer.plot()  # doctest: +SKIP
        """
        return plot_transferability(self.summary(), ax=ax, highlight=self.depth,
                                    title=f"{self.model.name}: fine-tune above the cut, "
                                          f"{self.steps} steps of {self.batch_size}")

    # ------------------------------------------------------------- the widget (wiring only)

    @property
    def widget(self):
        """The ipywidgets box: slider, train button, description, layer strip, progress, status, plot."""
        if self._widget is None:
            import ipywidgets as w

            options = [(cut_label(self.model, d), d) for d in self.depths]
            self._slider = w.SelectionSlider(options=options, value=self.depth, description="frozen up to",
                                             continuous_update=False, style={"description_width": "initial"},
                                             layout=w.Layout(width="520px"))
            self._button = w.Button(description="Train above the cut", button_style="warning",
                                    tooltip=f"{self.steps} Adam steps of {self.batch_size} examples")
            self._info, self._strip, self._status = w.HTML(), w.HTML(), w.HTML()
            self._progress = w.IntProgress(value=0, min=0, max=self.steps, description="training",
                                           layout=w.Layout(width="520px", visibility="hidden"))
            self._image = w.Image(format="png", layout=w.Layout(max_width="640px", display="none"))
            self._slider.observe(self._on_slider, names="value")
            self._button.on_click(self._on_train)
            self._widget = w.VBox([w.HBox([self._slider, self._button]), self._info, self._strip,
                                   self._progress, self._status, self._image])
            self._refresh()
        return self._widget

    def _on_slider(self, change: dict) -> None:
        """Slider handler (released at a depth): :meth:`move` there."""
        if not self._syncing:
            self.move(int(change["new"]))

    def _on_train(self, _button: Any) -> None:
        """Button handler: train at the selected depth (again, if it was trained before)."""
        self.train(again=True)

    def _set_busy(self, busy: bool) -> None:
        """While training: controls disabled, progress bar shown, the status says the kernel is busy."""
        self.busy = busy
        if self._widget is None:
            return
        self._slider.disabled = self._button.disabled = busy
        self._progress.layout.visibility = "visible" if busy else "hidden"
        if busy:
            self._progress.value, self._progress.description = 0, f"step 0/{self.steps}"
            self._status.value = (f"<i>training above {html.escape(cut_label(self.model, self.depth))}: "
                                  f"{self.steps} steps of {self.batch_size} examples; the kernel is busy "
                                  "until it finishes ...</i>")

    def _on_step(self, step: int, steps: int) -> None:
        """After each update step: the progress bar."""
        if self._widget is not None:
            self._progress.value = step
            self._progress.description = f"step {step}/{steps}"

    def _refresh(self) -> None:
        if self._widget is None:
            return
        self._syncing = True
        try:
            self._slider.value = self.depth
        finally:
            self._syncing = False
        self._info.value = html.escape(self.describe())
        self._strip.value = layer_strip_html(self.model, self.depth)
        result = self.results.get(self.depth)
        self._button.description = "Train above the cut" if result is None else "Train again"
        if self.results:  # the plot before the status line: when the accuracy shows, so does its point
            self._image.value = self._plot_png()
            self._image.layout.display = None
        self._status.value = ("<i>not trained at this depth yet: press the button</i>" if result is None
                              else f"<b>depth {result.depth}: validation accuracy "
                                   f"{result.val_accuracy:.3f}</b> after {result.steps} steps "
                                   f"({result.trainable_params:,} trainable parameters with the head; "
                                   f"trained in {result.seconds:.1f} s)")

    def _plot_png(self) -> bytes:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6.4, 3.6))
        self.plot(ax)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=80)
        plt.close(fig)
        return buffer.getvalue()

    def _static_html(self) -> str:
        table = self.summary()._repr_html_() if self.results else "<p>No depth trained yet.</p>"
        return (f"<p>{html.escape(self.describe())}</p>{layer_strip_html(self.model, self.depth)}"
                f"{table}")

    def _static_text(self) -> str:
        table = str(self.summary()) if self.results else "No depth trained yet."
        return f"{self.describe()}\n{table}"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        """Live Jupyter: the widget. Static renders: the summary (text and HTML)."""
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/plain"] = self._static_text()
        bundle["text/html"] = self._static_html()
        return bundle

    def __repr__(self) -> str:
        return (f"FreezeDepthExplorer({self.model.name!r}, depths={self.depths}, depth={self.depth}, "
                f"trained={sorted(self.results)})")


def freeze_depth_slider(model: keras.Model, data: Any, depths: Sequence[int | str] | None = None,
                        **options: Any) -> FreezeDepthExplorer:
    """An ipywidgets slider over the freeze depth that re-trains above the cut in seconds.

    The slider offers exactly the explorer's depths, labelled by the last frozen layer. Beside
    it: which layers are frozen (a coloured strip, one box per layer), trainable /
    non-trainable parameter counts, a "Train above the cut" / "Train again" button, a progress
    bar while training, and the validation accuracy of every depth trained so far.
    Activations are cached and every depth's training graph traced first, so a move costs only
    its update steps (``benchmarks/slider_latency.py`` measures it).

    Args:
        model: the pretrained network without its classifier; never changed.
        data: a tlcourse ``Split`` or ``(x_train, y_train, x_val, y_val)``, preprocessed.
        depths: the offered depths (see :class:`FreezeDepthExplorer`).
        **options: any other :class:`FreezeDepthExplorer` argument (steps, learning_rate,
            head_epochs, batch_size, seed, train_on_move, precompute).

    Returns:
        The :class:`FreezeDepthExplorer`, precomputed (unless ``precompute=False``), with its
        widget built. End a cell with
        it to show the slider (live front end) or its summary table (static render); use
        ``.train(k)``, ``.summary()`` and ``.plot()`` to run the same steps without a browser.

    Raises:
        ValueError / TypeError: as :class:`tlcourse.features.ActivationCache` and
            :class:`FreezeDepthExplorer` (bad data, a depth that is not a cut point).

    Example (``07_choosing_what_to_freeze``):
        >>> explorer = freeze_depth_slider(base, split, cut_points(base, blocks=True)[-6:])  # doctest: +SKIP
        >>> explorer  # doctest: +SKIP
    """
    explorer = FreezeDepthExplorer(model, data, depths, **options)
    explorer.widget  # noqa: B018  (build it now, so display is instant)
    return explorer
