"""Plain-words verdicts on measurements, for every lab: who won, by how much, or that nobody did.

Pure functions from :mod:`alcore.stats` summaries to text, so the sentences
people read are tested against the numbers they describe, and no number in
a sentence is typed by hand. A verdict never claims more than its interval: a
saving whose interval includes zero is "no clear winner", and a baseline that
wins is named as the winner. Numbers use one format everywhere
(:meth:`alcore.stats.Estimate.format`: "5.6 to 13.0", never "-0.0").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from alcore.failures import ACCURACY, Metric
from alcore.oracle import TierSummary
from alcore.stats import Estimate, RaceSummary, number
from alcore.stopping import StopSummary


@dataclass(frozen=True)
class Verdict:
    """A sentence and how to show it.

    Attributes
    ----------
    text : str
        Markdown.
    kind : {'success', 'warning', 'info'}
        ``success`` when the active side (or the fix) clearly wins, ``warning``
        for a tie or a loss, ``info`` when there is nothing to compare.
    """

    text: str
    kind: str


def capital(text: str) -> str:
    """The text with its first letter in upper case (the rest as it is)."""
    return text[:1].upper() + text[1:]


# -- the Arena ---------------------------------------------------------------------------------------

def race_verdict(summary: RaceSummary, target: float, second: str) -> Verdict:
    """The verdict on learner A against the second learner at a target accuracy.

    Parameters
    ----------
    summary : RaceSummary
        From :func:`alcore.stats.summarize_race` (A first).
    target : float
        The accuracy the saving was measured at.
    second : str
        How to name the second learner in a sentence, such as
        ``"random sampling"`` or ``"B (Entropy)"``.

    Returns
    -------
    Verdict
        Who needs fewer labels to reach the target (or that the interval
        cannot tell), followed by where the two stand at the last point.
    """
    saving, n_seeds = summary.saving, summary.n_seeds
    if saving.n == 0:
        text, kind = (f"Within the budget, A and {second} never both reach {target:.0%} in the same seed, so "
                      "there is no saving to measure. Try a lower target or a larger budget.", "info")
    elif np.isnan(saving.low):
        text, kind = (f"A and {second} both reach {target:.0%} in only one seed: A saves "
                      f"{saving.format(0, 100, '%')} there, too few seeds to judge.", "info")
    elif saving.low > 0:
        text, kind = (f"To reach {target:.0%}, A needs {saving.format(0, 100, '%')} fewer labels than "
                      f"{second}; the interval is above zero.", "success")
    elif saving.high < 0:
        more = Estimate(-saving.mean, -saving.high, -saving.low, saving.n)
        text, kind = (f"{capital(second)} wins here: A needs {more.format(0, 100, '%')} more labels to reach "
                      f"{target:.0%}.", "warning")
    else:
        text, kind = (f"No clear winner at {target:.0%}: the saving's interval ({saving.format(0, 100, '%')}) "
                      f"includes zero, so over {n_seeds} seeds A and {second} need about the same number "
                      "of labels.", "warning")
    return Verdict(f"{text} {final_words(summary)}", kind)


def final_words(summary: RaceSummary) -> str:
    """Where A and B stand at the last label count, in points, with the interval."""
    final, last = summary.final, int(summary.labels[-1])
    if np.isnan(final.low):
        return f"At {last} labels, A's accuracy minus B's is {final.format(1, 100, signed=True)} points."
    if final.low > 0:
        return f"At {last} labels A is still ahead by {final.format(1, 100)} points."
    if final.high < 0:
        behind = Estimate(-final.mean, -final.high, -final.low, final.n)
        return f"At {last} labels B is ahead by {behind.format(1, 100)} points."
    return (f"At {last} labels they are level: A minus B is {final.format(1, 100, signed=True)} points, an "
            "interval that includes zero.")


def race_summary_sentence(summary: RaceSummary, target: float, first: str, second: str) -> str:
    """One sentence on a measured race, for a preset: labels each needs, the saving, the end.

    Examples of its shape: "Over 20 seeds, Margin reaches 85% with 9.3 labels
    (5.6 to 13.0), Random with 20.1 (8.7 to 31.4): a saving of 54% (30 to 70%).
    At 100 labels they are level: ..."
    """
    needed = list(summary.needed.values())
    reached = list(summary.reached.values())
    parts = []
    for name, estimate, count in zip((first, second), needed, reached):
        if count == 0:
            parts.append(f"{name} never reaches {target:.0%}")
        else:
            seeds = "" if count == summary.n_seeds else f" in {count} of {summary.n_seeds} seeds"
            parts.append(f"{name} reaches {target:.0%} with {estimate.format(1)} labels{seeds}")
    saving = summary.saving
    if saving.n == 0:
        tail = "no saving can be measured."
    elif np.isnan(saving.low):
        tail = f"from the one seed where both reach it, a saving of {saving.format(0, 100, '%')}: too few to judge."
    elif saving.low > 0:
        tail = f"{first} saves {saving.format(0, 100, '%')} of the labels."
    elif saving.high < 0:
        tail = f"{first} needs more labels: a saving of {saving.format(0, 100, '%')}."
    else:
        tail = f"the saving, {saving.format(0, 100, '%')}, includes zero."
    return f"Over {summary.n_seeds} seeds, {parts[0]}; {parts[1]}: {tail} {final_words(summary)}"


# -- the Batch explorer ------------------------------------------------------------------------------

CLAIM = (0.20, 0.40)  # the seed post: "diversity improves data efficiency by 20-40% over top-k"
CLAIM_TEXT = f"{CLAIM[0]:.0%}-{CLAIM[1]:.0%}"


def claim_verdict(saving: Estimate, title: str) -> Verdict:
    """What a measured saving over Top-K says about the post's 20-40% claim."""
    low_claim, high_claim = CLAIM
    if saving.n == 0:
        return Verdict(f"{title}: no seed where both it and Top-K reach the target, so no saving to measure.", "info")
    if saving.n < 2 or not np.isfinite(saving.low):
        return Verdict(f"{title}: saves {number(100 * saving.mean, 0)}%, from a single seed: too few to judge.", "info")
    measured = saving.format(0, 100, "%")
    if saving.high < 0:
        return Verdict(f"{title} needs **more** labels than Top-K here: saving {measured}. That contradicts the "
                       f"{CLAIM_TEXT} claim.", "warning")
    if saving.high < low_claim:
        tail = ("and the interval includes zero: no clear saving at all." if saving.low <= 0 else
                "a real saving, but smaller than claimed.")
        return Verdict(f"{title} saves {measured}: below the claimed {CLAIM_TEXT}, {tail}", "warning")
    if saving.low > high_claim:
        return Verdict(f"{title} saves {measured}: more than the claimed {CLAIM_TEXT}.", "success")
    if saving.low > 0:
        return Verdict(f"{title} saves {measured}: consistent with the claimed {CLAIM_TEXT}.", "success")
    return Verdict(f"{title} saves {measured}: the interval reaches the claimed range but also includes zero, so "
                   "this run cannot confirm the claim.", "warning")


