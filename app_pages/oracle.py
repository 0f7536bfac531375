"""You are the oracle: label handwritten digits yourself, share the work with a machine tier, and
know when to stop.

A declaration on the live-lab machinery (ui.live), with the visitor's own answer buttons instead of
Step and Play: settings, learners and measurements in ui.labs.oracle; here layout and words.
"""

from __future__ import annotations

import time

import streamlit as st

from alcore.oracle import summarize_tiers
from alcore.stats import number
from alcore.stopping import RULES, summarize_stops
from ui import controls, figures, live, verdicts
from ui.labs import oracle as spec

NAMES = {"you": "You", "truth": "Same strategy, dataset's labels", "random": "Random, dataset's labels"}
RULE_NAMES = {"stable": "stabilizing predictions", "uncertainty": "low uncertainty", "budget": "the label budget"}
FLAG = "#D55E00"     # frames an answer that differs from the dataset's label
SHOWN = 30           # thumbnails in a gallery
SIDE = 256           # pixels of the digit's picture: 32 per pixel, shown at its own size so its squares stay sharp
ANSWERS_WIDTH = 276  # pixels: room for five answer buttons in a row (and beside the digit on a small laptop)


def sidebar(session) -> None:
    st.header("Model")
    model = controls.model_select(session)
    st.caption("Curved logistic regression is not offered here: on 64 pixels its cubic features are too many to "
               "refit at every answer.")
    st.header("Strategy")
    controls.strategy_select(session, "strategy", model=model)
    st.header("Run")
    st.slider("Starting labels", 2, 30, key=session.key("init"))
    st.caption("Digits labeled from the dataset before you start, a few of each. Changing the model, the strategy, "
               "this or batch mode starts again: download your labels first.")
    st.toggle(f"Batch mode: answer {spec.BATCH}, then refit", key=session.key("batch"))
    st.caption("Off, the model refits after every answer. On, it picks ten digits at once, as teams do.")
    st.header("When to stop")
    st.slider("Label budget", 20, spec.HORIZON, step=10, key=session.key("budget"))
    st.slider("Uncertainty threshold", 0.05, 0.9, step=0.05, key=session.key("uncertainty"), format="%.2f")
    st.caption("Three rules say when to stop: predictions that stop changing (Cohen's kappa between successive "
               "models, at least 0.99 three times in a row, on a fixed set of unlabeled digits), the model's "
               "mean uncertainty on the unlabeled digits (normalized entropy) below this threshold, and the budget.")
    st.header("Two tiers")
    st.toggle("Machine tier", key=session.key("tiers"))
    st.slider("Confidence threshold", 0.5, 0.99, step=0.01, key=session.key("threshold"), format="%.2f",
              disabled=not st.session_state[session.key("tiers")])
    st.caption("With the machine tier on, every unlabeled digit the model is at least this sure of gets the "
               "model's label at each refit, and only the rest come to you.")


def status(view) -> str:
    person = view.race.person
    yours = person.n_people - person.n_seed
    text = f"{yours} label{'' if yours == 1 else 's'} from you ({person.n_seed} starting labels from the dataset)"
    if person.per_refit > 1 and not person.finished:
        text += f" · batch: {len(person.pending)} of {len(person.pending) + len(person.queue)} answered"
    return text + (" · **nothing left to ask**: Reset or New seed to start again" if person.finished else "")


def answer(view, label: int) -> None:
    view.race.answer(label, when=time.time())


def skip(view) -> None:
    view.race.skip(when=time.time())


def undo(view) -> None:
    view.race.undo()


