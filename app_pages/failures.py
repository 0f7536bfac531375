"""The failure-mode lab: each failure of active learning on its own scenario,
a learner with the fix off beside one with it on, and what 20 seeds say.

Read widgets -> a FailureMode (alcore.failures, tuned by alcore.lab) ->
alcore -> arrays -> ui.figures -> page. One tab per failure; only the open
tab runs (``st.tabs(on_change="rerun")``). In each, the live pair (buttons,
panels, learning curves, live figures) is one fragment, so a Step reruns only
that; the measurement over seeds is cached per condition, so moving the fix's
slider re-runs only the fix-on learner.
"""

from __future__ import annotations

import dataclasses
import time
from concurrent.futures import wait

import numpy as np
import streamlit as st

from alcore import lab
from alcore.data import DATASETS, make_dataset
from alcore.failures import FAILURES, FailureMode
from alcore.models import MODELS
from alcore.registry import STRATEGIES
from ui import controls, figures, shared, state
from ui.state import Param

PAGE = "failures"
GRID = 60
N_POOL, N_TEST = 1000, 500      # the scenarios' sizes in alcore.failures (live run and measurement agree)
ORDER = ("miscalibration", "sampling_bias", "outlier_attraction", "cold_start")
COLD_SEED_DEFAULT = FAILURES["cold_start"].seed_size

PARAMS = (
    Param("tab", ORDER[0], choices=ORDER, label="failure"),
    Param("temp", True, label="temperature scaling switch"),
    Param("eps_on", True, label="epsilon-greedy switch"),
    Param("eps", dict(FAILURES["sampling_bias"].fix)["epsilon"], low=0.0, high=0.5, digits=2, label="epsilon"),
    Param("dens_on", True, label="density weighting switch"),
    Param("beta", dict(FAILURES["outlier_attraction"].fix)["density_beta"], low=0.0, high=3.0, digits=2,
          label="beta"),
    Param("cseed_on", True, label="clustered seed switch"),
    Param("init", COLD_SEED_DEFAULT, low=3, high=20, label="starting labels"),
    Param("speed", "normal", choices=tuple(controls.SPEEDS), label="play speed"),
    Param("seed", 0, low=0, high=999_999, label="seed"),
    Param("n", 0, low=0, high=60, label="rounds taken"),
    Param("seeds", 20, low=3, high=50, label="number of seeds"),
)

# Per failure: the fix's switch and slider (URL names), and the words for it.
FIXES = {
    "miscalibration": dict(switch="temp", slider=None, name="temperature scaling",
                           toggle="Temperature scaling"),
    "sampling_bias": dict(switch="eps_on", slider="eps", name="epsilon-greedy", toggle="Epsilon-greedy"),
    "outlier_attraction": dict(switch="dens_on", slider="beta", name="density weighting",
                               toggle="Density weighting"),
    "cold_start": dict(switch="cseed_on", slider=None, name="the clustered seed", toggle="Clustered seed"),
}

# One plain paragraph per failure: the cause, and what the fix does about it. The
# measured effect is stated next to it from the numbers, never from this text.
STORIES = {
    "miscalibration": (
        "A flexible model (here a cubic logistic regression) trained on a few dozen labels of three "
        "overlapping classes says it is 90% sure where it is right far less often: it is "
        "**overconfident**. Active learning trusts those probabilities to decide what is uncertain. "
        "**Temperature scaling** fits one number, T, on held-out predictions of the labeled points and "
        "divides the model's logits by it, so its confidence matches how often it is right. It never "
        "changes which class the model predicts, and for one query at a time on two classes it cannot "
        "change which point looks most uncertain; with three classes and the margin strategy it "
        "sometimes does. Watch whether the queries change at all."),
    "sampling_bias": (
        "Uncertainty sampling only asks about points near its current boundary. Here a small cluster of "
        "the orange class sits far out beyond the blue blob (outlined squares). The model is confidently "
        "wrong there, so it never asks, and never learns it is wrong: its labeled set stops looking like "
        "the data. **Epsilon-greedy** makes each query, with probability epsilon, a uniformly random "
        "point instead, so sooner or later one lands in the cluster. Move epsilon and the measurement on "
        "the right follows it: a little exploration may not be enough."),
    "outlier_attraction": (
        "Far from the data, the members of a committee disagree most, so a disagreement-based learner "
        "spends its labels on isolated points (outlined squares) whose labels are random noise, and "
        "learns little from them. **Density weighting** multiplies each point's score by how crowded the "
        "pool is around it, to the power beta: isolated points lose their appeal, points in the thick of "
        "the data keep it."),
    "cold_start": (
        "With a handful of random first labels, the model has seen only some of the twelve small "
        "clusters; its uncertainty elsewhere means little, and the first queries go to fixing regions it "
        "happens to know about. **The clustered seed** spends the same starting labels differently: "
        "k-means on the unlabeled pool, then the point nearest each centre, so the first labels cover "
        "the data before active learning begins. Both learners then use the same strategy."),
}