def luck_verdict(savings: Mapping[str, Estimate], titles: Mapping[str, str], reference: str) -> Verdict:
    """Do random batches of the same size save as much as the diverse methods? (``reference``: their key.)"""
    luck = savings[reference]
    if luck.n < 2 or not np.isfinite(luck.low):
        return Verdict("Random batches: too few seeds reached the target to compare with.", "info")
    measured = luck.format(0, 100, "%")
    diverse = [m for m in savings if m != reference]
    if luck.low > 0:
        best = max(diverse, key=lambda m: savings[m].mean)
        text = (f"Random batches save {measured} over Top-K too: here the gain comes mostly from not piling the "
                "batch into one spot, not from choosing diversity cleverly.")
        text += (f" {titles[best]} still saves clearly more than random batches." if savings[best].low > luck.high
                 else " No diversity method is clearly better than random batches (their intervals overlap).")
        return Verdict(text, "info")
    if luck.high < 0:
        return Verdict(f"Random batches need more labels than Top-K here (saving {measured}): on this setting "
                       "uncertainty matters, so what the diverse methods gain is not mere luck.", "info")
    return Verdict(f"Random batches save {measured} over Top-K, an interval that includes zero: luck alone gives "
                   "no clear saving here.", "info")


# -- the acquisition zoo --------------------------------------------------------------------------------

