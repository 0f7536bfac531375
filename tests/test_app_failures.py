"""AppTest for the failure-mode lab (app_pages/failures.py, ui/labs/failures.py, alcore/failures/).

One tab per failure record; in each, a learner with the fix off (left) and one
with the fix switched on (right), stepped together, and the measurement over
seeds below. The tests hold what the page shows to the records and the
engine: the cards to each record's ``live`` figures, the pictures' outlines
and numbered queries to the record, the replayed learner to a run of
``alcore.lab.start`` to the same round, the verdict to ``ui.verdicts`` on the
measurement the page asked for. The tests loop over ``FAILURES``: a new
record is tested without a change here.

Measurements run in a thread of the test process (``in_process_jobs``). At the
defaults (20 seeds) they come from the lab store, so those tests use real
numbers at once; tests that move a knob or the number of seeds use
:func:`stand_in_failures`, a fast stand-in for the failure kind, and
``test_a_real_measurement_over_three_seeds`` measures for real.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from apptest_pages import lab_state, measuring, open_page, race, settle
from test_app_batch import alerts, captions, chart, ok, panel_texts, panels, pictures, pool_indices, query, rings, \
    settings, table_of, use_stand_in, verdict, words  # noqa: F401  (pictures: a fixture)

from alcore import lab
from alcore.data import make_dataset
from alcore.failures import FAILURES, queried_points
from alcore.registry import STRATEGIES
from alcore.stats import number
from ui import jobs, measure, verdicts
from ui.labs import failures as spec

pytestmark = pytest.mark.usefixtures("in_process_jobs")

ROOT = Path(__file__).resolve().parents[1]
TABS = tuple(FAILURES)
KNOBS = tuple(name for name, mode in FAILURES.items() if mode.fix.knob is not None)
LIVE = tuple(name for name, mode in FAILURES.items() if mode.live is not None)
CONDITIONS = {"off": "Fix off", "on": "Fix on", "random": "Random sampling"}


# -- a fast stand-in for the failure measurement --------------------------------------------------------

FAILURE_CALLS: list = []
GATE = threading.Event()


def stand_in_failure_seed(args, seed):
    """One seed of one condition, made up: every metric of the record in [0, 1]; the fix moves each by
    0.2 the better way (not at all when its setting turns it off), random sampling by 0.05."""
    name, knob_value, condition, _ = args
    FAILURE_CALLS.append((args, seed))
    mode = lab.tuned(name, knob_value)
    base = np.random.default_rng(seed).uniform(0.3, 0.6)
    shift = {"off": 0.0, "random": 0.05, "on": 0.0 if mode.fix_is_idle else 0.2}[condition]
    return {metric.key: base + (shift if metric.higher_is_better else -shift) for metric in mode.metrics}


def gated_failure_seed(args, seed):
    """The stand-in, once GATE opens (at most 30 s)."""
    GATE.wait(30)
    return stand_in_failure_seed(args, seed)


@pytest.fixture
def stand_in_failures(monkeypatch, tmp_path) -> list:
    """Failure measurements made up by :func:`stand_in_failure_seed`; returns the (args, seed) of each seed run."""
    use_stand_in(monkeypatch, tmp_path, "failure", stand_in_failure_seed)
    FAILURE_CALLS.clear()
    return FAILURE_CALLS


@pytest.fixture
def gated_failures(monkeypatch, tmp_path):
    """The stand-in, held until the test opens GATE."""
    use_stand_in(monkeypatch, tmp_path, "failure", gated_failure_seed)
    FAILURE_CALLS.clear()
    GATE.clear()
    yield FAILURE_CALLS
    GATE.set()


# -- helpers ------------------------------------------------------------------------------------------------

def failures_page(**query) -> AppTest:
    return ok(open_page("failures", **query))


def click(at: AppTest, tab: str, action: str) -> AppTest:
    return ok(at.button(key=f"failures.{tab}.run.{action}").click().run())


def switch(at: AppTest, tab: str, on: bool) -> AppTest:
    at.toggle(key=f"failures.{FAILURES[tab].fix.link}").set_value(on).run()
    return ok(at)


def group(at: AppTest, tab: str):
    """The tab's two learners (a RaceGroup: loops "off" and "on")."""
    return race(at, "failures", tab)


def labels(at: AppTest, tab: str) -> list[int]:
    return [loop.n_labeled for loop in group(at, tab).loops.values()]


