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


def test_reliability_diagram_colours_learners_and_sizes_markers_by_share():
    confidence = np.array([0.55, 0.75, 0.95])
    accuracy = np.array([0.5, 0.7, 0.9])
    fig = F.reliability_diagram({"off": (confidence, accuracy, np.array([1, 1, 8])),
                                 "on": (confidence, accuracy - 0.1, np.array([5, 5, 0]))})
    checked = go.Figure(fig.to_dict()).to_dict()
    _, off, on = checked["data"]
    assert [off["line"]["color"], on["line"]["color"]] == list(F.LEARNER_COLOURS[:2])
    assert off["marker"]["size"][2] > off["marker"]["size"][0]  # the bin with most points is drawn largest
    assert list(on["x"]) == [0.55, 0.75]  # its empty bin is left out
    assert checked["layout"]["yaxis"]["range"] == [0, 1.02]
