"""Multi-seed experiments: per-seed rows, mean and sd, paired differences, the pairs plot."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

from tlcourse.experiments import PairedDifference, SeedResults, plot_seed_pairs, run_seeds

TABLE = {0: (0.90, 0.93), 1: (0.92, 0.91), 2: (0.88, 0.94), 3: (0.91, 0.91)}


def experiment(seed):
    scratch, transfer = TABLE[seed]
    return {"scratch": scratch, "transfer": transfer}


@pytest.fixture
def results():
    return run_seeds(experiment, [0, 1, 2, 3])


def test_rows_follow_the_seeds_and_keep_the_metric_order(results):
    assert isinstance(results, SeedResults)
    assert results.seeds == (0, 1, 2, 3)
    assert results.metrics == ("scratch", "transfer")
    assert results.rows[2] == {"scratch": 0.88, "transfer": 0.94}
    assert len(results.seconds) == 4 and all(s >= 0 for s in results.seconds)
    np.testing.assert_allclose(results.values("transfer"), [0.93, 0.91, 0.94, 0.91])


def test_mean_and_sample_sd(results):
    assert results.mean("scratch") == pytest.approx(0.9025)
    assert results.sd("scratch") == pytest.approx(np.std([0.90, 0.92, 0.88, 0.91], ddof=1))


def test_single_seed_has_no_sd():
    one = run_seeds(experiment, [1])
    assert one.mean("scratch") == pytest.approx(0.92)
    assert math.isnan(one.sd("scratch"))
    diff = one.paired_difference("transfer", "scratch")
    assert math.isnan(diff.sd) and all(math.isnan(v) for v in diff.ci95)
    assert "only 1 seed" in diff.verdict()


def test_paired_difference(results):
    diff = results.paired_difference("transfer", "scratch")
    assert isinstance(diff, PairedDifference)
    np.testing.assert_allclose(diff.differences, [0.03, -0.01, 0.06, 0.0], atol=1e-12)
    assert diff.n == 4 and diff.seeds == (0, 1, 2, 3)
    assert diff.mean == pytest.approx(0.02)
    assert diff.sd == pytest.approx(np.std([0.03, -0.01, 0.06, 0.0], ddof=1))
    assert (diff.wins, diff.losses, diff.ties) == (2, 1, 1)
    low, high = diff.ci95
    half = 3.182446305284263 * diff.sd / 2  # t(0.975, df=3)
    assert low == pytest.approx(0.02 - half) and high == pytest.approx(0.02 + half)
    assert "transfer - scratch over 4 seeds" in str(diff)


def test_verdict_follows_the_interval():
    sure = run_seeds(lambda s: {"a": 0.9 + 0.01 + s * 1e-4, "b": 0.9}, range(5))
    assert sure.paired_difference("a", "b").verdict().startswith("a is better than b")
    assert sure.paired_difference("b", "a").verdict().startswith("b is worse than a")
    unsure = run_seeds(lambda s: {"a": 0.9 + (0.01 if s % 2 else -0.01), "b": 0.9}, range(6))
    text = unsure.paired_difference("a", "b").verdict()
    assert text.startswith("no clear difference between a and b")
    assert "a higher in 3 of 6 seeds" in text


def test_str_is_a_table_with_mean_and_sd(results):
    lines = str(results).splitlines()
    assert lines[0].split() == ["seed", "scratch", "transfer"]
    assert lines[2].split() == ["0", "0.9000", "0.9300"]
    assert lines[-2].split()[0] == "mean" and lines[-1].split()[0] == "sd"
    assert repr(results) == str(results)


def test_verbose_prints_one_line_per_seed(capsys):
    run_seeds(experiment, [0, 2], verbose=True)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and out[1].startswith("seed 2: scratch 0.8800, transfer 0.9400")


def test_empty_seeds():
    with pytest.raises(ValueError, match="at least one seed"):
        run_seeds(experiment, [])


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_bad_seed(seed):
    with pytest.raises(TypeError, match="non-negative ints"):
        run_seeds(experiment, [seed])


def test_repeated_seeds():
    with pytest.raises(ValueError, match="seeds repeat"):
        run_seeds(experiment, [0, 1, 0])


def test_fn_must_return_a_dict():
    with pytest.raises(TypeError, match=r"fn\(0\) returned float; it must return a dict"):
        run_seeds(lambda seed: 0.9, [0])


def test_fn_must_return_some_metric():
    with pytest.raises(ValueError, match="empty dict"):
        run_seeds(lambda seed: {}, [0])


def test_metrics_must_be_numbers():
    with pytest.raises(TypeError, match="metrics must be numbers"):
        run_seeds(lambda seed: {"acc": "0.9"}, [0])
    with pytest.raises(TypeError, match="metrics must be numbers"):
        run_seeds(lambda seed: {"acc": True}, [0])


def test_numpy_numbers_are_metrics():
    results = run_seeds(lambda seed: {"acc": np.float32(0.5), "n": np.int64(3)}, [0])
    assert results.rows == [{"acc": 0.5, "n": 3.0}]


def test_missing_metric_names_the_seed():
    def flaky(seed):
        return {"scratch": 0.9, "transfer": 0.9} if seed == 0 else {"scratch": 0.9}

    with pytest.raises(ValueError, match=r"fn\(1\).*missing \['transfer'\]"):
        run_seeds(flaky, [0, 1])


def test_unknown_metric(results):
    with pytest.raises(KeyError, match="no metric 'accuracy'"):
        results.values("accuracy")
    with pytest.raises(KeyError, match="no metric 'tranfser'"):
        results.paired_difference("tranfser", "scratch")


def test_plot_seed_pairs_is_titled_labelled_and_counts_wins(results):
    ax = plot_seed_pairs(results, "transfer", "scratch", title="T")
    assert ax.get_title() == "T"
    assert ax.get_xlabel() == "scratch (%)" and ax.get_ylabel() == "transfer (%)"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "transfer higher (2)" in labels and "transfer not higher (2)" in labels
    assert len(ax.texts) == 4  # one seed label per point
    plt.close(ax.figure)


def test_plot_seed_pairs_default_title_and_unknown_metric(results):
    ax = plot_seed_pairs(results, "transfer", "scratch", scale=1, unit="fraction")
    assert ax.get_title() == "transfer vs scratch, one point per seed"
    assert ax.get_xlabel() == "scratch (fraction)"
    plt.close(ax.figure)
    with pytest.raises(KeyError):
        plot_seed_pairs(results, "transfer", "nope")
