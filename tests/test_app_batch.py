"""AppTest for the Batch diversity explorer (app_pages/batch.py, ui/labs/batch.py).

Three learners (Top-K, K-Centers, Hybrid; BADGE on a switch) each show the
batch they would ask for next; Step teaches each the batch it shows. The
tests read what the page draws (the rings of each panel picture, through a
spy on :func:`ui.figures.panel_picture`), what it writes (tables, sentences,
the link) and the learners in the lab's state, and hold them to the engine:
the batches to ``ActiveLoop.propose``, the table to ``alcore.diagnostics``,
the verdict to ``ui.verdicts`` on the measurement the page asked for.

Measurements run in a thread of the test process (the ``in_process_jobs``
fixture). Small settings are measured for real; tests that move settings
whose measurement would take long use :func:`stand_in_races`, a fast
stand-in for the race kind with the real cost model. The page helpers here
are shared by test_app_failures, test_app_edges and test_fuzz_pages.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from apptest_pages import lab_state, measuring, open_page, race, settle

from alcore.data import DATASETS
from alcore.diagnostics import batch_diagnostics
from alcore.registry import MODELS, SELECTORS
from alcore.stats import estimate, labels_to_reach, paired_saving
from ui import figures, jobs, measure, verdicts
from ui.labs import batch as spec

pytestmark = pytest.mark.usefixtures("in_process_jobs")

#: Small and quick: the measurement over seeds runs 5 seeds to 40 labels on a 200-point pool.
SMALL = dict(pool=200, seeds=5, budget=40)
PREFIX = [m for m, meta in spec.METHODS.items() if meta["prefix"]]


# -- page helpers (shared by the other page tests) ----------------------------------------------------

def ok(at: AppTest) -> AppTest:
    """The page after a run: no exception and no error message."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def query(at: AppTest) -> dict:
    """The link the page wrote, one value per setting."""
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def words(node) -> str:
    """Everything a visitor reads in a part of the page: text, alerts, cards and widget labels."""
    parts = []
    for element in node:
        kind = type(element).__name__
        if kind == "Metric":
            parts += [element.label, element.value, element.delta or ""]
        elif kind in ("Markdown", "Caption", "Title", "Header", "Subheader", "Success", "Info", "Warning",
                      "Error", "Code"):
            parts.append(element.value)
        elif kind in ("Toggle", "Slider", "Selectbox", "Button"):
            parts.append(element.label)
    return "\n".join(parts)


def page_text(at: AppTest) -> str:
    """Everything a visitor reads on the page and in its sidebar."""
    return words(at.main) + "\n" + words(at.sidebar)


def verdict(at: AppTest):
    """The verdict container (``key="verdict"``)."""
    return at.main.get_by_key("verdict")


def alerts(node) -> list[tuple[str, str]]:
    """(kind, text) of every success, warning and info message in a part of the page, in order."""
    return [(type(e).__name__.lower(), e.value) for e in node if type(e).__name__ in ("Success", "Warning", "Info")]


def table(text: str) -> list[list[str]]:
    """A markdown table's cells, row by row (the separator row left out)."""
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in text.strip().splitlines()]
    return [row for row in rows if not all(set(cell) <= set("-: ") for cell in row)]


def table_of(node, first_column: list) -> list[list[str]]:
    """The one markdown table of a part of the page whose rows (after its header) start with these cells."""
    found = [table(e.value) for e in node if type(e).__name__ == "Markdown" and e.value.startswith("|")]
    found = [rows for rows in found if [row[0] for row in rows[1:]] == list(first_column)]
    assert len(found) == 1, (first_column, found)
    return found[0]


def markdown_with(node, words_in: str) -> str:
    """The one markdown element of a part of the page that holds ``words_in``."""
    found = [e.value for e in node if type(e).__name__ == "Markdown" and words_in in e.value]
    assert len(found) == 1, (words_in, found)
    return found[0]


def chart(at: AppTest, key: str) -> dict:
    """A plotly chart's figure, by its key."""
    found = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    assert len(found) == 1, (key, [c.proto.id for c in at.get("plotly_chart")])
    return json.loads(found[0].proto.spec)


