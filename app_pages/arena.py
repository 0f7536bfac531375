"""The Arena: two learners race on the same pool, the same starting labels and the same test set.

A declaration on the live-lab machinery (ui.live): settings, presets and
measurement in ui.labs.arena; here only layout and words.
"""

from __future__ import annotations

import streamlit as st

from alcore.failures import queried_points
from alcore.registry import DATASETS, STRATEGIES
from alcore.stats import number, summarize_race
from ui import controls, figures, live, verdicts
from ui import upload as uploads
from ui.labs import arena as spec

THUMBNAILS = 6  # the last queries shown as images, per learner


def sidebar(session) -> None:
    controls.data_section(session)
    st.header("Model")
    model = controls.model_select(session)
    st.header("Strategy")
    controls.strategy_select(session, "a", label="Learner A", model=model)
    controls.strategy_select(session, "b", label="Learner B", model=model)
    st.header("Run")
    controls.budget_slider(session, low=int(session.values()["init"]), high=int(session.values()["pool"]))
    controls.batch_slider(session)
    controls.speed_select(session)


def status(view) -> str:
    first = next(iter(view.race.loops.values()))
    text = f"{first.n_labeled} labels each (budget {view.values['budget']})"
    if all(loop.n_unlabeled == 0 for loop in view.race.loops.values()):
        return text + " · **every pool point is labeled**: Reset or New seed to race again"
    return text + (" · **budget used**: raise it in the sidebar, or Reset" if view.race.finished else "")


def step(view, last: bool) -> None:
    """One round; before the last of a Run, keep the score maps that choose the points about to be ringed."""
    if last and view.values["scores"]:
        view.slot.data["pick_scores"] = {name: view.score_map(loop) for name, loop in view.race.loops.items()
                                         if not loop.strategy.is_random}
    else:  # maps of an earlier round must not pass for the ones that picked the newest ring
        view.slot.data.pop("pick_scores", None)
    view.race.step()


def build(values, seed):
    """The learners; on a visitor's file, the file in this session (a note while there is none)."""
    if values["ds"] != controls.UPLOAD:
        return spec.build(values, seed)
    upload = uploads.of_lab(spec.NAME)
    if upload is None:
        raise live.NotReady("Choose a CSV file under **Data** in the sidebar to race on your own data. (A link to "
                            "someone else's upload cannot bring their file: it stays in their session.)")
    return spec.build(values, seed, data=upload.dataset(values["pool"], seed))


def thumbnails(view, loop) -> dict:
    """For image data: the learner's last queries (its starting labels before any), newest first."""
    shape = getattr(DATASETS.get(view.values["ds"]), "image_shape", None)
    if shape is None:
        return {}
    picks, caption = queried_points(loop)[::-1][:THUMBNAILS], "Last asked, newest first (frame: its true class)"
    if not picks.size:
        picks, caption = loop.labeled_indices[:THUMBNAILS], "Starting labels (no query yet)"
    images = view.race.dataset.X_pool[picks].reshape(-1, *shape)
    labels = view.race.dataset.y_pool[picks]
    return dict(strip=figures.png_data_uri(figures.image_strip(images, labels)), strip_caption=caption)


def picture_caption(view, show_scores: bool) -> str:
    """What the panels show: the model's map over 2-D data, or the pool on an embedding."""
    if not view.embedded:
        return ("Dark purple is where the strategy most wants a label (scaled per panel); the ring is the point it "
                "just asked for. Grey dots are unlabeled, coloured dots labeled." if show_scores else
                "The colour is the class the model predicts, pale where it is unsure; the dark line is its decision "
                "boundary. Grey dots are unlabeled, coloured dots labeled, the ring is the newest query.")
    embedding, features = view.embedding(), view.race.dataset.n_features
    where = ("t-SNE, computed once for all the images: similar images sit close together, but distances between "
             "clusters mean little" if embedding.method == "t-SNE" else
             f"PCA, the two directions of largest spread, which keep {embedding.kept:.0%} of the variance")
    colour = ("its colour is the strategy's score (dark purple: it most wants that label)" if show_scores else
              "its colour is the class the model predicts for it, pale where it is unsure")
    return (f"With {features} features there is no plane to paint the model's map on, so each small dot is a pool "
            f"point placed by {where}, and {colour}. Big dots with white rims are labeled, in their true class; the "
            "ring is the newest query.")


