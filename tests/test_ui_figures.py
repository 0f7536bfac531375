"""ui.figures: pure builders. Panel pictures put every point where it belongs in its colour; charts pass
plotly's full validation; the class palette has no black or grey and no learner colour in it."""

import base64
import colorsys
import io
import tomllib
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image

from alcore.fixes import reliability_bins
from ui import figures as F

ROOT = Path(__file__).resolve().parents[1]
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

# -- colours -----------------------------------------------------------------------------------------

def test_class_colours_are_ten_distinct_colours_none_black_or_grey():
    colours = [c.upper() for c in F.CLASS_COLOURS]
    assert len(colours) == 10 and len(set(colours)) == 10
    for colour in colours:
        hue, saturation, value = colorsys.rgb_to_hsv(*(v / 255 for v in F.hex_to_rgb(colour)))
        assert saturation >= 0.35 and value >= 0.35, colour  # grey is unsaturated, black is dark
    assert "#%02X%02X%02X" % F.POOL_GREY not in colours


def test_learner_colours_are_not_class_colours():
    assert not {c.upper() for c in F.LEARNER_COLOURS} & {c.upper() for c in F.CLASS_COLOURS}
    assert len(set(F.LEARNER_COLOURS)) == len(F.LEARNER_COLOURS)


def test_streamlit_charts_use_the_class_palette():
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
    assert theme["chartCategoricalColors"] == list(F.CLASS_COLOURS)


# -- the panel picture --------------------------------------------------------------------------------

SQUARE = (0.0, 10.0, 0.0, 10.0)


def white_picture(**points):
    """A panel on a white background (the model is unsure everywhere), 480 x 480 pixels."""
    points.setdefault("X_labeled", np.empty((0, 2)))
    points.setdefault("y_labeled", np.empty(0, dtype=int))
    return F.panel_picture(np.full((20, 20, 2), 0.5), SQUARE, **points)


def pixel(X, bounds=SQUARE, size=(480, 480)):
    """(row, column) of each point's centre pixel."""
    cx, cy = F._to_pixels(np.asarray(X, dtype=float), bounds, *size)
    return np.round(cy).astype(int), np.round(cx).astype(int)


def inked(picture) -> np.ndarray:
    """Pixels drawn in the dark ink (anti-aliased edges within a few levels of it)."""
    return (np.abs(picture.astype(int) - np.array(F.INK)) <= 12).all(axis=2)


def test_labeled_points_are_drawn_in_their_class_colour_at_their_pixel():
    X = np.column_stack([np.arange(1.0, 11.0) * 0.9, np.linspace(1.0, 9.0, 10)])  # ten points, spread out
    y = np.arange(10)
    picture = white_picture(X_labeled=X, y_labeled=y)
    assert picture.shape == (480, 480, 3) and picture.dtype == np.uint8
    rows, cols = pixel(X)
    for row, col, label in zip(rows, cols, y):
        assert tuple(picture[row, col]) == F.hex_to_rgb(F.CLASS_COLOURS[label])
        outline = picture[row, col + int(F.LABELED_RADIUS + F.LABELED_OUTLINE)]
        assert (outline >= 240).all()  # a white outline keeps the dot readable on any background
    assert (picture[5, 5] == 255).all()  # nothing drawn away from the points


def test_the_newest_query_is_ringed_dark_with_its_centre_left_visible():
    picture = white_picture(X_new=np.array([[5.0, 5.0]]))
    (row,), (col,) = pixel([[5.0, 5.0]])
    on_ring = int(round(F.RING_RADIUS - F.RING_WIDTH / 2))
    for dr, dc in ((0, on_ring), (0, -on_ring), (on_ring, 0), (-on_ring, 0)):
        assert inked(picture)[row + dr, col + dc]
    assert (picture[row, col] == 255).all()  # the point itself is not covered
    assert not inked(picture)[row, col + int(F.RING_RADIUS) + 3]