def captions(node) -> list[str]:
    """The captions in a part of the page, in order."""
    return [e.value for e in node if type(e).__name__ == "Caption"]


def settings(at: AppTest, params, lab: str) -> dict:
    """A lab's current settings, from the session."""
    return {param.name: at.session_state[f"{lab}.{param.name}"] for param in params}


@pytest.fixture
def pictures(monkeypatch) -> list:
    """Every panel picture drawn from now on: the keyword arguments it was drawn with, in order."""
    calls = []
    draw = figures.panel_picture

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return draw(*args, **kwargs)

    monkeypatch.setattr(figures, "panel_picture", spy)
    return calls


def pool_indices(X_pool: np.ndarray, points) -> np.ndarray:
    """Which pool points these are (each drawn point is exactly one pool row)."""
    if points is None:
        return np.empty(0, dtype=np.intp)
    same = (np.asarray(X_pool)[None, :, :] == np.asarray(points)[:, None, :]).all(axis=2)
    assert (same.sum(axis=1) == 1).all(), "a drawn point is not one pool point"
    return same.argmax(axis=1)


def panel_texts(node) -> list[str]:
    """Each learner panel's title and subtitle (the markdown drawn just above its picture), in order."""
    texts, last = [], None
    for element in node:
        kind = type(element).__name__
        if kind == "Markdown":
            last = element.value
        elif kind == "Image":
            texts.append(last)
    return texts


def panels(at: AppTest, calls: list, lab: str = "batch", variant: str = "") -> dict:
    """The last run's panel pictures, by learner (each learner draws one per run, in race order)."""
    loops = race(at, lab, variant).loops
    return dict(zip(loops, calls[-len(loops):]))


def rings(at: AppTest, calls: list, lab: str = "batch", variant: str = "") -> dict:
    """The pool indices ringed in each learner's panel in the last run, in pick order."""
    X_pool = race(at, lab, variant).dataset.X_pool
    return {name: pool_indices(X_pool, call.get("X_new")) for name, call in panels(at, calls, lab, variant).items()}


# -- a fast stand-in for the race measurement --------------------------------------------------------------

RACE_CALLS: list = []


def stand_in_race_seed(args, seed):
    """One seed of a race, made up: curves shaped like the real ones (labels from the seed set to the
    budget in steps of each learner's batch), in no time."""
    _, learners, budget, seed_size, _ = args
    RACE_CALLS.append((args, seed))
    rng = np.random.default_rng(seed)
    curves = {}
    for i, (name, config) in enumerate(learners):
        labels = np.unique(np.r_[np.arange(seed_size, budget, dict(config)["batch_size"]), budget])
        accuracy = 0.6 + 0.35 * (1 - np.exp(-(labels - seed_size) / (8.0 + 6 * i))) + 0.02 * rng.random()
        curves[name] = (labels, np.minimum(accuracy, 1.0))
    return curves


def use_stand_in(monkeypatch, tmp_path, kind: str, one_seed) -> None:
    """Measure a kind's seeds with ``one_seed`` instead (same keys, cost model and combining as the real
    kind); its results go to ``tmp_path``, never to the session's disk cache."""
    monkeypatch.setattr(measure, "CACHE_DIR", tmp_path)
    monkeypatch.setitem(measure.KINDS, kind, dataclasses.replace(measure.KINDS[kind], one_seed=one_seed))


@pytest.fixture
def stand_in_races(monkeypatch, tmp_path) -> list:
    """Race measurements made up by :func:`stand_in_race_seed`; returns the (args, seed) of each seed run."""
    use_stand_in(monkeypatch, tmp_path, "race", stand_in_race_seed)
    RACE_CALLS.clear()
    return RACE_CALLS


# -- helpers of this page ---------------------------------------------------------------------------------

def batch_page(**query) -> AppTest:
    return ok(open_page("batch", **{**SMALL, **query}))


def click(at: AppTest, action: str) -> AppTest:
    return ok(at.button(key=f"batch.run.{action}").click().run())


