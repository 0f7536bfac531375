"""Outlier attraction: a committee disagrees most far from the data, so the
learner spends its labels on outliers. Fix: density weighting."""

from __future__ import annotations

from alcore.failures.base import ACCURACY, FailureMode, Fix, Knob, LiveFigure, Metric, marked_queries

OUTLIER_SHARE = Metric("outlier_query_share", "queries that hit an outlier", "queries on outliers",
                       100, 0, "%", higher_is_better=False)


def figures(loop, data) -> dict:
    """The share of the run's queries (seed set excluded) that hit an outlier, and its final accuracy."""
    hits, made = marked_queries(loop, data.marked)
    return {OUTLIER_SHARE.key: hits / made if made else float("nan"), ACCURACY.key: float(loop.curve[1][-1])}


def live(loop, data) -> LiveFigure:
    """How many of the learner's queries so far hit an outlier."""
    hits, made = marked_queries(loop, data.marked)
    return LiveFigure("Queries on outliers", f"{hits} of {made}",
                      f"{hits / made:.0%} of its queries" if made else "no queries yet",
                      f"queries on outliers: **{hits} of {made}**")


MODE = FailureMode(
    name="outlier_attraction", label="Outlier attraction", dataset="outliers", model="logreg",
    strategy="kl_disagreement", seed_size=4, seed_method="per_class", n_queries=36,
    fix=Fix("density weighting", "Density weighting", (("density_beta", 1.0),), link="dens_on",
            knob=Knob("density_beta", "Beta", 0.0, 3.0, 0.25,
                      "How strongly crowded regions are preferred: scores are multiplied by density to this "
                      "power.", "Weight of density: 0 = none, higher = isolated points count for less.", "beta")),
    cause="Far from the data the committee's members disagree most, so the learner spends its labels on "
          "isolated points whose labels are random.",
    remedy="Density weighting: multiply each utility by the pool's density there, to the power beta.",
    story=("Far from the data, the members of a committee disagree most, so a disagreement-based learner "
           "spends its labels on isolated points (outlined squares) whose labels are random noise, and "
           "learns little from them. **Density weighting** multiplies each point's score by how crowded the "
           "pool is around it, to the power beta: isolated points lose their appeal, points in the thick of "
           "the data keep it."),
    metric=OUTLIER_SHARE, metrics=(OUTLIER_SHARE, ACCURACY), figures=figures, live=live,
    outline="the outliers (random labels)", symptom="drawn to the outliers",
)