def status(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("Round "))


def cards(at: AppTest) -> dict:
    return {m.label: (m.value, m.delta) for m in at.metric}


def live_part(at: AppTest, tab: str) -> Block:
    """The tab's live part: run buttons, status, panels, curves, cards (and any extra view)."""
    step = f"failures.{tab}.run.step"
    for node in at.main:
        if isinstance(node, Block) and any(getattr(e, "key", None) == step for e in node) and any(
                type(e).__name__ == "Markdown" and e.value.startswith("Round ") for e in node.children.values()):
            return node
    raise AssertionError(f"no live part for {tab}")


def panel_titles(at: AppTest, tab: str) -> list[str]:
    return [text.split("**")[1] for text in panel_texts(live_part(at, tab))]


def legend(at: AppTest, tab: str) -> list[str]:
    return [trace["name"] for trace in chart(at, f"failures.{tab}.curves")["data"] if trace.get("name")]


def replay(at: AppTest, tab: str, condition: str, rounds: int):
    """The tab's learner in a condition, run on its own by alcore.lab to ``rounds`` (the page's seed and knob)."""
    values = settings(at, spec.PARAMS, "failures")
    mode, seed = spec.mode({**values, "tab": tab}), int(values["seed"])
    data = make_dataset(mode.dataset, n_pool=lab.N_POOL, n_test=lab.N_TEST, random_state=seed)
    alone = lab.start(mode, seed, condition, data=data)
    alone.advance(rounds)
    return alone.loops["learner"]


def measured(at: AppTest, tab: str) -> dict:
    """The measurement the tab's verdict is about, by condition (the keys it asked for, from the queue)."""
    keys = lab_state(at, "failures").extra[f"looked_at.{tab}"]
    assert keys == spec.measurement({**settings(at, spec.PARAMS, "failures"), "tab": tab})
    results = {}
    for condition, key in keys.items():
        results[condition], job = jobs.request(key, start=False)
        assert job is None and results[condition] is not None
    return results


def check_verdict(at: AppTest, tab: str):
    """The verdict shows the measurement: one row per condition and one column per metric of the record
    (each value ``ui.verdicts.metric_value`` of its summary), then ``ui.verdicts.failure_verdicts`` on the
    paired comparison. Returns the comparison on the record's metric."""
    values = {**settings(at, spec.PARAMS, "failures"), "tab": tab}
    mode, n_seeds, results = spec.mode(values), int(values["seeds"]), measured(at, tab)
    rows = table_of(verdict(at), list(CONDITIONS.values()))
    assert rows[0] == [""] + [metric.head for metric in mode.metrics]
    for row, condition in zip(rows[1:], CONDITIONS):
        assert row[1:] == [verdicts.metric_value(metric, lab.summarise(results[condition][metric.key]))
                           for metric in mode.metrics]
    metric = mode.metric
    effect = lab.compare(results["off"][metric.key], results["on"][metric.key], metric.higher_is_better)
    cost = lab.compare(results["off"]["accuracy"], results["on"]["accuracy"], True)
    expected = verdicts.failure_verdicts(mode.fix_text, metric, effect, cost, n_seeds)
    assert alerts(verdict(at)) == [(v.kind, v.text) for v in expected]
    assert f"{n_seeds} seeds" in words(verdict(at))
    return effect


# -- every tab ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("tab", TABS)
def test_every_tab_opens_from_its_link_and_steps_both_learners(tab):
    at = failures_page(tab=tab)
    mode = FAILURES[tab]
    assert query(at)["tab"] == tab
    steps = {b.key for b in at.button if b.key.endswith(".run.step")}
    assert steps == {f"failures.{tab}.run.step"}  # only the open tab is drawn
    assert labels(at, tab) == [mode.seed_size] * 2
    assert status(at).startswith("Round 0 · ")
    left, right = panel_titles(at, tab)
    assert STRATEGIES[mode.strategy].label in left and mode.fix_text in right
    assert legend(at, tab) == ["fix off", "fix on"]
    assert "20 seeds" in words(verdict(at))
    at = click(at, tab, "step")
    assert labels(at, tab) == [mode.seed_size + 1] * 2 and query(at)["n"] == "1" and query(at)["tab"] == tab
    at = click(at, tab, "run10")
    assert labels(at, tab) == [mode.seed_size + 11] * 2 and status(at).startswith("Round 11 · ")


