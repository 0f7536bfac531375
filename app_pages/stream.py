"""The stream lab: points arrive one at a time, and the learner asks for a label or lets each one pass.

A declaration on the live-lab machinery (ui.live): settings, presets and
measurement in ui.labs.stream, the learners in alcore.stream; here only
layout and words.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from alcore.registry import STRATEGIES
from alcore.stats import estimate, mean_interval
from ui import controls, figures, live, verdicts
from ui.labs import stream as spec

FADE = 25  # arrivals a passed point takes to fade out
ZONE_SHADE = 1.8  # the asking zone is painted at 1 / ZONE_SHADE of the score colour, so dots stay visible on it
TITLES = {"stream": "Stream learner", "random": "Random asking", "pool": "Pool-based (sees all)"}


def sidebar(session) -> None:
    controls.data_section(session, pool_label="Stream length",
                          pool_caption="Points that arrive, one per step, in random order (a separate test set "
                                       "scores the learners).",
                          start_caption="The first arrivals, labeled for every learner before it starts deciding.")
    st.header("Model")
    controls.model_select(session)
    st.header("Uncertainty")
    st.selectbox("Measure", list(spec.MEASURES), key=session.key("measure"),
                 format_func=lambda name: STRATEGIES[name].label)
    st.caption("How unsure the model is about an arrival, scaled from 0 (sure) to 1 (a coin toss).")
    st.header("Drift")
    st.toggle("Drifting stream", key=session.key("drift"),
              help="Half-way through, every new point and the test set turn about the middle of the picture.")
    st.slider("Turn at the drift (degrees)", 15, 180, step=15, key=session.key("angle"),
              disabled=not session.values()["drift"])
    st.caption("Half-way through the stream the whole picture turns, so the class boundary moves. 180 turns it "
               "upside down: each class lands where the other was.")
    st.header("Run")
    controls.speed_select(session)
    st.header("Measurement")
    controls.seeds_slider(session, "Streams the verdict below runs over: more seeds, narrower intervals, longer wait.")


def rule(view) -> None:
    threshold, budget, epsilon = st.columns(3, gap="medium")
    with threshold:
        st.slider("Ask threshold", 0.0, 1.0, step=0.05, key=view.key("threshold"), format="%.2f")
        st.caption("Ask when the uncertainty is at least this. 0 asks everything; near 1, only coin tosses.")
    with budget:
        pool = int(view.values["pool"])
        view.session.clamp("budget", 5, min(300, pool))
        st.slider("Label budget", 5, min(300, pool), step=5, key=view.key("budget"))
        st.caption("Labels the learner may buy in all, starting labels included. Then it must let everything pass.")
    with epsilon:
        st.slider("Epsilon (explore)", 0.0, 0.5, step=0.05, key=view.key("epsilon"), format="%.2f")
        st.caption("The chance of asking about a point below the threshold anyway, to notice what the model "
                   "is sure about and wrong.")


def status(view) -> str:
    stream = view.race.loops["stream"]
    text = f"{view.race.rounds} of {view.race.dataset.n} arrivals"
    if not stream.history:
        return text + " · press **Step** for the first arrival"
    last = stream.history[-1]
    if last.position < stream.n_start:
        said = "**asked**: a starting label"
    elif last.labeled:
        said = ("**asked** by the epsilon coin" if last.explored else
                f"**asked**: uncertainty {last.score:.2f} is at least {stream.threshold:.2f}")
    elif last.score >= stream.threshold:
        said = f"**passed**: uncertainty {last.score:.2f}, but the budget is spent"
    else:
        said = f"**passed**: uncertainty {last.score:.2f} is below {stream.threshold:.2f}"
    return f"{text} · the last one {said}" + (" · **the stream is over**: Reset or New seed" if view.race.finished
                                               else "")


def _picture(view, loop, X_labeled, y_labeled, **points) -> str:
    return figures.jpeg_data_uri(figures.panel_picture(view.predictions(loop), view.race.dataset.bounds,
                                                       X_labeled=X_labeled, y_labeled=y_labeled, **points))


def stream_picture(view, zone: bool) -> str:
    """The stream learner's model (or its asking zone), its labels, and the recent arrivals."""
    race, stream = view.race, view.race.loops["stream"]
    data, threshold = race.dataset, stream.threshold
    recent = stream.history[-FADE:]
    passed = [a for a in recent if not a.labeled]
    asked = [a.index for a in recent if a.labeled]
    ages = [race.rounds - 1 - a.position for a in passed]
    newest = stream.history[-1] if stream.history else None
    scores = None
    if zone:
        scores = (stream.score(view.grid()) >= threshold).astype(float).reshape(live.GRID, live.GRID)
    return _picture(view, stream, data.X[stream.labeled_indices], stream.labels, grid_scores=scores,
                    score_range=(0.0, ZONE_SHADE) if zone else None,
                    pool_alpha=figures.fading_mask(data.X[[a.index for a in passed]], ages, data.bounds, FADE),
                    X_new=data.X[asked] if asked else None,
                    X_marked=data.X[[newest.index]] if newest is not None and not newest.labeled else None)