# How each figure is shown: (scale, digits, unit, plain name, short column head).
FORMATS = {
    "hidden_never_labeled": (100, 0, "%", "runs that never label the hidden cluster", "never found the cluster"),
    "outlier_query_share": (100, 0, "%", "queries that hit an outlier", "queries on outliers"),
    "mean_accuracy_first_20": (100, 1, "%", "mean accuracy over the first 20 queries",
                               "accuracy, first 20 queries"),
    "ece": (1, 3, "", "calibration error (ECE) of the probabilities the strategy uses", "ECE used"),
    "ece_raw": (1, 3, "", "calibration error (ECE) of the model before scaling", "ECE unscaled"),
    "accuracy": (100, 1, "%", "test accuracy after the last query", "final accuracy"),
}
CONDITION_NAMES = {"off": "Fix off", "on": "Fix on", "random": "Random sampling"}


def _tab_label(name: str) -> str:
    return FAILURES[name].label


def _sync_tab() -> None:
    """Make the URL's failure follow the open tab (and its round), however the tab was chosen."""
    label = st.session_state.get(f"{PAGE}.tabs")
    for name in ORDER:
        if _tab_label(name) == label and st.session_state.get(state.key(PAGE, "tab")) != name:
            races = st.session_state.get(f"{PAGE}.{name}.races")
            state.set_values(PAGE, {"tab": name, "n": _rounds(races) if races else 0})


def _rounds(races: dict) -> int:
    return len(races["off"].loops["learner"].history) - 1


def _mode(name: str, v: dict) -> FailureMode:
    """The failure with the page's fix value (the measured and the live one)."""
    fix = FIXES[name]
    if name == "cold_start":
        return lab.tuned(name, seed_size=int(v["init"]))
    if fix["slider"] is not None:
        return lab.tuned(name, float(v[fix["slider"]]))
    return FAILURES[name]


def _fix_text(name: str, v: dict) -> str:
    """The fix with its setting, in words: 'epsilon-greedy (epsilon 0.2)'."""
    fix = FIXES[name]
    if name == "sampling_bias":
        return f"{fix['name']} (epsilon {v['eps']:g})"
    if name == "outlier_attraction":
        return f"{fix['name']} (beta {v['beta']:g})"
    return fix["name"]


def _budget(mode: FailureMode) -> int:
    return mode.seed_size + mode.n_queries


# -- settings ---------------------------------------------------------------------------------------

notes = state.bind(PAGE, PARAMS)
session = st.session_state

st.title("When active learning fails")
st.markdown("Active learning chooses its own training data, and that can go wrong in four classic ways. "
            "Each tab sets up one of them. Two learners get the same data and the same starting labels: "
            "the **left one has the fix off**, the **right one has it on**. Step them together, switch the "
            "fix on and off, and check the right-hand column: what the fix does over many seeds, "
            "including when it does not help.")

with st.sidebar:
    st.header("Run")
    controls.speed_select(state.key(PAGE, "speed"))
    st.caption("Every tab's learners take the same seed (Reset keeps it, New seed draws another); the "
               "settings and the round are in the link, so it reproduces what you see.")

v = state.values(PAGE, PARAMS)
state.show_notes(notes)
if f"{PAGE}.tabs" not in session:  # first visit, or back from another page (Streamlit forgot the tab)
    session[f"{PAGE}.tabs"] = _tab_label(v["tab"])
