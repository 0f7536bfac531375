"""ui.figures: pure builders; every figure also passes plotly's full validation."""

import base64
import io

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image

from ui import figures as F

BOUNDS = (-2.0, 2.0, -1.0, 1.0)


def validated(fig: go.Figure) -> dict:
    """Rebuild with validation on (the builders skip it for speed); returns the dict."""
    return go.Figure(fig.to_dict()).to_dict()


def linear_probs(n=60, bounds=BOUNDS):
    xs, ys, points = F.make_grid(bounds, n)
    p1 = 1 / (1 + np.exp(-4 * points[:, 0]))  # class 1 right of x = 0
    return np.column_stack([1 - p1, p1]).reshape(n, n, 2)


def test_make_grid_is_cell_centred_and_row_major():
    xs, ys, points = F.make_grid((0, 10, 0, 5), 5)
    assert np.allclose(xs, [1, 3, 5, 7, 9]) and np.allclose(ys, [0.5, 1.5, 2.5, 3.5, 4.5])
    grid = points.reshape(5, 5, 2)
    assert np.allclose(grid[0, :, 0], xs) and np.allclose(grid[:, 0, 1], ys)


def test_probability_rgb_white_when_unsure_class_colour_when_sure():
    rgb = F.probability_rgb(np.array([[0.5, 0.5], [0.0, 1.0], [1.0, 0.0]]))
    assert np.allclose(rgb[0], 255)
    orange = np.array(F.hex_to_rgb(F.CLASS_COLOURS[1]))
    assert np.allclose(rgb[1], 255 * (1 - F.MAX_TINT) + orange * F.MAX_TINT)
    three = F.probability_rgb(np.full((1, 3), 1 / 3))
    assert np.allclose(three, 255)


def test_score_rgb_scales_to_the_map_and_handles_flat_and_nan():
    rgb = F.score_rgb(np.array([0.0, 0.5, 1.0, np.nan]))
    assert np.allclose(rgb[0], F.SCORE_LOW) and np.allclose(rgb[2], F.SCORE_HIGH)
    assert np.allclose(rgb[3], F.SCORE_LOW)
    assert np.allclose(F.score_rgb(np.full(4, 7.0)), 255)


def test_edges_mark_where_the_class_flips():
    top = np.zeros((4, 4), dtype=np.uint8)
    top[:, 2:] = 1
    edge = F._edges(top)
    assert edge[:, 2].all() and edge.sum() == 4


def test_points_alpha_puts_dots_where_points_are():
    alpha = F.points_alpha(np.array([[0.0, 0.0]]), (-1, 1, -1, 1), 21, 21)
    assert alpha[10, 10] == 1.0 and alpha[0, 0] == 0.0
    assert F.points_alpha(np.empty((0, 2)), (-1, 1, -1, 1), 5, 5).sum() == 0


def test_image_size_keeps_aspect():
    assert F.image_size(BOUNDS, 360) == (180, 360)
    assert F.image_size((0, 1, 0, 2), 100) == (100, 50)


def test_panel_image_draws_boundary_at_the_right_place_and_the_pool():
    probs = linear_probs()
    image = F.panel_image(probs, BOUNDS, long_side=200)
    assert image.shape == (100, 200, 3) and image.dtype == np.uint8
    dark = np.argwhere((image == F.BOUNDARY_RGB).all(axis=2))
    assert dark.size and np.all(np.abs(dark[:, 1] - 100) <= 2)  # x = 0 is the middle column
    assert image[50, 10, 0] < 200 and image[50, 190, 2] < 200  # blue-ish left, orange-ish right
    pool = np.array([[-1.0, 0.5], [1.0, -0.5]])
    with_pool = F.panel_image(probs, BOUNDS, pool_X=pool, long_side=200)
    assert (with_pool != image).any()
    mask = F.pool_mask(pool, BOUNDS, long_side=200)
    assert np.array_equal(F.panel_image(probs, BOUNDS, pool_alpha=mask, long_side=200), with_pool)


def test_panel_image_multiclass_and_scores():
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(4), size=(30, 30))
    image = F.panel_image(probs, BOUNDS, grid_scores=rng.random((30, 30)), long_side=120)
    assert image.shape == (60, 120, 3)



def _resized(values, height, width):
    """The reference resize: bilinear on floats."""
    image = Image.fromarray(np.ascontiguousarray(values, dtype=np.float32), mode="F")
    return np.asarray(image.resize((width, height), Image.BILINEAR), dtype=float)


@pytest.mark.parametrize("n_classes", [2, 3, 5])
def test_panel_colours_are_probability_rgb_of_the_resized_probabilities(n_classes):
    """Each pixel has probability_rgb's colour for the bilinearly resized probabilities (to palette steps)."""
    xs, ys, points = F.make_grid(BOUNDS, 40)
    centres = np.column_stack([np.cos(np.arange(n_classes)), np.sin(np.arange(n_classes))])
    logits = -2.0 * ((points[:, None, :] - centres[None]) ** 2).sum(axis=2)
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    probs = probs.reshape(40, 40, n_classes)
    image = F.panel_image(probs, BOUNDS, long_side=160, boundary=False).astype(float)
    upscaled = np.stack([_resized(probs[::-1, :, c], 80, 160) for c in range(n_classes)], axis=-1)
    reference = F.probability_rgb(upscaled)
    ordered = np.sort(upscaled, axis=-1)
    # away from near-ties, which rounding to 0-255 levels may flip (the last class is derived from
    # the others, so it can be a few levels off)
    clear = ordered[..., -1] - ordered[..., -2] > 6 / 255
    assert clear.mean() > 0.9
    assert np.abs(image - reference)[clear].max() <= 4  # a palette step and a rounding



