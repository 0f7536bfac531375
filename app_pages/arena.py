"""The Arena: two learners race on the same pool, seed set and test split.

Read widgets -> a frozen config -> alcore -> arrays -> ui.figures -> page.
The live race (buttons, panels, learning curve) is one fragment, so a Step
reruns only that; the 20-seed view below is cached per configuration.
"""

from __future__ import annotations

import time
from concurrent.futures import wait

import numpy as np
import streamlit as st

from alcore.data import make_dataset
from alcore.loop import LoopConfig, Race, race_curves
from alcore.models import MODELS
from alcore.registry import STRATEGIES
from alcore.stats import summarize_race
from ui import controls, figures, shared, state
from ui.state import Param
from ui.verdicts import race_verdict

PAGE = "arena"
GRID = 60                       # model map resolution (60 x 60 predictions per panel)
MAX_POOL = 5000
STRATEGY_NAMES = tuple(controls.strategy_names())
PARAMS = controls.data_params(init=4, max_pool=MAX_POOL) + (
    Param("model", "logreg", choices=tuple(MODELS), label="model"),
    Param("a", "margin", choices=STRATEGY_NAMES, label="strategy A"),
    Param("b", "random", choices=STRATEGY_NAMES, label="strategy B"),
    Param("budget", 100, low=10, high=300, label="label budget"),
    Param("batch", 1, low=1, high=20, label="batch size"),
    Param("speed", "normal", choices=tuple(controls.SPEEDS), label="play speed"),
    Param("seed", 0, low=0, high=999_999, label="seed"),
    Param("n", 0, low=0, high=300, label="rounds taken"),
    Param("scores", False, label="score map"),
    Param("target", 0.85, low=0.5, high=0.99, digits=2, label="target accuracy"),
    Param("seeds", 20, low=3, high=50, label="number of seeds"),
)
P = {p.name: p for p in PARAMS}

# Presets: measured over 20 seeds before any sentence was written about them
# (see README, "The Arena", and bench/measure_presets.py).
PRESETS = {
    "blobs": dict(label="Overlapping blobs", values=dict(
        ds="blobs", noise=1.0, pool=1000, init=4, model="logreg", a="margin", b="random", budget=100,
        batch=1, target=0.85),
        text="The opening race. Over 20 seeds, margin reaches 85% sooner (9 labels against 20 on "
             "average), but from about 30 labels on the two are level: at 100 labels margin is ahead by "
             "0.2 points (-0.3 to 0.7), a tie."),
    "moons": dict(label="Curved boundary", values=dict(
        ds="moons", noise=0.2, pool=1000, init=4, model="knn", a="margin", b="random", budget=100,
        batch=1, target=0.95),
        text="Two moons and a model that can bend (k-NN). Over 20 seeds, margin reaches 95% with 17 "
             "labels, random with 39: 57% fewer (44 to 67%). Random catches up later: at 100 labels "
             "the gap is 0.5 points (0.0 to 0.9)."),
    "classes": dict(label="Many classes: entropy vs margin", values=dict(
        ds="multiblobs", noise=0.6, classes=8, pool=1000, init=8, model="logreg", a="margin",
        b="entropy", budget=100, batch=1, target=0.7),
        text="Eight overlapping classes, margin (A) against entropy (B). Over 20 seeds margin is 7.4 "
             "points ahead at 50 labels (5.4 to 9.4) and still 3.4 ahead at 100 (1.9 to 4.9); it "
             "reaches 70% with 29% fewer labels (15 to 39%). Entropy spreads its attention over "
             "classes that do not matter for the decision."),
}


def _apply_preset(name: str) -> None:
    values = dict(PRESETS[name]["values"])
    values.update(n=0, seed=0)
    state.set_values(PAGE, values)


def _learner_names(a: str, b: str) -> tuple[str, str]:
    return f"A: {STRATEGIES[a].label}", f"B: {STRATEGIES[b].label}"


# -- settings ---------------------------------------------------------------------------------

notes = state.bind(PAGE, PARAMS)
session = st.session_state

st.title("Arena: active vs random")
st.markdown("Two learners get the same pool, the same starting labels and the same test set. "
            "Each step, each one asks for a label. **A** picks with an active-learning strategy; "
            "**B** is random sampling unless you change it. Who learns faster?")

