"""Several seeds, not one lucky run: repeat an experiment per seed and compare paired results.

Géron reports one seed for model B with and without transfer (*Hands-On ML*, ch. 11) and
admits the gain was picked from many tries. :func:`run_seeds` runs the same experiment for
each seed and keeps every result; :meth:`SeedResults.paired_difference` compares two
metrics seed by seed (both measured on the same seed, so the seed's luck cancels out);
:func:`plot_seed_pairs` draws one point per seed. Taught in ``06_reusing_layers_in_keras``.
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from tlcourse._checks import is_int
from tlcourse.tables import Table

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["PairedDifference", "SeedResults", "plot_seed_pairs", "run_seeds"]


def _t_quantile(n: int) -> float:
    """The 97.5 % quantile of Student's t with ``n - 1`` degrees of freedom (for a 95 % CI)."""
    from scipy import stats  # a dependency of scikit-learn

    return float(stats.t.ppf(0.975, n - 1))


@dataclass(frozen=True)
class PairedDifference:
    """Seed-by-seed differences ``a - b`` of two metrics, with their summary.

    Attributes: ``a``, ``b`` (metric names), ``seeds``, ``differences`` (one per seed),
    ``n``, ``mean``, ``sd`` (sample sd, ddof=1), ``ci95`` (t-interval of the mean difference;
    NaN for fewer than 2 seeds), ``wins`` / ``losses`` / ``ties`` (seeds where a > b, a < b,
    a == b).
    """

    a: str
    b: str
    seeds: tuple[int, ...]
    differences: np.ndarray = field(repr=False)

    @property
    def n(self) -> int:
        return len(self.differences)

    @property
    def mean(self) -> float:
        return float(np.mean(self.differences))

    @property
    def sd(self) -> float:
        return float(np.std(self.differences, ddof=1)) if self.n > 1 else math.nan

    @property
    def ci95(self) -> tuple[float, float]:
        if self.n < 2:
            return (math.nan, math.nan)
        half = _t_quantile(self.n) * self.sd / math.sqrt(self.n)
        return (self.mean - half, self.mean + half)

    @property
    def wins(self) -> int:
        return int(np.sum(self.differences > 0))

    @property
    def losses(self) -> int:
        return int(np.sum(self.differences < 0))

    @property
    def ties(self) -> int:
        return int(np.sum(self.differences == 0))

    def verdict(self, scale: float = 100.0, unit: str = " points") -> str:
        """One sentence that states what the numbers say, computed, never hard-coded.

        Args:
            scale: multiply differences by this for the text (100: accuracy -> points).
            unit: the unit after each number.

        Returns:
            "... is better/worse ..." when the 95 % interval excludes 0, else "no clear
            difference", with the mean, the interval and the win count.

        Example (``06_reusing_layers_in_keras``):
            >>> results.paired_difference("transfer", "scratch").verdict()  # doctest: +SKIP
            'transfer is better than scratch: +0.9 points on average (95% CI +0.4 to +1.4), ...'
        """
        low, high = self.ci95
        tally = f"{self.a} higher in {self.wins} of {self.n} seeds"
        if self.ties:
            tally += f", equal in {self.ties}"
        if self.n < 2:
            return (f"only 1 seed: {self.a} - {self.b} = {self.mean * scale:+.2f}{unit}; "
                    "run more seeds before concluding anything")
        numbers_ = (f"{self.mean * scale:+.2f}{unit} on average "
                    f"(95% CI {low * scale:+.2f} to {high * scale:+.2f}), {tally}")
        if low > 0:
            return f"{self.a} is better than {self.b}: {numbers_}."
        if high < 0:
            return f"{self.a} is worse than {self.b}: {numbers_}."
        return f"no clear difference between {self.a} and {self.b}: {numbers_}."

    def __str__(self) -> str:
        low, high = self.ci95
        return (f"{self.a} - {self.b} over {self.n} seeds: mean {self.mean:+.4f}, sd {self.sd:.4f}, "
                f"95% CI [{low:+.4f}, {high:+.4f}]; {self.a} higher in {self.wins}, lower in "
                f"{self.losses}, equal in {self.ties}")


