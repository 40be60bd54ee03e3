"""Figures the notebooks share: image grids and learning curves, always titled and labelled."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["plot_history", "show_images"]


def show_images(images: np.ndarray, labels: Sequence[int] | np.ndarray, class_names: Sequence[str],
                *, per_class: int = 5, title: str = "Sample images", seed: int = 0) -> plt.Figure:
    """A grid of ``per_class`` random examples of each class, one row (or column) per class.

    Args:
        images: uint8 or float images, shape (N, H, W) or (N, H, W, C).
        labels: integer class of each image, shape (N,).
        class_names: name of each class index (row or column labels).
        per_class: examples shown per class. With more classes than that, classes are
            columns (a wide grid that fits a slide), otherwise rows.
        title: figure title.
        seed: which examples are drawn.

    Returns:
        The matplotlib figure.

    Example (``00_start_here``):
        >>> fig = show_images(split.x_train, split.y_train, split.class_names)  # doctest: +SKIP
    """
    images, labels = np.asarray(images), np.asarray(labels)
    if len(images) != len(labels):
        raise ValueError(f"got {len(images)} images but {len(labels)} labels; pass one label per image")
    if per_class < 1:
        raise ValueError(f"per_class must be at least 1, got {per_class}")
    rng = np.random.default_rng(seed)
    classes = [c for c in range(len(class_names)) if np.any(labels == c)]
    # Classes along the longer side, so 10 classes fit a 16:9 slide.
    by_column = len(classes) > per_class
    shape = (per_class, len(classes)) if by_column else (len(classes), per_class)
    fig, axes = plt.subplots(*shape, squeeze=False, figsize=(1.2 * shape[1] + 0.8, 1.2 * shape[0] + 0.8))
    for j, c in enumerate(classes):
        idx = rng.permutation(np.flatnonzero(labels == c))[:per_class]
        strip = axes[:, j] if by_column else axes[j]
        for k, ax in enumerate(strip):
            ax.set_xticks([]), ax.set_yticks([])
            if k < len(idx):
                img = images[idx[k]]
                ax.imshow(img.squeeze(), cmap="gray" if img.ndim == 2 or img.shape[-1] == 1 else None)
        if by_column:
            strip[0].set_title(str(class_names[c]))
        else:
            strip[0].set_ylabel(str(class_names[c]), rotation=0, ha="right", va="center")
    fig.suptitle(title)
    fig.supxlabel("class" if by_column else "random examples")
    fig.supylabel("random examples" if by_column else "class")
    fig.tight_layout()
    return fig


def plot_history(histories: Mapping[str, Mapping[str, Sequence[float]]], metric: str = "accuracy",
                 *, title: str | None = None, ax: plt.Axes | None = None) -> plt.Axes:
    """Learning curves of several runs on one axes: solid = training, dashed = validation.

    Args:
        histories: ``{run label: keras History.history dict}``.
        metric: which metric to plot (its ``val_`` twin is drawn dashed when present).
        title: axes title (default: "<metric> per epoch").
        ax: axes to draw on (default: a new figure).

    Returns:
        The matplotlib axes.

    Example (``01_what_is_transfer_learning``):
        >>> plot_history({"scratch": h1.history, "transfer": h2.history})  # doctest: +SKIP
    """
    if not histories:
        raise ValueError("histories is empty; pass {label: history.history}")
    ax = ax or plt.subplots(figsize=(7, 4))[1]
    for i, (label, hist) in enumerate(histories.items()):
        if metric not in hist:
            raise ValueError(f"run {label!r} has no {metric!r}; it has {sorted(hist)}")
        color = f"C{i}"
        epochs = np.arange(1, len(hist[metric]) + 1)
        ax.plot(epochs, hist[metric], color=color, label=f"{label} (train)")
        if f"val_{metric}" in hist:
            ax.plot(epochs, hist[f"val_{metric}"], "--", color=color, label=f"{label} (validation)")
    ax.set_title(title or f"{metric} per epoch")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.grid(alpha=0.3)
    ax.legend()
    return ax
