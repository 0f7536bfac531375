"""The acquisition zoo: every acquisition function on one model, side by side.

A declaration on the live-lab machinery (ui.live): settings, maps and
measurement in ui.labs.zoo, the functions in alcore.zoo; here only layout
and words.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from alcore import zoo
from alcore.loop import LoopConfig
from alcore.registry import MODELS, sampling_models
from alcore.stats import number
from ui import controls, figures, live, verdicts
from ui.labs import zoo as spec

MEMBERS, DRAWS = LoopConfig().n_members, LoopConfig().mc_samples  # what the zoo's learner uses
READS = {
    "least_confidence": "reads the probabilities: 1 - p(top)",
    "margin": "reads the probabilities: 1 - (p1 - p2)",
    "entropy": "reads the probabilities: spread over every class",
    "vote_entropy": f"a committee of {MEMBERS} votes: how split",
    "kl_disagreement": f"a committee of {MEMBERS}: how far members are from their mean",
    "egl": "how far the label would move the weights",
    "bald": f"{DRAWS} posterior draws: sure, yet disagreeing",
    "eer": f"refits per answer: {zoo.EER_CANDIDATES} random candidates (squares)",
}


def sidebar(session) -> None:
    controls.data_section(session)
    st.header("Model")
    model = controls.model_select(session)
    st.header("Strategy")
    controls.strategy_select(session, "acq", label="Step asks with", model=model, include_random=False,
                             only=spec.live_functions(model))
    st.caption("Every map shows its function on the same model; Step adds the label this one asks for. Changing "
               "it replays the same number of labels, each asked by it, from the same starting labels.")
    st.header("Run")
    controls.speed_select(session)
    st.header("Measurement")
    st.slider("Seeds", 3, 50, key=session.key("seeds"))
    st.caption("Draws of the data the measurement below runs over: more seeds, narrower intervals, longer wait.")
    session.clamp("budget", int(session.values()["init"]) + 1)  # every learner asks at least once
    st.slider("Label budget", 10, 100, key=session.key("budget"))
    st.caption("Each function's learner, and random picks, label up to this many points (starting labels included).")


def _memo(view, key, compute):
    if key not in view.slot.memo:
        view.slot.memo[key] = compute()
    return view.slot.memo[key]


def state(view) -> zoo.State:
    """The learner's state, scored once per round (Step reuses what the maps computed)."""
    return _memo(view, "state", lambda: zoo.State(view.race.loops["zoo"], view.race.seed))


def step(view, last: bool) -> None:
    zoo.step(view.race, view.values["acq"], view.slot.memo.get("state"))


def status(view) -> str:
    loop, start = view.race.loops["zoo"], int(view.race.seed_indices.size)
    text = (f"{loop.n_labeled} labels: {start} starting + {loop.n_labeled - start} asked by "
            f"{spec.TITLES[view.values['acq']]}")
    if view.race.finished:
        return text + f" · **{spec.MAX_ROUNDS} labels added**, the most this lab adds: Reset"
    return text


def _pictures(view, maps: spec.Maps) -> list:
    data = view.race.dataset
    if "mask" not in view.slot.data:
        view.slot.data["mask"] = figures.pool_mask(data.X_pool, data.bounds, spec.PANEL_SIDE)
    drawn = spec.pictures(view.race, maps, view.predictions(view.race.loops["zoo"]), view.slot.data["mask"])
    return [figures.Panel(spec.TITLES[name] + (" · Step asks this" if name == view.values["acq"] else ""),
                          READS[name], figures.jpeg_data_uri(picture)) for name, picture in drawn.items()]


def agreement_table(functions, rho) -> pd.DataFrame:
    """The lower triangle of the rank correlations: rows from the second function, columns up to the last but one."""
    size = len(functions)
    cells = [["" if j >= i else "–" if np.isnan(rho[i, j]) else number(rho[i, j], 2) for j in range(size - 1)]
             for i in range(1, size)]
    return pd.DataFrame(cells, index=[spec.SHORT[n] for n in functions[1:]],
                        columns=[spec.SHORT[n] for n in functions[:-1]])


def draw(view) -> None:
    maps = _memo(view, "maps", lambda: spec.maps(state(view), view.race.dataset.bounds))
    for note in spec.notes(view.values["model"], view.race.dataset.n_classes):
        st.info(note, icon=":material/info:")
    live.panels(_memo(view, "pictures", lambda: _pictures(view, maps)), caption=(
        "Each map is one acquisition function on the same model, dark purple where it most wants a label (scaled "
        "per map); the ring is the point it would ask for next. The dark line is the model's decision boundary; "
        "coloured dots are labeled, grey dots unlabeled. Expected error reduction scores only its squares (dark = "
        "most wanted)."))
    st.markdown(verdicts.zoo_picks_sentence(spec.pick_groups(maps.picks), spec.TITLES))
    st.markdown("**How the functions rank the pool, now** (Spearman's rank correlation)")
    st.dataframe(agreement_table(maps.functions, maps.rho), width="content", key="zoo.agreement")
    st.caption(f"1 = the same order of every unlabeled point, 0 = unrelated, negative = opposite. Pairs with EER "
               f"compare its {zoo.EER_CANDIDATES} scored candidates only; – = a flat map, which ranks nothing. "
               + ", ".join(f"{spec.SHORT[name]} = {spec.TITLES[name]}" for name in maps.functions) + ".")


def vector(probs) -> str:
    return "[" + ", ".join(f"{p:.2f}" for p in probs) + "]"


