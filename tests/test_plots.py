"""Figures are titled, labelled, and reject mismatched input."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from tlcourse.plots import plot_history, show_images


def test_show_images_one_row_per_class_present():
    x = np.zeros((12, 8, 8, 3), dtype="uint8")
    y = np.array([0] * 6 + [2] * 6)
    fig = show_images(x, y, ["a", "b", "c"], per_class=3, title="T")
    assert fig._suptitle.get_text() == "T"
    assert len(fig.axes) == 2 * 3
    assert [ax.get_ylabel() for ax in fig.axes[::3]] == ["a", "c"]
    assert fig._supxlabel.get_text() and fig._supylabel.get_text()
    plt.close(fig)


def test_show_images_many_classes_become_columns():
    x = np.zeros((40, 8, 8), dtype="uint8")
    y = np.repeat(np.arange(10), 4)
    fig = show_images(x, y, [str(i) for i in range(10)], per_class=2)
    assert len(fig.axes) == 2 * 10
    assert [ax.get_title() for ax in fig.axes[:10]] == [str(i) for i in range(10)]
    assert fig._supxlabel.get_text() == "class"
    plt.close(fig)


def test_show_images_grayscale_and_errors():
    fig = show_images(np.zeros((4, 5, 5)), [0, 0, 1, 1], ["x", "y"], per_class=1)
    assert fig.axes[0].images[0].get_cmap().name == "gray"
    plt.close(fig)
    with pytest.raises(ValueError, match="3 images but 2 labels"):
        show_images(np.zeros((3, 5, 5)), [0, 1], ["x", "y"])
    with pytest.raises(ValueError, match="per_class must be at least 1"):
        show_images(np.zeros((2, 5, 5)), [0, 1], ["x", "y"], per_class=0)


def test_plot_history_draws_train_and_validation():
    ax = plot_history({"scratch": {"accuracy": [0.1, 0.5], "val_accuracy": [0.2, 0.4]},
                       "transfer": {"accuracy": [0.6, 0.9]}})
    assert [line.get_label() for line in ax.lines] == [
        "scratch (train)", "scratch (validation)", "transfer (train)"]
    assert ax.get_title() == "accuracy per epoch" and ax.get_xlabel() == "epoch"
    assert ax.get_ylabel() == "accuracy"
    plt.close(ax.figure)


def test_plot_history_errors():
    with pytest.raises(ValueError, match="histories is empty"):
        plot_history({})
    with pytest.raises(ValueError, match="has no 'loss'.*accuracy"):
        plot_history({"run": {"accuracy": [1.0]}}, metric="loss")