def move(at: AppTest, key: str, value) -> AppTest:
    at.slider(key=f"batch.{key}").set_value(value).run()
    return ok(at)


def labels_each(at: AppTest) -> dict:
    return {m: loop.n_labeled for m, loop in race(at, "batch").loops.items()}


def status(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("Round "))


def diagnostics_table(at: AppTest) -> list[list[str]]:
    return table(markdown_with(at.main, "| Spread"))


def has_curves(at: AppTest) -> bool:
    return any(c.proto.id.endswith("-batch..curves") for c in at.get("plotly_chart"))


# -- the learners and their batches ----------------------------------------------------------------------

def test_loads_with_three_learners_from_the_same_starting_labels(pictures):
    at = batch_page()
    assert at.title[0].value == "Batch diversity"
    loops = race(at, "batch").loops
    assert list(loops) == ["top_k", "k_center", "hybrid"]
    seeds = [loop.labeled_indices for loop in loops.values()]
    assert all(np.array_equal(s, seeds[0]) for s in seeds) and len(seeds[0]) == 10
    assert status(at).startswith("Round 0 · ") and "next batch: 20 points" in status(at)
    texts = panel_texts(at.main)
    assert [text.split("**")[1] for text in texts] == [spec.TITLES[m] for m in loops]
    assert "alpha 0.50" in texts[2]  # Hybrid's panel says its alpha
    assert [len(r) for r in rings(at, pictures).values()] == [20, 20, 20]
    assert diagnostics_table(at)[0][1:] == ["Top-K", "K-Centers", "Hybrid"]
    assert len(at.caption) >= 10  # a caption by every control and chart
    assert not has_curves(at)  # learning curves start with the first batch


@pytest.mark.skipif("badge" not in SELECTORS, reason="the engine has no BADGE selector")
def test_badge_switch_adds_a_fourth_learner_and_restarts_them(pictures):
    at = click(batch_page(batch=12), "step")
    assert set(labels_each(at).values()) == {22}
    caption = next(c.value for c in at.sidebar.caption if "BADGE" in c.value).lower()
    assert "switching" in caption and "starting labels" in caption  # switching it restarts the learners
    at.toggle(key="batch.badge").set_value(True).run()
    loops = race(ok(at), "batch").loops
    assert list(loops) == ["top_k", "k_center", "hybrid", "badge"]
    assert race(at, "batch").rounds == 0 and set(labels_each(at).values()) == {10}  # all back at the start
    assert query(at)["n"] == "0" and query(at)["badge"] == "1"
    assert [len(r) for r in rings(at, pictures).values()] == [12] * 4
    assert diagnostics_table(at)[0][1:] == ["Top-K", "K-Centers", "Hybrid", "BADGE"]
    move(at, "batch", 30)
    shown = rings(at, pictures)
    assert [len(r) for r in shown.values()] == [30] * 4
    at = click(at, "step")
    for m, loop in race(at, "batch").loops.items():
        assert np.array_equal(loop.history[-1].queried, shown[m])
    assert set(labels_each(at).values()) == {40}
    at.toggle(key="batch.badge").set_value(False).run()
    assert list(race(ok(at), "batch").loops) == ["top_k", "k_center", "hybrid"]
    assert set(labels_each(at).values()) == {10}


def test_batch_size_and_alpha_change_the_shown_batches_without_teaching(pictures):
    at = click(batch_page(), "step")
    learners, before = race(at, "batch"), rings(at, pictures)
    history = {m: len(loop.history) for m, loop in learners.loops.items()}
    move(at, "batch", 60)
    after = rings(at, pictures)
    assert race(at, "batch") is learners and labels_each(at) == {m: 30 for m in history}
    assert {m: len(loop.history) for m, loop in learners.loops.items()} == history
    assert status(at).startswith("Round 1 · ") and "next batch: 60 points" in status(at)
    for m in PREFIX:
        assert len(after[m]) == 60 and np.array_equal(after[m][:20], before[m])
    move(at, "alpha", 0.9)
    moved = rings(at, pictures)
    assert race(at, "batch") is learners and labels_each(at) == {m: 30 for m in history}
    assert np.array_equal(moved["top_k"], after["top_k"]) and np.array_equal(moved["k_center"], after["k_center"])
    assert not np.array_equal(moved["hybrid"], after["hybrid"])
    assert "alpha 0.90" in panel_texts(at.main)[2]
    assert query(at)["batch"] == "60" and query(at)["alpha"] == "0.9" and query(at)["n"] == "1"