tabs = st.tabs([_tab_label(name) for name in ORDER], key=f"{PAGE}.tabs", on_change="rerun")
_sync_tab()


# -- the live pair: fix off and fix on, stepped together ---------------------------------------------

def _new_races(name: str, mode: FailureMode, fix_on: bool, seed: int, rounds: int, key: tuple) -> None:
    """Both learners on one draw of the data, replayed to `rounds` steps."""
    data = make_dataset(mode.dataset, n_pool=N_POOL, n_test=N_TEST, random_state=int(seed))
    races = {"off": lab.start(mode, int(seed), "off", data=data),
             "on": lab.start(mode, int(seed), "on" if fix_on else "off", data=data)}
    for race in races.values():  # past rounds' pool utilities are never read here
        for loop in race.loops.values():
            loop.keep_utilities = 0
    session[f"{PAGE}.{name}.races"] = races
    session[f"{PAGE}.{name}.key"] = key
    session[f"{PAGE}.{name}.pool_alpha"] = figures.pool_mask(data.X_pool, data.bounds)
    session[f"{PAGE}.{name}.grid"] = figures.make_grid(data.bounds, GRID)[2]
    session[f"{PAGE}.{name}.changed"] = []  # rounds where temperature changed the fix-on pick
    session[f"{PAGE}.{name}.revision"] = session.get(f"{PAGE}.{name}.revision", 0) + 1
    _advance(name, mode, rounds)


def _finished(races: dict, mode: FailureMode) -> bool:
    return all(r.loops["learner"].n_labeled >= _budget(mode) or r.loops["learner"].n_unlabeled == 0
               for r in races.values())


def _advance(name: str, mode: FailureMode, steps: int) -> int:
    """Step both learners up to `steps` times within the scenario's queries; returns steps taken."""
    races = session[f"{PAGE}.{name}.races"]
    on = races["on"].loops["learner"]
    taken = 0
    for _ in range(steps):
        if _finished(races, mode):
            break
        watch = name == "miscalibration" and on.config.temperature
        unscaled = lab.pick_without_temperature(on) if watch else None
        for race in races.values():
            race.step()
        if watch:  # (did scaling change the pick?, the point it would have asked without scaling)
            session[f"{PAGE}.{name}.changed"].append((int(on.history[-1].queried[0]) != unscaled, unscaled))
        taken += 1
    session[f"{PAGE}.{name}.revision"] = session.get(f"{PAGE}.{name}.revision", 0) + taken
    state.set_values(PAGE, {"n": _rounds(races)})
    return taken


def _subtitle(name: str, loop, data) -> str:
    """What each panel states under its title (figures from alcore.lab)."""
    text = f"test accuracy {loop.curve[1][-1]:.1%}"
    if name == "sampling_bias":
        found = lab.first_marked(loop, data.marked)
        if found is None:
            text += " · hidden cluster: <b>not labeled yet</b>"
        elif found <= loop.history[0].queried.size:
            text += " · hidden cluster: in the starting labels"
        else:
            text += f" · hidden cluster: <b>found at label {found}</b>"
    elif name == "outlier_attraction":
        hits, made = lab.marked_queries(loop, data.marked)
        text += f" · queries on outliers: <b>{hits} of {made}</b>"
    elif name == "cold_start":
        mean = lab.accuracy_over_queries(loop, 20)
        if np.isfinite(mean):
            text += f" · mean over its queries: {mean:.1%}"
    return text