def _same_value(a: float, b: float) -> bool:
    """Equal up to rounding (relative 1e-9)."""
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)


def zoo_points_sentence(values: Mapping[str, tuple], first: str = "A", second: str = "B") -> str:
    """Which of two probability vectors each measure calls more uncertain, from its values at them.

    Parameters
    ----------
    values : mapping of measure name to (value at the first, value at the second)
        Higher = more uncertain.
    first, second : str
        The vectors' names.

    Examples
    --------
    >>> zoo_points_sentence({"Margin": (0.99, 0.99), "Entropy": (1.1, 0.74)})
    'Margin calls A and B equally uncertain (0.99 each). Entropy calls A more uncertain (1.10 against 0.74).'
    """
    said = []
    for name, (a, b) in values.items():
        if _same_value(a, b):
            said.append(f"{name} calls {first} and {second} equally uncertain ({number(a, 2)} each).")
        else:
            more, less = (first, second) if a > b else (second, first)
            said.append(f"{name} calls {more} more uncertain ({number(max(a, b), 2)} against {number(min(a, b), 2)}).")
    return " ".join(said)


def zoo_orders_sentence(orders: Mapping[tuple, tuple], n_classes: int, n_vectors: int) -> str:
    """Whether the measures rank probability vectors alike, from the pairs each two order differently.

    Parameters
    ----------
    orders : mapping of (name, name) to (pairs ordered differently, pairs)
    n_classes : int
    n_vectors : int
        How many probability vectors were compared.
    """
    total = next(iter(orders.values()))[1]
    if all(differ == 0 for differ, _ in orders.values()):
        return (f"On {n_classes} classes the three measures order all {total:,} pairs of {n_vectors:,} probability "
                "vectors the same way: not one pair differs. They are one ranking, so on two classes they pick the "
                "same point.")
    parts = [f"{a} vs {b}, {number(100 * differ / pairs, 1)}%" for (a, b), (differ, pairs) in orders.items()]
    return (f"On {n_classes} classes they part ways. Of the {total:,} pairs of {n_vectors:,} probability vectors, "
            f"the share two measures order differently: {'; '.join(parts)}.")


def _names(names) -> str:
    """"A", "A and B", "A, B and C"."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def zoo_picks_sentence(groups, titles: Mapping[str, str]) -> str:
    """Which functions ask for the same point now, from the functions grouped by their pick.

    Examples
    --------
    >>> zoo_picks_sentence([["a", "b"], ["c"]], {"a": "LC", "b": "Margin", "c": "EER"})
    'LC and Margin ask for the same point; EER asks for a point of its own.'
    """
    if len(groups) == 1:
        return "Every function asks for the same point."
    shared = [f"{_names(titles[n] for n in group)} ask for the same point" for group in groups if len(group) > 1]
    alone = [titles[group[0]] for group in groups if len(group) == 1]
    if alone:
        own = "asks for a point of its own" if len(alone) == 1 else "each ask for their own"
        shared.append(f"{_names(alone)} {own}")
    return "; ".join(shared) + "."


def _points(value: Estimate) -> str:
    return value.format(1, 100, signed=True) + " points"


def zoo_curves_verdict(summary, titles: Mapping[str, str], selected: str) -> Verdict:
    """How each function's learner compares with random picks, from the mean accuracy along the curve.

    Parameters
    ----------
    summary : ui.labs.zoo.Summary
    titles : mapping of function name to its label
    selected : str
        The function the page steps with (named first).
    """
    last = int(summary.labels[-1])
    lead = summary.over_random[selected]
    head = (f"Over {summary.n_seeds} seeds, {titles[selected]}'s mean test accuracy on the way to {last} labels is "
            f"{summary.along[selected].format(1, 100, '%')}, random's {summary.along['random'].format(1, 100, '%')}: "
            f"a paired difference of {_points(lead)}.")
    groups = {"above": [], "level": [], "below": []}
    for name in summary.functions:
        difference = summary.over_random[name]
        side = "above" if difference.low > 0 else "below" if difference.high < 0 else "level"
        groups[side].append(f"{titles[name]} {difference.format(1, 100, signed=True)}")
    words = {"above": "clearly above", "level": "no clear difference", "below": "clearly below"}
    tail = "Against random, in points: " + "; ".join(f"{words[side]}: {', '.join(found)}"
                                                       for side, found in groups.items() if found) + "."
    kind = "success" if lead.low > 0 else "warning"
    return Verdict(f"{head} {tail}", kind)


def zoo_agreement_verdict(summary, titles: Mapping[str, str], selected: str) -> Verdict:
    """How much the selected function agrees with the others: the same pick, and the rank correlation."""
    same = {name: value for name, value in summary.same.items() if np.isfinite(value.mean)}
    rho = {name: value for name, value in summary.rho.items() if np.isfinite(value.mean)}  # a flat map ranks nothing
    text = ""
    if same:
        most, least = max(same, key=lambda n: same[n].mean), min(same, key=lambda n: same[n].mean)
        text += (f"{titles[selected]} picks the same point as {titles[most]} in {same[most].format(0, 100, '%')} of "
                 f"the looks, as {titles[least]} in {same[least].format(0, 100, '%')}. ")
    if rho:
        close, far = max(rho, key=lambda n: rho[n].mean), min(rho, key=lambda n: rho[n].mean)
        text += (f"Its ranking of the pool correlates most with {titles[close]}'s ({rho[close].format(2)}) and "
                 f"least with {titles[far]}'s ({rho[far].format(2)}).")
        if close in same and rho[close].low >= 0.9 and same[close].high <= 0.5:
            text += (f" So two rankings can agree almost everywhere and still pick different points: the pick is the "
                     f"very top of the ranking, and there {titles[selected]} and {titles[close]} part ways.")
    return Verdict(text.strip() or "No look had a ranking to compare.", "info")


# -- the failure lab ----------------------------------------------------------------------------------

def metric_value(metric: Metric, value: Estimate) -> str:
    """A failure metric's mean and interval in its own unit: "80% (24 to 100%)"."""
    return value.format(metric.digits, metric.scale, metric.unit)