def test_the_link_follows_the_open_tab_and_each_tab_keeps_its_run():
    at = click(failures_page(tab="sampling_bias"), "sampling_bias", "step")
    at.session_state["failures.tabs"] = FAILURES["cold_start"].label
    at = ok(at.run())
    assert query(at)["tab"] == "cold_start" and query(at)["n"] == "0"
    assert labels(at, "cold_start") == [FAILURES["cold_start"].seed_size] * 2
    at.session_state["failures.tabs"] = FAILURES["sampling_bias"].label
    at = ok(at.run())
    assert query(at)["tab"] == "sampling_bias" and query(at)["n"] == "1"
    assert labels(at, "sampling_bias") == [FAILURES["sampling_bias"].seed_size + 1] * 2


@pytest.mark.parametrize("tab", TABS)
def test_the_verdict_is_the_measurement_of_the_record(tab):
    """At the defaults the measurement comes from the lab store: real, over 20 seeds."""
    at = failures_page(tab=tab)
    check_verdict(at, tab)
    assert f"--failure {tab}" in words(verdict(at))  # the script that measures the same


def test_what_the_columns_mean_keeps_each_heads_spelling():
    at = failures_page(tab="miscalibration")
    explained = words(at.main.get("expander")[-1])
    for metric in FAILURES["miscalibration"].metrics:
        assert f"**{metric.head[:1].upper()}{metric.head[1:]}**" in explained, metric.head


# -- the fix switch and the knob ---------------------------------------------------------------------------

@pytest.mark.parametrize("tab", TABS)
def test_the_fix_switch_replays_the_right_learner_to_the_same_round(tab):
    mode = FAILURES[tab]
    at = failures_page(tab=tab)
    for _ in range(3):
        at = click(at, tab, "step")
    left = group(at, tab).loops["off"].labeled_indices.copy()
    at = switch(at, tab, False)
    pair = group(at, tab)
    assert pair.rounds == 3 and labels(at, tab) == [mode.seed_size + 3] * 2
    assert np.array_equal(pair.loops["off"].labeled_indices, left)  # the left learner is the same run
    assert np.array_equal(pair.loops["on"].labeled_indices, left)   # the right one is now the same learner
    assert pair.loops["on"].config == pair.loops["off"].config and pair.races["on"].seed_method == mode.seed_method
    assert query(at)[mode.fix.link] == "0"
    assert panel_titles(at, tab)[1].startswith("Fix switched off")
    assert legend(at, tab) == ["fix off", "right (fix off)"]
    assert any(label.endswith(", right (fix off)") for label in cards(at))
    assert any("switched off" in i.value for i in at.info)
    at = click(at, tab, "step")
    at = switch(at, tab, True)
    pair = group(at, tab)
    assert pair.rounds == 4 and labels(at, tab) == [mode.seed_size + 4] * 2
    assert pair.loops["on"].config == lab.config(mode, "on") and pair.races["on"].seed_method == \
        mode.seed_method_for("on")
    assert np.array_equal(pair.loops["on"].labeled_indices, replay(at, tab, "on", 4).labeled_indices)
    assert np.array_equal(pair.loops["off"].labeled_indices, replay(at, tab, "off", 4).labeled_indices)
    assert mode.fix_text in panel_titles(at, tab)[1] and legend(at, tab) == ["fix off", "fix on"]
    assert not any("switched off" in i.value for i in at.info)


@pytest.mark.parametrize("tab", TABS)
def test_with_the_fix_off_nothing_in_the_live_part_says_fix_on(tab):
    at = click(switch(failures_page(tab=tab), tab, False), tab, "step")
    shown = (words(live_part(at, tab)) + "\n" + "\n".join(legend(at, tab))).lower()
    assert "right (fix off)" in shown and "fix switched off" in shown
    assert "fix on" not in shown and "fix-on" not in shown