@dataclass
class SeedResults:
    """What :func:`run_seeds` returns: one row of metrics per seed, and their summaries.

    ``seeds`` and ``rows`` line up (``rows[i]`` is the dict returned for ``seeds[i]``);
    ``seconds`` holds each seed's wall time. ``print(results)`` gives a text table with the
    mean and sample sd (ddof=1) of every metric.
    """

    seeds: tuple[int, ...]
    rows: list[dict[str, float]]
    seconds: list[float] = field(default_factory=list)

    @property
    def metrics(self) -> tuple[str, ...]:
        """The metric names, in the order the experiment returned them."""
        return tuple(self.rows[0]) if self.rows else ()

    def values(self, metric: str) -> np.ndarray:
        """One value per seed of ``metric``, as a float array (raises ``KeyError`` if unknown)."""
        if metric not in self.metrics:
            raise KeyError(f"no metric {metric!r}; the experiment returned {list(self.metrics)}")
        return np.array([row[metric] for row in self.rows], dtype=float)

    def mean(self, metric: str) -> float:
        """The mean of ``metric`` over the seeds."""
        return float(np.mean(self.values(metric)))

    def sd(self, metric: str) -> float:
        """The sample standard deviation (ddof=1) of ``metric``; NaN for a single seed."""
        values = self.values(metric)
        return float(np.std(values, ddof=1)) if len(values) > 1 else math.nan

    def paired_difference(self, a: str, b: str) -> PairedDifference:
        """Compare two metrics seed by seed: the differences ``a - b``.

        Args:
            a: the metric of interest (e.g. "transfer").
            b: the baseline (e.g. "scratch").

        Returns:
            A :class:`PairedDifference` (mean, sd, 95 % CI, wins, losses, ties, verdict).

        Example (``06_reusing_layers_in_keras``):
            >>> diff = results.paired_difference("transfer", "scratch")  # doctest: +SKIP
            >>> diff.wins, diff.n  # doctest: +SKIP
            (8, 10)
        """
        return PairedDifference(a, b, self.seeds, self.values(a) - self.values(b))

    def __str__(self) -> str:
        names = list(self.metrics)

        def num(value: float) -> str:  # accuracies with 4 decimals, seconds and the like with 1
            return f"{value:.4f}" if abs(value) < 10 else f"{value:.1f}"

        body = [[str(s), *(num(row[m]) for m in names)] for s, row in zip(self.seeds, self.rows)]
        foot = [["mean", *(num(self.mean(m)) for m in names)],
                ["sd", *(num(self.sd(m)) for m in names)]]
        return Table(["seed", *names], body, align="r" * (len(names) + 1), footer=foot).text()

    __repr__ = __str__


def _is_seed(value: object) -> bool:
    """A non-negative int (Python or NumPy, not a bool)."""
    return is_int(value) and value >= 0