def metric_change(metric: Metric, difference: Estimate) -> str:
    """A paired change in a metric, signed: "-15 points (-32 to +2)"."""
    word = " points" if metric.unit == "%" else ""
    return difference.format(metric.digits, metric.scale, signed=True) + word


def failure_verdicts(fix: str, metric: Metric, effect, cost, n_seeds: int) -> list:
    """What the fix does over the seeds: on the failure's metric, then on final accuracy.

    Parameters
    ----------
    fix : str
        The fix in words, with its setting ("epsilon-greedy (epsilon 0.2)").
    metric : Metric
        The failure's metric.
    effect, cost : alcore.lab.Comparison
        Fix off against on, paired, on the metric and on final accuracy.
    n_seeds : int

    Returns
    -------
    list of Verdict
        The effect, then the accuracy (omitted when every seed is the same).
    """
    what = capital(metric.name)
    before, after = metric_value(metric, effect.off), metric_value(metric, effect.on)
    change = metric_change(metric, effect.difference)
    if effect.verdict == "same":
        verdicts = [Verdict(f"With this setting {fix} changes nothing: every seed gives the same {metric.name} as "
                            "with the fix off.", "info")]
    elif effect.verdict == "helps":
        verdicts = [Verdict(f"**{capital(fix)} helps here.** {what}: {before} with the fix off, {after} with it "
                            f"on: a change of {change}.", "success")]
    elif effect.verdict == "hurts":
        verdicts = [Verdict(f"**{capital(fix)} makes it worse here.** {what}: {before} with the fix off, {after} "
                            f"with it on; the paired change is {change}.", "warning")]
    else:
        verdicts = [Verdict(f"**No clear effect over {n_seeds} seeds.** {what}: {before} with the fix off, {after} "
                            f"with it on; the change, {change}, could be zero: on this setting the fix does not "
                            "clearly help.", "warning")]
    accuracy = metric_change(ACCURACY, cost.difference)
    if cost.verdict == "hurts":
        verdicts.append(Verdict(f"**It costs accuracy:** the final test accuracy changes by {accuracy}.", "warning"))
    elif cost.verdict == "helps":
        verdicts.append(Verdict(f"Final test accuracy rises too: {accuracy}.", "info"))
    elif cost.verdict == "no clear effect":
        verdicts.append(Verdict(f"Final test accuracy: no clear change, {accuracy}.", "info"))
    return verdicts


