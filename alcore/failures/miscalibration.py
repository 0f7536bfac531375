"""Miscalibration: a flexible model on few labels is far more confident than
it is right, and the strategy trusts its probabilities. Fix: temperature scaling."""

from __future__ import annotations

from typing import Optional

import numpy as np

from alcore.failures.base import ACCURACY, FailureMode, Fix, Metric
from alcore.fixes import apply_temperature, expected_calibration_error

ECE_USED = Metric("ece", "calibration error (ECE) of the probabilities the strategy uses", "ECE used",
                  1, 3, "", higher_is_better=False)
ECE_RAW = Metric("ece_raw", "calibration error (ECE) of the model before scaling", "ECE unscaled",
                 1, 3, "", higher_is_better=False)


def figures(loop, data) -> dict:
    """ECE on the test split of the probabilities the strategy uses and of the raw model, and the accuracy."""
    raw = loop.predict_proba(data.X_test)
    return {ECE_USED.key: expected_calibration_error(apply_temperature(raw, loop.temperature), data.y_test),
            ECE_RAW.key: expected_calibration_error(raw, data.y_test),
            ACCURACY.key: float(loop.curve[1][-1])}


def pick_without_temperature(loop) -> Optional[int]:
    """The pool point the learner would rank first on its unscaled probabilities (None: pool used up).

    The strategy's top utility, as the top-k selector picks for a batch of
    one, with the config's density weighting; random strategies get a
    separate generator, so calling this never changes the loop's history.
    """
    candidates = np.flatnonzero(~loop.labeled_mask)
    if candidates.size == 0:
        return None
    utilities = loop.scores(loop.X_pool[candidates], rng=np.random.default_rng(0), temperature=False)
    return int(candidates[int(np.argmax(utilities))])


MODE = FailureMode(
    name="miscalibration", label="Miscalibration", dataset="overlap", model="poly_logreg", strategy="margin",
    seed_size=8, seed_method="per_class", n_queries=32,
    fix=Fix("temperature scaling", "Temperature scaling", (("temperature", True),), link="temp",
            no_knob="Temperature scaling has no knob: T is fitted on the labeled points (held-out folds) after "
                    "each query."),
    cause="A flexible model trained on few labels is far more confident than it is right.",
    remedy="Temperature scaling: divide the logits by a T fitted on held-out labeled points.",
    story=("A flexible model (here a cubic logistic regression) trained on a few dozen labels of three "
           "overlapping classes says it is 90% sure where it is right far less often: it is "
           "**overconfident**. Active learning trusts those probabilities to decide what is uncertain. "
           "**Temperature scaling** fits one number, T, on held-out predictions of the labeled points and "
           "divides the model's logits by it, so its confidence matches how often it is right. It never "
           "changes which class the model predicts, and for one query at a time on two classes it cannot "
           "change which point looks most uncertain; with three classes and the margin strategy it "
           "sometimes does. Watch whether the queries change at all."),
    metric=ECE_USED, metrics=(ECE_USED, ECE_RAW, ACCURACY), figures=figures,
    watch=pick_without_temperature, view="calibration", symptom="left with worse-calibrated probabilities",
)
