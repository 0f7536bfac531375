"""The oracle lab's settings, learners, measurements and the visitor's labels as a file
(page: app_pages/oracle.py). The visitor labels scikit-learn's handwritten digits."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from typing import Optional

from alcore.data import make_dataset
from alcore.loop import LoopConfig
from alcore.oracle import Classroom
from alcore.registry import MODELS as REGISTERED_MODELS
from alcore.stopping import StopRules
from ui.controls import model_param, run_params, strategy_param
from ui.measure import oracle_args
from ui.params import Param, defaults

NAME = "oracle"
#: All 1,797 digits: a pool to label and a held-out test set.
DATA = dict(name="digits", n_pool=1297, n_test=500)
#: Answers per refit in batch mode.
BATCH = 10
#: The machine tier's thresholds the measurement tries (besides none).
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)
#: Labels from people each run of the machine tier's measurement goes to.
TIER_PEOPLE = 100
#: Labels from people each run of the stopping measurement goes to, to find where accuracy levels off.
HORIZON = 400
#: The plateau: the mean test accuracy over a run's last TAIL labels, reached within TOLERANCE of it.
TAIL, TOLERANCE = 50, 0.01

#: The models offered: all but curved logistic regression, whose cubic features of 64 pixels are tens of
#: thousands of numbers per digit (a refit takes minutes, not a click's milliseconds).
MODELS = tuple(name for name in REGISTERED_MODELS if name != "poly_logreg")

PARAMS = (
    model_param(names=MODELS),
    strategy_param("strategy", "margin", "strategy"),
    Param("init", 10, low=2, high=30, label="starting labels"),
    Param("batch", False, label="batch mode"),
    Param("budget", 100, low=20, high=HORIZON, label="label budget"),
    Param("uncertainty", 0.3, low=0.05, high=0.9, digits=2, label="uncertainty threshold"),
    Param("tiers", False, label="machine tier"),
    Param("threshold", 0.9, low=0.5, high=0.99, digits=2, label="machine tier's threshold"),
    Param("random", False, label="random sampling's picks"),
    Param("target", 0.9, low=0.5, high=0.99, digits=2, label="target accuracy"),
    Param("seeds", 20, low=3, high=50, label="number of seeds"),
) + tuple(param for param in run_params(n_high=0, speed=False) if param.name == "seed")  # no round: answers are yours

#: Settings that build new learners (and so start the labeling again) when they change.
REBUILD_ON = ("model", "strategy", "init", "batch")


def config(values) -> LoopConfig:
    """The learner's model and strategy."""
    return LoopConfig(model=values["model"], strategy=values["strategy"])


def per_refit(values) -> int:
    """Answers per refit."""
    return BATCH if values["batch"] else 1


def threshold(values) -> Optional[float]:
    """The machine tier's threshold, or None when it is off."""
    return float(values["threshold"]) if values["tiers"] else None


def rules(values) -> StopRules:
    """The stopping rules, with the page's uncertainty threshold and label budget."""
    return StopRules(entropy=float(values["uncertainty"]), budget=int(values["budget"]))


def build(values, seed: int) -> Classroom:
    """The visitor's learner and the two taught by the dataset's labels, on one draw of the digits."""
    return Classroom(make_dataset(**DATA, random_state=int(seed)), config(values), seed=int(seed),
                     seed_size=int(values["init"]), per_refit=per_refit(values), threshold=threshold(values),
                     stop_rules=rules(values))


def measurement(values) -> dict:
    """The machine tier at every threshold, and the stopping rules' record to the horizon, over seeds,
    with the dataset's labels as the person."""
    common = (DATA, config(values), int(values["init"]), per_refit(values))
    seeds = int(values["seeds"])
    return {"tiers": ("tiers", oracle_args(*common, TIER_PEOPLE, seeds, THRESHOLDS)),
            "stopping": ("stopping", oracle_args(*common, HORIZON, seeds))}


def stored_settings() -> list:
    """Settings whose measurement the lab store keeps: the defaults."""
    return [defaults(PARAMS)]


def labels_csv(room: Classroom) -> str:
    """The visitor's answers as CSV: the image (its row in scikit-learn's ``load_digits()``), the
    visitor's label, the dataset's label and when (UTC, ISO 8601). Skips are left out."""
    source = room.dataset.source
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["image", "your_label", "dataset_label", "when"])
    for answer in room.person.answers:
        if answer.skipped:
            continue
        when = "" if answer.when is None else datetime.fromtimestamp(answer.when, timezone.utc).isoformat(
            timespec="seconds")
        writer.writerow([int(source[answer.index]) if source is not None else answer.index, answer.label,
                         answer.truth, when])
    return buffer.getvalue()