# -- the failure lab's stored tables: other learners, and the fix on other scenarios -------------------

def listing(names) -> str:
    """Names in a sentence: "A", "A and B", "A, B and C"."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _is(names) -> str:
    return "is" if len(names) == 1 else "are"


def strategies_sentence(symptom: str, metric: Metric, fix: str, rows) -> str:
    """Which learners fall for a failure, from the strategy table (rows of
    :class:`ui.labs.failures.StrategyRow`): worse than random sampling on the
    failure's metric, better, or no clear difference; then what the fix does for them."""
    groups = {kind: [row.label for row in rows if row.versus_random == kind] for kind in ("worse", "better", "same")}
    worse, better, same = groups["worse"], groups["better"], groups["same"]
    parts = [f"{listing(worse)} {_is(worse)} {symptom}: worse than random sampling on {metric.name}" if worse else
             f"no learner here is {symptom} more than random sampling ({metric.name})"]
    if better:
        parts.append(f"{listing(better)} {_is(better)} not: better than random sampling")
    if same:
        parts.append(f"{listing(same)}: no clear difference from random sampling")
    counts = {kind: sum(row.fix == kind for row in rows) for kind in ("helps", "hurts")}
    tail = (f"{capital(fix)} helps {counts['helps']} of the {len(rows)} learners and makes it worse for "
            f"{counts['hurts']}; for the rest the change is not clear, or nothing changes.")
    return "On this data, " + "; ".join(parts) + ". " + tail


def fix_outcome(effect, cost) -> str:
    """What a fix does on a scenario, in a few words, from its paired comparisons
    (:class:`alcore.lab.Comparison` on the scenario's metric, and on final accuracy)."""
    if effect.verdict == "same":
        return "changes nothing"
    costs = cost.verdict == "hurts"
    if effect.verdict == "helps":
        return "helps, but costs accuracy" if costs else "helps"
    if effect.verdict == "hurts":
        return "makes it worse" + (" and costs accuracy" if costs else "")
    return "costs accuracy for no clear gain" if costs else "has no clear effect"


def elsewhere_sentence(fix: str, outcomes) -> str:
    """Where a fix helps, does nothing and costs: ``outcomes`` are (scenario in words, :func:`fix_outcome`)."""
    grouped: dict = {}
    for scenario, outcome in outcomes:
        grouped.setdefault(outcome, []).append(scenario)
    return capital(fix) + " " + "; ".join(f"{outcome} on {listing(scenarios)}"
                                            for outcome, scenarios in grouped.items()) + "."


# -- the stream lab -----------------------------------------------------------------------------------

def _same(value: Estimate) -> bool:
    """True when every seed gave the same value (an interval of no width)."""
    return bool(np.isfinite(value.low) and value.low == value.high)


def _count(value: Estimate) -> str:
    """A count over seeds: the count when all seeds agree (say so with :func:`_every`), else mean and interval."""
    return number(value.mean, 0) if _same(value) else value.format(1)


def _every(value: Estimate) -> str:
    """ " in every seed" after a count all seeds agree on."""
    return " in every seed" if _same(value) else ""


def _points(difference: Estimate) -> str:
    """A paired difference of accuracies in points, signed, with its interval."""
    return f"{difference.format(1, 100, signed=True)} points"


def _side(difference: Estimate, ahead: str, behind: str, level: str) -> str:
    """Which of two learners a paired difference (first minus second) puts ahead, or that it cannot tell."""
    if np.isnan(difference.low):
        return level
    if difference.low > 0:
        return ahead
    if difference.high < 0:
        return behind
    return level