def test_alpha_one_makes_hybrid_top_k_and_alpha_zero_spreads_it(pictures):
    at = batch_page(batch=40, alpha=1.0)  # before any step every learner has the same model
    shown = rings(at, pictures)
    assert set(shown["hybrid"]) == set(shown["top_k"])  # pure utility (ties may order differently)
    move(at, "alpha", 0.0)
    spread = {m: float(row) for m, row in zip(diagnostics_table(at)[0][1:], diagnostics_table(at)[1][1:])}
    assert spread["Hybrid"] > spread["Top-K"]


def test_prefix_selectors_show_what_propose_gives_at_every_size(pictures):
    """The page proposes each prefix selector's largest batch once a round and shows its first k picks: the
    same batch ``propose(k)`` gives, and each size the first picks of a larger one."""
    at = click(batch_page(alpha=0.3), "step")  # after a step each learner has its own labels and model
    largest = None
    for k in (100, 60, 25, 7, 1):
        move(at, "batch", k)
        shown = rings(at, pictures)
        largest = largest or shown
        for m in PREFIX:
            loop = race(at, "batch").loops[m]
            assert np.array_equal(shown[m], copy.deepcopy(loop).propose(k)), (m, k)
            assert np.array_equal(shown[m], largest[m][:k]), (m, k)
    assert set(labels_each(at).values()) == {30}


@pytest.mark.parametrize("k, numbered", [(25, True), (26, False)])
def test_pick_numbers_are_drawn_for_greedy_methods_up_to_25(pictures, k, numbered):
    at = batch_page(batch=k, badge=1)
    drawn = {m: call["numbered"] for m, call in panels(at, pictures).items()}
    assert drawn == {m: numbered and meta["greedy"] for m, meta in spec.METHODS.items()}


@pytest.mark.parametrize("badge", [0, 1])
def test_step_teaches_each_learner_exactly_the_batch_it_showed(pictures, badge):
    at = batch_page(batch=15, badge=badge)
    start = labels_each(at)
    for clicks in range(1, 4):
        shown = rings(at, pictures)
        for m, loop in race(at, "batch").loops.items():
            assert len(np.unique(shown[m])) == len(shown[m]) == 15
            assert not loop.labeled_mask[shown[m]].any()
        at = click(at, "step")
        for m, loop in race(at, "batch").loops.items():
            assert np.array_equal(loop.history[-1].queried, shown[m])  # in pick order
            assert loop.n_labeled == start[m] + 15 * clicks
    assert query(at)["n"] == "3" and status(at).startswith("Round 3 · ")
    curves = chart(at, "batch..curves")["data"]
    names = [spec.TITLES[m] for m in race(at, "batch").loops]
    assert [trace["name"] for trace in curves if trace.get("name") in names] == names
    assert all(len(trace["x"]) == 4 for trace in curves if trace.get("name") in names)  # start, then 3 batches


def test_run_10_reset_and_new_seed():
    at = click(batch_page(batch=5, seed=7), "run10")
    assert set(labels_each(at).values()) == {60} and query(at)["n"] == "10"
    first = {m: loop.labeled_indices.copy() for m, loop in race(at, "batch").loops.items()}
    at = click(at, "reset")
    assert set(labels_each(at).values()) == {10} and query(at)["seed"] == "7" and query(at)["n"] == "0"
    at = click(at, "run10")
    for m, loop in race(at, "batch").loops.items():
        assert np.array_equal(loop.labeled_indices, first[m])  # same seed, same run
    at = click(at, "new_seed")
    assert set(labels_each(at).values()) == {10} and query(at)["seed"] != "7" and query(at)["n"] == "0"
    assert race(at, "batch").seed == int(query(at)["seed"])