def draw(view) -> None:
    race, values = view.race, view.values
    stream, pool, data = race.loops["stream"], race.loops["pool"], race.dataset
    explored = sum(a.explored for a in stream.history)
    cards = st.container(horizontal=True)
    live.metric(cards, "Seen", f"{race.rounds}", note=f"of {data.n} arrivals")
    live.metric(cards, "Asked", f"{stream.n_labeled}", note=f"{explored} by the epsilon coin" if values["epsilon"]
                else f"{stream.n_start} starting labels among them")
    live.metric(cards, "Budget left", f"{stream.budget - stream.n_labeled}", note=f"of {stream.budget}")
    if spec.drift_at(values) is not None:
        drifted = race.rounds - spec.drift_at(values)
        live.metric(cards, "Drift", "passed" if drifted > 0 else f"in {-drifted}",
                    note=f"asked {stream.n_labeled - race.table['stream']['labels'][spec.drift_at(values) - 1]} since"
                    if drifted > 0 else f"arrivals: the picture turns {values['angle']} degrees")
    zone = st.toggle("Show the asking zone", key=view.key("zone"),
                     help="Swap the model's confidence for where an arrival would be asked: purple where the "
                          "uncertainty reaches the threshold.")
    if "pictures" not in view.slot.memo or view.slot.memo["zone"] != zone:
        view.slot.memo["zone"] = zone
        view.slot.memo["pictures"] = [
            figures.Panel(TITLES["stream"], f"test accuracy {_percent(stream.accuracy)} · {stream.n_labeled} labels",
                          stream_picture(view, zone)),
            figures.Panel(TITLES["pool"], f"test accuracy {_percent(race.table['pool']['accuracy'][-1] if race.rounds else np.nan)}"
                                          f" · {pool.n_labeled} labels, picked from " + (
                                              "the points of the picture of the moment" if values["drift"] else
                                              f"all {data.n} points"),
                          _picture(view, pool, data.X[pool.labeled_indices], pool.labels,
                                   pool_alpha=_pool_mask(view),
                                   X_new=data.X[pool.history[-1].queried] if pool.history else None))]
    live.panels(view.slot.memo["pictures"], caption=(
        "Left: purple is where the stream learner would ask (its uncertainty reaches the threshold). " if zone else
        "Left: the colour is the class the stream learner predicts, pale where it is unsure; the dark line is its "
        "boundary. ") + "Coloured dots are labeled points. Rings are arrivals it just asked about; grey dots are "
        "arrivals it let pass, fading as new ones come; a small square marks the newest arrival when it passed. "
        "Right: pool-based sampling with as many labels, choosing from every point at once (grey; with a drift, "
        "from the points of the picture of the moment), its newest pick ringed.")
    events = {"drift": spec.drift_at(values)} if spec.drift_at(values) is not None else None
    seen = np.arange(1, race.rounds + 1)
    live.curves(view, {TITLES[name]: (seen, np.array(race.table[name]["accuracy"])) for name in race.loops},
                current=race.rounds, x_title="arrivals seen", x_range=(0, data.n + 1), events=events, height=220,
                key="arrivals", legend_rows=3, caption="Test accuracy after each arrival (on the turned test set "
                                                       "after a drift).")
    live.curves(view, {TITLES[name]: loop.curve for name, loop in race.loops.items()}, height=220, legend_rows=3,
                x_range=(0, stream.budget + 1), key="labels",
                caption="The same against labels bought: which learner gets more from each label.")