def stream_verdicts(final: Mapping[str, Estimate], spent: Estimate, budget: int, over_random: Estimate,
                    below_pool: Estimate, n_seeds: int, drifting: bool) -> list:
    """What the stream learner ends with against random asking and the pool-based reference.

    Parameters
    ----------
    final : mapping of {'stream', 'random', 'pool'} to Estimate
        Test accuracy after the last arrival.
    spent : Estimate
        Labels the stream learner bought.
    budget : int
    over_random : Estimate
        Stream minus random asking, paired over seeds (accuracy, a fraction).
    below_pool : Estimate
        Pool-based minus stream, paired.
    n_seeds : int
    drifting : bool
        The stream drifts (the pool learner then mixes both halves).

    Returns
    -------
    list of Verdict
        Against random asking (success when the stream learner is clearly
        ahead), then against the pool-based reference (info).
    """
    head = (f"Over {n_seeds} seeds the stream learner buys {_count(spent)} of its {budget} labels{_every(spent)} "
            f"and ends at "
            f"{final['stream'].format(1, 100, '%')}; random asking at the same moments ends at "
            f"{final['random'].format(1, 100, '%')}.")
    side = _side(over_random, "ahead", "behind", "level")
    if side == "ahead":
        first = Verdict(f"{head} Asking when unsure pays: {_points(over_random)} over random asking.", "success")
    elif side == "behind":
        cost = Estimate(-over_random.mean, -over_random.high, -over_random.low, over_random.n)
        first = Verdict(f"{head} Random asking wins here: the stream learner's choices cost "
                        f"{cost.format(1, 100)} points.", "warning")
    else:
        first = Verdict(f"{head} No clear difference ({_points(over_random)}, an interval that includes zero): "
                        "with these labels, which arrivals it asked about hardly mattered.", "warning")
    pool = (f"Pool-based uncertainty sampling with as many labels, which sees every point at once, ends at "
            f"{final['pool'].format(1, 100, '%')}")
    gap = _side(below_pool, "above", "below", "level with")
    pool += (f": {_points(below_pool)} {gap} the stream learner." if gap != "level with" else
             f": level with the stream learner ({_points(below_pool)}).")
    if drifting:
        pool += (" Under drift it picks from the points of the picture of the moment, knowing when the drift "
                 "came; like the others it keeps its labels from before.")
    return [first, Verdict(pool, "info")]


def drift_verdict(before: Estimate, final: Estimate, left: Estimate, asked: Estimate, budget: int) -> Verdict:
    """What a fixed threshold did when the boundary moved: spent early, asked too little, or kept up.

    Parameters
    ----------
    before, final : Estimate
        The stream learner's accuracy just before the drift and at the end.
    left : Estimate
        Labels left in the budget at the drift.
    asked : Estimate
        Labels bought after the drift.
    budget : int

    Returns
    -------
    Verdict
        ``warning`` when the budget was (nearly) gone at the drift, or when
        most of what was left stayed unspent; ``info`` otherwise.
    """
    text = (f"Just before the drift the stream learner stood at {before.format(1, 100, '%')}, at the end at "
            f"{final.format(1, 100, '%')}. It had {_count(left)} labels left at the drift{_every(left)} and bought "
            f"{_count(asked)} after it{_every(asked)}.")
    unspent = left.mean - asked.mean
    if left.high < 0.1 * budget:
        return Verdict(f"**Budget spent early.** {text} The threshold let it ask so often that nothing was left "
                       "when the boundary moved.", "warning")
    if unspent > 0.5 * left.mean:
        return Verdict(f"**Too few questions after the drift.** {text} The model was confidently wrong about the "
                       "new points, so they looked certain and it let them pass.", "warning")
    return Verdict(f"{text} It noticed: the turned points landed where it was unsure, so it spent what it had "
                   "kept.", "info")


def tradeoff_sentence(thresholds, labels: list, accuracy: list, over_random: list) -> str:
    """How the threshold trades labels for accuracy, from the sweep's estimates.

    Parameters
    ----------
    thresholds : sequence of float
        In increasing order.
    labels, accuracy : list of Estimate
        Labels bought and final accuracy at each threshold.
    over_random : list of Estimate
        Stream learner minus random asking with the same labels, paired, at each threshold.

    Returns
    -------
    str
    """
    low, high = 0, len(thresholds) - 1
    text = (f"From threshold {thresholds[low]:g} to {thresholds[high]:g} the labels bought fall from "
            f"{_count(labels[low])}{_every(labels[low])} to {_count(labels[high])}{_every(labels[high])}, and the "
            f"final accuracy moves from "
            f"{accuracy[low].format(1, 100, '%')} to {accuracy[high].format(1, 100, '%')}.")
    ahead = [f"{t:g}" for t, d in zip(thresholds, over_random) if np.isfinite(d.low) and d.low > 0]
    behind = [f"{t:g}" for t, d in zip(thresholds, over_random) if np.isfinite(d.high) and d.high < 0]
    if ahead:
        text += f" It beats random asking with the same labels clearly at threshold {', '.join(ahead)}"
        text += f", and loses clearly at {', '.join(behind)}." if behind else "."
    elif behind:
        text += f" Random asking with the same labels does clearly better at threshold {', '.join(behind)}."
    else:
        text += " At no threshold is it clearly different from random asking with the same labels."
    return text


