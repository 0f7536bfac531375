"""Batch Diversity Explorer: Top-K, K-Centers and Hybrid (and BADGE) pick batches side by side.

A declaration on the live-lab machinery (ui.live): settings, presets and
measurement in ui.labs.batch; here only layout and words. Each learner's
next batch is computed once per round at the largest size and sliced (the
prefix selectors' batches are prefixes of larger ones), so the batch-size
slider costs no selection work; Step teaches each learner the batch it shows.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from alcore.diagnostics import batch_diagnostics, prefix_diagnostics
from alcore.registry import DATASETS, MODELS, SELECTORS
from alcore.stats import estimate, labels_to_reach, mean_interval, paired_saving
from ui import controls, figures, jobs, live, verdicts
from ui.labs import batch as spec

NUMBERED_UP_TO = 25  # pick numbers are drawn for batches up to this size


def sidebar(session) -> None:
    controls.data_section(session)
    st.header("Model")
    model = controls.model_select(session)
    st.header("Strategy")
    controls.strategy_select(session, "acq", label="Acquisition function", model=model, include_random=False)
    st.caption("Every panel scores points with this function; they differ only in how they build a batch.")
    st.toggle("BADGE panel", key=session.key("badge"), help=SELECTORS["badge"].description)
    st.caption("Adds a fourth learner: BADGE spreads its batch in the model's gradient space. Switching it, or "
               "changing the data, model or function, starts every learner again from the starting labels.")
    st.header("Run")
    controls.speed_select(session)
    st.header("Measurement")
    st.slider("Seeds", 5, 50, key=session.key("seeds"))
    st.caption("Draws of the data the comparison below runs over: more seeds, narrower intervals, longer wait.")
    top = min(500, int(session.values()["pool"]))
    session.clamp("budget", 20, top)
    st.slider("Label budget", 20, top, step=10, key=session.key("budget"))
    st.caption("Each learner of the comparison labels batches until it has this many labels.")


def batch_controls(view) -> None:
    left, right = st.columns(2, gap="medium")
    with left:
        st.slider("Batch size", 1, spec.MAX_BATCH, key=view.key("batch"))
        st.caption("Labels each learner asks for at once. From about 20 up, watch Top-K's picks crowd together "
                   "while the others spread out.")
    with right:
        st.slider("Hybrid alpha", 0.0, 1.0, step=0.05, key=view.key("alpha"), format="%.2f")
        st.caption("Hybrid's weight on the acquisition score: 1 = Top-K, 0 = K-Centers (after its first pick), "
                   "in between = both.")


def _memo(view, key, compute):
    if key not in view.slot.memo:
        view.slot.memo[key] = compute()
    return view.slot.memo[key]


def _largest_batch(view, method: str) -> np.ndarray:
    """A prefix selector's batch at the largest size, once per round (and alpha, for hybrid)."""
    loop, alpha = view.race.loops[method], float(view.values["alpha"])
    if method == "hybrid" and loop.config.alpha != alpha:
        loop.config = loop.config.with_(alpha=alpha)  # the selector reads alpha at each proposal
    return _memo(view, (method, "batch", alpha if method == "hybrid" else None), lambda: loop.propose(spec.MAX_BATCH))


def next_batch(view, method: str) -> np.ndarray:
    """The pool indices a learner asks for next, in pick order (memoised for the round)."""
    loop, k = view.race.loops[method], int(view.values["batch"])
    if loop.n_unlabeled == 0:
        return np.empty(0, dtype=np.intp)
    if spec.METHODS[method]["prefix"]:
        return _largest_batch(view, method)[:k]
    return _memo(view, (method, "batch", k), lambda: loop.propose(k))


def step(view, last: bool) -> None:
    """Every learner labels the batch it shows and refits."""
    for method, loop in view.race.loops.items():
        chosen = next_batch(view, method)
        if len(chosen):
            loop.teach(chosen, view.race.oracle(chosen))
    view.slot.memo.clear()


def status(view) -> str:
    first = next(iter(view.race.loops.values()))
    k = min(int(view.values["batch"]), first.n_unlabeled)
    text = f"{first.n_labeled} labels each · next batch: {k} point{'s' if k != 1 else ''}"
    return text + (" · **the pool is used up**: Reset to start again" if view.race.finished else "")


def diagnostics(view, method: str, chosen: np.ndarray):
    loop = view.race.loops[method]
    if len(chosen) == 0:  # the pool is used up: only the coverage of the labeled set is left
        return batch_diagnostics(loop.X_pool, loop.labeled_indices, chosen)
    utilities = _memo(view, (method, "pool scores"), lambda: loop.scores(loop.X_pool))
    if spec.METHODS[method]["prefix"]:
        alpha = float(view.values["alpha"]) if method == "hybrid" else None
        prefix = _memo(view, (method, "diagnostics", alpha), lambda: prefix_diagnostics(
            loop.X_pool, loop.labeled_indices, _largest_batch(view, method), utilities))
        return prefix.at(len(chosen))
    return _memo(view, (method, "diagnostics", len(chosen)),
                 lambda: batch_diagnostics(loop.X_pool, loop.labeled_indices, chosen, utilities))