controls.preset_row(f"{PAGE}.preset", PRESETS, on_click=_apply_preset)
st.caption("Presets set everything at once (hover for what 20 seeds showed). Blobs: active learning "
           "is ahead for the first few labels, then random catches up. Curved boundary: active learning "
           "needs about half the labels to reach 95%. Many classes: margin beats entropy.")

with st.sidebar:
    controls.data_section(PAGE, PARAMS, notes)
    st.header("Model")
    controls.model_select(state.key(PAGE, "model"))
    st.header("Strategy")
    controls.strategy_select(state.key(PAGE, "a"), label="Learner A")
    controls.strategy_select(state.key(PAGE, "b"), label="Learner B")
    st.header("Run")
    budget_key = state.key(PAGE, "budget")
    session[budget_key], note = state.clamp(P["budget"], session[budget_key], high=session[state.key(PAGE, "pool")])
    if note:
        state.add_note(PAGE, note)
        notes.append(note)
    controls.budget_slider(budget_key)
    controls.batch_slider(state.key(PAGE, "batch"))
    controls.speed_select(state.key(PAGE, "speed"))

v = state.values(PAGE, PARAMS)
state.show_notes(notes)

configs = {
    name: LoopConfig(model=v["model"], strategy=strategy, batch_size=int(v["batch"]))
    for name, strategy in zip(_learner_names(v["a"], v["b"]), (v["a"], v["b"]))
}
names = list(configs)
race_key = (tuple(sorted(controls.dataset_kwargs(v).items())), v["init"], v["model"], v["a"], v["b"], v["batch"],
            v["seed"])


def _new_race(seed: int, rounds: int = 0) -> None:
    """Build the race for the current settings and replay `rounds` steps."""
    data = make_dataset(**controls.dataset_kwargs(v), random_state=int(seed))
    # keep_utilities=0: the page never reads past rounds' pool utilities (one float per pool point
    # per round); a session's memory then grows by a few numbers per round, not a pool vector.
    race = Race(data, configs, seed=int(seed), seed_size=int(v["init"]), keep_utilities=0)
    session[f"{PAGE}.race"] = race
    session[f"{PAGE}.race_key"] = race_key[:-1] + (int(seed),)
    session[f"{PAGE}.pool_alpha"] = figures.pool_mask(data.X_pool, data.bounds)
    session[f"{PAGE}.grid"] = figures.make_grid(data.bounds, GRID)[2]
    session[f"{PAGE}.pick_scores"] = {}
    session[f"{PAGE}.revision"] = session.get(f"{PAGE}.revision", 0) + 1
    _advance(race, rounds)


def _finished(race: Race) -> bool:
    return all(loop.n_labeled >= v["budget"] or loop.n_unlabeled == 0 for loop in race.loops.values())


def _advance(race: Race, steps: int) -> int:
    """Step every learner up to `steps` times within the budget; returns steps taken.

    Before the last step, when the score map is shown, each learner's
    acquisition scores on the map grid are kept: they are what chose the point
    ringed after the step.
    """
    taken = 0
    grid = session[f"{PAGE}.grid"]
    for i in range(steps):
        if _finished(race):
            break
        if i == steps - 1:  # only when the score map is shown: it costs a prediction per panel
            session[f"{PAGE}.pick_scores"] = {
                name: loop.scores(grid).reshape(GRID, GRID) for name, loop in race.loops.items()
                if not loop.strategy.is_random
            } if session.get(state.key(PAGE, "scores")) else {}
        for loop in race.loops.values():
            k = min(int(v["batch"]), int(v["budget"]) - loop.n_labeled)
            if k > 0 and loop.n_unlabeled:
                loop.step(race.oracle, k)
        taken += 1
    session[f"{PAGE}.revision"] = session.get(f"{PAGE}.revision", 0) + taken
    state.set_values(PAGE, {"n": len(next(iter(race.loops.values())).history) - 1})
    return taken


try:
    if session.get(f"{PAGE}.race_key") != race_key:
        # New settings start a new race; the link's round count applies to the first one only.
        rounds = int(v["n"]) if f"{PAGE}.race" not in session else 0
        _new_race(v["seed"], rounds)
except ValueError as error:  # settings the engine refuses: say so, keep the page alive
    st.error(f"These settings do not work together: {error}", icon=":material/error:")
    state.write_url(PAGE, PARAMS)
    st.stop()


# -- the live race: one fragment, so a click reruns only this -----------------------------------