def live_pair(name: str, mode: FailureMode, fix_on: bool) -> None:
    """Buttons, the two panels with learning curves, and the failure's live figures (one fragment)."""
    playing = bool(session.get(f"{PAGE}.{name}.playing", False))
    interval = controls.SPEEDS.get(v["speed"], controls.SPEEDS["normal"])

    def on_action(action: str) -> None:
        session.pop(f"{PAGE}.{name}.step_error", None)
        try:
            if action == "step":
                _advance(name, mode, 1)
            elif action == "run10":
                _advance(name, mode, 10)
            elif action in ("reset", "new_seed"):
                seed = int(np.random.default_rng().integers(0, 1_000_000)) if action == "new_seed" else v["seed"]
                state.set_values(PAGE, {"seed": seed})
                key = session[f"{PAGE}.{name}.key"][:-1] + (seed,)
                _new_races(name, mode, fix_on, seed, 0, key)
            elif action in ("play", "pause"):
                session[f"{PAGE}.{name}.playing"] = action == "play"
                session[f"{PAGE}.{name}.last_tick"] = 0.0
        except ValueError as error:
            session[f"{PAGE}.{name}.playing"] = False
            session[f"{PAGE}.{name}.step_error"] = f"The learners could not take that step: {error}"

    @st.fragment(run_every=interval if playing else None)
    def live() -> None:
        races = session[f"{PAGE}.{name}.races"]
        is_playing = bool(session.get(f"{PAGE}.{name}.playing", False))
        if is_playing and not _finished(races, mode) and \
                time.monotonic() - session.get(f"{PAGE}.{name}.last_tick", 0.0) >= 0.8 * interval:
            on_action("step")  # a tick of Play
            session[f"{PAGE}.{name}.last_tick"] = time.monotonic()
        if is_playing and _finished(races, mode):
            session[f"{PAGE}.{name}.playing"] = is_playing = False
        if is_playing != playing:
            st.rerun()  # Play / Pause change the fragment's timer, which only a full run can set
        controls.run_buttons(f"{PAGE}.{name}.run", playing=is_playing, finished=_finished(races, mode),
                             on_action=on_action)
        if f"{PAGE}.{name}.step_error" in session:
            st.error(session[f"{PAGE}.{name}.step_error"], icon=":material/error:")
        races = session[f"{PAGE}.{name}.races"]  # Reset and New seed make new ones
        state.write_url(PAGE, PARAMS)

        loops = {side: race.loops["learner"] for side, race in races.items()}
        data = races["off"].dataset
        rounds = _rounds(races)
        first = loops["off"]
        status = (f"Round {rounds} · {first.n_labeled} labels each ({mode.seed_size} to start, "
                  f"{mode.n_queries} queries)" + (" · **all queries made**" if _finished(races, mode) else "")
                  + (" · playing" if is_playing else ""))
        st.markdown(status)

        grid = session[f"{PAGE}.{name}.grid"]
        marked = data.marked if name in ("sampling_bias", "outlier_attraction") else None
        titles = {"off": f"Fix off: {STRATEGIES[mode.strategy].label}",
                  "on": f"Fix on: + {_fix_text(name, v)}" if fix_on else "Fix switched off: same as left"}
        panels = []
        for side, loop in loops.items():
            probs = loop.predict_proba(grid).reshape(GRID, GRID, -1)
            image = figures.panel_image(probs, data.bounds, pool_alpha=session[f"{PAGE}.{name}.pool_alpha"])
            if name == "cold_start":
                newest = lab.queried_points(loop, 20)  # the first 20 queries, numbered
            else:
                newest = loop.history[-1].queried if rounds > 0 else None
            panels.append(figures.Panel(
                title=titles[side], subtitle=_subtitle(name, loop, data), image=figures.jpeg_data_uri(image),
                X_labeled=data.X_pool[loop.labeled_indices], y_labeled=loop.labels,
                X_new=None if newest is None or not len(newest) else data.X_pool[newest],
                pick_order=name == "cold_start", X_marked=None if marked is None else data.X_pool[marked],
            ))
        changed = session.get(f"{PAGE}.{name}.changed", [])
        if name == "miscalibration" and fix_on and rounds > 0 and changed and changed[-1][0]:
            # the point the fix-on learner would have asked for without scaling, this round
            panels[1] = dataclasses.replace(panels[1], X_marked=data.X_pool[[changed[-1][1]]])
        revision = session.get(f"{PAGE}.{name}.revision", 0)
        curves = {"fix off": loops["off"].curve, "fix on" if fix_on else "right (fix off)": loops["on"].curve}
        figure = figures.pool_panels(panels, data.bounds, revision=revision, curves=curves, height=400,
                                     current=first.n_labeled, x_range=(0, _budget(mode) + 1),
                                     y_range=figures.accuracy_range(*(acc for _, acc in curves.values())),
                                     curve_colours=(figures.LEARNER_COLOURS[1], figures.LEARNER_COLOURS[0]))
        st.plotly_chart(figure, theme=None, config=figures.PLOTLY_CONFIG,
                        key=f"{PAGE}.{name}.live.{revision}.{fix_on}")
        caption = ("Top: the colour is the class the model predicts, pale where it is unsure; the dark line "
                   "is its decision boundary. Grey dots are unlabeled, coloured dots labeled. ")
        if name == "cold_start":
            caption += "Rings number the first 20 queries in order. "
        else:
            caption += "The ring is the newest query. "
        if name == "miscalibration" and fix_on:
            caption += ("On the right, a square marks the point the learner would have asked for without "
                        "scaling, in rounds where scaling changed the pick. ")
        if marked is not None:
            caption += ("Outlined squares are the hidden cluster. " if name == "sampling_bias"
                        else "Outlined squares are the outliers (random labels). ")
        caption += "Bottom: test accuracy after each label; the dotted line is now."
        st.caption(caption)
        if not fix_on:
            st.info("The fix is switched off, so both learners are the same learner and make the same "
                    "queries. Switch it on to compare.", icon=":material/toggle_off:")
        for loop_note in {loop.note for loop in loops.values() if loop.note}:
            st.info(loop_note, icon=":material/info:")
        live_figures(name, loops, data, fix_on, revision)

    live()