# -- the synthesis lab --------------------------------------------------------------------------------

def synthesis_verdicts(final: Mapping[str, Estimate], over_margin: Estimate, over_random: Estimate, n_seeds: int,
                       labels: int) -> list:
    """Synthesis against pool-based margin sampling and random sampling, at the same number of labels.

    Parameters
    ----------
    final : mapping of {'synthesis', 'margin', 'random'} to Estimate
        Test accuracy at ``labels`` labels.
    over_margin, over_random : Estimate
        Synthesis minus each, paired over seeds.
    n_seeds, labels : int

    Returns
    -------
    list of Verdict
        Against margin sampling (success when synthesis is clearly ahead),
        then against random sampling.
    """
    head = (f"Over {n_seeds} seeds, at {labels} labels, synthesis ends at {final['synthesis'].format(1, 100, '%')}, "
            f"pool-based margin sampling at {final['margin'].format(1, 100, '%')}.")
    side = _side(over_margin, "ahead", "behind", "level")
    if side == "ahead":
        first = Verdict(f"{head} Making its own questions pays here: {_points(over_margin)} over margin "
                        "sampling.", "success")
    elif side == "behind":
        first = Verdict(f"{head} Asking about real points wins: synthesis is {_points(over_margin)} against "
                        "margin sampling.", "warning")
    else:
        first = Verdict(f"{head} No clear difference ({_points(over_margin)}, an interval that includes zero): "
                        "with a perfect oracle, questions off the data teach about as much.", "info")
    against = _side(over_random, "above", "below", "level with")
    words = (f"{_points(over_random)} {against} it" if against != "level with" else
             f"level with it ({_points(over_random)})")
    second = Verdict(f"Random sampling ends at {final['random'].format(1, 100, '%')}: synthesis is {words}.", "info")
    return [first, second]


def outside_sentence(far: Estimate) -> str:
    """How many synthetic queries land outside the real data (a share, over seeds)."""
    return (f"{far.format(0, 100, '%')} of the synthetic queries land outside the real data: farther from every "
            "real point than 99% of the real points are from their nearest neighbour. Nobody would ever have to "
            "label such a point for real, yet the learner spends a label on it.")


def mixed_sentence(mixed: Estimate, share: float) -> str:
    """How many digit blends are far from either image (a share, over seeds)."""
    return (f"{mixed.format(0, 100, '%')} of the blends are at least {share:.0%} made of their second image: "
            "ghosts of two digits at once. A person asked about them answers slowly, wrongly, or not at all "
            "(Lang and Baum, 1992).")


# -- the oracle lab --------------------------------------------------------------------------------------

def _threshold_list(thresholds: Sequence[float]) -> str:
    """"0.5", "0.5 and 0.6", "0.5, 0.6 and 0.7"."""
    return listing(f"{t:g}" for t in thresholds)