playing = bool(session.get(f"{PAGE}.playing", False))
interval = controls.SPEEDS.get(v["speed"], controls.SPEEDS["normal"])


def _on_action(action: str) -> None:
    """Button callback: runs before the fragment redraws, so the buttons show its effect."""
    race: Race = session[f"{PAGE}.race"]
    session.pop(f"{PAGE}.step_error", None)
    try:
        if action == "step":
            _advance(race, 1)
        elif action == "run10":
            _advance(race, 10)
        elif action in ("reset", "new_seed"):
            seed = int(np.random.default_rng().integers(0, 1_000_000)) if action == "new_seed" else v["seed"]
            state.set_values(PAGE, {"seed": seed})
            _new_race(seed)
        elif action in ("play", "pause"):
            session[f"{PAGE}.playing"] = action == "play"
            session[f"{PAGE}.last_tick"] = 0.0
    except ValueError as error:
        session[f"{PAGE}.playing"] = False
        session[f"{PAGE}.step_error"] = f"The learners could not take that step: {error}"


@st.fragment(run_every=interval if playing else None)
def live_race() -> None:
    race: Race = session[f"{PAGE}.race"]
    is_playing = bool(session.get(f"{PAGE}.playing", False))
    if is_playing and not _finished(race) and \
            time.monotonic() - session.get(f"{PAGE}.last_tick", 0.0) >= 0.8 * interval:
        _on_action("step")  # a tick of Play
        session[f"{PAGE}.last_tick"] = time.monotonic()
    if is_playing and _finished(race):
        session[f"{PAGE}.playing"] = is_playing = False
    if is_playing != playing:
        st.rerun()  # Play / Pause change the fragment's timer, which only a full run can set
    controls.run_buttons(f"{PAGE}.run", playing=is_playing, finished=_finished(race), on_action=_on_action)
    if f"{PAGE}.step_error" in session:
        st.error(session[f"{PAGE}.step_error"], icon=":material/error:")
    race = session[f"{PAGE}.race"]  # Reset and New seed make a new one

    loops = race.loops
    first = next(iter(loops.values()))
    data = race.dataset
    rounds = len(first.history) - 1
    used_up = all(loop.n_unlabeled == 0 for loop in loops.values())
    status = (f"Round {rounds} · {first.n_labeled} labels each (budget {v['budget']})"
              + (" · **every pool point is labeled**: Reset or New seed to race again" if used_up else
                 " · **budget used**: raise it in the sidebar, or Reset" if _finished(race) else "")
              + (" · playing: Step and Run 10 add steps on top; Reset, New seed or a new setting "
                 "starts again from the starting labels" if is_playing else ""))
    top = st.container(horizontal=True, vertical_alignment="center")
    top.markdown(status, width="stretch")
    show_scores = top.toggle("Show acquisition scores", key=state.key(PAGE, "scores"),
                             help="Swap the model's confidence for the strategy's scores: "
                                  "dark where it most wants a label.")
    state.write_url(PAGE, PARAMS)

    for note in dict.fromkeys(loop.note for loop in loops.values() if loop.note):
        st.info(note, icon=":material/info:")  # for example: one class labeled so far
    grid = session[f"{PAGE}.grid"]
    pick_scores = session.get(f"{PAGE}.pick_scores", {})
    panels = []
    for name, loop in loops.items():
        probs = loop.predict_proba(grid).reshape(GRID, GRID, -1)
        scores = None
        accuracy = loop.curve[1][-1]
        subtitle = f"test accuracy {accuracy:.1%}"
        if show_scores:
            if loop.strategy.is_random:
                scores = np.zeros((GRID, GRID))
                subtitle += " · random: no preference, every point equally likely"
            elif name in pick_scores and rounds > 0:
                scores = pick_scores[name]
                subtitle += " · scores that picked the ringed point"
            else:
                scores = loop.scores(grid).reshape(GRID, GRID)
                subtitle += " · where it will ask next"
        image = figures.panel_image(probs, data.bounds, grid_scores=scores,
                                    pool_alpha=session[f"{PAGE}.pool_alpha"])
        newest = loop.history[-1].queried if rounds > 0 else None
        panels.append(figures.Panel(
            title=name, subtitle=subtitle, image=figures.jpeg_data_uri(image),
            X_labeled=data.X_pool[loop.labeled_indices], y_labeled=loop.labels,
            X_new=None if newest is None else data.X_pool[newest],
        ))
    revision = session.get(f"{PAGE}.revision", 0)
    curves = {name: loop.curve for name, loop in loops.items()}
    figure = figures.pool_panels(panels, data.bounds, revision=revision, curves=curves,
                                 y_range=figures.accuracy_range(*(acc for _, acc in curves.values())),
                                 current=first.n_labeled, x_range=(0, v["budget"] + 1))
    st.plotly_chart(figure, theme=None, config=figures.PLOTLY_CONFIG, key=f"{PAGE}.live.{revision}.{show_scores}")
    if show_scores:
        st.caption("Top: dark purple is where the strategy most wants a label (scaled per panel); the "
                   "ringed point is the one it just asked for. Grey dots are unlabeled, coloured dots "
                   "labeled. Bottom: test accuracy after each label in this race; the dotted line is now.")
    else:
        st.caption("Top: the colour is the class the model predicts, pale where it is unsure; the dark "
                   "line is its decision boundary. Grey dots are unlabeled, coloured dots labeled, the "
                   "ring is the newest query. Bottom: test accuracy after each label in this race; the "
                   "dotted line is now.")

    cards = st.container(horizontal=True)
    (name_a, loop_a), (name_b, loop_b) = list(loops.items())[:2]
    acc_a, acc_b = loop_a.curve[1][-1], loop_b.curve[1][-1]
    cards.metric(f"{name_a}: accuracy now", f"{acc_a:.1%}", f"{100 * (acc_a - acc_b):+.1f} pts vs B",
                 delta_color="normal" if acc_a != acc_b else "off")
    cards.metric(f"{name_b}: accuracy now", f"{acc_b:.1%}", f"{100 * (acc_b - acc_a):+.1f} pts vs A",
                 delta_color="normal" if acc_a != acc_b else "off")
    cards.metric(f"Labels each (budget {v['budget']})", f"{loop_a.n_labeled}")
    st.caption("Accuracy on the held-out test set, which no learner ever sees. One race is one "
               "roll of the dice: the view below repeats it over many seeds.")


