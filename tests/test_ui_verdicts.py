"""ui.verdicts: the sentences say what the intervals say, never more."""

import numpy as np
import pytest

from alcore.stats import Estimate, RaceSummary
from ui.verdicts import race_verdict

NAN = float("nan")


def summary(saving: Estimate, final: Estimate) -> RaceSummary:
    return RaceSummary(labels=np.array([4, 50, 100]), bands={}, needed={}, reached={}, saving=saving,
                       final=final, n_seeds=20)


@pytest.mark.parametrize("saving, kind, words", [
    (Estimate(0.5, 0.3, 0.7, 20), "success", "A needs 50% (30 to 70%) fewer labels than random sampling"),
    (Estimate(-0.4, -0.6, -0.2, 20), "warning", "Random sampling wins here: A needs 40% more labels"),
    (Estimate(0.1, -0.1, 0.3, 20), "warning", "No clear winner at 85%"),
    (Estimate(NAN, NAN, NAN, 0), "info", "never both reach 85%"),
])
def test_the_verdict_follows_the_saving_interval(saving, kind, words):
    verdict = race_verdict(summary(saving, Estimate(0.0, -0.01, 0.01, 20)), 0.85, "random sampling")
    assert verdict.kind == kind and words in verdict.text
    assert "At 100 labels they are level" in verdict.text


@pytest.mark.parametrize("final, words", [
    (Estimate(0.05, 0.02, 0.08, 20), "At 100 labels A is still ahead by 5.0 (2.0 to 8.0) points."),
    (Estimate(-0.05, -0.08, -0.02, 20), "At 100 labels B is ahead by 5.0 points (2.0 to 8.0)."),
    (Estimate(0.01, NAN, NAN, 1), "At 100 labels, A's accuracy minus B's is 1.0 points."),
])
def test_the_last_sentence_says_where_they_stand_at_the_end(final, words):
    verdict = race_verdict(summary(Estimate(0.5, 0.3, 0.7, 20), final), 0.85, "B (Entropy)")
    assert verdict.text.endswith(words)
    assert "fewer labels than B (Entropy)" in verdict.text