def live_figures(name: str, loops: dict, data, fix_on: bool, revision: int) -> None:
    """The failure's own live figures under the panels."""
    off, on = loops["off"], loops["on"]
    cards = st.columns(3)
    if name == "sampling_bias":
        for column, (side, loop) in zip(cards, loops.items()):
            found = lab.first_marked(loop, data.marked)
            column.metric(f"Hidden cluster, fix {side}", "not labeled" if found is None else "labeled",
                          "never asked about it yet" if found is None else f"first at label {found}",
                          delta_color="off", delta_arrow="off")
    elif name == "outlier_attraction":
        for column, (side, loop) in zip(cards, loops.items()):
            hits, made = lab.marked_queries(loop, data.marked)
            column.metric(f"Queries on outliers, fix {side}", f"{hits} of {made}",
                          f"{hits / made:.0%} of its queries" if made else "no queries yet",
                          delta_color="off", delta_arrow="off")
    elif name == "cold_start":
        for column, (side, loop) in zip(cards, loops.items()):
            mean = lab.accuracy_over_queries(loop, 20)
            column.metric(f"Mean accuracy over the first 20 queries, fix {side}",
                          "n/a" if np.isnan(mean) else f"{mean:.1%}",
                          f"over {min(lab.queried_points(loop).size, 20)} queries so far",
                          delta_color="off", delta_arrow="off")
    if name != "miscalibration":
        acc_off, acc_on = off.curve[1][-1], on.curve[1][-1]
        cards[2].metric("Accuracy now, fix on", f"{acc_on:.1%}", f"{100 * (acc_on - acc_off):+.1f} pts vs fix off",
                        delta_color="normal" if acc_on != acc_off else "off")
        return

    report = lab.calibration(on, data.X_test, data.y_test)
    cards[0].metric("ECE before scaling", f"{report.ece_raw:.3f}", "the model's own probabilities",
                    delta_color="off", delta_arrow="off")
    cards[1].metric("ECE after scaling", f"{report.ece_scaled:.3f}" if fix_on else "(fix off)",
                    f"{report.ece_scaled - report.ece_raw:+.3f}" if fix_on else "switch it on",
                    delta_color="inverse" if fix_on and report.ece_scaled != report.ece_raw else "off",
                    delta_arrow="auto" if fix_on else "off")
    cards[2].metric("Temperature T", f"{report.temperature:.2f}" if fix_on else "1 (off)",
                    "T > 1 softens overconfident probabilities" if fix_on else "no scaling",
                    delta_color="off", delta_arrow="off")
    bins = {"before scaling": (report.raw.confidence, report.raw.accuracy, report.raw.counts)}
    if fix_on:
        bins[f"after scaling (T = {report.temperature:.2f})"] = (report.scaled.confidence,
                                                                report.scaled.accuracy, report.scaled.counts)
    chart, words = st.columns([3, 2], vertical_alignment="center")
    chart.plotly_chart(figures.reliability_diagram(bins, height=280, revision=revision,
                                                   colours=(figures.LEARNER_COLOURS[1], figures.LEARNER_COLOURS[0])),
                       theme=None, config=figures.PLOTLY_CONFIG, key=f"{PAGE}.reliability.{revision}.{fix_on}")
    words.caption("Reliability diagram of the fix-on learner's model on the test set: each dot is a group of "
                  "predictions with similar confidence (bigger = more of them). On the dashed line, "
                  "80% sure means right 80% of the time; below it, the model is overconfident. ECE is the "
                  "average gap.")
    changed = session.get(f"{PAGE}.{name}.changed", [])
    if not fix_on:
        words.markdown("**Queries:** switch scaling on to see whether it changes them.")
    elif not changed:
        words.markdown("**Queries:** none made yet.")
    else:
        rounds = [str(i + 1) for i, (c, _) in enumerate(changed) if c]
        words.markdown(f"**Queries changed by scaling: {len(rounds)} of {len(changed)}**"
                       + (f" (rounds {', '.join(rounds)})." if rounds else
                          ": the scaled and unscaled probabilities rank the same point first every time."))


