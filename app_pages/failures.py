"""The failure-mode lab: each failure of active learning on its own scenario, a learner with the fix
off beside one with it on, and what many seeds say.

A declaration on the live-lab machinery (ui.live), one tab per failure record
of alcore.failures: the records say what to show, so no code here names a
failure. Settings and measurement in ui.labs.failures; here layout and words.
"""

from __future__ import annotations

import streamlit as st

from alcore import lab
from alcore.failures import ACCURACY, FAILURES, queried_points
from alcore.registry import DATASETS, MODELS, STRATEGIES
from alcore.stats import number
from ui import controls, figures, jobs, live, verdicts
from ui.labs import failures as spec

CONDITIONS = {"off": "Fix off", "on": "Fix on", "random": "Random sampling"}
VERSUS = {"worse": "**falls for it more**", "better": "better", "same": "no clear difference", "reference": "(reference)"}


def sidebar(session) -> None:
    st.header("Run")
    controls.speed_select(session)
    st.caption("Every tab's learners take the same seed (Reset keeps it, New seed draws another); the settings "
               "and the round are in the link, so it reproduces what you see.")


def sides(values) -> dict:
    """How to name the two learners: the right one is "fix on" only when the fix is switched on."""
    return {"off": "fix off", "on": "fix on" if spec.fix_on(values) else "right (fix off)"}


def header(view) -> None:
    mode = spec.mode(view.values)
    fix = mode.fix
    st.markdown(mode.story)
    seeds = "a few per class" if mode.seed_method == "per_class" else "at random"
    if fix.changes_seed_set:
        seeds += f", or by {fix.name} with the fix on"
    st.caption(f"Data: {DATASETS[mode.dataset].label.lower()}, {lab.N_POOL:,} pool points. Model: "
               f"{MODELS[mode.model].label}. Strategy: {STRATEGIES[mode.strategy].label}. Starting labels: "
               f"{mode.seed_size} ({seeds}), then {mode.n_queries} queries.")
    st.toggle(f"{fix.toggle} on the right-hand learner", key=view.key(fix.link),
              help="Switch the fix on the right-hand learner. Its run is replayed from the same starting labels to "
                   "the same round.")
    knob = fix.knob
    if knob is None:
        st.caption(fix.no_knob)
    else:
        with st.container(width=460):
            number = int if knob.is_count else float
            st.slider(knob.label, number(knob.low), number(knob.high), step=number(knob.step), key=view.key(knob.link),
                      help=knob.help, format="%d" if knob.is_count else "%.2f")
            st.caption(knob.caption)


def step(view, last: bool) -> None:
    """Both learners take a round; a failure that watches its fix records what it would have asked without it."""
    mode, on = spec.mode(view.values), view.race.loops["on"]
    watching = mode.watch is not None and spec.fix_on(view.values)
    unfixed = mode.watch(on) if watching else None
    view.race.step()
    if watching:
        view.slot.data.setdefault("changed", []).append((int(on.history[-1].queried[0]) != unfixed, unfixed))


def status(view) -> str:
    mode = spec.mode(view.values)
    first = view.race.loops["off"]
    return (f"{first.n_labeled} labels each ({mode.seed_size} to start, {mode.n_queries} queries)"
            + (" · **all queries made**" if view.race.finished else ""))


def draw(view) -> None:
    mode, race, values = spec.mode(view.values), view.race, view.values
    data, names, fix_on = race.dataset, sides(values), spec.fix_on(values)
    changed = view.slot.data.get("changed", [])
    titles = {"off": f"Fix off: {STRATEGIES[mode.strategy].label}",
              "on": f"Fix on: + {mode.fix_text}" if fix_on else "Fix switched off: same as left"}
    items = []
    for side, loop in race.loops.items():
        if mode.numbered_queries:
            newest = queried_points(loop, mode.numbered_queries)
        else:
            newest = loop.history[-1].queried if race.rounds > 0 else []
        square = None
        if side == "on" and changed and changed[-1][0] and race.rounds > 0:
            square = data.X_pool[[changed[-1][1]]]  # what it would have asked without its fix, this round
        figure = mode.live(loop, data) if mode.live is not None else None
        subtitle = f"test accuracy {loop.curve[1][-1]:.1%}" + (f" · {figure.subtitle}" if figure and figure.subtitle
                                                              else "")
        picture = view.picture(loop, X_new=data.X_pool[newest] if len(newest) else None,
                               numbered=bool(mode.numbered_queries), X_square=square,
                               X_marked=data.X_pool[data.marked] if mode.outline else None)
        items.append(figures.Panel(titles[side], subtitle, picture))
    caption = ("The colour is the class the model predicts, pale where it is unsure; the dark line is its decision "
               "boundary. Grey dots are unlabeled, coloured dots labeled. "
               + (f"Rings number the first {mode.numbered_queries} queries in order. " if mode.numbered_queries
                  else "The ring is the newest query. ")
               + (f"Outlined squares are {mode.outline}. " if mode.outline else "")
               + (f"On the right, a large square marks the point the learner would have asked for without "
                  f"{mode.fix.name}, in rounds where it changed the pick." if mode.watch is not None and fix_on else ""))
    live.panels(items, caption=caption)
    live.curves(view, {names[side]: loop.curve for side, loop in race.loops.items()},
                x_range=(0, mode.budget + 1), caption="Test accuracy after each label; the dotted line is now.")
    if not fix_on:
        st.info("The fix is switched off, so both learners are the same learner and make the same queries. Switch "
                "it on to compare.", icon=":material/toggle_off:")
    cards = st.container(horizontal=True)
    if mode.live is not None:
        for side, loop in race.loops.items():
            figure = mode.live(loop, data)
            live.metric(cards, f"{figure.label}, {names[side]}", figure.value, note=figure.note)
    off, on = race.loops["off"].curve[1][-1], race.loops["on"].curve[1][-1]
    live.metric(cards, f"Accuracy now, {names['on']}", f"{on:.1%}", on - off,
                f"{number(100 * (on - off), 1, signed=True)} pts vs fix off")
    if mode.view:
        VIEWS[mode.view](view, mode, fix_on, changed)


