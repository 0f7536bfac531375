"""ui.figures.reliability_diagram: pure, validates in plotly, skips empty bins."""

import numpy as np
import plotly.graph_objects as go

from alcore.fixes import reliability_bins
from ui import figures as F


def test_reliability_diagram_draws_the_diagonal_and_one_line_per_set():
    probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.6, 0.4], [0.95, 0.05]])
    bins = reliability_bins(probs, [0, 1, 0, 0], n_bins=10)
    fig = F.reliability_diagram({"before": (bins.confidence, bins.accuracy, bins.counts)}, revision=3)
    checked = go.Figure(fig.to_dict()).to_dict()  # full plotly validation
    diagonal, line = checked["data"]
    assert list(diagonal["x"]) == [0, 1] and list(diagonal["y"]) == [0, 1]
    assert line["name"] == "before"
    full = bins.counts > 0
    assert len(line["x"]) == int(full.sum())  # empty bins (NaN) are skipped
    assert np.allclose(line["y"], np.round(bins.accuracy[full], 3))
    assert checked["layout"]["datarevision"] == 3
    assert checked["layout"]["xaxis"]["range"] == [0, 1.02]


def test_reliability_diagram_with_no_points_is_just_the_diagonal():
    empty = np.full(10, np.nan)
    fig = F.reliability_diagram({"none": (empty, empty, np.zeros(10))})
    assert len(fig.data) == 2 and len(fig.data[1].x) == 0