def test_play_and_pause():
    at = click(batch_page(batch=10), "play")
    slot = lab_state(at, "batch").slots[""]
    assert slot.playing and at.button(key="batch.run.pause").label == "Pause"
    assert "playing" in status(at)
    assert race(at, "batch").rounds == 1  # the first tick of Play
    at = click(at, "pause")
    assert not slot.playing and at.button(key="batch.run.play").label == "Play"
    rounds = race(at, "batch").rounds
    assert race(ok(at.run()), "batch").rounds == rounds  # paused means paused


def next_batch_words(at: AppTest) -> str:
    """What the status line says of the next batch: "next batch: 1 point", "next batch: 20 points"."""
    found = re.search(r"next batch: \d+ points?\b", status(at))
    assert found, status(at)
    return found.group()


def test_status_says_point_for_one_and_points_otherwise_and_the_pool_runs_out(pictures):
    at = batch_page(batch=1)
    assert next_batch_words(at) == "next batch: 1 point"
    move(at, "batch", 2)
    assert next_batch_words(at) == "next batch: 2 points"
    move(at, "batch", 100)
    at = click(at, "step")  # 110 labeled
    move(at, "batch", 89)
    at = click(at, "step")  # 199 labeled: one point left
    move(at, "batch", 100)
    assert status(at).startswith("Round 2 · ") and next_batch_words(at) == "next batch: 1 point"
    assert [len(r) for r in rings(at, pictures).values()] == [1, 1, 1]
    assert diagnostics_table(at)[1][1:] == ["n/a"] * 3  # one pick has no spread
    at = click(at, "step")
    assert set(labels_each(at).values()) == {200}
    assert next_batch_words(at) == "next batch: 0 points" and "pool is used up" in status(at)
    for action in ("step", "run10", "play"):
        assert at.button(key=f"batch.run.{action}").disabled
    assert [len(r) for r in rings(at, pictures).values()] == [0, 0, 0]
    assert [row[1:] for row in diagnostics_table(at)[1:]] == [["n/a"] * 3, ["0.00"] * 3, ["n/a"] * 3]


def shown_diagnostics(at: AppTest, shown: dict) -> dict:
    """What the page's table should say: alcore.diagnostics of each shown batch, formatted as the page does."""
    def fmt(value, digits):
        return "n/a" if not np.isfinite(value) else f"{value:.{digits}f}"

    expected = {}
    for m, loop in race(at, "batch").loops.items():
        found = batch_diagnostics(loop.X_pool, loop.labeled_indices, shown[m], loop.scores(loop.X_pool))
        expected[spec.TITLES[m]] = [fmt(found.mean_pairwise_distance, 2), fmt(found.coverage_radius, 2),
                                    fmt(found.mean_utility, 3)]
    return expected


@pytest.mark.parametrize("steps, k", [(0, 20), (0, 2), (1, 40), (2, 7)])
def test_diagnostics_table_is_alcore_diagnostics_of_the_shown_batches(pictures, steps, k):
    at = batch_page(batch=k, badge=1)
    for _ in range(steps):
        at = click(at, "step")
    rows = diagnostics_table(at)
    assert [words_in in row[0].lower() for row, words_in in zip(rows[1:], ("spread", "coverage", "score"),
                                                                 strict=True)] == [True] * 3
    shown = {title: [row[i] for row in rows[1:]] for i, title in enumerate(rows[0]) if i}
    expected = shown_diagnostics(at, rings(at, pictures))
    for title, cells in expected.items():  # prefix sums and a direct computation agree to rounding
        for got, want, digits in zip(shown[title], cells, (2, 2, 3)):
            assert got == want or abs(float(got) - float(want)) <= 1.01 * 10 ** -digits, (title, got, want)


def test_score_map_switch(pictures):
    at = batch_page()
    assert all(call["grid_scores"] is not None for call in panels(at, pictures).values())
    learners = race(at, "batch")
    at.toggle(key="batch.scores").set_value(False).run()
    assert all(call["grid_scores"] is None for call in panels(ok(at), pictures).values())
    assert query(at)["scores"] == "0" and race(at, "batch") is learners
    at.toggle(key="batch.scores").set_value(True).run()
    assert query(ok(at))["scores"] == "1"


