"""Plain-words verdicts on measured races: who won, by how much, or that nobody did.

Pure functions from :mod:`alcore.stats` summaries to text, so the sentences
people read are tested against the numbers they describe. A verdict never
claims more than its interval: a saving whose interval includes zero is "no
clear winner", and a baseline that wins is named as the winner.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alcore.stats import RaceSummary


@dataclass(frozen=True)
class Verdict:
    """A sentence and how to show it.

    Attributes
    ----------
    text : str
    kind : {'success', 'warning', 'info'}
        ``success`` when the first learner wins, ``warning`` for a tie or a
        loss, ``info`` when there is nothing to compare.
    """

    text: str
    kind: str


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
    saving, final, n_seeds = summary.saving, summary.final, summary.n_seeds
    capitalised = second[:1].upper() + second[1:]
    if saving.n == 0:
        text, kind = (f"Within the budget, A and {second} never both reach {target:.0%} in the same seed, so "
                      "there is no saving to measure. Try a lower target or a larger budget.", "info")
    elif saving.low > 0:
        text, kind = (f"To reach {target:.0%}, A needs {saving.format(0, 100, '%')} fewer labels than "
                      f"{second}; the interval is above zero.", "success")
    elif saving.high < 0:
        text, kind = (f"{capitalised} wins here: A needs {-saving.mean:.0%} more labels to reach {target:.0%} "
                      f"(interval {-saving.high:.0%} to {-saving.low:.0%} more).", "warning")
    else:
        text, kind = (f"No clear winner at {target:.0%}: the saving's interval ({saving.format(0, 100, '%')}) "
                      f"includes zero, so over {n_seeds} seeds A and {second} need about the same number "
                      "of labels.", "warning")
    last = int(summary.labels[-1])
    if np.isnan(final.low):
        end = f"At {last} labels, A's accuracy minus B's is {final.format(1, 100)} points."
    elif final.low > 0:
        end = f"At {last} labels A is still ahead by {final.format(1, 100)} points."
    elif final.high < 0:
        end = (f"At {last} labels B is ahead by {-final.mean * 100:.1f} points ({-final.high * 100:.1f} "
               f"to {-final.low * 100:.1f}).")
    else:
        end = (f"At {last} labels they are level: A minus B is {final.format(1, 100)} points, an interval "
               "that includes zero.")
    return Verdict(f"{text} {end}", kind)
