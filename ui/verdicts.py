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


def _capital(text: str) -> str:
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
        text, kind = (f"{_capital(second)} wins here: A needs {more.format(0, 100, '%')} more labels to reach "
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
    what = _capital(metric.name)
    before, after = metric_value(metric, effect.off), metric_value(metric, effect.on)
    change = metric_change(metric, effect.difference)
    if effect.verdict == "same":
        verdicts = [Verdict(f"With this setting {fix} changes nothing: every seed gives the same {metric.name} as "
                            "with the fix off.", "info")]
    elif effect.verdict == "helps":
        verdicts = [Verdict(f"**{_capital(fix)} helps here.** {what}: {before} with the fix off, {after} with it "
                            f"on: a change of {change}.", "success")]
    elif effect.verdict == "hurts":
        verdicts = [Verdict(f"**{_capital(fix)} makes it worse here.** {what}: {before} with the fix off, {after} "
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


# -- the oracle lab --------------------------------------------------------------------------------------

def _threshold_list(thresholds: Sequence[float]) -> str:
    """"0.5", "0.5 and 0.6", "0.5, 0.6 and 0.7"."""
    texts = [f"{t:g}" for t in thresholds]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


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
        name = _capital(names[rule])
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