# -- the measured effect over seeds ------------------------------------------------------------------

def _job_key(mode: FailureMode, condition: str, n_seeds: int) -> tuple:
    # The fix-off and random learners do not depend on the fix's setting (only the cold start's
    # seed-set size changes them), so they are measured once under the failure's defaults.
    if condition != "on" and mode.name != "cold_start":
        mode = FAILURES[mode.name]
    return mode, condition, int(n_seeds)


def _result_or_job(key: tuple):
    """(result, None) when the measurement is cached, else (None, the job running it)."""
    mode, condition, n_seeds = key

    def measure(progress):
        return lab.measure_condition(mode, condition, range(n_seeds), n_pool=N_POOL, n_test=N_TEST,
                                     progress=progress)

    return shared.result_or_job(PAGE, ("failures.condition",) + key, measure)


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fmt(metric: str, value) -> str:
    """'80% (24–100)': the mean with its interval, the unit once."""
    scale, digits, unit = FORMATS[metric][:3]
    if np.isnan(value.mean):
        return "n/a"
    text = f"{value.mean * scale:.{digits}f}{unit}"
    if not np.isnan(value.low):
        text += f" ({value.low * scale:.{digits}f}–{value.high * scale:.{digits}f})"
    return text


def _points(metric: str, difference) -> str:
    """A difference with its interval, signed: '-15 points (-32 to +2)'."""
    scale, digits, unit = FORMATS[metric][:3]
    word = " points" if unit == "%" else ""
    return (f"{difference.mean * scale:+.{digits}f}{word} ({difference.low * scale:+.{digits}f} to "
            f"{difference.high * scale:+.{digits}f})")


POLL = 1.0  # seconds between looks at a running measurement


def _cached(mode: FailureMode, n_seeds: int) -> bool:
    """True when all three conditions' measurements are in the cache."""
    for condition in ("off", "on", "random"):
        try:
            shared.cached(("failures.condition",) + _job_key(mode, condition, n_seeds))
        except shared.NotCached:
            return False
    return True


def evidence_view(name: str, mode: FailureMode, v: dict) -> None:
    """The measured effect; while it is running, a fragment that looks at it every second."""
    polling = not _cached(mode, int(v["seeds"]))

    @st.fragment(run_every=POLL if polling else None)
    def view() -> None:
        pending = measured_effect(name, mode, v, first=not session.get(f"{PAGE}.{name}.polled"))
        session[f"{PAGE}.{name}.polled"] = pending
        if polling and not pending:
            st.rerun()  # done: a full run stops the timer (only a full run can set it)

    view()


