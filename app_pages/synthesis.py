"""The synthesis lab: the learner makes up its own questions, on the plane and as blends of digit images.

A declaration on the live-lab machinery (ui.live) with two variants (tabs):
settings and measurement in ui.labs.synthesis, the learners in
alcore.synthesis; here only layout and words.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from alcore.synthesis import far_from_data
from alcore.stats import estimate, mean_interval
from ui import controls, figures, live, verdicts
from ui.labs import synthesis as spec
from ui.measure import MIXED

TITLES = {"synthesis": "Synthesis", "margin": "Pool-based margin", "random": "Random sampling"}
GALLERY = 6  # recent blends shown small


def sidebar(session) -> None:
    if session.values()["tab"] == "plane":
        controls.data_section(session, start_caption="Real points labeled before either learner asks, a few "
                                                     "from each class; the same for both.")
        st.header("Model")
        controls.model_select(session)
    else:
        st.header("Digits")
        st.caption(f"{spec.DIGITS['n_pool']:,} real 8x8 digit images to blend, a separate test set, logistic "
                   f"regression, {spec.DIGITS_SEED} starting images (one per class).")
    st.header("Run")
    st.slider("Label budget", 20, 150, step=5, key=session.key("budget"))
    st.caption("Labels each learner may have, starting labels included.")
    controls.speed_select(session)
    st.header("Measurement")
    controls.seeds_slider(session, "Draws of the data the comparison below runs over.")


def header(view) -> None:
    if view.variant == "plane":
        st.markdown("Each round the learner **makes up** its question. It takes two points its model puts in "
                    "different classes and bisects the segment between them to where the prediction flips: there "
                    "the top two classes tie, so no point is more uncertain. Nature answers: the label is drawn "
                    "from the true class probabilities at that point.")
    else:
        st.markdown("Here the question is an **image**: a blend of two real digits that the model puts in different "
                    "classes, mixed until its prediction flips. In 1992 Lang and Baum let a learner ask people "
                    "about such made-up handwritten characters; many were no character at all, and the people "
                    "could not label them. Label each blend, or say you can't tell.")


def ends_control(view) -> None:
    if view.variant == "plane":
        st.segmented_control("End points of the segment", list(spec.ENDS), key=view.key("ends"), required=True,
                             format_func=lambda name: spec.ENDS[name].capitalize())
        st.caption("Random points of the picture: the query can be any point of the boundary, even where no data "
                   "ever fall. Real points: the query lies between two data points, on the boundary.")


def status(view) -> str:
    race = view.race
    text = f"{race.synthesis.n_labeled} labels each (budget {race.budget})"
    if view.variant == "digits":
        answers = view.slot.data.get("answers", [])
        text = (f"{race.rounds} blends asked · you answered {sum(a['answer'] is not None for a in answers)}, "
                f"can't tell {sum(a['answer'] is None for a in answers)} · " + text)
    return text + (" · **budget used**: raise it in the sidebar, or Reset" if race.finished else "")


def _picture(view, loop, X_labeled, y_labeled, **points) -> str:
    data = view.race.dataset
    return figures.jpeg_data_uri(figures.panel_picture(view.predictions(loop), data.bounds, X_labeled=X_labeled,
                                                       y_labeled=y_labeled, pool_alpha=view.pool_alpha(), **points))


def draw_plane(view) -> None:
    race, data = view.race, view.race.dataset
    synthesis, margin = race.synthesis, race.loops["margin"]
    queries = synthesis.queries
    outside = int(far_from_data(queries, data.X_pool).sum()) if len(queries) else 0
    if "pictures" not in view.slot.memo:
        view.slot.memo["pictures"] = [
            figures.Panel(TITLES["synthesis"], f"test accuracy {synthesis.curve[1][-1]:.1%} · {outside} of "
                                               f"{len(queries)} queries outside the data",
                          _picture(view, synthesis, synthesis.X_labeled, synthesis.y_labeled,
                                   X_marked=queries if len(queries) else None, marks_on_top=True,
                                   X_new=queries[-1:] if len(queries) else None)),
            figures.Panel(TITLES["margin"], f"test accuracy {margin.curve[1][-1]:.1%} · asks about real points",
                          _picture(view, margin, data.X_pool[margin.labeled_indices], margin.labels,
                                   X_new=data.X_pool[margin.history[-1].queried] if race.rounds else None))]
    live.panels(view.slot.memo["pictures"], caption=(
        "Grey dots are the real data. Coloured dots are labeled points; on the left, squares frame the made-up "
        "queries (coloured by the label nature gave them) and the ring marks the newest one. The background is "
        "each model, pale where it is unsure; the dark line is its boundary."))
    live.curves(view, {TITLES[name]: loop.curve for name, loop in race.loops.items()}, x_range=(0, race.budget + 1),
                caption="Test accuracy after each label, for this one draw; the dotted line is now.")


def answer(view, label) -> None:
    """A visitor's answer to the pending blend (None: can't tell); both learners take their round."""
    race = view.race
    query = race.synthesis.propose()
    y = race.dataset.y_pool
    truth = int(race.synthesis.answer(query))
    race.step(label=label, skip=label is None)
    view.slot.data.setdefault("answers", []).append(dict(
        answer=label, truth=truth, point=query.point, sources=(int(y[query.start]), int(y[query.end])),
        weight=float(query.t), images=(race.dataset.X_pool[query.start], race.dataset.X_pool[query.end])))
    view.slot.changed()
    view.session.set(n=race.rounds)


def _digit(pixels, scale: int) -> str:
    return figures.png_data_uri(figures.digit_picture(pixels, scale=scale))


def draw_digits(view) -> None:
    race = view.race
    synthesis = race.synthesis
    left, right = st.columns([2, 3], gap="large")
    with left:
        if race.synthesis_done:
            st.info("The synthesis learner has used its budget: raise it in the sidebar, or Reset.",
                    icon=":material/flag:")
        else:
            st.image(_digit(synthesis.propose().point, 32), width=256)
            st.caption("The next question, each pixel drawn as a square. Which digit is it?")
        row = st.container(horizontal=True, gap="small")
        for digit in range(10):
            row.button(str(digit), key=f"synthesis.digits.answer.{digit}", disabled=race.synthesis_done,
                       on_click=answer, args=(view, digit))
        row.button("Can't tell", key="synthesis.digits.answer.none", disabled=race.synthesis_done,
                   on_click=answer, args=(view, None), icon=":material/help:")
    with right:
        answers = view.slot.data.get("answers", [])
        if answers:
            last = answers[-1]
            (first, second), weight = last["sources"], last["weight"]
            said = "you could not tell" if last["answer"] is None else f"you said {last['answer']}"
            st.markdown(f"**Your last blend:** {said}. It was {1 - weight:.0%} of a real {first} and {weight:.0%} of "
                        f"a real {second}, so the ground truth (the image it is mostly made of) is {last['truth']}.")
            cells = st.columns(3)
            for cell, pixels, name in zip(cells, (last["images"][0], last["point"], last["images"][1]),
                                          (f"a real {first}", "the blend", f"a real {second}")):
                cell.image(_digit(pixels, 10), caption=name, width=80)
            told = [a for a in answers if a["answer"] is not None]
            cards = st.container(horizontal=True)
            live.metric(cards, "Can't tell", f"{len(answers) - len(told)} of {len(answers)}",
                        note="your answers so far")
            live.metric(cards, "Agreed with the ground truth", f"{sum(a['answer'] == a['truth'] for a in told)} of "
                        f"{len(told)}", note="of the blends you labeled")
        else:
            st.markdown("Your answers are counted here. **Step** lets the ground truth answer instead (the image "
                        "the blend is mostly made of).")
        recent = synthesis.history[-GALLERY:]
        if recent:
            st.markdown("**Recent questions** (with the label the learner got)")
            gallery = st.container(horizontal=True, gap="small")
            for record in recent:
                gallery.image(_digit(record.query.point, 6), caption=f"taught {record.label}", width=48)
    live.curves(view, {TITLES[name]: loop.curve for name, loop in race.loops.items()}, x_range=(0, race.budget + 1),
                caption="Test accuracy after each label, for this one draw; the dotted line is now. A \"can't tell\" "
                        "costs the synthesis learner a question but gives it no label.")


def draw(view) -> None:
    (draw_plane if view.variant == "plane" else draw_digits)(view)


def verdict(view, results) -> None:
    race, values = results["race"], view.values
    labels, budget = race["labels"][0], int(values["budget"])
    bands = {TITLES[name]: mean_interval(race[f"{name}.accuracy"]) for name in TITLES}
    st.plotly_chart(figures.curves_with_band(labels, bands, height=300, legend_rows=3, y_range=figures.accuracy_range(
        *(band[1] for band in bands.values()))), theme=None, config=figures.PLOTLY_CONFIG,
        key=f"synthesis.{view.variant}.bands")
    n_seeds = race["synthesis.accuracy"].shape[0]
    oracle = ("a label drawn from the true class probabilities" if view.variant == "plane" else
              "the ground truth: the label of the image the blend is mostly made of")
    st.caption(f"{n_seeds} draws of the data and starting labels, each learner to {budget} labels; the synthesis "
               f"learner's oracle is {oracle}. Mean and 95% interval.")
    final = {name: estimate(race[f"{name}.accuracy"][:, -1], 0.0, 1.0) for name in TITLES}
    paired = {name: estimate(race["synthesis.accuracy"][:, -1] - race[f"{name}.accuracy"][:, -1])
              for name in ("margin", "random")}
    icons = {"success": ":material/check_circle:", "warning": ":material/trending_down:", "info": ":material/info:"}
    for outcome in verdicts.synthesis_verdicts(final, paired["margin"], paired["random"], n_seeds, int(labels[-1])):
        getattr(st, outcome.kind)(outcome.text, icon=icons[outcome.kind])
    if view.variant == "plane":
        st.info(verdicts.outside_sentence(estimate(race["far"], 0.0, 1.0)), icon=":material/explore_off:")
    else:
        st.info(verdicts.mixed_sentence(estimate(race["mixed"], 0.0, 1.0), MIXED), icon=":material/blur_on:")


live.render(live.Lab(
    name=spec.NAME, title="Query synthesis: the learner asks its own questions", params=spec.PARAMS,
    intro="Pool-based learners choose **which real point** to ask about. A synthesising learner **makes the point "
          "up**: wherever its model is most unsure, even where no real data lie. With a perfect oracle that can "
          "be efficient; with a person as the oracle it often fails, because the made-up examples are nothing a "
          "person recognises.",
    variants=spec.VARIANTS, variant_label=lambda name: spec.LABELS[name], header=header, controls=ends_control,
    build=spec.build, rebuild_on=lambda variant: spec.REBUILD_ON[variant], budget=lambda values: values["budget"],
    sidebar=sidebar, status=status, draw=draw, measurement=spec.measurement, verdict=verdict,
    measurement_title=lambda values: f"Synthesis against pool-based sampling, over {values['seeds']} seeds",
    step_help="Each learner asks one more question; the ground truth answers the synthesis learner's.",
))
