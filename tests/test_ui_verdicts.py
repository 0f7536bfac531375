"""ui.verdicts: every sentence says what its numbers say, never more. Numbers in, exact sentences out,
worked by hand from the one number format (alcore.stats.Estimate.format: "50% (30 to 70%)")."""

import numpy as np
import pytest

from alcore.failures import ACCURACY, Metric
from alcore.lab import Comparison
from alcore.stats import Estimate, RaceSummary
from ui.verdicts import (CLAIM_TEXT, claim_verdict, failure_verdicts, final_words, luck_verdict, metric_change,
                         metric_value, race_summary_sentence, race_verdict)

NAN = float("nan")
LEVEL = Estimate(0.0, -0.01, 0.01, 20)
LEVEL_WORDS = "At 100 labels they are level: A minus B is 0.0 (-1.0 to +1.0) points, an interval that includes zero."


def summary(saving: Estimate, final: Estimate = LEVEL, needed=None, reached=None, n_seeds: int = 20) -> RaceSummary:
    return RaceSummary(labels=np.array([4, 50, 100]), bands={}, needed=needed or {}, reached=reached or {},
                       saving=saving, final=final, n_seeds=n_seeds)


# -- race_verdict: one branch per place of the saving's interval ---------------------------------------

@pytest.mark.parametrize("saving, kind, text", [
    (Estimate(0.5, 0.3, 0.7, 20), "success",
     "To reach 85%, A needs 50% (30 to 70%) fewer labels than random sampling; the interval is above zero."),
    (Estimate(-0.4, -0.6, -0.2, 20), "warning",
     "Random sampling wins here: A needs 40% (20 to 60%) more labels to reach 85%."),
    (Estimate(0.1, -0.1, 0.3, 20), "warning",
     "No clear winner at 85%: the saving's interval (10% (-10 to 30%)) includes zero, so over 20 seeds A and "
     "random sampling need about the same number of labels."),
    (Estimate(NAN, NAN, NAN, 0), "info",
     "Within the budget, A and random sampling never both reach 85% in the same seed, so there is no saving to "
     "measure. Try a lower target or a larger budget."),
])
def test_the_race_verdict_follows_the_saving_interval(saving, kind, text):
    verdict = race_verdict(summary(saving), 0.85, "random sampling")
    assert verdict.kind == kind
    assert verdict.text == f"{text} {LEVEL_WORDS}"


def test_the_race_verdict_names_the_second_learner_as_given():
    verdict = race_verdict(summary(Estimate(-0.4, -0.6, -0.2, 20)), 0.9, "B (Entropy)")
    assert verdict.text.startswith("B (Entropy) wins here: A needs 40% (20 to 60%) more labels to reach 90%.")


def test_a_saving_from_one_seed_is_not_called_an_interval_that_includes_zero():
    one_seed = summary(Estimate(0.25, NAN, NAN, 1), n_seeds=3,
                       needed={"A": Estimate(9.0, NAN, NAN, 1), "B": Estimate(12.0, NAN, NAN, 1)},
                       reached={"A": 1, "B": 1})
    assert "includes zero" not in race_verdict(one_seed, 0.85, "random sampling").text.split(" At ")[0]
    assert "includes zero" not in race_summary_sentence(one_seed, 0.85, "A", "B").split(" At ")[0]


# -- final_words: where the two stand at the last label count -------------------------------------------

@pytest.mark.parametrize("final, words", [
    (Estimate(0.05, 0.02, 0.08, 20), "At 100 labels A is still ahead by 5.0 (2.0 to 8.0) points."),
    (Estimate(-0.05, -0.08, -0.02, 20), "At 100 labels B is ahead by 5.0 (2.0 to 8.0) points."),
    (LEVEL, LEVEL_WORDS),
    (Estimate(0.01, NAN, NAN, 1), "At 100 labels, A's accuracy minus B's is +1.0 points."),
    (Estimate(-0.0004, -0.012, 0.011, 20),  # a mean that rounds to zero is 0.0, never -0.0
     "At 100 labels they are level: A minus B is 0.0 (-1.2 to +1.1) points, an interval that includes zero."),
])
def test_final_words_say_where_they_stand_at_the_end(final, words):
    assert final_words(summary(Estimate(0.5, 0.3, 0.7, 20), final)) == words
    assert race_verdict(summary(Estimate(0.5, 0.3, 0.7, 20), final), 0.85, "B (Entropy)").text.endswith(words)


# -- race_summary_sentence: the preset sentence -------------------------------------------------------

NEEDED = {"A: Margin": Estimate(9.3, 5.6, 13.0, 20), "B: Random": Estimate(20.1, 8.7, 31.4, 12)}