live_race()

with st.expander("How to read the picture"):
    st.markdown(
        "- **Grey dots** are the pool: points nobody has labeled yet. **Coloured dots** are labeled, "
        "in the colour of their class. The **ring** is the point asked for in the last step.\n"
        "- The **background** is the model: the colour of the class it predicts, strong where it is "
        "sure and white where it is torn. The **dark line** is where its prediction flips.\n"
        "- **Show acquisition scores** swaps in the strategy's view: dark purple where a label "
        "would be worth most to it. Uncertainty strategies love the boundary; random has no "
        "favourites, so its map is blank.\n"
        "- Both panels use the same axes, the same pool, the same starting labels and the same "
        "test set, so any difference comes from which points each learner chose."
    )


# -- the same race over many seeds -------------------------------------------------------------

FIRST_WAIT = 0.5    # seconds a page waits for the multi-seed race before it goes to the background
POLL = 0.5          # seconds between looks at a race running in the background


def multi_seed(key: tuple, wait_for: float = 0.0):
    """The race over seeds: ``(result, None)`` when done, ``(None, job)`` while it runs.

    The result is (labels, {name: (n_seeds, n_points) accuracy}). The race
    runs in the page's background worker (``ui.shared.result_or_job``), so the
    learners above stay live however long it takes (20 seeds of a random forest
    take minutes); ``wait_for`` seconds are waited for quick ones. The result
    is cached per configuration for every session and kept in this one, and so
    is a ValueError (settings the engine refuses), which it raises.
    """
    kept = session.get(f"{PAGE}.multi_seed")
    if kept is not None and kept[0] == key:  # this session's own copy, from its last run
        if isinstance(kept[1], ValueError):
            raise kept[1]
        return kept[1], None
    _, data_kwargs, learners, budget, seed_size, n_seeds = key
    configs = {name: LoopConfig(model=model, strategy=strategy, batch_size=batch)
               for name, model, strategy, batch in learners}

    def compute(progress):
        return race_curves(lambda s: make_dataset(**dict(data_kwargs), random_state=s), configs,
                           range(n_seeds), budget, seed_size=seed_size, progress=progress)

    try:
        result, job = shared.result_or_job(PAGE, key, compute)
        if job is not None and wait_for:
            wait([job.future], timeout=wait_for)
            result, job = shared.result_or_job(PAGE, key, compute)
    except ValueError as error:
        session[f"{PAGE}.multi_seed"] = (key, error)
        raise
    if job is None:
        session[f"{PAGE}.multi_seed"] = (key, result)
    return result, job