def question(view) -> None:
    """The digit asked about, the model's guess, the answer buttons and the accuracy."""
    room, values = view.race, view.values
    person = room.person
    person.threshold, person.watch.rules = spec.threshold(values), spec.rules(values)  # live, no rebuild
    row = st.container(horizontal=True, gap="small")  # side by side, or stacked where they do not fit
    picture, buttons = row.container(width=SIDE), row.container(width=ANSWERS_WIDTH)
    index = person.current
    if index is None:
        picture.info("Nothing left to ask: every digit is labeled or skipped.", icon=":material/done_all:")
    else:
        picture.image(figures.png_data_uri(figures.digit_picture(room.dataset.X_pool[index], scale=SIDE // 8)), width=SIDE)
        guess, confidence = person.guess(index)
        picture.markdown(f"The model's guess: **{guess}**, {confidence:.0%} sure")
    with buttons:
        st.markdown("**Which digit is it?**")
        for digits in (range(5), range(5, 10)):
            line = st.container(horizontal=True, gap="xsmall")
            for digit in digits:
                line.button(str(digit), key=f"oracle.answer.{digit}", shortcut=str(digit), disabled=index is None,
                            on_click=live.act, args=(view, answer, digit), type="primary")
        line = st.container(horizontal=True, gap="xsmall")
        line.button("Skip", key="oracle.skip", shortcut="S", icon=":material/redo:", disabled=index is None,
                    on_click=live.act, args=(view, skip), help="Not sure? Skip it: it is not asked again.")
        line.button("Undo", key="oracle.undo", shortcut="Backspace", icon=":material/undo:",
                    disabled=not person.can_undo, on_click=live.act, args=(view, undo),
                    help=f"Take back your last answer (up to {person.undo_depth}); the digit is asked again.")
        cards = st.container(horizontal=True)
        yours, theirs = person.curve[1][-1], room.others["truth"].curve[1][-1]
        live.metric(cards, "Test accuracy, you", f"{yours:.1%}", yours - theirs,
                    f"{number(100 * (yours - theirs), 1, signed=True)} pts vs the dataset's labels")
        live.metric(cards, "Your mistakes", f"{sum(a.disagrees for a in person.answers)}",
                    note="answers unlike the dataset's label")
    stops = person.stops()
    if stops:
        fired = "; ".join(f"{RULES[rule]} at {stop.n_labels} labels (test accuracy then {stop.accuracy:.1%})"
                          for rule, stop in sorted(stops.items(), key=lambda item: item[1].round))
        st.success(f"**You could stop here.** {fired[:1].upper() + fired[1:]}. The rules read only the model's "
                   "predictions; the test accuracy comes from a held-out test set a real team would not have.",
                   icon=":material/flag:")


def draw(view) -> None:
    question(view)
    room = view.race
    live.curves(view, {NAMES[name]: (room.person.curve if name == "you" else loop.curve)
                       for name, loop in room.loops.items()},
                current=room.person.n_people, stops={NAMES["you"]: room.person.stops()}, height=240,
                x_range=(0, max(view.values["budget"], room.person.n_people) + 1),
                caption="Test accuracy against labels from people (the starting labels and yours): your learner, "
                        "the same strategy answered by the dataset's labels, and random sampling answered by them, "
                        "at the same label counts.")
    teach, asked, tiers, download = st.tabs(["How well you teach", "What you were asked", "Two tiers", "Your labels"])
    with teach:
        disagreements(view)
    with asked:
        gallery(view)
    with tiers:
        machine_tier(view)
    with download:
        labels_file(view)


def sheet(view, name: str, indices, captions, outlines=None) -> None:
    """A gallery of digits as one picture, drawn once per change of the learners."""
    if name not in view.slot.memo:
        view.slot.memo[name] = figures.png_data_uri(figures.image_sheet(
            view.race.dataset.X_pool[list(indices)], captions, outlines=outlines))
    st.image(view.slot.memo[name])


def disagreements(view) -> None:
    person = view.race.person
    given = [a for a in person.answers if not a.skipped]
    differ = [a for a in given if a.disagrees][-SHOWN:][::-1]
    st.markdown(f"You answered {len(given)} digits; **{len(differ)} differ from the dataset's label**. Your "
                "learner is taught your answers, mistakes included, so its curve above shows what they cost.")
    if differ:
        sheet(view, "differ", [a.index for a in differ], [(f"you: {a.label}", f"dataset: {a.truth}") for a in differ])
        st.caption("Newest first. Some of the dataset's labels are arguable: 8x8 pixels leave room for doubt.")


def gallery(view) -> None:
    room = view.race
    random_picks = st.toggle("Show what random sampling asked instead", key=view.key("random"))
    if random_picks:
        picks = room.others["random"].labeled_indices[room.person.n_seed:][::-1][:SHOWN]
        if len(picks):
            sheet(view, "random", picks, [(f"random's pick {len(picks) - i}",) for i in range(len(picks))])
        st.caption("The digits random sampling asked about, at the same label counts, newest first: compare how "
                   "typical they look with the ones your strategy chose.")
        return
    asked = room.person.answers[-SHOWN:][::-1]
    if asked:
        sheet(view, "asked", [a.index for a in asked],
              [(f"guess {a.guess} · {a.confidence:.0%}", "skipped" if a.skipped else f"you: {a.label}")
               for a in asked], outlines=[FLAG if a.disagrees else None for a in asked])
    st.caption(f"The last {SHOWN} digits you were asked, newest first, with the model's guess and confidence "
               "before you answered. Framed: your answer differs from the dataset's.")


def machine_tier(view) -> None:
    person, values = view.race.person, view.values
    if not values["tiers"]:
        st.markdown("The machine tier is off: switch it on in the sidebar (**Two tiers**).")
        return
    given, wrong = person.machine_counts()
    cards = st.container(horizontal=True)
    live.metric(cards, "Labels saved", f"{given}", note="digits the machine labeled for you")
    live.metric(cards, "Machine tier's error rate", f"{wrong / given:.1%}" if given else "none yet",
                note=f"{wrong} of its labels differ from the dataset's")
    live.metric(cards, "Sure of now", f"{person.confident().size}",
                note=f"unlabeled digits at {values['threshold']:.0%} or more")
    st.caption("Its labels train your learner too, so a wrong one teaches it a mistake. The measurement below "
               "shows where that starts to hurt, over many seeds.")


def labels_file(view) -> None:
    room = view.race
    st.download_button("Download your labels (CSV)", spec.labels_csv(room), file_name="my-digit-labels.csv",
                       mime="text/csv", icon=":material/download:", on_click="ignore", key="oracle.download")
    st.caption("One row per answer: the image (its row in scikit-learn's load_digits()), your label, the "
               "dataset's label, and when (UTC). Your labels stay in this browser session: nobody else sees them, "
               "and they are gone when you close the tab.")


def verdict(view, results) -> None:
    values = view.values
    target = st.slider("Target accuracy", 0.5, 0.99, step=0.01, key=view.key("target"), format="%.2f")
    view.session.write_url()  # a target move reruns only this part
    tiers_part, stop_part = results["tiers"], results["stopping"]
    thresholds = (None,) + spec.THRESHOLDS
    tiers = summarize_tiers(thresholds, tiers_part["labels"][0], tiers_part["accuracy"], tiers_part["machine"],
                            tiers_part["wrong"], target)
    st.markdown(f"**Two tiers.** Each run goes to {spec.TIER_PEOPLE} labels from people with the machine tier at a "
                "threshold, or off. Mean (95% interval).")
    rows = [f"| threshold | labels from people to reach {target:.0%} | machine labels | machine error rate | "
            "final accuracy |", "|---|---|---|---|---|"]
    for tier in tiers:
        name = "off" if tier.threshold is None else f"{tier.threshold:g}"
        if tier.threshold is not None and values["tiers"] and abs(tier.threshold - values["threshold"]) < 1e-9:
            name = f"**{name} (yours)**"
        needed = tier.needed.format(1) if tier.reached else "not reached"
        machine = ("-", "-") if tier.threshold is None else (tier.machine.format(0), tier.error.format(1, 100, "%"))
        rows.append(f"| {name} | {needed} ({tier.reached} of {len(tiers_part['machine'])} runs) | {machine[0]} | "
                    f"{machine[1]} | {tier.final.format(1, 100, '%')} |")
    st.markdown("\n".join(rows))
    for outcome in verdicts.tier_verdicts(tiers, target):
        getattr(st, outcome.kind)(outcome.text, icon=":material/balance:")
    summary = summarize_stops(stop_part["labels"][0], stop_part["accuracy"], stop_part["kappa"], stop_part["entropy"],
                              spec.rules(values), tail=spec.TAIL, tolerance=spec.TOLERANCE)
    st.markdown(f"**When to stop.** Each run goes to {summary.horizon} labels. Its test accuracy levels off at "
                f"{summary.plateau.format(1, 100, '%')} (the plateau: its mean over the last {summary.tail} labels) "
                f"and first comes within {verdicts.points(summary.tolerance)} of it at {summary.reached.format(0)} labels.")
    rows = ["| rule | fired in | stops at (labels) | labels past the plateau | accuracy given up (points) |",
            "|---|---|---|---|---|"]
    for rule, found in summary.rules.items():
        rows.append(f"| {RULES[rule]} | {found.fired} of {summary.n_runs} runs | {found.at.format(0)} | "
                    f"{found.past.format(0, signed=True)} | {found.given_up.format(1, 100, signed=True)} |")
    st.markdown("\n".join(rows))
    for outcome in verdicts.stop_verdicts(summary, RULE_NAMES):
        getattr(st, outcome.kind)(outcome.text, icon=":material/flag:")
    st.caption("Here the dataset's labels play the person, a perfect one. The plateau and the accuracy given up "
               "use the held-out test set, which a real team would not have: that is how the rules are judged here.")


live.render(live.Lab(
    name=spec.NAME, title="You are the oracle", params=spec.PARAMS,
    intro="Here **you** give the labels. The model picks a handwritten digit it wants to learn from and you say "
          "which digit it is (keys **0**-**9**; **S** skips, **Backspace** undoes).",
    build=spec.build, rebuild_on=spec.REBUILD_ON, sidebar=sidebar, status=status, draw=draw,
    measurement=spec.measurement, verdict=verdict, run_actions=("reset", "new_seed"),
    measurement_title=lambda values: f"Over {values['seeds']} seeds, the dataset's labels as the person",
    explain=(
        "- **The digit** is one of scikit-learn's 1,797 handwritten digits, 8x8 pixels, shown large with its "
        "pixels kept square. The model guesses before you answer; the strategy chose it because the model is "
        "unsure of it (or, with random sampling, by chance).\n"
        "- **Your learner** is taught your answers, mistakes included. Two learners beside it are answered by the "
        "dataset's labels at the same label counts: the same strategy, and random sampling. The gap between you "
        "and the first is what your mistakes cost.\n"
        "- **Marks on the curve** show where each stopping rule fired. The rules never see the test set: the "
        "accuracy there is only for you to judge them.\n"
        "- **Reset** starts again on the same digits; **New seed** draws another split. Both forget your labels."),
))