def run_seeds(fn: Callable[[int], Mapping[str, float]], seeds: Iterable[int], *,
              verbose: bool = False) -> SeedResults:
    """Run ``fn(seed)`` for every seed and collect the metrics it returns.

    Args:
        fn: the experiment; called as ``fn(seed)``, it must return a dict of metric name ->
            number, the same names for every seed (e.g. ``{"scratch": 0.95, "transfer": 0.97}``).
            Seed inside ``fn`` (``tlcourse.config.seed_everything(seed)``) so each run is
            deterministic.
        seeds: the seeds, distinct non-negative ints, at least one.
        verbose: print one line per seed as it finishes (metrics and seconds).

    Returns:
        A :class:`SeedResults`.

    Raises:
        ValueError: no seeds, repeated seeds, or a seed whose metrics differ in name from the
            first seed's (a missing or extra metric).
        TypeError: a seed that is not a non-negative int, ``fn`` returning something other than
            a dict, or a metric that is not a real number.

    Example (``06_reusing_layers_in_keras``):
        >>> results = run_seeds(lambda seed: {"x": seed * 0.5}, [0, 1, 2])
        >>> results.mean("x")
        0.5
    """
    seeds = tuple(seeds)
    if not seeds:
        raise ValueError("run_seeds() needs at least one seed, e.g. range(10)")
    for seed in seeds:
        if not _is_seed(seed):
            raise TypeError(f"run_seeds(): seeds must be non-negative ints, got {seed!r}")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"run_seeds(): seeds repeat ({list(seeds)}); a repeated seed only repeats a run")
    rows, seconds = [], []
    for seed in seeds:
        start = time.perf_counter()
        row = fn(int(seed))
        seconds.append(time.perf_counter() - start)
        if not isinstance(row, Mapping):
            raise TypeError(f"run_seeds(): fn({seed}) returned {type(row).__name__}; it must return "
                            "a dict of metrics, e.g. {'scratch': 0.95, 'transfer': 0.97}")
        row = dict(row)
        if not row:
            raise ValueError(f"run_seeds(): fn({seed}) returned an empty dict; return at least one metric")
        for name, value in row.items():
            if not isinstance(value, numbers.Real) or isinstance(value, bool):
                raise TypeError(f"run_seeds(): fn({seed}) returned {name}={value!r}; metrics must "
                                "be numbers (use float(...) on a Keras result)")
        if rows and set(row) != set(rows[0]):
            missing = sorted(set(rows[0]) - set(row))
            extra = sorted(set(row) - set(rows[0]))
            raise ValueError(f"run_seeds(): fn({seed}) returned metrics {sorted(row)} but seed "
                             f"{seeds[0]} returned {sorted(rows[0])} (missing {missing}, extra "
                             f"{extra}); return the same metrics for every seed")
        rows.append({name: float(row[name]) for name in (rows[0] if rows else row)})
        if verbose:
            shown = ", ".join(f"{k} {v:.4f}" for k, v in rows[-1].items())
            print(f"seed {seed}: {shown} ({seconds[-1]:.1f} s)", flush=True)
    return SeedResults(seeds, rows, seconds)


def plot_seed_pairs(results: SeedResults, a: str, b: str, *, ax: Axes | None = None,
                    title: str | None = None, scale: float = 100.0, unit: str = "%") -> Axes:
    """One point per seed: ``b`` on x, ``a`` on y; above the diagonal means ``a`` won that seed.

    Args:
        results: from :func:`run_seeds`.
        a: the metric on the y axis (e.g. "transfer").
        b: the metric on the x axis (e.g. "scratch").
        ax: axes to draw on (default: a new square figure).
        title: axes title (default: "<a> vs <b>, one point per seed").
        scale: multiply values by this (100: accuracy in %).
        unit: shown in the axis labels.

    Returns:
        The matplotlib axes.

    Example (``06_reusing_layers_in_keras``):
        >>> plot_seed_pairs(results, "transfer", "scratch")  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    x, y = results.values(b) * scale, results.values(a) * scale
    ax = ax or plt.subplots(figsize=(5, 5))[1]
    low, high = min(x.min(), y.min()), max(x.max(), y.max())
    pad = max((high - low) * 0.08, 0.1 * scale / 100)
    low, high = low - pad, high + pad
    ax.plot([low, high], [low, high], color="0.5", lw=1, label=f"equal ({a} = {b})")
    won = y > x
    ax.scatter(x[won], y[won], color="C2", zorder=3, label=f"{a} higher ({int(won.sum())})")
    ax.scatter(x[~won], y[~won], color="C3", marker="s", zorder=3,
               label=f"{a} not higher ({int((~won).sum())})")
    for seed, xi, yi in zip(results.seeds, x, y):
        ax.annotate(str(seed), (xi, yi), textcoords="offset points", xytext=(4, 3), fontsize=8)
    ax.plot([x.mean()], [y.mean()], "k+", ms=14, mew=2, label="mean of the seeds")
    ax.set_xlim(low, high)
    ax.set_ylim(low, high)
    ax.set_aspect("equal")
    ax.set_xlabel(f"{b} ({unit})")
    ax.set_ylabel(f"{a} ({unit})")
    ax.set_title(title or f"{a} vs {b}, one point per seed")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    return ax
