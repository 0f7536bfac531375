"""Summaries over seeds."""

import numpy as np
import pytest
from scipy import stats as scipy_stats

from alcore.stats import Estimate, estimate, labels_to_reach, mean_interval, paired_saving, summarize_race


def test_mean_interval_hand_worked():
    mean, low, high = mean_interval(np.array([[1.0, 10.0], [3.0, 10.0]]))
    np.testing.assert_allclose(mean, [2.0, 10.0])
    half = scipy_stats.t.ppf(0.975, 1) * np.std([1, 3], ddof=1) / np.sqrt(2)
    np.testing.assert_allclose(low, [2.0 - half, 10.0])
    np.testing.assert_allclose(high, [2.0 + half, 10.0])



@pytest.mark.filterwarnings("ignore:Mean of empty slice", "ignore:Degrees of freedom")
def test_mean_interval_matches_scipy_per_column_with_missing_runs():
    rng = np.random.default_rng(3)
    values = rng.normal(size=(12, 9))
    values[rng.random(values.shape) < 0.3] = np.nan  # columns with different run counts
    values[:, 0] = np.nan
    values[1:, 1] = np.nan  # one finite run: no interval
    mean, low, high = mean_interval(values)
    for column in range(2, values.shape[1]):
        runs = values[:, column][np.isfinite(values[:, column])]
        reference = scipy_stats.t.interval(0.95, runs.size - 1, loc=runs.mean(), scale=scipy_stats.sem(runs))
        np.testing.assert_allclose([low[column], high[column]], reference, rtol=1e-12)
        assert mean[column] == pytest.approx(runs.mean())
    assert np.isnan(low[:2]).all() and np.isnan(high[:2]).all()


def test_estimate_ignores_nan_and_formats():
    result = estimate([1.0, 2.0, np.nan, 3.0])
    assert result.n == 3 and result.mean == 2.0
    assert result.format(digits=0) == "2 (0 to 4)"  # the low end, -0.48, prints as 0, never "-0"
    assert estimate([1.0, 2.0, 3.0], low=1.0).low == 1.0  # cut at the range the values lie in
    assert estimate([np.nan]).format() == "n/a"
    assert Estimate(0.25, np.nan, np.nan, 1).format(scale=100, unit="%") == "25.0%"


def test_labels_to_reach():
    labels = [4, 5, 6]
    accuracy = [[0.5, 0.81, 0.9], [0.85, 0.9, 0.9], [0.1, 0.2, 0.3]]
    np.testing.assert_array_equal(labels_to_reach(labels, accuracy, 0.8), [5, 4, np.nan])
    with pytest.raises(ValueError, match="points per run"):
        labels_to_reach([1, 2], [[0.1, 0.2, 0.3]], 0.5)


def test_paired_saving():
    result = paired_saving([10, 10, 10], [20, 20, 20])
    assert result.mean == pytest.approx(0.5) and result.low == pytest.approx(0.5)
    assert np.isnan(paired_saving([np.nan], [10]).mean)
    worse = paired_saving([30, 25, 35, 28], [20, 22, 18, 25])
    assert worse.mean < 0 and worse.high < 0  # honest: active needs more here


def test_summarize_race_against_the_parts():
    rng = np.random.default_rng(1)
    labels = np.arange(4, 14)
    a = np.clip(np.linspace(0.6, 0.95, 10) + rng.normal(0, 0.02, (8, 10)), 0, 1)
    b = np.clip(np.linspace(0.5, 0.9, 10) + rng.normal(0, 0.02, (8, 10)), 0, 1)
    summary = summarize_race(labels, {"A": a, "B": b}, 0.8, "A", "B")
    assert summary.n_seeds == 8 and list(summary.labels) == list(labels)
    for name, acc in (("A", a), ("B", b)):
        np.testing.assert_allclose(summary.bands[name][0], acc.mean(axis=0))
        needed = labels_to_reach(labels, acc, 0.8)
        assert summary.needed[name] == estimate(needed)
        assert summary.reached[name] == np.isfinite(needed).sum()
    assert summary.saving == paired_saving(labels_to_reach(labels, a, 0.8), labels_to_reach(labels, b, 0.8))
    assert summary.final == estimate(a[:, -1] - b[:, -1])
    with pytest.raises(ValueError, match="not one of the learners"):
        summarize_race(labels, {"A": a}, 0.8, "A", "C")
