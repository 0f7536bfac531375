"""Sampling bias: the learner only asks near its boundary and never finds a
cluster it is wrongly sure about. Fix: epsilon-greedy exploration."""

from __future__ import annotations

from alcore.failures.base import ACCURACY, FailureMode, Fix, Knob, LiveFigure, Metric, first_marked, seed_count

NEVER_FOUND = Metric("hidden_never_labeled", "runs that never label the hidden cluster", "never found the cluster",
                     100, 0, "%", higher_is_better=False)


def figures(loop, data) -> dict:
    """Whether the run never labeled the hidden cluster (1.0) or did (0.0), and its final accuracy."""
    return {NEVER_FOUND.key: float(not data.marked[loop.labeled_indices].any()),
            ACCURACY.key: float(loop.curve[1][-1])}


def live(loop, data) -> LiveFigure:
    """Has the learner labeled the hidden cluster yet, and at which label."""
    found = first_marked(loop, data.marked)
    if found is None:
        return LiveFigure("Hidden cluster", "not labeled", "never asked about it yet",
                          "hidden cluster: **not labeled yet**")
    where = ("in the starting labels" if found <= seed_count(loop) else f"**found at label {found}**")
    return LiveFigure("Hidden cluster", "labeled", f"first at label {found}", f"hidden cluster: {where}")


MODE = FailureMode(
    name="sampling_bias", label="Sampling bias", dataset="hidden_cluster", model="poly_logreg", strategy="entropy",
    seed_size=4, seed_method="per_class", n_queries=36,
    fix=Fix("epsilon-greedy", "Epsilon-greedy", (("epsilon", 0.2),), link="eps_on",
            knob=Knob("epsilon", "Epsilon", 0.0, 0.5, 0.05,
                      "The chance that a query is a random point instead of the most uncertain one.",
                      "Chance per query of a random point. 0 = pure uncertainty sampling.", "eps")),
    cause="The learner only asks near its current boundary, so it never finds a group of points that it is "
          "wrongly sure about.",
    remedy="Epsilon-greedy: each query is, with probability epsilon, a uniformly random point.",
    story=("Uncertainty sampling only asks about points near its current boundary. Here a small cluster of "
           "the orange class sits far out beyond the blue blob (outlined squares). The model is confidently "
           "wrong there, so it never asks, and never learns it is wrong: its labeled set stops looking like "
           "the data. **Epsilon-greedy** makes each query, with probability epsilon, a uniformly random "
           "point instead, so sooner or later one lands in the cluster. Move epsilon and the measurement "
           "follows it: a little exploration may not be enough."),
    metric=NEVER_FOUND, metrics=(NEVER_FOUND, ACCURACY), figures=figures, live=live,
    outline="the hidden cluster", symptom="blind to the hidden cluster",
)
