"""The four failure modes of active learning, one record each (a module per
failure): the scenario that shows it, its fix and the fix's knob, its metric
and what a running learner shows of it (see :class:`FailureMode`).

:mod:`alcore.lab` runs them: a learner with the fix off, on, or random
sampling for reference, live or measured over many seeds. Add a failure by
writing a module with a ``MODE`` record and listing it below.
"""

from __future__ import annotations

from alcore.failures import cold_start, miscalibration, outlier_attraction, sampling_bias
from alcore.failures.base import (ACCURACY, CONDITIONS, FailureMode, Fix, Knob, LiveFigure, Metric,
                                  accuracy_over_queries, check_condition, first_marked, marked_queries,
                                  queried_points, seed_count)

#: The failures, in the order the lab shows them.
FAILURES: dict[str, FailureMode] = {
    module.MODE.name: module.MODE
    for module in (miscalibration, sampling_bias, outlier_attraction, cold_start)
}

#: Every metric any failure reports, by key.
METRICS: dict[str, Metric] = {metric.key: metric for mode in FAILURES.values() for metric in mode.metrics}


def get_failure(mode) -> FailureMode:
    """A failure mode by name (with the valid names in the error), or a FailureMode as is.

    Pass your own ``FailureMode`` (for example ``dataclasses.replace(FAILURES["sampling_bias"],
    n_queries=60)``, or :func:`alcore.lab.tuned`) to measure other settings.
    """
    if isinstance(mode, FailureMode):
        return mode
    if mode not in FAILURES:
        raise ValueError(f"failure must be a FailureMode or one of {sorted(FAILURES)}, got {mode!r}.")
    return FAILURES[mode]


__all__ = ["ACCURACY", "CONDITIONS", "FAILURES", "METRICS", "FailureMode", "Fix", "Knob", "LiveFigure", "Metric",
           "accuracy_over_queries", "check_condition", "first_marked", "get_failure", "marked_queries",
           "queried_points", "seed_count"]