def test_a_near_tie_still_draws_one_clean_boundary():
    """Two classes 0.0002 apart across the plot: the boundary is still one straight line (no staircase)."""
    xs, ys, points = F.make_grid(BOUNDS, 60)
    tilt = 1e-4 * points[:, 0]
    probs = np.column_stack([0.45 + tilt, 0.45 - tilt, np.full(len(points), 0.1)]).reshape(60, 60, 3)
    image = F.panel_image(probs, BOUNDS, long_side=200)
    dark = np.argwhere((image == F.BOUNDARY_RGB).all(axis=2))
    assert dark.size and np.all(np.abs(dark[:, 1] - 100) <= 2)

def test_score_map_colours_are_score_rgb_of_the_resized_scores():
    rng = np.random.default_rng(2)
    scores = _resized(rng.random((6, 6)), 40, 40)  # a smooth map
    image = F.panel_image(linear_probs(40), BOUNDS, grid_scores=scores, long_side=160, boundary=False)
    scaled = (scores - scores.min()) / (scores.max() - scores.min())
    reference = F.score_rgb(_resized(scaled[::-1], 80, 160))
    assert np.abs(image.astype(float) - reference).max() <= 4  # PIL resizes bytes in fixed point

@pytest.mark.parametrize("encode, kind", [(F.jpeg_data_uri, "jpeg"), (F.png_data_uri, "png")])
def test_data_uris_decode(encode, kind):
    image = F.panel_image(linear_probs(), BOUNDS, long_side=100)
    uri = encode(image)
    assert uri.startswith(f"data:image/{kind};base64,")
    decoded = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert decoded.size == (100, 50)


def _panel(title, n_labeled=3, new=1):
    rng = np.random.default_rng(len(title))
    return F.Panel(title=title, image=F.jpeg_data_uri(F.panel_image(linear_probs(), BOUNDS, long_side=60)),
                   X_labeled=rng.normal(size=(n_labeled, 2)), y_labeled=rng.integers(0, 2, n_labeled),
                   X_new=rng.normal(size=(new, 2)) if new else None, subtitle="acc 80%")


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_pool_panels_draws_n_panels_in_one_figure_with_same_axes(n):
    fig = validated(F.pool_panels([_panel(f"P{i}") for i in range(n)], BOUNDS, revision=7))
    layout = fig["layout"]
    assert len(layout["images"]) == n
    for i in range(n):
        suffix = "" if i == 0 else str(i + 1)
        assert layout[f"xaxis{suffix}"]["range"] == [-2.0, 2.0]
        assert layout[f"yaxis{suffix}"]["range"] == [-1.0, 1.0]
        assert layout[f"xaxis{suffix}"]["automargin"] is False
    domains = [layout[f"xaxis{'' if i == 0 else i + 1}"]["domain"] for i in range(n)]
    assert all(a[1] < b[0] for a, b in zip(domains, domains[1:]))  # side by side, no overlap
    assert layout["datarevision"] == 7 and layout["hovermode"] is False
    assert len(str(layout.get("template", {}))) < 200  # the empty "none" template, not plotly's default
    assert len(fig["data"]) == 2 * n  # labeled points + rings


def test_pool_panels_colours_points_by_class_and_numbers_picks():
    panel = F.Panel("A", "data:image/png;base64,", np.zeros((3, 2)), np.array([0, 1, 2]),
                    X_new=np.ones((2, 2)), pick_order=True, X_marked=np.ones((1, 2)))
    data = validated(F.pool_panels([panel], BOUNDS))["data"]
    labeled = next(t for t in data if t["marker"].get("color") not in (None, "#000000"))
    assert labeled["marker"]["color"] == list(F.CLASS_COLOURS[:3])
    rings = next(t for t in data if t.get("text"))
    assert rings["text"] == ["1", "2"]


def test_pool_panels_with_learning_curves_below():
    curves = {"A": (np.arange(4, 10), np.linspace(0.6, 0.8, 6)), "B": (np.arange(4, 10), np.full(6, 0.7))}
    fig = validated(F.pool_panels([_panel("A"), _panel("B")], BOUNDS, curves=curves, current=9,
                                  x_range=(0, 50)))
    layout = fig["layout"]
    assert layout["xaxis3"]["range"] == [0, 50] and layout["yaxis3"]["domain"][1] < layout["yaxis"]["domain"][0]
    lines = [t for t in fig["data"] if t.get("xaxis") == "x3"]
    assert [t["name"] for t in lines] == ["A", "B"]
    assert layout["shapes"][0]["x0"] == 9


def test_learning_curves_and_band():
    fig = validated(F.learning_curves({"A": ([4, 5, 6], [0.5, 0.6, 0.7])}, current=5, target=0.8,
                                      x_range=(0, 10)))
    assert fig["data"][0]["y"] == [0.5, 0.6, 0.7] and len(fig["layout"]["shapes"]) == 2
    mean = np.array([0.5, 0.6, 0.7])
    band = validated(F.curves_with_band([4, 5, 6], {"A": (mean, mean - 0.1, np.array([0.8, np.nan, 0.8])),
                                                      "B": (mean, mean, mean)}, target=0.65))
    assert len(band["data"]) == 4 and band["data"][0]["fill"] == "toself"
    assert not any(np.isnan(band["data"][0]["y"]))


def test_accuracy_range_is_fixed_and_honest():
    assert F.accuracy_range(np.array([0.84, 0.87])) == (0.8, 1.0)
    assert F.accuracy_range(np.array([0.31, np.nan]), 0.9) == (0.2, 1.0)
    assert F.accuracy_range() == (0.4, 1.0)