def multi_seed_summary(labels, accuracy) -> None:
    """The target slider, the bands, the cards and the verdict."""
    target = st.slider("Target accuracy", 0.5, 0.99, step=0.01, key=state.key(PAGE, "target"), format="%.2f")
    st.caption("How many labels does each learner need to first reach this accuracy?")
    state.write_url(PAGE, PARAMS)  # a target move reruns only this view

    summary_key = (session[f"{PAGE}.multi_seed"][0], target)
    if session.get(f"{PAGE}.summary_key") != summary_key:  # a Step does not change it: keep it between runs
        summary = summarize_race(labels, accuracy, target, names[0], names[1])
        session[f"{PAGE}.summary"] = (summary, figures.curves_with_band(
            labels, summary.bands, target=target, height=320,
            y_range=figures.accuracy_range(*(band[1] for band in summary.bands.values()), target)))
        session[f"{PAGE}.summary_key"] = summary_key
    summary, bands_figure = session[f"{PAGE}.summary"]
    st.plotly_chart(bands_figure, theme=None, config=figures.PLOTLY_CONFIG, key=f"{PAGE}.bands")

    cards = st.container(horizontal=True)
    for name in names:
        cards.metric(f"{name}: labels to reach {target:.0%}", summary.needed[name].format(1),
                     f"reached in {summary.reached[name]} of {summary.n_seeds} seeds", delta_color="off",
                     delta_arrow="off")
    cards.metric("Labels A saves over B", summary.saving.format(0, 100, "%"),
                 f"over {summary.saving.n} seeds where both reached it", delta_color="off", delta_arrow="off")
    st.caption("Mean and 95% interval over seeds. The saving is 1 - (A's labels / B's labels), "
               "with a paired bootstrap interval; negative means A needs more.")

    second = "random sampling" if STRATEGIES[v["b"]].is_random else f"B ({STRATEGIES[v['b']].label})"
    verdict = race_verdict(summary, target, second)
    {"success": st.success, "warning": st.warning, "info": st.info}[verdict.kind](verdict.text,
                                                                                 icon=":material/balance:")


st.subheader(f"Over {v['seeds']} seeds")
st.caption(f"The same race with {v['seeds']} different draws of the data and starting labels. The line "
           "is the mean, the band its 95% interval: where the bands overlap, the difference could be luck.")
learners = tuple((name, c.model, c.strategy, c.batch_size) for name, c in configs.items())
multi_key = ("arena.multi_seed", race_key[0], learners, int(v["budget"]), int(v["init"]), int(v["seeds"]))
first_look = session.get(f"{PAGE}.looked_at") != multi_key  # later full runs (Play, a toggle) need not wait
session[f"{PAGE}.looked_at"] = multi_key
try:  # the first look waits a little: quick races are shown in this run, others are polled
    polling = multi_seed(multi_key, wait_for=FIRST_WAIT if first_look else 0.0)[1] is not None
except ValueError:
    polling = False
except shared.Busy:
    polling = True


@st.fragment(run_every=POLL if polling else None)
def multi_seed_view() -> None:
    try:
        result, job = multi_seed(multi_key)
    except ValueError as error:  # settings the engine refuses: say so, keep the page alive
        st.error(f"The multi-seed race could not run: {error}", icon=":material/error:")
        if polling:
            st.rerun()  # a full run stops the timer
        return
    except shared.Busy as busy:  # the worker's queue is full: wait for room, keep polling
        st.info(f"The server is busy with {busy.args[0]} other multi-seed races for other visitors. This one "
                "starts as soon as there is room; meanwhile, step the learners above.",
                icon=":material/hourglass_empty:")
        return
    if job is not None:
        st.progress(job.progress, text=f"Racing over {v['seeds']} seeds in the background... "
                                       f"{job.progress:.0%}, {time.perf_counter() - job.started:.0f} s")
        st.caption("Step the learners above meanwhile. The result is kept, so these settings come back "
                   "instantly.")
        return
    if polling:
        st.rerun()  # done: a full run shows it and stops the timer (only a full run can set it)
    multi_seed_summary(*result)


multi_seed_view()
