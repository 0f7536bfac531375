"""AppTest for the Batch Diversity Explorer (app_pages/batch.py, URL path /batch)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from alcore.data import DATASETS
from alcore.registry import SELECTORS

ROOT = Path(__file__).resolve().parents[1]
PAGE_FILE = str(ROOT / "app_pages" / "batch.py")
TIMEOUT = 120


def page(**query) -> AppTest:
    at = AppTest.from_file(PAGE_FILE, default_timeout=TIMEOUT)
    for name, value in query.items():
        at.query_params[name] = str(value)
    at.run()
    assert not at.exception, at.exception
    return at


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def loops(at: AppTest) -> dict:
    return at.session_state["batch.race"].loops


def panel_rings(at: AppTest) -> list[int]:
    """Number of ringed (next-batch) points in each panel of the panels figure."""
    charts = [c for c in at.get("plotly_chart") if c.proto.id and "batch.panels" in c.proto.id]
    assert len(charts) == 1
    spec = json.loads(charts[0].proto.spec)
    return [len(t["x"]) for t in spec["data"] if t.get("marker", {}).get("symbol") == "circle-open"]


def shown_batch(at: AppTest, method: str, loop) -> np.ndarray:
    """The batch a panel shows: the cached largest batch of this round, cut to the batch size."""
    k = at.session_state["batch.batch"]
    cache = at.session_state["batch.cache"]
    rnd = len(loop.history)
    found = [value for key, value in cache.items() if key[:3] == (method, rnd, "batch")]
    assert found, f"no batch cached for {method} in round {rnd}"
    return np.asarray(found[-1])[:k]


def test_page_loads_with_three_panels_and_captions():
    at = page()
    assert at.title[0].value == "Batch diversity"
    assert list(loops(at)) == ["top_k", "k_center", "hybrid"]
    assert panel_rings(at) == [20, 20, 20]
    assert any("Label" in b.label for b in at.button)
    assert len(at.caption) >= 10  # a caption by every control and chart
    table = next(m.value for m in at.markdown if "Coverage radius" in m.value)
    assert "Top-K" in table and "K-Centers" in table and "Hybrid" in table


def test_page_opens_through_app_navigation():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page("app_pages/batch.py")
    run(at)
    assert at.title[0].value == "Batch diversity"
    assert panel_rings(at) == [20, 20, 20]


@pytest.mark.parametrize("key, low, high", [
    ("batch.batch", 1, 100), ("batch.alpha", 0.0, 1.0), ("batch.target", 0.5, 0.99),
    ("batch.seeds", 5, 50), ("batch.budget", 20, 500), ("batch.noise", 0.3, 2.0),
    ("batch.pool", 200, 3000), ("batch.init", 2, 20),
])
def test_every_slider_to_its_min_and_max(key, low, high):
    at = page()
    slider = at.slider(key=key)
    assert (slider.min, slider.max) == (low, high) or key == "batch.budget"
    for value in (slider.min, slider.max):
        at.slider(key=key).set_value(value)
        run(at)
        assert at.session_state[key] == value
        if key == "batch.batch":
            assert panel_rings(at) == [value] * 3


def test_classes_slider_on_multiblobs():
    at = page(ds="multiblobs", noise=0.9)
    for value in (3, 10):
        at.slider(key="batch.classes").set_value(value)
        run(at)
        assert at.session_state["batch.race"].dataset.n_classes == value


def test_batch_slider_redraws_every_panel_at_once():
    at = page()
    before = {m: shown_batch(at, m, loop) for m, loop in loops(at).items()}
    at.slider(key="batch.batch").set_value(60)
    run(at)
    assert panel_rings(at) == [60, 60, 60]
    for m, loop in loops(at).items():
        after = shown_batch(at, m, loop)
        assert len(after) == 60 and np.array_equal(after[:20], before[m])  # greedy: same first picks
    # K-centers spreads out: its batch is wider than top-k's
    table = next(m.value for m in at.markdown if "Spread" in m.value)
    spread = [float(x) for x in table.split("Spread")[1].split("\n")[0].split("|")[1:4]]
    assert spread[1] > spread[0]


def test_acquisition_picker_and_model_redraw_the_batches():
    at = page()
    for strategy in ("entropy", "least_confidence", "vote_entropy"):
        at.selectbox(key="batch.acq").set_value(strategy)
        run(at)
        assert all(loop.config.strategy == strategy for loop in loops(at).values())
        assert panel_rings(at) == [20, 20, 20]
    at.selectbox(key="batch.model").set_value("knn")
    run(at)
    assert all(loop.config.model == "knn" for loop in loops(at).values())


def test_every_dataset():
    at = page()
    for name in ("moons", "xor", "multiblobs", "blobs"):
        at.selectbox(key="batch.ds").set_value(name)
        run(at)
        assert at.session_state["batch.race"].dataset.name == name
        assert at.session_state["batch.noise"] == pytest.approx(DATASETS[name].default_noise)  # its own default


def test_alpha_changes_only_the_hybrid_batch():
    at = page(batch=40)
    before = {m: shown_batch(at, m, loop).copy() for m, loop in loops(at).items()}
    at.slider(key="batch.alpha").set_value(1.0)
    run(at)
    race = loops(at)
    assert np.array_equal(shown_batch(at, "top_k", race["top_k"]), before["top_k"])
    assert np.array_equal(shown_batch(at, "k_center", race["k_center"]), before["k_center"])
    # alpha = 1 is pure utility: hybrid's batch becomes top-k's (as a set; ties may order differently)
    assert set(shown_batch(at, "hybrid", race["hybrid"])) == set(before["top_k"])


def test_toggles_flip():
    at = page()
    assert at.toggle(key="batch.scores").value is True
    at.toggle(key="batch.scores").set_value(False)
    run(at)
    assert at.query_params["scores"] == ["0"] or at.query_params["scores"] == "0"
    at.toggle(key="batch.scores").set_value(True)
    run(at)
    if "badge" in SELECTORS:
        at.toggle(key="batch.badge").set_value(True)
        run(at)
        assert "badge" in loops(at) and len(panel_rings(at)) == 4
    else:
        assert not [t for t in at.toggle if t.key == "batch.badge"]  # no BADGE toggle until the engine has it


def test_label_this_batch_three_times_grows_each_learner_by_the_batch_size():
    at = page(batch=15)
    start = {m: loop.n_labeled for m, loop in loops(at).items()}
    for click in range(1, 4):
        shown = {m: shown_batch(at, m, loop) for m, loop in loops(at).items()}
        for m, loop in loops(at).items():
            batch = shown[m]
            assert len(np.unique(batch)) == len(batch) == 15            # unique
            assert not loop.labeled_mask[batch].any()                   # never labeled already
        at.button(key="batch.label").click()
        run(at)
        for m, loop in loops(at).items():
            assert loop.n_labeled == start[m] + 15 * click
            assert np.array_equal(loop.history[-1].queried, shown[m])   # it labeled what it showed
    charts = [c for c in at.get("plotly_chart") if c.proto.id and "batch.curves" in c.proto.id]
    assert charts, "learning curves appear after the first labeled batch"
    curves = [t for t in json.loads(charts[0].proto.spec)["data"] if t.get("name") in ("Top-K", "Hybrid")]
    assert [len(t["x"]) for t in curves] == [4, 4]  # the starting labels, then three batches
    assert "Round 3" in " ".join(m.value for m in at.markdown)


def test_reset_and_new_seed():
    at = page(batch=10)
    at.button(key="batch.label").click()
    run(at)
    assert all(loop.n_labeled == 20 for loop in loops(at).values())
    at.button(key="batch.reset").click()
    run(at)
    assert all(loop.n_labeled == 10 for loop in loops(at).values())
    assert at.session_state["batch.seed"] == 0
    at.button(key="batch.new_seed").click()
    run(at)
    assert at.session_state["batch.seed"] != 0
    assert all(loop.n_labeled == 10 for loop in loops(at).values())


def test_url_values_are_clamped_with_a_visible_note():
    at = page(batch=500, alpha="abc", ds="nonsense", pool=50, seeds=7.5)
    assert at.session_state["batch.batch"] == 100
    assert at.session_state["batch.alpha"] == 0.5
    assert at.session_state["batch.ds"] == "blobs"
    assert at.session_state["batch.pool"] == 200
    note = at.warning[0].value
    assert "adjusted" in note and "batch size" in note and "hybrid alpha" in note and "dataset" in note
    assert at.query_params["batch"] in ("100", ["100"])


def test_url_round_trip():
    at = page(batch=33, alpha=0.25, acq="entropy", seed=7)
    assert at.session_state["batch.batch"] == 33 and at.session_state["batch.alpha"] == 0.25
    assert panel_rings(at) == [33, 33, 33]
    assert not at.warning


def test_comparison_runs_and_speaks_about_the_claim():
    at = page(pool=300, batch=25, seeds=5, budget=60, target=0.8)
    button = next(b for b in at.button if b.key == "batch.compare")
    assert "5 seeds" in button.label
    assert any("batch size 25" in i.value for i in at.info)
    button.click()
    run(at)
    table = next(m.value for m in at.markdown if "Labels saved over Top-K" in m.value)
    for name in ("Top-K", "K-Centers", "Hybrid", "Random batches"):
        assert f"| {name} |" in table
    verdicts = [e.value for e in (*at.success, *at.warning, *at.info)]
    assert any("20-40%" in text or "no seed" in text or "too few" in text for text in verdicts)
    assert any("claim" in m.value for m in at.markdown)
    assert any("Results at batch size 25" in m.value for m in at.markdown)


@pytest.fixture
def fake_badge():
    """Register a stand-in 'badge' selector (if the engine has none yet) so the fourth panel is tested."""
    from alcore import batch, registry
    added = "badge" not in registry.SELECTORS
    if added:
        registry.register_selector(registry.Selector(
            "badge", "BADGE", "Stand-in for tests: random batch.",
            lambda utilities, ctx, k: batch.random_batch(ctx.n_candidates, k, ctx.rng)))
    yield
    if added:
        del registry.SELECTORS["badge"]


def test_badge_toggle_adds_a_fourth_learner(fake_badge):
    at = page(batch=12)
    assert at.toggle(key="batch.badge").value is False
    assert len(panel_rings(at)) == 3
    at.toggle(key="batch.badge").set_value(True)
    run(at)
    assert list(loops(at)) == ["top_k", "k_center", "hybrid", "badge"]
    assert panel_rings(at) == [12, 12, 12, 12]
    at.slider(key="batch.batch").set_value(30)
    run(at)
    assert panel_rings(at) == [30, 30, 30, 30]
    at.button(key="batch.label").click()
    run(at)
    assert all(loop.n_labeled == 40 for loop in loops(at).values())
    assert "BADGE" in next(m.value for m in at.markdown if "Coverage radius" in m.value)
    at.toggle(key="batch.badge").set_value(False)
    run(at)
    assert list(loops(at)) == ["top_k", "k_center", "hybrid"]


def test_labeling_the_whole_pool_ends_cleanly():
    at = page(pool=200, init=2, batch=100)
    for _ in range(2):
        at.button(key="batch.label").click()
        run(at)
    assert all(loop.n_unlabeled == 0 for loop in loops(at).values())
    assert at.button(key="batch.label").disabled
    assert "pool is used up" in " ".join(m.value for m in at.markdown)
    at.button(key="batch.reset").click()
    run(at)
    assert all(loop.n_labeled == 2 for loop in loops(at).values())