def _percent(value: float) -> str:
    return "n/a" if not np.isfinite(value) else f"{value:.1%}"


def _pool_mask(view) -> np.ndarray:
    if "pool_mask" not in view.slot.data:
        data = view.race.dataset
        view.slot.data["pool_mask"] = figures.pool_mask(data.X, data.bounds, figures.PANEL_SIDE)
    return view.slot.data["pool_mask"]


def after_live(view) -> None:
    with st.expander("When is the stream setting the real one?"):
        st.markdown(
            "When the data cannot wait or cannot be kept. A fraud check must pass or stop a payment now; a sensor "
            "or a chat moderator sees more than it can store; a robot must decide while it moves. Then there is "
            "no pool to search: each point is asked about or let go as it comes, and a threshold decides with "
            "what the model knows at that moment. Pool-based sampling is the luxury of data you can keep: it "
            "chooses the best point from everything at once, so it is the reference to beat, not a rival you "
            "could always use.")


def _paired(results, first: str, second: str):
    return estimate(results[f"{first}.final"] - results[f"{second}.final"])


def _verdicts(values, race) -> list:
    final = {name: estimate(race[f"{name}.final"], 0.0, 1.0) for name in TITLES}
    found = verdicts.stream_verdicts(final, estimate(race["stream.spent"]), int(values["budget"]),
                                     _paired(race, "stream", "random"), _paired(race, "pool", "stream"),
                                     race["stream.final"].shape[0], bool(values["drift"]))
    if values["drift"]:
        found.append(verdicts.drift_verdict(estimate(race["drift.before"], 0.0, 1.0), final["stream"],
                                            estimate(race["drift.left"], 0.0), estimate(race["drift.asked"], 0.0),
                                            int(values["budget"])))
    return found