# -- the sidebar and the link ---------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["batch", "alpha", "target", "seeds", "budget", "noise", "pool", "init"])
def test_every_slider_to_its_min_and_max(stand_in_races, key):
    at = batch_page()
    slider = at.slider(key=f"batch.{key}")
    for value in (slider.min, slider.max):
        at = ok(settle(move(at, key, value)))
        assert at.session_state[f"batch.{key}"] == value
        assert float(query(at)[key]) == pytest.approx(value)
    if key in ("pool", "init"):  # data settings build new learners
        assert race(at, "batch").dataset.X_pool.shape[0] == at.session_state["batch.pool"]
        assert set(labels_each(at).values()) == {len(race(at, "batch").seed_indices)}


def test_classes_slider_on_multiblobs():
    at = batch_page(ds="multiblobs", noise=0.9)
    for value in (3, 10):
        move(at, "classes", value)
        assert race(at, "batch").dataset.n_classes == value


def test_every_dataset_with_its_own_noise(stand_in_races):
    at = batch_page()
    for name in ("moons", "xor", "multiblobs", "blobs"):
        at.selectbox(key="batch.ds").set_value(name).run()
        assert race(ok(at), "batch").dataset.name == name
        assert at.session_state["batch.noise"] == pytest.approx(DATASETS[name].default_noise)


def test_acquisition_function_and_model_build_new_learners(pictures, stand_in_races):
    at = click(batch_page(), "step")
    for strategy in ("entropy", "least_confidence", "vote_entropy"):
        at.selectbox(key="batch.acq").set_value(strategy).run()
        loops = race(ok(at), "batch").loops
        assert all(loop.config.strategy == strategy for loop in loops.values())
        assert set(labels_each(at).values()) == {10}
        assert [len(r) for r in rings(at, pictures).values()] == [20, 20, 20]
    at.selectbox(key="batch.model").set_value("knn").run()
    assert all(loop.config.model == "knn" for loop in race(ok(at), "batch").loops.values())


def test_link_values_are_clamped_with_a_note():
    at = open_page("batch", batch=500, alpha="abc", ds="nonsense", pool=50, seeds=7.5, budget=40)
    values = settings(at, spec.PARAMS, "batch")
    assert (values["batch"], values["alpha"], values["ds"], values["pool"], values["seeds"]) == (100, 0.5, "blobs",
                                                                                                 200, 8)
    note = at.warning[0].value
    for setting in ("adjusted", "batch size", "hybrid alpha", "dataset", "pool size", "number of seeds"):
        assert setting in note, setting
    assert query(at)["batch"] == "100" and query(at)["ds"] == "blobs"


def test_a_link_reproduces_settings_and_round(pictures):
    link = dict(SMALL, batch=33, alpha=0.25, acq="entropy", seed=7, n=2)
    at = batch_page(**link)
    assert not at.warning
    assert [len(r) for r in rings(at, pictures).values()] == [33, 33, 33]
    assert race(at, "batch").rounds == 2 and set(labels_each(at).values()) == {76}
    written = query(at)
    assert {k: written[k] for k in link} == {k: f"{v:g}" if isinstance(v, float) else str(v) for k, v in link.items()}
    again = batch_page(**written)
    for m, loop in race(again, "batch").loops.items():
        assert np.array_equal(loop.labeled_indices, race(at, "batch").loops[m].labeled_indices)


# -- the measurement and its verdict ------------------------------------------------------------------------

def measured(at: AppTest) -> tuple:
    """The race measurement the page's verdict is about (the key it asked for, from the queue)."""
    key = lab_state(at, "batch").extra["looked_at."]["race"]
    assert key == spec.measurement(settings(at, spec.PARAMS, "batch"))["race"]
    result, job = jobs.request(key, start=False)
    assert job is None and result is not None
    return result