def _fmt(value: float, digits: int = 2) -> str:
    return "n/a" if not np.isfinite(value) else f"{value:.{digits}f}"


def draw(view) -> None:
    race, show_scores = view.race, bool(view.values["scores"])
    k = int(view.values["batch"])
    batches, items = {}, []
    for method, loop in race.loops.items():
        batches[method] = chosen = next_batch(view, method)
        alpha = f" · alpha {view.values['alpha']:.2f}" if method == "hybrid" else ""
        scores = _memo(view, (method, "map"), lambda: view.score_map(loop)) if show_scores else None
        probs = _memo(view, (method, "probs"), lambda: view.predictions(loop))
        picture = view.picture(loop, grid_probs=probs, grid_scores=scores, X_new=race.dataset.X_pool[chosen],
                               numbered=spec.METHODS[method]["greedy"] and len(chosen) <= NUMBERED_UP_TO)
        items.append(figures.Panel(spec.TITLES[method], f"accuracy {loop.curve[1][-1]:.1%}{alpha}", picture))
    numbered = ("Rings are the next batch; for the greedy methods the numbers give the pick order"
                if k <= NUMBERED_UP_TO else
                f"Rings are the next batch (pick numbers are drawn for batches of {NUMBERED_UP_TO} or fewer)")
    live.panels(items, caption=f"{numbered}. Coloured dots are labeled points, grey dots unlabeled. " + (
        "Background: the acquisition score, dark purple where the function most wants a label; the dark line is "
        "the decision boundary." if show_scores else
        "Background: the class the model predicts, pale where it is unsure; the dark line is its boundary."))
    st.toggle("Show acquisition scores", key=view.key("scores"),
              help="Off: the model's predicted class and confidence instead of the acquisition scores.")
    if race.rounds > 0:
        live.curves(view, {spec.TITLES[m]: loop.curve for m, loop in race.loops.items()},
                    colours=[spec.COLOURS[m] for m in race.loops], height=240,
                    caption="Each learner's test accuracy after each labeled batch, for this one draw of the data "
                            "(the measurement below repeats it over many seeds); the dotted line is now.")
    else:
        st.info("Press **Step** to give each learner the batch it shows; the learning curves grow from there.",
                icon=":material/touch_app:")
    found = {m: diagnostics(view, m, chosen) for m, chosen in batches.items()}
    rows = ["| | " + " | ".join(spec.TITLES[m] for m in found) + " |", "|---|" + "---:|" * len(found),
            "| Spread | " + " | ".join(_fmt(d.mean_pairwise_distance) for d in found.values()) + " |",
            "| Coverage | " + " | ".join(_fmt(d.coverage_radius) for d in found.values()) + " |",
            "| Score | " + " | ".join(_fmt(d.mean_utility, 3) for d in found.values()) + " |"]
    st.markdown("\n".join(rows))
    st.caption("Per batch. Spread: the mean distance between picks; small means near-duplicates. Coverage: the "
               "farthest pool point from any label or pick; large means some region is still far from every label. "
               "Score: the batch's mean acquisition score. Top-K always has the highest mean score: the question "
               "is whether the extra labels at those scores teach the model anything new.")


def claim_table(view) -> None:
    st.markdown("A common claim: *batch diversity improves data efficiency by "
                f"{verdicts.CLAIM_TEXT} over top-k.* We measured it on this app's data; the table says where it "
                "holds. Then run your own setting below.")
    with st.expander("What we measured (20 seeds per row)"):
        rows = ["| Data (model) | Batch | Target | Hybrid saves | K-Centers saves | Random batches save |",
                "|---|---:|---:|---:|---:|---:|"]
        for values in spec.claim_settings():
            result, _ = jobs.request(spec.measurement(values)["race"], start=False)
            if result is None:
                rows.append(f"| {values['ds']} ({values['model']}) | {values['batch']} | not measured yet | | | |")
                continue
            target, savings = spec.claim_row(result)
            rows.append(f"| {DATASETS[values['ds']].label} ({MODELS[values['model']].label}) | "
                        f"{values['batch']} | {target:.1%} | "
                        + " | ".join(savings[m].format(0, 100, "%") for m in spec.CLAIM_COMPARED) + " |")
        st.markdown("\n".join(rows))
        st.caption("Labels needed to reach the target (99% of the best learner's mean final accuracy); saving = "
                   "1 - method / Top-K, with a paired 95% bootstrap interval over the seeds where both reach it. "
                   "Pool 1,000, 10 starting labels, margin, hybrid alpha 0.5, budget 300. Stored by "
                   "`python bench/measure_labs.py`; `python bench/bench_batch_diversity.py` prints the same table.")