def simplex(view) -> None:
    st.subheader("The post's example: three classes")
    st.markdown("Least confidence, margin and entropy read only the probabilities. Where do they part ways? Each "
                "triangle holds every probability vector of three classes (a corner = sure of that class, the "
                f"centre = no idea), coloured by one measure. **A** is {vector(spec.POINTS['A'])}, **B** is "
                f"{vector(spec.POINTS['B'])}.")
    two = st.toggle("Two classes", key=view.key("two"),
                    help="Show the same three measures when there are only two classes.")
    if two:
        x, named = spec.two_class_curves()
        st.plotly_chart(figures.measure_lines(x, named, x_title="p(class 1)", y_title="measure / its largest"),
                        theme=None, config=figures.PLOTLY_CONFIG, key="zoo.two_classes")
        st.caption("Each measure on two classes, against p(class 1) (p(class 2) is the rest), scaled to its largest "
                   "value: all three peak at 0.5 and fall on both sides, so they rank every pair of points alike. "
                   "Least confidence and margin are even the same line.")
        vectors = spec.TWO_CLASS_STEPS + 1
    else:
        pictures = spec.simplex_pictures()
        live.panels([figures.Panel(spec.TITLES[name], "", pictures[name]) for name in zoo.UNCERTAINTY],
                    caption="Dark purple = most uncertain by that measure (scaled per triangle).")
        scored = spec.point_scores()
        st.markdown(verdicts.zoo_points_sentence({spec.TITLES[name]: scored[name] for name in zoo.UNCERTAINTY}))
        vectors = len(zoo.lattice(3, spec.THREE_CLASS_STEPS))
    orders = {(spec.TITLES[a], spec.TITLES[b]): counts for (a, b), counts in spec.orders(2 if two else 3).items()}
    st.markdown(verdicts.zoo_orders_sentence(orders, 2 if two else 3, vectors))


def verdict(view, results) -> None:
    acq, titles = view.values["acq"], spec.TITLES
    summary = spec.summarise(results["zoo"], acq)
    shown = {titles[acq]: summary.bands[acq], titles[zoo.RANDOM]: summary.bands[zoo.RANDOM]}
    st.plotly_chart(figures.curves_with_band(summary.labels, shown, height=280, y_range=figures.accuracy_range(
        *(band[1] for band in shown.values()))), theme=None, config=figures.PLOTLY_CONFIG, key="zoo.bands")
    st.caption(f"{titles[acq]} (the function Step asks with) against random picks, from the same starting labels, "
               f"over {summary.n_seeds} draws of the data: mean test accuracy and its 95% interval.")
    rows = [f"| Learner | At {int(summary.labels[-1])} labels | On the way | Minus random |",
            "|---|---:|---:|---:|"]
    for name in summary.functions + (zoo.RANDOM,):
        lead = "(the baseline)" if name == zoo.RANDOM else summary.over_random[name].format(1, 100, signed=True)
        rows.append(f"| {titles[name]} | {summary.final[name].format(1, 100, '%')} | "
                    f"{summary.along[name].format(1, 100, '%')} | {lead} |")
    measured(rows, "Test accuracy, mean and 95% interval over seeds: at the budget, and on the way (the mean of the "
                   "learning curve from the starting labels to the budget). Minus random: on the way, in points, "
                   "paired by seed.", verdicts.zoo_curves_verdict(summary, titles, acq), ":material/balance:")
    rows = [f"| {titles[acq]} with | Same pick | Rank correlation |", "|---|---:|---:|"]
    rows += [f"| {titles[name]} | {summary.same[name].format(0, 100, '%')} | {summary.rho[name].format(2)} |"
             for name in summary.same]
    measured(rows, "How much the functions agree, looked at every 10 labels along random picks' path (which "
                   "favours no function): the share of looks where two pick the same point, and Spearman's rank "
                   "correlation over the pool; mean and 95% interval over seeds.",
             verdicts.zoo_agreement_verdict(summary, titles, acq), ":material/join_inner:")


def measured(rows: list, caption: str, outcome: verdicts.Verdict, icon: str) -> None:
    """A table of measured numbers, what it holds, and the verdict on it."""
    st.markdown("\n".join(rows))
    st.caption(caption)
    getattr(st, outcome.kind)(outcome.text, icon=icon)


live.render(live.Lab(
    name=spec.NAME, title="Acquisition zoo", params=spec.PARAMS,
    intro="One model, one labeled set, and every acquisition function's view of it, side by side. Which points "
          "does each one want labeled, and do they agree? **Step** adds the label the function you chose asks "
          "for, and every map follows.",
    build=spec.build, rebuild_on=spec.REBUILD_ON, replay=True, sidebar=sidebar, status=status, step=step,
    draw=draw, after_live=simplex, measurement=spec.measurement, verdict=verdict,
    measurement_title=lambda values: f"Over {values['seeds']} seeds: learning curves and agreement",
    step_help="The function chosen in the sidebar picks one point; it gets its true label and the model refits.",
    explain=(
        f"- **Least confidence, margin, entropy** read only the model's probabilities. On two classes they rank "
        "points identically (see below); with more classes they differ.\n"
        f"- **Vote entropy** and **average KL** ask a committee: the same model fitted on {MEMBERS} resamples of the "
        "labels. They want points where the members disagree.\n"
        "- **Expected gradient length** wants the label that would move the model's weights most.\n"
        "- **BALD** wants points where plausible versions of the model are each sure but disagree; it needs a model "
        f"that can draw them ({' or '.join(MODELS[name].label for name in sampling_models())}).\n"
        f"- **Expected error reduction** refits the model for every possible answer and keeps the point whose label "
        f"is expected to remove most error on the pool. It is by far the slowest, so it scores "
        f"{zoo.EER_CANDIDATES} random candidates per step, drawn as squares (darker = more error expected to go).\n"
        "- The ring in each map is the point that function would ask for; after **Step**, the function you chose "
        "got its point, and every map is redrawn for the new model."),
))