@pytest.mark.parametrize("saving, tail", [
    (Estimate(0.54, 0.30, 0.70, 12), "A: Margin saves 54% (30 to 70%) of the labels."),
    (Estimate(-0.4, -0.6, -0.2, 12), "A: Margin needs more labels: a saving of -40% (-60 to -20%)."),
    (Estimate(0.1, -0.1, 0.3, 12), "the saving, 10% (-10 to 30%), includes zero."),
    (Estimate(NAN, NAN, NAN, 0), "no saving can be measured."),
])
def test_the_preset_sentence_says_labels_each_needs_the_saving_and_the_end(saving, tail):
    measured = summary(saving, needed=NEEDED, reached={"A: Margin": 20, "B: Random": 12})
    assert race_summary_sentence(measured, 0.85, "A: Margin", "B: Random") == (
        "Over 20 seeds, A: Margin reaches 85% with 9.3 (5.6 to 13.0) labels; B: Random reaches 85% with 20.1 "
        f"(8.7 to 31.4) labels in 12 of 20 seeds: {tail} {LEVEL_WORDS}")


def test_the_preset_sentence_says_when_a_learner_never_reaches_the_target():
    measured = summary(Estimate(NAN, NAN, NAN, 0), final=Estimate(0.05, 0.02, 0.08, 20),
                       needed={"A": Estimate(30.0, 20.0, 40.0, 20), "B": Estimate(NAN, NAN, NAN, 0)},
                       reached={"A": 20, "B": 0})
    assert race_summary_sentence(measured, 0.95, "Margin", "Random") == (
        "Over 20 seeds, Margin reaches 95% with 30.0 (20.0 to 40.0) labels; Random never reaches 95%: no saving "
        "can be measured. At 100 labels A is still ahead by 5.0 (2.0 to 8.0) points.")


# -- claim_verdict: a measured saving against the post's 20-40% ---------------------------------------------

@pytest.mark.parametrize("saving, kind, text", [
    (Estimate(NAN, NAN, NAN, 0), "info", "Hybrid: no seed where both it and Top-K reach the target, so no saving "
                                         "to measure."),
    (Estimate(0.25, NAN, NAN, 1), "info", "Hybrid: saves 25%, from a single seed: too few to judge."),
    (Estimate(-0.3, -0.5, -0.1, 20), "warning", "Hybrid needs **more** labels than Top-K here: saving -30% "
                                                "(-50 to -10%). That contradicts the 20%-40% claim."),
    (Estimate(0.05, -0.05, 0.15, 20), "warning", "Hybrid saves 5% (-5 to 15%): below the claimed 20%-40%, and the "
                                                 "interval includes zero: no clear saving at all."),
    (Estimate(0.1, 0.05, 0.15, 20), "warning", "Hybrid saves 10% (5 to 15%): below the claimed 20%-40%, a real "
                                               "saving, but smaller than claimed."),
    (Estimate(0.5, 0.45, 0.55, 20), "success", "Hybrid saves 50% (45 to 55%): more than the claimed 20%-40%."),
    (Estimate(0.3, 0.1, 0.5, 20), "success", "Hybrid saves 30% (10 to 50%): consistent with the claimed 20%-40%."),
    (Estimate(0.2, -0.1, 0.5, 20), "warning", "Hybrid saves 20% (-10 to 50%): the interval reaches the claimed "
                                              "range but also includes zero, so this run cannot confirm the claim."),
])
def test_the_claim_verdict_places_the_interval_against_the_claim(saving, kind, text):
    assert CLAIM_TEXT == "20%-40%"
    verdict = claim_verdict(saving, "Hybrid")
    assert (verdict.kind, verdict.text) == (kind, text)


# -- luck_verdict: do random batches save as much? -----------------------------------------------------

TITLES = {"hybrid": "Hybrid", "k_center": "K-Centers", "random": "Random batches"}


@pytest.mark.parametrize("luck, hybrid, text", [
    (Estimate(0.2, NAN, NAN, 1), Estimate(0.3, 0.2, 0.4, 20),
     "Random batches: too few seeds reached the target to compare with."),
    (Estimate(0.1, 0.05, 0.15, 20), Estimate(0.4, 0.3, 0.5, 20),
     "Random batches save 10% (5 to 15%) over Top-K too: here the gain comes mostly from not piling the batch into "
     "one spot, not from choosing diversity cleverly. Hybrid still saves clearly more than random batches."),
    (Estimate(0.1, 0.05, 0.15, 20), Estimate(0.2, 0.1, 0.3, 20),
     "Random batches save 10% (5 to 15%) over Top-K too: here the gain comes mostly from not piling the batch into "
     "one spot, not from choosing diversity cleverly. No diversity method is clearly better than random batches "
     "(their intervals overlap)."),
    (Estimate(-0.2, -0.3, -0.1, 20), Estimate(0.3, 0.2, 0.4, 20),
     "Random batches need more labels than Top-K here (saving -20% (-30 to -10%)): on this setting uncertainty "
     "matters, so what the diverse methods gain is not mere luck."),
    (Estimate(0.02, -0.05, 0.09, 20), Estimate(0.3, 0.2, 0.4, 20),
     "Random batches save 2% (-5 to 9%) over Top-K, an interval that includes zero: luck alone gives no clear "
     "saving here."),
])
def test_the_luck_verdict_compares_random_batches_with_the_diverse_methods(luck, hybrid, text):
    savings = {"hybrid": hybrid, "k_center": Estimate(0.12, 0.02, 0.22, 20), "random": luck}
    verdict = luck_verdict(savings, TITLES, "random")
    assert (verdict.kind, verdict.text) == ("info", text)