def calibration_view(view, mode, fix_on: bool, changed: list) -> None:
    """Reliability diagram, ECE before and after scaling, the temperature, and the queries it changed."""
    on, data = view.race.loops["on"], view.race.dataset
    report = lab.calibration(on, data.X_test, data.y_test)
    cards = st.container(horizontal=True)
    live.metric(cards, "ECE before scaling", f"{report.ece_raw:.3f}", note="the model's own probabilities")
    if fix_on:
        change = report.ece_scaled - report.ece_raw
        live.metric(cards, "ECE after scaling", f"{report.ece_scaled:.3f}", change, number(change, 3, signed=True),
                    lower_is_better=True)
        live.metric(cards, "Temperature T", f"{report.temperature:.2f}", note="T > 1 softens overconfident probabilities")
    else:
        live.metric(cards, "ECE after scaling", "(fix off)", note="switch it on")
        live.metric(cards, "Temperature T", "1 (off)", note="no scaling")
    bins = {"before scaling": (report.raw.confidence, report.raw.accuracy, report.raw.counts)}
    if fix_on:
        bins[f"after scaling (T = {report.temperature:.2f})"] = (report.scaled.confidence, report.scaled.accuracy,
                                                                report.scaled.counts)
    chart, words = st.columns([3, 2], vertical_alignment="center")
    chart.plotly_chart(figures.reliability_diagram(bins, height=280, revision=view.slot.revision),
                       theme=None, config=figures.PLOTLY_CONFIG, key=f"failures.{view.variant}.reliability")
    words.caption("Reliability diagram of the right-hand learner's model on the test set: each dot is a group of "
                  "predictions with similar confidence (bigger = more of them). On the dashed line, 80% sure means "
                  "right 80% of the time; below it, the model is overconfident. ECE is the average gap.")
    if not fix_on:
        words.markdown("**Queries:** switch scaling on to see whether it changes them.")
    elif not changed:
        words.markdown("**Queries:** none made yet.")
    else:
        rounds = [str(i + 1) for i, (differs, _) in enumerate(changed) if differs]
        words.markdown(f"**Queries changed by scaling: {len(rounds)} of {len(changed)}**"
                       + (f" (rounds {', '.join(rounds)})." if rounds else
                          ": the scaled and unscaled probabilities rank the same point first every time."))


#: Extra views a failure record may ask for by name (``FailureMode.view``).
VIEWS = {"calibration": calibration_view}


def verdict(view, results) -> None:
    mode, n_seeds = spec.mode(view.values), int(view.values["seeds"])
    st.caption(f"{n_seeds} draws of the data and starting labels, each run to the end ({mode.n_queries} queries); "
               "fix off and fix on get the same draws. Mean (95% interval).")
    rows = ["| | " + " | ".join(m.head for m in mode.metrics) + " |", "|---" * (len(mode.metrics) + 1) + "|"]
    for condition, name in CONDITIONS.items():
        rows.append(f"| {name} | " + " | ".join(verdicts.metric_value(m, lab.summarise(results[condition][m.key]))
                                                 for m in mode.metrics) + " |")
    st.markdown("\n".join(rows))
    metric = mode.metric
    effect = lab.compare(results["off"][metric.key], results["on"][metric.key], metric.higher_is_better)
    cost = lab.compare(results["off"]["accuracy"], results["on"]["accuracy"], True)
    icons = {"success": ":material/check_circle:", "warning": ":material/trending_down:", "info": ":material/balance:"}
    for outcome in verdicts.failure_verdicts(mode.fix_text, metric, effect, cost, n_seeds):
        getattr(st, outcome.kind)(outcome.text, icon=icons[outcome.kind])
    with st.expander("What the columns mean, and the script"):
        st.markdown("\n".join(f"- **{m.head[:1].upper() + m.head[1:]}**: {m.name}." for m in mode.metrics)
                    + "\n- **Random sampling**: the same model fed random points, for reference: is the failure "
                      "worse than not choosing at all?")
        knob = mode.fix.knob
        st.code(f"python bench/bench_failures.py --failure {mode.name}"
                + (f" --knob {mode.fix_value:g}" if knob is not None else "") + f" --seeds {n_seeds}", language="bash")