def test_marked_points_get_small_squares_and_the_square_point_a_large_one():
    marked, square = np.array([[2.0, 8.0]]), np.array([[8.0, 2.0]])
    picture = white_picture(X_marked=marked, X_square=square)
    ink = inked(picture)
    for points, half in ((marked, F.MARK_HALF), (square, F.MARK_HALF * 1.9)):
        (row,), (col,) = pixel(points)
        reach = int(np.ceil(half)) + 2
        box = ink[row - reach:row + reach + 1, col - reach:col + reach + 1]
        assert box.sum() >= 4 * 2 * (half - 1)  # four sides of an outline
        inner = int(half) - 3  # inside the outline's width
        assert not ink[row - inner:row + inner + 1, col - inner:col + inner + 1].any()  # an outline, not a blob


def test_pool_dots_are_grey_and_scores_replace_the_model():
    pool = np.array([[3.0, 3.0], [6.0, 6.0]])
    mask = F.pool_mask(pool, SQUARE, F.PANEL_SIDE)
    picture = white_picture(pool_alpha=mask)
    rows, cols = pixel(pool)
    for row, col in zip(rows, cols):
        assert picture[row, col][0] == picture[row, col][1] == picture[row, col][2] < 200  # grey
    xs, ys, grid = F.make_grid(SQUARE, 20)
    scores = grid[:, 0].reshape(20, 20)  # highest on the right
    scored = white_picture(grid_scores=scores)
    assert (scored[240, 470] != scored[240, 10]).any() and (scored[240, 10] == 255).all()


@pytest.mark.parametrize("bounds, shape", [((0, 4, 0, 2), (240, 480)), ((0, 1, 0, 2), (480, 240)),
                                           ((-3, 3, -3, 3), (480, 480))])
