"""Cold start: with a handful of random first labels the model knows few
regions. Fix: a clustered seed set (k-means, the point nearest each centre)."""

from __future__ import annotations

import numpy as np

from alcore.failures.base import ACCURACY, FailureMode, Fix, Knob, LiveFigure, Metric, accuracy_over_queries, \
    queried_points

FIRST_QUERIES = 20
EARLY_ACCURACY = Metric("mean_accuracy_first_20", f"mean accuracy over the first {FIRST_QUERIES} queries",
                        f"accuracy, first {FIRST_QUERIES} queries", 100, 1, "%", higher_is_better=True)


def figures(loop, data) -> dict:
    """Mean test accuracy over the first 20 queries, and the final accuracy."""
    return {EARLY_ACCURACY.key: accuracy_over_queries(loop, FIRST_QUERIES), ACCURACY.key: float(loop.curve[1][-1])}


def live(loop, data) -> LiveFigure:
    """The mean accuracy over the queries made so far (up to the first 20)."""
    mean = accuracy_over_queries(loop, FIRST_QUERIES)
    made = min(queried_points(loop).size, FIRST_QUERIES)
    shown = "n/a" if np.isnan(mean) else f"{mean:.1%}"
    return LiveFigure(f"Mean accuracy over the first {FIRST_QUERIES} queries", shown, f"over {made} queries so far",
                      "" if np.isnan(mean) else f"mean over its queries: {shown}")


MODE = FailureMode(
    name="cold_start", label="Cold start", dataset="many_clusters", model="poly_logreg", strategy="margin",
    seed_size=12, seed_method="random", n_queries=FIRST_QUERIES,
    fix=Fix("the clustered seed", "Clustered seed", (("seed_method", "cluster"),), link="cseed_on",
            knob=Knob("seed_size", "Starting labels", 3, 20, 1,
                      "Labels each learner gets before it starts asking: at random on the left, clustered on "
                      "the right.",
                      "The same number for both: random on the left, one per k-means cluster on the right.",
                      "init")),
    cause="With a handful of random first labels the model knows few regions, and its uncertainty elsewhere "
          "means little.",
    remedy="Clustered seed: k-means on the pool, and label the point nearest each centroid first.",
    story=("With a handful of random first labels, the model has seen only some of the twelve small "
           "clusters; its uncertainty elsewhere means little, and the first queries go to fixing regions it "
           "happens to know about. **The clustered seed** spends the same starting labels differently: "
           "k-means on the unlabeled pool, then the point nearest each centre, so the first labels cover "
           "the data before active learning begins. Both learners then use the same strategy."),
    metric=EARLY_ACCURACY, metrics=(EARLY_ACCURACY, ACCURACY), figures=figures, live=live,
    numbered_queries=FIRST_QUERIES, symptom="held back by the cold start",
)