def stored(pair: dict):
    """A pair of stored measurements (fix off and on), or None when one is not stored."""
    results = {condition: jobs.request(key, start=False)[0] for condition, key in pair.items()}
    return None if any(result is None for result in results.values()) else results


def tables(view) -> None:
    """Other learners on this scenario, and this fix on every scenario: stored 20-seed measurements."""
    name = view.values["tab"]
    record, seeds = FAILURES[name], spec.TABLE_SEEDS
    learners = {learner: stored(pair) for learner, pair in spec.strategy_keys(name).items()}
    elsewhere = {scenario: stored(pair) for scenario, pair in spec.elsewhere_keys(name).items()}
    if any(result is None for result in (*learners.values(), *elsewhere.values())):
        st.caption("The tables of other learners and other scenarios are not stored yet (`python "
                   "bench/measure_labs.py` measures them).")
        return
    metric = record.metric
    st.subheader("Which learners fall for it")
    st.caption(f"This scenario, {seeds} seeds, each learner with the fix off and on ({record.fix_text}, the tab's "
               "default, whatever the slider says). Mean (95% interval). The last column compares the fix-off "
               "learner with random sampling on the same seeds; this tab's learner is in bold.")
    rows = spec.strategy_rows(name, learners)
    lines = [f"| Learner | {metric.head}, fix off | fix on | against random |", "|---|---|---|---|"]
    for row in rows:
        label = f"**{row.label} (this tab)**" if row.own else row.label
        lines.append(f"| {label} | {verdicts.metric_value(metric, row.off)} | {verdicts.metric_value(metric, row.on)} "
                     f"| {VERSUS[row.versus_random]} |")
    st.markdown("\n".join(lines))
    st.info(verdicts.strategies_sentence(record.symptom, metric, record.fix_text, rows), icon=":material/groups:")
    st.subheader(f"Where {record.fix.name} helps, and where it costs")
    st.caption(f"{verdicts.capital(record.fix_text)} switched on in every scenario of this lab, each run by its own "
               f"learner, {seeds} seeds, paired with the fix off. Each row is measured by that scenario's own figure.")
    rows = spec.elsewhere_rows(elsewhere)
    lines = ["| Scenario | Its figure: fix off → on | Change | Final accuracy | So |", "|---|---|---|---|---|"]
    outcomes = []
    for row in rows:
        mode = FAILURES[row.scenario]
        outcome = verdicts.fix_outcome(row.effect, row.cost)
        where = mode.label.lower() + (" (its own)" if row.scenario == name else "")
        outcomes.append((where, outcome))
        lines.append(f"| {mode.label}{' (this tab)' if row.scenario == name else ''} | {row.metric.head}: "
                     f"{verdicts.metric_value(row.metric, row.effect.off)} → "
                     f"{verdicts.metric_value(row.metric, row.effect.on)} | "
                     f"{verdicts.metric_change(row.metric, row.effect.difference)} | "
                     f"{verdicts.metric_change(ACCURACY, row.cost.difference)} | {outcome} |")
    st.markdown("\n".join(lines))
    st.info(verdicts.elsewhere_sentence(record.fix_text, outcomes), icon=":material/swap_horiz:")


live.render(live.Lab(
    name=spec.NAME, title="When active learning fails", params=spec.PARAMS,
    intro="Active learning chooses its own training data, and that can go wrong in four classic ways. Each tab sets "
          "up one of them. Two learners get the same data and the same starting labels: the **left one has the fix "
          "off**, the **right one has it on**. Step them together, switch the fix on and off, and read the "
          "measurement below: what the fix does over many seeds, including when it does not help.",
    variants=spec.VARIANTS, variant_label=lambda name: FAILURES[name].label, header=header,
    build=spec.build, rebuild_on=spec.REBUILD_ON, replay=True, sidebar=sidebar, status=status, step=step, draw=draw,
    measurement=spec.measurement, verdict=verdict, after_verdict=tables,
    measurement_title=lambda values: f"Measured over {values['seeds']} seeds",
    step_help="Both learners ask for one more label.",
))