def measured_effect(name: str, mode: FailureMode, v: dict, first: bool = True) -> bool:
    """Draw the measured effect; returns True while it is still running."""
    n_seeds = int(v["seeds"])
    fix = _fix_text(name, v)
    st.markdown(f"#### Measured over {n_seeds} seeds")
    st.caption(f"{n_seeds} draws of the data and starting labels, each run to the end ({mode.n_queries} "
               "queries); fix off and fix on get the same draws. Mean (95% interval).")
    conditions = ("off", "on", "random")
    keys = {condition: _job_key(mode, condition, n_seeds) for condition in conditions}
    pending = {}
    runs = {}
    try:
        for condition, key in keys.items():
            runs[condition], job = _result_or_job(key)
            if job is not None:
                pending[condition] = job
        if pending and first:  # a short wait: quick measurements are done before the first poll
            wait([job.future for job in pending.values()], timeout=0.3)
            for condition in list(pending):
                runs[condition], job = _result_or_job(keys[condition])
                if job is None:
                    pending.pop(condition)
    except ValueError as error:  # settings the engine refuses: say so, keep the page alive
        st.error(f"The measurement could not run: {error}", icon=":material/error:")
        return False
    except shared.Busy as busy:  # the shared worker's queue is full: wait for room, keep polling
        st.info(f"The server is busy measuring {busy.args[0]} other settings for other visitors. This "
                "measurement starts as soon as there is room; meanwhile, step the learners above.",
                icon=":material/hourglass_empty:")
        return True
    if pending:
        done = sum(1.0 if c not in pending else pending[c].progress for c in conditions) / len(conditions)
        elapsed = time.perf_counter() - min(job.started for job in pending.values())
        st.progress(done, text=f"Running {n_seeds} seeds ({', '.join(CONDITION_NAMES[c].lower() for c in pending)})"
                               f"... {done:.0%}, {elapsed:.0f} s")
        st.caption("This runs in the background: step the learners meanwhile. The result is kept, so these "
                   "settings come back instantly.")
        return True
    metrics = list(runs["off"])
    rows = ["| | " + " | ".join(FORMATS[m][4] for m in metrics) + " |", "|---" * (len(metrics) + 1) + "|"]
    for condition in conditions:
        rows.append(f"| {CONDITION_NAMES[condition]} | "
                    + " | ".join(_fmt(m, lab.summarise(runs[condition][m])) for m in metrics) + " |")
    st.markdown("\n".join(rows))

    main = {"miscalibration": "ece", "sampling_bias": "hidden_never_labeled",
            "outlier_attraction": "outlier_query_share", "cold_start": "mean_accuracy_first_20"}[name]
    result = lab.compare(runs["off"][main], runs["on"][main], lab.HIGHER_IS_BETTER[main])
    cost = lab.compare(runs["off"]["accuracy"], runs["on"]["accuracy"], True)
    what = FORMATS[main][3]
    if result.verdict == "same":
        st.info(f"With this setting {fix} changes nothing: every seed gives the same {what} as with the fix "
                "off.", icon=":material/balance:")
    elif result.verdict == "helps":
        st.success(f"**{_upper(fix)} helps here.** {_upper(what)}: {_fmt(main, result.off)} with the fix "
                   f"off, {_fmt(main, result.on)} with it on: a change of {_points(main, result.difference)}.",
                   icon=":material/check_circle:")
    elif result.verdict == "hurts":
        st.warning(f"**{_upper(fix)} makes it worse here.** {_upper(what)}: {_fmt(main, result.off)} with the "
                   f"fix off, {_fmt(main, result.on)} with it on; the paired change is "
                   f"{_points(main, result.difference)}.", icon=":material/trending_down:")
    else:
        st.warning(f"**No clear effect over {n_seeds} seeds.** {_upper(what)}: {_fmt(main, result.off)} with the "
                   f"fix off, {_fmt(main, result.on)} with it on; the change, {_points(main, result.difference)}, "
                   "could be zero: on this setting the fix does not clearly help.", icon=":material/balance:")
    if cost.verdict == "hurts":
        st.warning(f"**It costs accuracy:** the final test accuracy changes by {_points('accuracy', cost.difference)}.",
                   icon=":material/trending_down:")
    elif cost.verdict == "helps":
        st.markdown(f"Final test accuracy rises too: {_points('accuracy', cost.difference)}.")
    elif cost.verdict == "no clear effect":
        st.markdown(f"Final test accuracy: no clear change, {_points('accuracy', cost.difference)}.")
    with st.expander("What the columns mean, and the script"):
        st.markdown("\n".join(f"- **{FORMATS[m][4].capitalize()}**: {FORMATS[m][3]}." for m in metrics)
                    + "\n- **Random sampling**: the same model fed random points, for reference: is the "
                      "failure worse than not choosing at all?")
        st.code(f"python bench/bench_failures.py --failure {name}"
                + (f" --fix-value {v[FIXES[name]['slider']]:g}" if FIXES[name]["slider"] else "")
                + (f" --seed-size {mode.seed_size}" if name == "cold_start" else "")
                + f" --seeds {n_seeds}", language="bash")
    return False