def tier_verdicts(tiers: Sequence[TierSummary], target: float) -> list:
    """What the machine tier does over the seeds: where its labels poison the training set, and what
    it saves where it does no harm.

    Parameters
    ----------
    tiers : sequence of alcore.oracle.TierSummary
        From :func:`alcore.oracle.summarize_tiers`: no machine tier first, then each threshold.
    target : float
        The accuracy the labels from people were counted to.

    Returns
    -------
    list of Verdict
        Where auto-labels poison the training set (when they do), then the trade-off where they do not.
    """
    off, tried = tiers[0], list(tiers[1:])
    poisoned = [t for t in tried if t.change.high < 0]
    safe = [t for t in tried if not t.change.high < 0]
    verdicts = []
    if poisoned:
        worst = min(poisoned, key=lambda t: t.change.mean)
        verdicts.append(Verdict(
            f"**Auto-labels poison the training set at {_threshold_list([t.threshold for t in poisoned])}:** final "
            f"accuracy is clearly lower than with no machine tier. At {worst.threshold:g} the machine tier labels "
            f"{worst.machine.format(0)} images, wrong on {worst.error.format(0, 100, '%')} of them, and final "
            f"accuracy changes by {worst.change.format(1, 100, signed=True)} points.", "warning"))
    if not safe:
        return verdicts
    best = max(safe, key=lambda t: (t.saving.low if np.isfinite(t.saving.low) else -np.inf))
    if np.isfinite(best.saving.low) and best.saving.low > 0:
        verdicts.append(Verdict(
            f"**At {best.threshold:g} the machine tier pays:** people need {best.saving.format(0, 100, '%')} fewer "
            f"labels to reach {target:.0%} than with no machine tier, while it labels {best.machine.format(0)} "
            f"images itself (wrong on {best.error.format(1, 100, '%')}); final accuracy changes by "
            f"{best.change.format(1, 100, signed=True)} points.", "success"))
        return verdicts
    busiest = max(safe, key=lambda t: t.machine.mean)
    reach = (f"{off.needed.format(1)} labels from people reach {target:.0%} without it" if off.reached else
             f"no run reaches {target:.0%} without it")
    verdicts.append(Verdict(
        f"**Where it does no clear harm ({_threshold_list([t.threshold for t in safe])}), the machine tier saves "
        f"people work but not learning:** at {busiest.threshold:g} it labels {busiest.machine.format(0)} images "
        f"(wrong on {busiest.error.format(1, 100, '%')}) that nobody has to look at, yet the labels people need "
        f"to reach {target:.0%} do not clearly drop ({reach}; saving at {busiest.threshold:g}: "
        f"{busiest.saving.format(0, 100, '%')}): what the model is sure of teaches it little.", "info"))
    return verdicts


def points(fraction: float) -> str:
    """An accuracy difference in percentage points, in words: "1 point", "2.5 points"."""
    value = number(100 * fraction, 1).removesuffix(".0")
    return f"{value} point" + ("" if value == "1" else "s")


def _from_plateau(past: Estimate) -> str:
    """Labels past the plateau in words: "30 (20 to 40) labels after it", "... before it", "... from it"."""
    if past.low > 0:
        return f"{past.format(0)} labels after the plateau"
    if past.high < 0:
        return f"{Estimate(-past.mean, -past.high, -past.low, past.n).format(0)} labels before the plateau"
    return f"{past.format(0, signed=True)} labels from the plateau"


def stop_verdicts(summary: StopSummary, names: Mapping[str, str]) -> list:
    """How far from the accuracy plateau each stopping rule stops, over many runs.

    Parameters
    ----------
    summary : alcore.stopping.StopSummary
    names : mapping of str to str
        How to name each rule in a sentence (by rule).

    Returns
    -------
    list of Verdict
        One per rule: too early (clearly more accuracy given up than the
        summary's tolerance), late (labels clearly spent after the plateau
        was reached), near the plateau, or never fired.
    """
    verdicts = []
    for rule, found in summary.rules.items():
        name = capital(names[rule])
        runs = "" if found.fired == summary.n_runs else f" (in the {found.fired} of {summary.n_runs} runs where it fired)"
        if not found.fired:
            verdicts.append(Verdict(f"**{name} never fired** within {summary.horizon} labels, in any of "
                                    f"{summary.n_runs} runs.", "info"))
            continue
        given_up = found.given_up.format(1, 100, signed=not found.given_up.low > 0)
        where = (f"it stops at {found.at.format(0)} labels{runs}, {_from_plateau(found.past)}, giving up "
                 f"{given_up} points of test accuracy")
        if found.fired < 2:
            verdicts.append(Verdict(f"**{name} fired in one run only:** {where}; too few runs to judge.", "info"))
        elif found.given_up.low > summary.tolerance:
            verdicts.append(Verdict(f"**{name} stops too early:** {where}.", "warning"))
        elif found.past.low > 0:
            verdicts.append(Verdict(f"**{name} stops late:** {where}: labels spent after the accuracy had "
                                    f"levelled off (to within {points(summary.tolerance)} of the plateau).", "info"))
        else:
            verdicts.append(Verdict(f"**{name} stops near the plateau:** {where}.", "success"))
    return verdicts