def test_the_picture_keeps_the_aspect_of_the_bounds(bounds, shape):
    picture = F.panel_picture(np.full((10, 10, 3), 1 / 3), bounds, X_labeled=np.empty((0, 2)),
                              y_labeled=np.empty(0, dtype=int))
    assert picture.shape == shape + (3,)
    half = F.panel_picture(np.full((10, 10, 3), 1 / 3), bounds, X_labeled=np.empty((0, 2)),
                           y_labeled=np.empty(0, dtype=int), long_side=240)
    assert half.shape == (shape[0] // 2, shape[1] // 2, 3)


def test_pick_numbers_are_written_beside_their_rings():
    X_new = np.array([[2.0, 2.0], [5.0, 5.0], [8.0, 8.0]])
    plain = white_picture(X_new=X_new)
    numbered = white_picture(X_new=X_new, numbered=True)
    changed = (plain != numbered).any(axis=2)
    rows, cols = pixel(X_new)
    near = np.zeros_like(changed)
    for row, col in zip(rows, cols):
        near[max(row - 40, 0):row + 40, max(col - 40, 0):col + 40] = True
    assert changed.any() and not (changed & ~near).any()  # the numbers, and only near their rings


TEXT = 14.0


def boxes_overlap(a, b) -> bool:
    return abs(a[0] - b[0]) < TEXT * 1.1 and abs(a[1] - b[1]) < TEXT


@pytest.mark.parametrize("size", [(480, 480), (240, 480)])
def test_pick_numbers_stay_inside_the_picture(size):
    height, width = size
    edges = [0, 1, width / 2, width - 2, width - 1]
    cx, cy = (np.array(v, dtype=float) for v in zip(*[(x, y) for x in edges for y in (0, 1, height / 2, height - 1)]))
    for px, py in F._label_positions(cx, cy, size, TEXT):
        assert 0 <= px and px + TEXT * 1.2 <= width and 0 <= py and py + TEXT <= height


def test_pick_numbers_of_spread_out_points_do_not_overlap():
    rng = np.random.default_rng(0)
    grid = np.array([(x, y) for x in range(40, 480, 60) for y in range(40, 480, 60)], dtype=float)
    cx, cy = (grid + rng.uniform(-5, 5, grid.shape)).T
    positions = F._label_positions(cx, cy, (480, 480), TEXT)
    assert len(positions) == len(grid)
    for i, a in enumerate(positions):
        assert not any(boxes_overlap(a, b) for b in positions[:i]), i
        assert np.hypot(a[0] - cx[i], a[1] - cy[i]) < 3 * TEXT  # beside its own ring


def test_up_to_four_picks_at_one_spot_get_four_free_places():
    positions = F._label_positions(np.full(4, 240.0), np.full(4, 240.0), (480, 480), TEXT)
    assert len(set(positions)) == 4
    assert not any(boxes_overlap(a, b) for i, a in enumerate(positions) for b in positions[:i])


def test_jpeg_data_uri_round_trips_through_pil():
    picture = F.panel_picture(linear_probs(), BOUNDS, X_labeled=np.array([[0.5, 0.5]]), y_labeled=np.array([1]),
                              long_side=200)
    uri = F.jpeg_data_uri(picture)
    assert uri.startswith("data:image/jpeg;base64,")
    decoded = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert decoded.format == "JPEG" and decoded.mode == "RGB" and decoded.size == (200, 100)
    assert np.abs(np.asarray(decoded, dtype=float) - picture).mean() < 3  # lossy, but the same picture


def test_a_panel_holds_its_title_subtitle_and_picture():
    panel = F.Panel("A: Margin", "test accuracy 80.0%", "data:image/jpeg;base64,")
    assert (panel.title, panel.subtitle, panel.picture) == ("A: Margin", "test accuracy 80.0%",
                                                            "data:image/jpeg;base64,")


# -- charts ----------------------------------------------------------------------------------------

def charts():
    mean = np.array([0.5, 0.6, 0.7])
    bins = reliability_bins(np.array([[0.9, 0.1], [0.8, 0.2], [0.6, 0.4]]), [0, 1, 0], n_bins=5)
    return {
        "learning_curves": F.learning_curves({"A": ([4, 5, 6], mean), "B": ([4, 5, 6], mean - 0.1)}, current=5,
                                             target=0.8, x_range=(0, 10), y_range=(0.4, 1.0), revision=2),
        "curves_with_band": F.curves_with_band([4, 5, 6], {"A": (mean, mean - 0.1, np.array([0.8, np.nan, 0.8])),
                                                           "B": (mean, mean, mean)}, target=0.65, y_range=(0.4, 1)),
        "reliability_diagram": F.reliability_diagram({"before": (bins.confidence, bins.accuracy, bins.counts)}),
    }


@pytest.mark.parametrize("name", ["learning_curves", "curves_with_band", "reliability_diagram"])
def test_every_chart_validates_as_a_plotly_figure(name):
    figure = charts()[name]
    assert isinstance(figure, F.SpecFigure) and isinstance(figure, go.Figure)
    assert validated(figure) == validated(figure.figure)  # the spec is the figure
    assert figure.to_dict() is figure.to_plotly_json()  # handed to Streamlit as built, no copy
    layout = validated(figure)["layout"]
    assert layout["xaxis"]["automargin"] is False and layout["xaxis"]["fixedrange"] is True
    assert len(str(layout.get("template", {}))) < 200  # the empty "none" template, not plotly's default
    assert figure.layout.height == layout["height"]  # anything else goes to a real Figure


def test_learning_curves_mark_now_and_the_target():
    fig = validated(charts()["learning_curves"])
    assert [t["name"] for t in fig["data"]] == ["A", "B"]
    assert fig["data"][0]["y"] == [0.5, 0.6, 0.7] and fig["data"][1]["y"] == [0.4, 0.5, 0.6]
    assert [t["line"]["color"] for t in fig["data"]] == list(F.LEARNER_COLOURS[:2])
    now, target = fig["layout"]["shapes"]
    assert now["x0"] == now["x1"] == 5 and target["y0"] == target["y1"] == 0.8
    assert fig["layout"]["xaxis"]["range"] == [0, 10] and fig["layout"]["yaxis"]["range"] == [0.4, 1.0]
    assert fig["layout"]["datarevision"] == 2


def test_curves_with_band_fill_the_interval_and_skip_missing_ends():
    band = validated(charts()["curves_with_band"])
    assert len(band["data"]) == 4 and band["data"][0]["fill"] == "toself"
    assert not any(np.isnan(band["data"][0]["y"]))  # a missing interval end falls back to the mean
    assert [t["name"] for t in band["data"][1::2]] == ["A", "B"]
    assert band["layout"]["shapes"][0]["y0"] == 0.65


def test_accuracy_range_is_fixed_and_honest():
    assert F.accuracy_range(np.array([0.84, 0.87])) == (0.8, 1.0)
    assert F.accuracy_range(np.array([0.31, np.nan]), 0.9) == (0.2, 1.0)
    assert F.accuracy_range() == (0.4, 1.0)