def draw(view) -> None:
    race, show_scores = view.race, st.toggle(
        "Show acquisition scores", key=view.key("scores"),
        help="Swap the model's confidence for the strategy's scores: dark where it most wants a label.")
    picked = view.slot.data.get("pick_scores", {}) if race.rounds > 0 else {}
    items = []
    for name, loop in race.loops.items():
        subtitle, scores = f"test accuracy {loop.curve[1][-1]:.1%}", None
        if show_scores:
            if loop.strategy.is_random:
                subtitle += " · random: no preference, every point equally likely"
            elif name in picked:
                scores, subtitle = picked[name], subtitle + " · scores that picked the ringed point"
            else:
                scores, subtitle = view.score_map(loop), subtitle + " · where it will ask next"
        newest = loop.history[-1].queried if race.rounds > 0 else None
        picture = view.picture(loop, grid_scores=scores, new=newest)
        items.append(figures.Panel(name, subtitle, picture, **thumbnails(view, loop)))
    live.panels(items, caption=picture_caption(view, show_scores))
    live.curves(view, {name: loop.curve for name, loop in race.loops.items()},
                x_range=(0, view.values["budget"] + 1),
                caption="Test accuracy after each label in this race; the dotted line is now. One race is one roll "
                        "of the dice: the view below repeats it over many seeds.")
    (name_a, loop_a), (name_b, loop_b) = race.loops.items()
    acc_a, acc_b = loop_a.curve[1][-1], loop_b.curve[1][-1]
    cards = st.container(horizontal=True)
    live.metric(cards, f"{name_a}: accuracy now", f"{acc_a:.1%}", acc_a - acc_b,
                f"{number(100 * (acc_a - acc_b), 1, signed=True)} pts vs B")
    live.metric(cards, f"{name_b}: accuracy now", f"{acc_b:.1%}", acc_b - acc_a,
                f"{number(100 * (acc_b - acc_a), 1, signed=True)} pts vs A")
    live.metric(cards, f"Labels each (budget {view.values['budget']})", f"{loop_a.n_labeled}")
    st.caption("Accuracy on the held-out test set, which no learner ever sees.")


def verdict(view, results) -> None:
    labels, accuracy = results["race"]
    first, second = spec.names(view.values)
    target = st.slider("Target accuracy", 0.5, 0.99, step=0.01, key=view.key("target"), format="%.2f")
    st.caption("How many labels does each learner need to first reach this accuracy?")
    view.session.write_url()  # a target move reruns only this part
    summary = summarize_race(labels, accuracy, target, first, second)
    st.plotly_chart(figures.curves_with_band(labels, summary.bands, target=target, height=320, y_range=figures.accuracy_range(
        *(band[1] for band in summary.bands.values()), target)), theme=None, config=figures.PLOTLY_CONFIG,
        key="arena.bands")
    st.caption(f"The same race with {summary.n_seeds} draws of the data and starting labels. The line is the mean, "
               "the band its 95% interval: where the bands overlap, the difference could be luck.")
    cards = st.container(horizontal=True)
    for name in (first, second):
        live.metric(cards, f"{name}: labels to reach {target:.0%}", summary.needed[name].format(1),
                    note=f"reached in {summary.reached[name]} of {summary.n_seeds} seeds")
    live.metric(cards, "Labels A saves over B", summary.saving.format(0, 100, "%"),
                note=f"over {summary.saving.n} seeds where both reached it")
    st.caption("Mean and 95% interval over seeds. The saving is 1 - (A's labels / B's labels), with a paired "
               "bootstrap interval; negative means A needs more.")
    b = STRATEGIES[view.values["b"]]
    outcome = verdicts.race_verdict(summary, target, "random sampling" if b.is_random else f"B ({b.label})")
    getattr(st, outcome.kind)(outcome.text, icon=":material/balance:")


def describe(values, results) -> str:
    first, second = spec.names(values)
    labels, accuracy = results["race"]
    summary = summarize_race(labels, accuracy, values["target"], first, second)
    return verdicts.race_summary_sentence(summary, values["target"], first, second)


live.render(live.Lab(
    name=spec.NAME, title="Arena: active vs random", params=spec.PARAMS, presets=spec.PRESETS,
    intro="Two learners get the same pool, the same starting labels and the same test set. Each step, each one "
          "asks for a label. **A** picks with an active-learning strategy; **B** is random sampling unless you "
          "change it. Who learns faster?",
    build=build, rebuild_on=spec.REBUILD_ON, budget=lambda values: values["budget"], sidebar=sidebar,
    status=status, step=step, draw=draw, measurement=lambda values: spec.measurement(values, uploads.of_lab(spec.NAME)),
    verdict=verdict, describe=describe,
    explain=(
        "- **Grey dots** are the pool: points nobody has labeled yet. **Coloured dots** are labeled, in the colour "
        "of their class. The **ring** is the point asked for in the last step.\n"
        "- The **background** is the model: the colour of the class it predicts, strong where it is sure and "
        "white where it is torn. The **dark line** is where its prediction flips.\n"
        "- **Show acquisition scores** swaps in the strategy's view: dark purple where a label would be worth "
        "most to it. Uncertainty strategies love the boundary; random has no favourites, so its map is blank.\n"
        "- Both panels use the same pool, the same starting labels and the same test set, so any difference "
        "comes from which points each learner chose.\n"
        "- With more than two features (the digits, most files) there is no background to paint: each pool point "
        "is a dot coloured by the model, placed on a 2-D map of the data; the caption under the panels says which "
        "map. For images, the last images each learner asked about sit under its panel."),
))