@pytest.mark.parametrize("tab", KNOBS)
def test_a_knob_replays_to_the_same_round_and_remeasures_only_what_it_changes(stand_in_failures, tab):
    mode, knob = FAILURES[tab], FAILURES[tab].fix.knob
    at = failures_page(tab=tab, seeds=3)
    at = click(click(at, tab, "step"), tab, "step")
    before, made = dict(lab_state(at, "failures").extra[f"looked_at.{tab}"]), len(stand_in_failures)
    slider = at.slider(key=f"failures.{knob.link}")
    for rounds, value in ((2, slider.min), (3, slider.max)):
        at.slider(key=f"failures.{knob.link}").set_value(value).run()
        at = ok(settle(at))
        pair = group(at, tab)
        seed_size = int(value) if knob.is_count else mode.seed_size
        assert pair.rounds == rounds and labels(at, tab) == [seed_size + rounds] * 2
        assert np.array_equal(pair.loops["on"].labeled_indices, replay(at, tab, "on", rounds).labeled_indices)
        if not knob.is_count:
            assert getattr(pair.loops["on"].config, knob.setting) == pytest.approx(value)
        assert float(query(at)[knob.link]) == pytest.approx(value)
        effect = check_verdict(at, tab)  # the verdict is about the new value
        keys = lab_state(at, "failures").extra[f"looked_at.{tab}"]
        new = {args[2] for args, _ in stand_in_failures[made:]}
        if knob.is_count:  # the starting labels change every learner's scenario
            assert all(keys[c] != before[c] for c in CONDITIONS) and new == set(CONDITIONS)
        else:  # the fix's own number changes only the fix-on learner
            assert (keys["off"], keys["random"]) == (before["off"], before["random"]) and keys["on"] != before["on"]
            assert new == {"on"}
        if value == 0 and not knob.is_count:  # epsilon 0, beta 0: the fix is idle, the verdict says so
            assert effect.verdict == "same"
        before, made = dict(keys), len(stand_in_failures)
        at = click(at, tab, "step")


# -- what the learners show ---------------------------------------------------------------------------------

@pytest.mark.parametrize("tab", LIVE)
def test_cards_and_subtitles_are_the_records_live_figures(tab):
    mode = FAILURES[tab]
    at = click(click(failures_page(tab=tab), tab, "run10"), tab, "step")
    for fix_on, right in ((True, "fix on"), (False, "right (fix off)")):
        at = switch(at, tab, fix_on)
        pair, shown, names = group(at, tab), cards(at), {"off": "fix off", "on": right}
        figures = {side: mode.live(loop, pair.dataset) for side, loop in pair.loops.items()}
        for (side, loop), text in zip(pair.loops.items(), panel_texts(live_part(at, tab)), strict=True):
            assert shown[f"{figures[side].label}, {names[side]}"] == (figures[side].value, figures[side].note)
            assert f"{loop.curve[1][-1]:.1%}" in text and figures[side].subtitle in text  # its accuracy, its figure
        off, on = (loop.curve[1][-1] for loop in pair.loops.values())
        accuracy = [value for label, value in shown.items()
                    if label.endswith(f", {names['on']}") and label != f"{figures['on'].label}, {names['on']}"]
        assert accuracy == [(f"{on:.1%}", f"{number(100 * (on - off), 1, signed=True)} pts vs fix off")]


@pytest.mark.parametrize("tab", TABS)
def test_pictures_outline_the_marked_points_and_number_the_first_queries(pictures, tab):
    mode = FAILURES[tab]
    at = failures_page(tab=tab)
    for _ in range(2):
        at = click(at, tab, "step")
    pair = group(at, tab)
    shown = rings(at, pictures, "failures", tab)
    for side, call in panels(at, pictures, "failures", tab).items():
        loop = pair.loops[side]
        if mode.outline:
            outlined = pool_indices(pair.dataset.X_pool, call["X_marked"])
            assert np.array_equal(outlined, np.flatnonzero(pair.dataset.marked))
        else:
            assert call["X_marked"] is None
        assert call["numbered"] == bool(mode.numbered_queries)
        newest = queried_points(loop, mode.numbered_queries) if mode.numbered_queries else loop.history[-1].queried
        assert np.array_equal(shown[side], newest)
    if mode.outline:  # the caption says what the outlines are
        assert mode.outline in " ".join(captions(live_part(at, tab)))