def verdict(view, results) -> None:
    labels, accuracy = results["race"]
    values, shown = view.values, list(accuracy)
    st.caption(f"Every learner, and random batches of the same size, labeling batches of {values['batch']} "
               f"(hybrid alpha {values['alpha']:.2f}) until {values['budget']} labels, over {values['seeds']} draws "
               "of the data. Change them above or in the sidebar; the measurement follows.")
    target = st.slider("Target accuracy", 0.5, 0.99, step=0.005, key=view.key("target"), format="%.3f")
    st.caption("Pick a target close to what the learners reach at the budget (see the curves).")
    view.session.write_url()
    bands = {spec.TITLES[m]: mean_interval(accuracy[m]) for m in shown}
    st.plotly_chart(figures.curves_with_band(labels, bands, target=target, height=300,
                                             y_range=figures.accuracy_range(*(b[1] for b in bands.values()), target),
                                             colours=[spec.COLOURS[m] for m in shown]),
                    theme=None, config=figures.PLOTLY_CONFIG, key="batch.bands")
    needed = {m: labels_to_reach(labels, accuracy[m], target) for m in shown}
    savings = {m: paired_saving(needed[m], needed["top_k"]) for m in shown if m != "top_k"}
    n_seeds = accuracy["top_k"].shape[0]
    rows = [f"| | Labels to reach {target:.1%} | Seeds that reached it | Labels saved over Top-K |",
            "|---|---:|---:|---:|"]
    for m in shown:
        saved = "(the baseline)" if m == "top_k" else f"**{savings[m].format(0, 100, '%')}** (over {savings[m].n} seeds)"
        rows.append(f"| {spec.TITLES[m]} | {estimate(needed[m], low=float(labels[0])).format(0)} | {int(np.isfinite(needed[m]).sum())} of "
                    f"{n_seeds} | {saved} |")
    st.markdown("\n".join(rows))
    st.caption("Labels: mean and 95% interval over the seeds that reached the target. Saving = 1 - (method's mean "
               "labels / Top-K's), paired bootstrap 95% interval; positive = fewer labels than Top-K.")
    for m, saving in savings.items():
        if m != spec.REFERENCE:
            outcome = verdicts.claim_verdict(saving, spec.TITLES[m])
            getattr(st, outcome.kind)(outcome.text, icon=":material/fact_check:")
    outcome = verdicts.luck_verdict(savings, spec.TITLES, spec.REFERENCE)
    getattr(st, outcome.kind)(outcome.text, icon=":material/casino:")


live.render(live.Lab(
    name=spec.NAME, title="Batch diversity", params=spec.PARAMS, presets=spec.PRESETS,
    intro="Real labeling teams label in **batches**. Pick the *k* points the model is most unsure about (**Top-K**) "
          "and you often get *k* near-copies of one question. **K-Centers** spreads the batch over the pool and "
          "ignores uncertainty; **Hybrid** mixes both. Same pool, same model, same starting labels: move the batch "
          "size and watch the batches change.",
    build=spec.build, rebuild_on=spec.REBUILD_ON, sidebar=sidebar, controls=batch_controls, status=status,
    step=step, draw=draw, after_live=claim_table, measurement=spec.measurement, verdict=verdict,
    measurement_title=lambda values: "Does diversity save labels? Over many seeds",
    step_help="Every learner gets the true labels of the batch it shows, refits, and picks its next batch.",
    explain=(
        "- **Grey dots** are the unlabeled pool; **coloured dots** are labeled, by class. **Rings** are the batch "
        "each method would ask for next.\n"
        "- **Top-K** takes the k highest acquisition scores. They all sit where the model is most unsure, so a "
        "large batch piles up along one stretch of the boundary: many labels, one lesson.\n"
        "- **K-Centers** (greedy core-set) repeatedly picks the point farthest from every labeled and "
        "already-picked point. It covers the pool but ignores what the model needs.\n"
        "- **Hybrid** (the post's rule) scores each candidate by alpha x (its acquisition score, scaled to 0-1 "
        "over the candidates) + (1 - alpha) x (its distance to the nearest labeled or picked point, scaled the "
        "same way, picked points included), one pick at a time.\n"
        "- **BADGE** picks points whose loss gradients are large and point in different directions (k-means++ in "
        "gradient space).\n"
        "- Each method is its own learner: after **Step** they have different labels and different models, so "
        "their panels drift apart."),
))
