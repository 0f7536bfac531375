"""The failure lab's stored tables, computed: which learners fall for a failure (against random sampling,
paired) and where a fix helps, does nothing or costs, with sentences built from the rows (hand-made numbers)."""

from __future__ import annotations

import numpy as np
import pytest

from alcore.failures import FAILURES
from ui import measure, verdicts
from ui.labs import failures as spec

SEEDS = 6


def share(values) -> dict:
    return {"outlier_query_share": np.array(values, dtype=float), "accuracy": np.full(len(values), 0.8)}


def fake_results(name: str) -> dict:
    """Outlier attraction with hand-made shares: random 0.10; EGL and k-centers clearly more; entropy less."""
    by_learner = {"random": 0.10, "least_confidence": 0.10, "margin": 0.10, "entropy": 0.02, "vote_entropy": 0.10,
                  "kl_disagreement": 0.30, "egl": 0.40}
    results = {}
    wiggle = np.linspace(-0.01, 0.01, SEEDS)
    for strategy, selector in spec.TABLE_LEARNERS:
        level = 0.5 if selector == "k_center" else by_learner.get(strategy or "kl_disagreement", 0.3)
        off = share(level + wiggle)
        on = off if selector == "k_center" else share(level / 2 + wiggle)  # k-centers ignores the scores
        results[(strategy, selector)] = {"off": off, "on": on}
    return results


def test_strategy_rows_compare_each_learner_with_random_sampling_on_the_same_seeds():
    rows = spec.strategy_rows("outlier_attraction", fake_results("outlier_attraction"))
    by_label = {row.label: row for row in rows}
    assert [row.label for row in rows][:3] == ["Random", "Least confidence", "Margin"]
    assert by_label["Random"].versus_random == "reference"
    assert by_label["Expected gradient length"].versus_random == "worse"
    assert by_label["K-centers (distance only)"].versus_random == "worse"
    assert by_label["Entropy"].versus_random == "better"
    assert by_label["Margin"].versus_random == "same"
    assert by_label["QBC: average KL"].own and sum(row.own for row in rows) == 1
    assert by_label["Hybrid (QBC: average KL + distance)"].label
    assert by_label["K-centers (distance only)"].fix == "same" and by_label["Entropy"].fix == "helps"
    assert by_label["Expected gradient length"].off.mean == pytest.approx(0.40)


def test_the_sentence_is_built_from_the_rows():
    rows = spec.strategy_rows("outlier_attraction", fake_results("outlier_attraction"))
    mode = FAILURES["outlier_attraction"]
    text = verdicts.strategies_sentence(mode.symptom, mode.metric, mode.fix_text, rows)
    assert text.startswith("On this data, QBC: average KL, Expected gradient length, K-centers (distance only) and "
                           "Hybrid (QBC: average KL + distance) are drawn to the outliers: worse than random sampling")
    assert "Entropy is not: better than random sampling" in text
    assert "Least confidence, Margin and QBC: vote entropy: no clear difference from random sampling" in text
    assert "Density weighting (beta 1) helps 8 of the 9 learners and makes it worse for 0" in text


def test_no_learner_worse_than_random_is_said_so():
    rows = [spec.StrategyRow("Margin", True, *[None] * 2, "better", "helps")]
    text = verdicts.strategies_sentence("drawn to the outliers", FAILURES["outlier_attraction"].metric, "the fix", rows)
    assert text.startswith("On this data, no learner here is drawn to the outliers more than random sampling")


class Comparison:
    def __init__(self, verdict):
        self.verdict = verdict


@pytest.mark.parametrize("effect, cost, words", [
    ("same", "same", "changes nothing"),
    ("helps", "no clear effect", "helps"),
    ("helps", "hurts", "helps, but costs accuracy"),
    ("hurts", "no clear effect", "makes it worse"),
    ("hurts", "hurts", "makes it worse and costs accuracy"),
    ("no clear effect", "hurts", "costs accuracy for no clear gain"),
    ("no clear effect", "helps", "has no clear effect"),
])
def test_fix_outcome(effect, cost, words):
    assert verdicts.fix_outcome(Comparison(effect), Comparison(cost)) == words


def test_elsewhere_sentence_groups_scenarios_by_outcome():
    text = verdicts.elsewhere_sentence("epsilon-greedy (epsilon 0.2)", [
        ("sampling bias (its own)", "helps"), ("miscalibration", "has no clear effect"),
        ("cold start", "has no clear effect"), ("outlier attraction", "costs accuracy for no clear gain")])
    assert text == ("Epsilon-greedy (epsilon 0.2) helps on sampling bias (its own); has no clear effect on "
                    "miscalibration and cold start; costs accuracy for no clear gain on outlier attraction.")


def test_elsewhere_rows_pair_each_scenario_with_its_own_metric():
    results = {"sampling_bias": {"off": {"hidden_never_labeled": np.ones(SEEDS), "accuracy": np.full(SEEDS, 0.8)},
                                 "on": {"hidden_never_labeled": np.zeros(SEEDS), "accuracy": np.full(SEEDS, 0.8)}},
               "cold_start": {"off": {"mean_accuracy_first_20": np.linspace(0.5, 0.6, SEEDS),
                                      "accuracy": np.linspace(0.8, 0.9, SEEDS)},
                              "on": {"mean_accuracy_first_20": np.linspace(0.5, 0.6, SEEDS),
                                     "accuracy": np.linspace(0.7, 0.8, SEEDS)}}}
    rows = spec.elsewhere_rows(results)
    assert [row.scenario for row in rows] == ["sampling_bias", "cold_start"]
    assert rows[0].metric.key == "hidden_never_labeled" and rows[0].effect.verdict == "helps"
    assert rows[1].effect.verdict == "same" and rows[1].cost.verdict == "hurts"
    assert verdicts.fix_outcome(rows[1].effect, rows[1].cost) == "changes nothing"


def test_the_keys_reuse_the_tabs_own_measurement_and_name_no_failure_by_hand():
    for name, mode in FAILURES.items():
        own = spec.measurement({**spec.defaults(spec.PARAMS), "tab": name, "seeds": spec.TABLE_SEEDS})
        keys = spec.strategy_keys(name)
        assert keys[("random", None)]["off"] == own["random"]
        assert keys[(None, "hybrid")]["on"][0] == "failure_variant"
        mine = [pair for (strategy, selector), pair in keys.items() if spec.is_own(name, strategy, selector)]
        assert mine == [{"off": own["off"], "on": own["on"]}] or mode.strategy not in dict(spec.TABLE_LEARNERS)
        elsewhere = spec.elsewhere_keys(name)
        assert list(elsewhere)[0] == name and set(elsewhere) == set(FAILURES)
        for other, pair in elsewhere.items():
            if other != name:
                assert pair["on"][1] == measure.variant_args(other, "on", spec.TABLE_SEEDS, fix=name)