def test_miscalibration_shows_reliability_temperature_and_the_queries_scaling_changed(pictures):
    tab, mode = "miscalibration", FAILURES["miscalibration"]
    at = failures_page(tab=tab)
    assert "Queries changed by scaling" not in words(live_part(at, tab))  # no query made yet
    at = click(at, tab, "run10")
    values = settings(at, spec.PARAMS, "failures")
    data = make_dataset(mode.dataset, n_pool=lab.N_POOL, n_test=lab.N_TEST, random_state=int(values["seed"]))
    run, changed = lab.start(mode, int(values["seed"]), "on", data=data), []
    for _ in range(10):  # a fix-on run of its own, asking the record's watch before each query
        unfixed = mode.watch(run.loops["learner"])
        run.step()
        changed.append((int(run.loops["learner"].history[-1].queried[0]) != unfixed, unfixed))
    assert lab_state(at, "failures").slots[tab].data["changed"] == changed
    rounds = [str(i + 1) for i, (differs, _) in enumerate(changed) if differs]
    said = words(live_part(at, tab))
    assert f"Queries changed by scaling: {len(rounds)} of 10" in said
    assert not rounds or f"rounds {', '.join(rounds)}" in said
    on = group(at, tab).loops["on"]
    report = lab.calibration(on, data.X_test, data.y_test)
    shown = cards(at)
    assert shown["ECE before scaling"] == (f"{report.ece_raw:.3f}", "the model's own probabilities")
    assert shown["ECE after scaling"] == (f"{report.ece_scaled:.3f}", number(report.ece_scaled - report.ece_raw, 3,
                                                                             signed=True))
    assert shown["Temperature T"][0] == f"{report.temperature:.2f}" and report.temperature > 0
    names = [t["name"] for t in chart(at, "failures.miscalibration.reliability")["data"]]
    assert names == ["calibrated", "before scaling", f"after scaling (T = {report.temperature:.2f})"]
    square = panels(at, pictures, "failures", tab)["on"]["X_square"]
    if changed[-1][0]:  # the point it would have asked for without scaling, this round
        assert pool_indices(data.X_pool, square).tolist() == [changed[-1][1]]
    else:
        assert square is None
    at = switch(at, tab, False)
    shown = cards(at)
    assert shown["Temperature T"][0] == "1 (off)" and shown["ECE after scaling"][0] == "(fix off)"
    assert [t["name"] for t in chart(at, "failures.miscalibration.reliability")["data"]] == ["calibrated",
                                                                                              "before scaling"]
    assert "Queries changed by scaling" not in words(live_part(at, tab))
    assert panels(at, pictures, "failures", tab)["on"]["X_square"] is None


# -- the run buttons -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("tab", TABS)
def test_step_run_10_reset_new_seed_play_and_pause(tab):
    seed_size = FAILURES[tab].seed_size
    at = click(failures_page(tab=tab, seed=7), tab, "run10")
    assert group(at, tab).rounds == 10 and query(at)["n"] == "10"
    first = group(at, tab).loops["on"].labeled_indices.copy()
    at = click(at, tab, "reset")
    assert labels(at, tab) == [seed_size] * 2 and query(at)["seed"] == "7" and query(at)["n"] == "0"
    at = click(at, tab, "run10")
    assert np.array_equal(group(at, tab).loops["on"].labeled_indices, first)  # same seed, same run
    at = click(at, tab, "new_seed")
    assert labels(at, tab) == [seed_size] * 2 and query(at)["seed"] != "7" and query(at)["n"] == "0"
    at.button_group(key="failures.speed").set_value("fast").run()
    assert query(ok(at))["speed"] == "fast"
    at = click(at, tab, "play")
    slot = lab_state(at, "failures").slots[tab]
    assert slot.playing and "playing" in status(at) and group(at, tab).rounds == 1  # its first tick
    assert at.button(key=f"failures.{tab}.run.pause").label == "Pause"
    at = click(at, tab, "pause")
    assert not slot.playing
    assert group(ok(at.run()), tab).rounds == 1  # paused means paused


def test_the_last_query_ends_the_run():
    mode = FAILURES["cold_start"]
    at = click(click(failures_page(tab="cold_start"), "cold_start", "run10"), "cold_start", "run10")
    assert labels(at, "cold_start") == [mode.budget] * 2
    assert all(at.button(key=f"failures.cold_start.run.{a}").disabled for a in ("step", "run10", "play"))
    assert "all queries made" in status(at)


# -- the link --------------------------------------------------------------------------------------------------