def verdict(view, results) -> None:
    values, race, sweep = view.values, results["race"], results["sweep"]
    arrivals = race["arrivals"][0]
    events = {"drift": spec.drift_at(values)} if values["drift"] else None
    by_arrival, by_label, spending = st.tabs(["Accuracy by arrivals", "Accuracy by labels", "Labels spent"])
    bands = {TITLES[name]: mean_interval(race[f"{name}.accuracy"]) for name in TITLES}
    by_arrival.plotly_chart(figures.curves_with_band(arrivals, bands, height=300, x_title="arrivals seen",
                                                     events=events, legend_rows=3, y_range=figures.accuracy_range(
                                                         *(band[1] for band in bands.values()))),
                            theme=None, config=figures.PLOTLY_CONFIG, key="stream.bands.arrivals")
    label_bands = {TITLES[name]: mean_interval(race[f"{name}.by_labels"]) for name in TITLES}
    by_label.plotly_chart(figures.curves_with_band(np.arange(1, int(values["budget"]) + 1), label_bands, height=300,
                                                   legend_rows=3, y_range=figures.accuracy_range(*(b[1] for b in label_bands.values()))),
                          theme=None, config=figures.PLOTLY_CONFIG, key="stream.bands.labels")
    by_label.caption("Each count is averaged over the seeds whose learner ever held that many labels.")
    spending.plotly_chart(figures.curves_with_band(arrivals, {TITLES["stream"]: mean_interval(race["stream.labels"])},
                                                   target=int(values["budget"]), height=300, x_title="arrivals seen",
                                                   y_title="labels bought", y_format="d", events=events,
                                                   y_range=(0, int(values["budget"]) * 1.05)),
                          theme=None, config=figures.PLOTLY_CONFIG, key="stream.bands.spent")
    spending.caption("How fast the budget (dashed) goes: random asking and the pool learner spend at the same pace.")
    st.caption(f"{race['stream.final'].shape[0]} streams, each drawn and ordered afresh; all three learners see the "
               "same stream and the same starting labels. Mean and 95% interval.")
    icons = {"success": ":material/check_circle:", "warning": ":material/trending_down:", "info": ":material/info:"}
    for outcome in _verdicts(values, race):
        getattr(st, outcome.kind)(outcome.text, icon=icons[outcome.kind])

    st.markdown("**How the threshold trades labels for accuracy**")
    thresholds = spec.THRESHOLDS
    labels = [estimate(sweep["labels"][:, i], 0.0) for i in range(len(thresholds))]
    accuracy = [estimate(sweep["accuracy"][:, i], 0.0, 1.0) for i in range(len(thresholds))]
    random = [estimate(sweep["random"][:, i], 0.0, 1.0) for i in range(len(thresholds))]
    over = [estimate(sweep["accuracy"][:, i] - sweep["random"][:, i]) for i in range(len(thresholds))]

    def series(ys):
        return ([e.mean for e in labels], [e.low for e in labels], [e.high for e in labels],
                [e.mean for e in ys], [e.low for e in ys], [e.high for e in ys])

    spent, final = estimate(race["stream.spent"], 0.0), estimate(race["stream.final"], 0.0, 1.0)
    chart = figures.tradeoff_chart(
        {"Stream learner, by threshold": series(accuracy), "Random asking, same labels": series(random)},
        texts=[f"{t:g}" for t in thresholds],
        highlight=(f"your threshold, {values['threshold']:.2f}", spent.mean, spent.low, spent.high, final.mean,
                   final.low, final.high),
        y_range=figures.accuracy_range(*(e.mean for e in accuracy + random), final.mean), height=300)
    st.plotly_chart(chart, theme=None, config=figures.PLOTLY_CONFIG, key="stream.tradeoff")
    st.caption("Each point is one threshold (written above it): the labels it bought and where it ended, with "
               "95% intervals both ways. The star is the threshold you chose.")
    st.info(verdicts.tradeoff_sentence(thresholds, labels, accuracy, over), icon=":material/tune:")


def describe(values, results) -> str:
    return " ".join(outcome.text for outcome in _verdicts(values, results["race"]))


live.render(live.Lab(
    name=spec.NAME, title="Stream: ask now or never", params=spec.PARAMS, presets=spec.PRESETS,
    intro="Points arrive **one at a time**. The learner sees each once and decides on the spot: ask for its label "
          "if the model is unsure enough (the **threshold**), while the **budget** lasts, or let it pass for good. "
          "Beside it, **random asking** buys labels at the same moments, and **pool-based** sampling gets as many "
          "labels but picks them from everything at once.",
    build=spec.build, rebuild_on=spec.REBUILD_ON, replay=True, sidebar=sidebar, controls=rule, status=status,
    draw=draw, after_live=after_live, measurement=spec.measurement, verdict=verdict, describe=describe,
    measurement_title=lambda values: f"Over {values['seeds']} streams",
    step_help="The next point arrives: each learner asks for its label or lets it pass.",
    explain=(
        "- **Rings** are arrivals the stream learner asked about in the last few steps; **grey dots** are arrivals "
        "it let pass, fading as the stream moves on. Passed points are gone: it can never ask about them later.\n"
        "- **Coloured dots** are the labels it bought. The **background** is its model, pale where unsure; "
        "**Show the asking zone** paints where an arrival would be asked instead.\n"
        "- Raise the **threshold** and the zone narrows to the boundary: fewer labels, each more useful, until "
        "it asks too rarely to learn. Lower it and the budget goes on the first arrivals.\n"
        "- With a **drifting stream**, half-way through every point turns about the middle: the old model is "
        "now wrong in places where it is sure, and those points never look uncertain."),
))