def test_the_verdict_follows_batch_size_and_alpha():
    at = batch_page()
    said = " ".join(captions(verdict(at)))
    assert "batches of 20" in said and "alpha 0.50" in said
    for key, value in (("batch", 10), ("alpha", 0.8)):
        at = ok(settle(move(at, key, value)))
        said = " ".join(captions(verdict(at)))
        assert "batches of 10" in said and f"alpha {at.session_state['batch.alpha']:.2f}" in said
        labels, accuracy = measured(at)  # the key follows the settings
        assert list(accuracy) == [*spec.methods(settings(at, spec.PARAMS, "batch")), spec.REFERENCE]
    configs = dict(lab_state(at, "batch").extra["looked_at."]["race"][1][1])
    assert {m: (dict(c)["batch_size"], dict(c)["alpha"]) for m, c in configs.items()} == {
        "top_k": (10, 0.5), "k_center": (10, 0.5), "hybrid": (10, 0.8), "random": (10, 0.5)}


@pytest.mark.parametrize("target", [None, 0.8])
def test_the_verdict_is_the_claim_verdict_of_the_measured_savings(target):
    """At the defaults the measurement comes from the lab store: real, over 20 seeds."""
    at = ok(open_page("batch"))
    if target is not None:
        at = ok(move(at, "target", target))
    target = at.session_state["batch.target"]
    labels, accuracy = measured(at)
    needed = {m: labels_to_reach(labels, accuracy[m], target) for m in accuracy}
    savings = {m: paired_saving(needed[m], needed["top_k"]) for m in accuracy if m != "top_k"}
    expected = [verdicts.claim_verdict(savings[m], spec.TITLES[m]) for m in savings if m != spec.REFERENCE]
    expected.append(verdicts.luck_verdict(savings, spec.TITLES, spec.REFERENCE))
    assert alerts(verdict(at)) == [(v.kind, v.text) for v in expected]
    rows = table_of(verdict(at), [spec.TITLES[m] for m in accuracy])
    assert f"{target:.1%}" in rows[0][1]
    n_seeds = accuracy["top_k"].shape[0]
    for row, m in zip(rows[1:], accuracy, strict=True):
        reached = f"{int(np.isfinite(needed[m]).sum())} of {n_seeds}"
        saved = ("(the baseline)" if m == "top_k" else
                 f"**{savings[m].format(0, 100, '%')}** (over {savings[m].n} seeds)")
        assert row == [spec.TITLES[m], estimate(needed[m]).format(0), reached, saved]


def test_what_we_measured_rows_come_from_the_lab_store():
    at = ok(open_page("batch", **SMALL))
    claims = spec.claim_settings()
    data = [f"{DATASETS[values['ds']].label} ({MODELS[values['model']].label})" for values in claims]
    rows = table_of(at.main, data)
    assert "not measured yet" not in page_text(at)
    for row, values in zip(rows[1:], claims, strict=True):
        stored = measure.stored(spec.measurement(values)["race"])
        assert stored is not None, values
        target, savings = spec.claim_row(stored)
        assert row[1:] == [str(values["batch"]), f"{target:.1%}"] + [savings[m].format(0, 100, "%")
                                                                    for m in spec.CLAIM_COMPARED]
    assert verdicts.CLAIM_TEXT in page_text(at)


def test_a_long_measurement_starts_from_its_button(stand_in_races):
    """Settings estimated above 20 s measure only when asked; the result then shows as usual."""
    at = ok(open_page("batch", pool=200, model="svm_rbf", batch=1, budget=200, seeds=50, wait=False))
    key = spec.measurement(settings(at, spec.PARAMS, "batch"))["race"]
    assert measure.estimated_seconds(key) > 20
    assert not measuring(at) and not stand_in_races and not alerts(verdict(at))
    at = ok(settle(at.button(key="batch..measure").click().run()))
    assert {seed for _, seed in stand_in_races} == set(range(50))
    assert not [b for b in at.button if b.key == "batch..measure"]
    assert alerts(verdict(at)) and table_of(verdict(at), [spec.TITLES[m] for m in measured(at)[1]])