# -- one tab ---------------------------------------------------------------------------------------------

def failure_tab(name: str) -> None:
    mode = _mode(name, v)
    fix = FIXES[name]
    info = DATASETS[mode.dataset]
    story, evidence = st.columns([3, 2], gap="large")
    with story:
        st.markdown(STORIES[name])
        st.caption(f"Data: {info.label.lower()}, {N_POOL:,} pool points. Model: {MODELS[mode.model].label}. "
                   f"Strategy: {STRATEGIES[mode.strategy].label}. Starting labels: {mode.seed_size} "
                   f"({'a few per class' if mode.seed_method == 'per_class' else 'at random'}"
                   f"{', or clustered with the fix on' if name == 'cold_start' else ''}), then {mode.n_queries} "
                   "queries.")
        fix_on = st.toggle(f"{fix['toggle']} on the right-hand learner", key=state.key(PAGE, fix["switch"]),
                           help="Switch the fix on the right-hand learner. Its run is replayed from the same "
                                "starting labels to the same round.")
        row = st.columns([1, 1])
        with row[0]:
            if name == "sampling_bias":
                st.slider("Epsilon", 0.0, 0.5, step=0.05, key=state.key(PAGE, "eps"), format="%.2f",
                          help="The chance that a query is a random point instead of the most uncertain one.")
                st.caption("Chance per query of a random point. 0 = pure uncertainty sampling.")
            elif name == "outlier_attraction":
                st.slider("Beta", 0.0, 3.0, step=0.25, key=state.key(PAGE, "beta"), format="%.2f",
                          help="How strongly crowded regions are preferred: scores are multiplied by density "
                               "to this power.")
                st.caption("Weight of density: 0 = none, higher = isolated points count for less.")
            elif name == "cold_start":
                st.slider("Starting labels", 3, 20, key=state.key(PAGE, "init"),
                          help="Labels each learner gets before it starts asking: at random on the left, "
                               "clustered on the right.")
                st.caption("The same number for both: random on the left, one per k-means cluster on the "
                           "right.")
            else:
                st.caption("Temperature scaling has no knob: T is fitted on the labeled points (held-out "
                           "folds) after each query.")
    mode = _mode(name, state.values(PAGE, PARAMS))
    vv = state.values(PAGE, PARAMS)
    key = (name, mode, bool(fix_on), int(vv["seed"]))
    try:
        if session.get(f"{PAGE}.{name}.key") != key:
            races = session.get(f"{PAGE}.{name}.races")
            if races is not None:
                rounds = _rounds(races)          # a live switch: replay to the same round
            elif not session.get(f"{PAGE}._url_used") and vv["tab"] == name:
                rounds = int(vv["n"])            # the link's round, for the tab it opened on
            else:
                rounds = 0
            session[f"{PAGE}._url_used"] = True
            _new_races(name, mode, bool(fix_on), int(vv["seed"]), min(rounds, mode.n_queries), key)
    except ValueError as error:  # settings the engine refuses: say so, keep the page alive
        st.error(f"These settings do not work together: {error}", icon=":material/error:")
        return
    live_pair(name, mode, bool(fix_on))          # full width, under the story
    with evidence:                                # filled last: the live run is usable meanwhile
        evidence_view(name, mode, vv)


for tab, name in zip(tabs, ORDER):
    if tab.open:
        with tab:
            v = state.values(PAGE, PARAMS)
            failure_tab(name)
state.write_url(PAGE, PARAMS)
