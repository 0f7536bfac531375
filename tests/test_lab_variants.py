"""A failure's scenario with another learner or another failure's fix (alcore.lab.variant), measured like
the failure itself (ui.measure's failure_variant kind); the disk-in-a-ring data; a model's feature limit."""

from __future__ import annotations

import numpy as np
import pytest

from alcore import lab
from alcore.data import DATASETS, make_dataset
from alcore.failures import FAILURES
from alcore.loop import LoopConfig, Race
from ui import measure


def test_variant_changes_the_learner_and_keeps_the_scenario():
    mode = lab.variant("outlier_attraction", strategy="entropy", selector="hybrid")
    record = FAILURES["outlier_attraction"]
    assert (mode.strategy, mode.selector) == ("entropy", "hybrid")
    assert (mode.dataset, mode.model, mode.metric, mode.n_queries) == (record.dataset, record.model, record.metric,
                                                                        record.n_queries)
    assert mode.settings("off") == dict(model="logreg", strategy="entropy", selector="hybrid")
    assert mode.settings("random") == dict(model="logreg", strategy="random", selector="top_k")
    assert lab.variant(record) == record  # nothing changed: the same record


def test_variant_with_another_fix():
    mode = lab.variant("miscalibration", fix="cold_start")
    assert mode.fix == FAILURES["cold_start"].fix
    assert mode.seed_method_for("on") == "cluster" and mode.seed_method_for("off") == "per_class"
    assert lab.variant("cold_start", fix="outlier_attraction").settings("on")["density_beta"] == 1.0


@pytest.mark.parametrize("changes, words", [(dict(strategy="nope"), "strategy must be one of"),
                                            (dict(selector="nope"), "selector must be one of"),
                                            (dict(fix="nope"), "failure must be")])
def test_variant_refuses_unknown_names(changes, words):
    with pytest.raises(ValueError, match=words):
        lab.variant("sampling_bias", **changes)


def test_a_variant_run_is_the_same_as_the_record_run_when_nothing_changes():
    key = ("failure_variant", measure.variant_args("sampling_bias", "off", 2))
    plain = ("failure", measure.failure_args("sampling_bias", None, "off", 2))
    a, b = measure.compute(key), measure.compute(plain)
    assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def test_a_variant_learner_really_runs_with_its_strategy_and_selector():
    mode = lab.variant("outlier_attraction", strategy="random", selector="k_center")
    race = lab.run_failure(mode, 0, "off")
    loop = race.loops["learner"]
    assert loop.config.selector == "k_center" and loop.n_labeled == mode.budget
    # k-centers: each query is the pool point farthest from everything labeled before it
    first = loop.labeled_indices[mode.seed_size]
    seeds = race.dataset.X_pool[loop.labeled_indices[:mode.seed_size]]
    distance = np.min(np.linalg.norm(race.dataset.X_pool[:, None] - seeds[None], axis=2), axis=1)
    assert first == int(np.argmax(distance))


def test_variant_cost_counts_its_learner():
    cheap = measure.estimated_seconds(("failure_variant", measure.variant_args("outlier_attraction", "off", 20,
                                                                              strategy="entropy")))
    dear = measure.estimated_seconds(("failure", measure.failure_args("outlier_attraction", None, "off", 20)))
    assert 0 < cheap < dear  # the record's committee costs more than entropy


def test_rings_a_disk_inside_a_ring_holding_most_points():
    data = make_dataset("rings", n_pool=2000, noise=0.0, random_state=1)
    radius = np.hypot(*data.X_pool.T)
    assert np.all(radius[data.y_pool == 0] <= 1.0) and np.all((radius[data.y_pool == 1] >= 1.5)
                                                              & (radius[data.y_pool == 1] <= 2.5))
    assert 0.75 < data.y_pool.mean() < 0.85  # the ring's area is four times the disk's
    assert DATASETS["rings"].two_d and data.bounds is not None


def test_a_model_that_takes_few_features_refuses_wide_data():
    data = make_dataset("digits", n_pool=200, random_state=0)
    with pytest.raises(ValueError, match="takes at most 10 features and this data has 64: pick another model"):
        Race(data, {"A": LoopConfig(model="poly_logreg", strategy="margin")})
    Race(data, {"A": LoopConfig(model="logreg", strategy="margin")})  # the straight model is fine


def test_digits_name_their_classes():
    assert make_dataset("digits", n_pool=100).class_names == tuple("0123456789")
    assert make_dataset("blobs", n_pool=100).class_names is None