# -- the failure lab: metric values, changes and verdicts ---------------------------------------------------

SHARE = Metric("never_found", "runs that never label the hidden cluster", "never found", 100, 0, "%", False)
ECE = Metric("ece", "expected calibration error", "ECE", 1.0, 3, "", False)


@pytest.mark.parametrize("metric, value, text", [
    (SHARE, Estimate(0.8, 0.24, 1.0, 20), "80% (24 to 100%)"),
    (ECE, Estimate(0.1234, 0.1, 0.15, 20), "0.123 (0.100 to 0.150)"),
    (ACCURACY, Estimate(0.877, NAN, NAN, 1), "87.7%"),
    (ECE, Estimate(NAN, NAN, NAN, 0), "n/a"),
])
def test_metric_value_uses_the_metrics_unit(metric, value, text):
    assert metric_value(metric, value) == text


@pytest.mark.parametrize("metric, difference, text", [
    (SHARE, Estimate(-0.15, -0.32, 0.02, 20), "-15 (-32 to +2) points"),
    (ECE, Estimate(0.012, -0.0004, 0.03, 20), "+0.012 (0.000 to +0.030)"),
    (ACCURACY, Estimate(-0.0001, -0.0004, 0.0003, 20), "0.0 (0.0 to 0.0) points"),  # never "-0.0"
])
def test_metric_change_is_signed_and_in_points_for_percentages(metric, difference, text):
    assert metric_change(metric, difference) == text


def comparison(verdict: str, difference: Estimate) -> Comparison:
    return Comparison(off=Estimate(0.8, 0.6, 1.0, 20), on=Estimate(0.2, 0.05, 0.35, 20), difference=difference,
                      verdict=verdict)


@pytest.mark.parametrize("verdict, kind, text", [
    ("same", "info", "With this setting epsilon-greedy (epsilon 0.2) changes nothing: every seed gives the same "
                     "runs that never label the hidden cluster as with the fix off."),
    ("helps", "success", "**Epsilon-greedy (epsilon 0.2) helps here.** Runs that never label the hidden cluster: "
                         "80% (60 to 100%) with the fix off, 20% (5 to 35%) with it on: a change of -60 (-80 to -40) "
                         "points."),
    ("hurts", "warning", "**Epsilon-greedy (epsilon 0.2) makes it worse here.** Runs that never label the hidden "
                         "cluster: 80% (60 to 100%) with the fix off, 20% (5 to 35%) with it on; the paired change is "
                         "-60 (-80 to -40) points."),
    ("no clear effect", "warning", "**No clear effect over 20 seeds.** Runs that never label the hidden cluster: 80% "
                                   "(60 to 100%) with the fix off, 20% (5 to 35%) with it on; the change, -60 (-80 to "
                                   "-40) points, could be zero: on this setting the fix does not clearly help."),
])
def test_the_failure_verdict_follows_the_effect(verdict, kind, text):
    effect = comparison(verdict, Estimate(-0.6, -0.8, -0.4, 20))
    cost = comparison("same", Estimate(0.0, 0.0, 0.0, 20))
    verdicts = failure_verdicts("epsilon-greedy (epsilon 0.2)", SHARE, effect, cost, 20)
    assert [(v.kind, v.text) for v in verdicts] == [(kind, text)]  # no accuracy sentence when every seed is equal


@pytest.mark.parametrize("verdict, kind, text", [
    ("hurts", "warning", "**It costs accuracy:** the final test accuracy changes by -2.5 (-4.0 to -1.0) points."),
    ("helps", "info", "Final test accuracy rises too: +2.5 (+1.0 to +4.0) points."),
    ("no clear effect", "info", "Final test accuracy: no clear change, +0.5 (-1.0 to +2.0) points."),
])
def test_the_failure_verdict_adds_what_the_fix_does_to_accuracy(verdict, kind, text):
    difference = {"hurts": Estimate(-0.025, -0.04, -0.01, 20), "helps": Estimate(0.025, 0.01, 0.04, 20),
                  "no clear effect": Estimate(0.005, -0.01, 0.02, 20)}[verdict]
    effect = comparison("helps", Estimate(-0.6, -0.8, -0.4, 20))
    verdicts = failure_verdicts("epsilon-greedy (epsilon 0.2)", SHARE, effect, comparison(verdict, difference), 20)
    assert len(verdicts) == 2 and (verdicts[1].kind, verdicts[1].text) == (kind, text)