def test_a_link_reproduces_the_settings(stand_in_failures):
    link = dict(tab="outlier_attraction", temp=1, eps_on=1, eps=0.3, dens_on=1, beta=2, cseed_on=0, init=8,
                seeds=3, speed="slow", seed=3, n=0)
    at = failures_page(**link)
    assert not at.warning and at.slider(key="failures.beta").value == pytest.approx(2.0)
    assert query(at) == {k: f"{v:g}" if isinstance(v, float) else str(v) for k, v in link.items()}
    assert group(at, "outlier_attraction").loops["on"].config.density_beta == 2.0
    again = failures_page(**query(at))
    for page in (at, again):
        for _ in range(5):
            click(page, "outlier_attraction", "step")
    for side in ("off", "on"):
        assert np.array_equal(group(again, "outlier_attraction").loops[side].labeled_indices,
                              group(at, "outlier_attraction").loops[side].labeled_indices)
    cold = failures_page(tab="cold_start", cseed_on=0, init=8, seeds=3)
    assert labels(cold, "cold_start") == [8, 8] and cold.toggle(key="failures.cseed_on").value is False


def test_a_link_reproduces_the_round():
    at = failures_page(tab="outlier_attraction", n=5)
    assert group(at, "outlier_attraction").rounds == 5 and query(at)["n"] == "5"


def test_malformed_link_values_are_clamped_with_a_note(stand_in_failures):
    at = failures_page(tab="nowhere", eps=0.9, beta=-1, init=99, n="lots", temp="maybe", seeds=3)
    note = " ".join(w.value for w in at.warning)
    assert "adjusted" in note
    for setting in ("failure", "epsilon", "beta", "starting labels", "rounds taken", "temperature scaling switch"):
        assert setting in note, setting
    got = query(at)
    assert (got["tab"], got["eps"], got["beta"], got["init"], got["temp"], got["n"]) == (
        TABS[0], "0.5", "0", "20", "1", "0")


# -- the measurement -------------------------------------------------------------------------------------------

def test_a_real_measurement_over_three_seeds():
    """No stand-in: the cold start over 3 seeds, where the clustered seed clearly helps."""
    at = failures_page(tab="cold_start", seeds=3)
    assert check_verdict(at, "cold_start").verdict == "helps"
    for condition, results in measured(at, "cold_start").items():  # what the engine measures on its own
        alone = lab.measure_condition("cold_start", condition, range(3))
        assert {key: values.tolist() for key, values in results.items()} == \
            {key: values.tolist() for key, values in alone.items()}


def test_sessions_asking_for_one_measurement_share_it(gated_failures):
    one = failures_page(tab="cold_start", seeds=3, wait=False)
    two = failures_page(tab="cold_start", seeds=3, wait=False)
    assert measuring(one) and measuring(two)
    GATE.set()
    one, two = settle(one), settle(two)
    check_verdict(one, "cold_start")
    check_verdict(two, "cold_start")
    runs = [(args, seed) for args, seed in gated_failures]
    assert sorted(runs) == sorted(set(runs)) and len(runs) == 3 * 3  # each condition and seed once, for both
    assert group(one, "cold_start") is not group(two, "cold_start")


def test_a_queued_measurement_says_so_and_recovers(gated_failures):
    first = failures_page(tab="cold_start", seeds=3, wait=False)  # its seeds hold both workers
    waiting = failures_page(tab="cold_start", seeds=4, wait=False)
    progress = " ".join(bar.proto.text for bar in waiting.get("progress"))
    assert progress.startswith("Queued: ") and "for other visitors run first" in progress
    assert query(waiting)["seeds"] == "4"
    GATE.set()
    for at in (first, waiting):
        check_verdict(settle(at), "cold_start")


def test_a_long_measurement_starts_from_its_button(stand_in_failures):
    """Temperature scaling refits on folds every round: 50 seeds are estimated above 20 s."""
    at = failures_page(tab="miscalibration", seeds=50, wait=False)
    keys = spec.measurement(settings(at, spec.PARAMS, "failures"))
    assert sum(measure.estimated_seconds(key) for key in keys.values()) > 20
    assert not measuring(at) and not stand_in_failures and not alerts(verdict(at))
    at = ok(settle(at.button(key="failures.miscalibration.measure").click().run()))
    assert len(stand_in_failures) == 3 * 50
    check_verdict(at, "miscalibration")


# -- the records name the failures, the lab does not ------------------------------------------------------------

def test_no_code_of_the_lab_names_a_failure():
    names = set(FAILURES) | {mode.label for mode in FAILURES.values()}
    for path in ("app_pages/failures.py", "ui/labs/failures.py"):
        source = (ROOT / path).read_text()
        found = [name for name in names if re.search(re.escape(name), source, flags=re.IGNORECASE)]
        assert not found, f"{path} names {found}: the records say what to show"
