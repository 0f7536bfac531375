"""Plotly figure builders: arrays in, ``go.Figure`` out. Pure: no Streamlit,
no session state, no active-learning maths.

Built for speed in the browser (see the Arena issue's probe): the pool, the
heatmap and the decision boundary of a panel are one server-rendered PNG
(:func:`panel_image`), and plotly draws only the few labeled points and the
newest query on top. Layouts use fixed margins with ``automargin`` off, the
empty ``"none"`` template, no hover, and one figure for several panels
(:func:`pool_panels`). Pass the figures to Streamlit with ``theme=None``
(see :data:`PLOTLY_CONFIG` for the chart config).

Colours: :data:`CLASS_COLOURS` for classes on every page, never black or grey
(grey means unlabeled); :data:`LEARNER_COLOURS` for lines that compare
learners, none of them a class colour.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Optional, Sequence

import numpy as np
import plotly.graph_objects as go
from PIL import Image, ImageDraw, ImageFont

#: Class colours: Okabe-Ito's colour-blind-safe seven without black and grey, then three of
#: Paul Tol's muted colours (indigo, olive, wine) for up to ten classes.
CLASS_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
                 "#332288", "#999933", "#882255")
#: Colours of compared learners (first = the active side, second = the baseline); dark
#: tones that are none of the class colours, so a curve never reads as a class.
LEARNER_COLOURS = ("#A51C5C", "#3B4652", "#1F7A8C", "#7B5BA6", "#B8860B")
#: Grey of unlabeled pool points.
POOL_GREY = (140, 140, 140)
#: Dark line of the decision boundary.
BOUNDARY_RGB = (40, 40, 40)
#: Chart config for ``st.plotly_chart(..., config=PLOTLY_CONFIG, theme=None)``.
PLOTLY_CONFIG = {"displayModeBar": False, "staticPlot": True, "responsive": True}
#: How strong the heatmap gets where the model is sure (0 = white, 1 = the class colour).
MAX_TINT = 0.55
#: Sequential colours of the acquisition-score map: low -> high.
SCORE_LOW, SCORE_HIGH = (255, 255, 255), (120, 40, 140)

_FONT = dict(family="sans-serif", size=13, color="#1F2328")


def hex_to_rgb(colour: str) -> tuple:
    """``"#0072B2"`` -> ``(0, 114, 178)``."""
    colour = colour.lstrip("#")
    return tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))


# -- the panel picture: heatmap, boundary and pool as one image -------------------------------

def make_grid(bounds: Sequence[float], n: int = 60) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A regular n x n grid of cell centres over ``bounds = (x_min, x_max, y_min, y_max)``.

    Cell centres (not corners) so that an n x n map resized to an image lines
    up with the axes exactly.

    Returns
    -------
    xs, ys : numpy.ndarray of shape (n,)
        Grid coordinates along each axis.
    points : numpy.ndarray of shape (n * n, 2)
        Every grid point, row-major with y outermost (``points.reshape(n, n, 2)``
        is indexed ``[iy, ix]``, y increasing), ready for ``predict_proba``.
    """
    x_min, x_max, y_min, y_max = (float(b) for b in bounds)
    xs = x_min + (np.arange(n) + 0.5) * (x_max - x_min) / n
    ys = y_min + (np.arange(n) + 0.5) * (y_max - y_min) / n
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


def probability_rgb(probs: np.ndarray, colours: Sequence[str] = CLASS_COLOURS) -> np.ndarray:
    """Colour a probability map: the predicted class's colour, pale where unsure.

    Parameters
    ----------
    probs : numpy.ndarray of shape (..., C)
        Class probabilities.
    colours : sequence of str
        One hex colour per class.

    Returns
    -------
    numpy.ndarray of shape (..., 3), float in [0, 255]
        White where the top class has probability 1/C (for two classes, 0.5:
        a diverging scale centred at 0.5), the class colour at strength
        :data:`MAX_TINT` where it has probability 1.
    """
    probs = np.asarray(probs, dtype=float)
    n_classes = probs.shape[-1]
    palette = np.array([hex_to_rgb(colours[c % len(colours)]) for c in range(n_classes)], dtype=float)
    top = probs.argmax(axis=-1)
    confidence = (probs.max(axis=-1) - 1.0 / n_classes) / (1.0 - 1.0 / n_classes)
    strength = (MAX_TINT * np.clip(confidence, 0.0, 1.0))[..., None]
    return 255.0 * (1 - strength) + palette[top] * strength


def score_rgb(scores: np.ndarray) -> np.ndarray:
    """Colour an acquisition-score map, white (lowest) to purple (highest).

    Scores are scaled to the map's own range, so the picture shows where the
    strategy would ask next, not the scores' absolute size. A flat map is
    white; NaN counts as lowest.

    Returns
    -------
    numpy.ndarray of shape scores.shape + (3,), float in [0, 255]
    """
    scores = np.asarray(scores, dtype=float)
    finite = np.isfinite(scores)
    low = scores[finite].min() if finite.any() else 0.0
    high = scores[finite].max() if finite.any() else 0.0
    scaled = np.zeros_like(scores) if high - low < 1e-12 else (scores - low) / (high - low)
    scaled = np.where(finite, scaled, 0.0)[..., None]
    return np.array(SCORE_LOW, float) * (1 - scaled) + np.array(SCORE_HIGH, float) * scaled


def _edges(top: np.ndarray) -> np.ndarray:
    """Pixels where the class differs from the neighbour's to the left or above, (h, w) bool."""
    edge = np.zeros(top.shape, dtype=bool)
    edge[:, 1:] |= top[:, 1:] != top[:, :-1]
    edge[1:, :] |= top[1:, :] != top[:-1, :]
    return edge


def image_size(bounds: Sequence[float], long_side: int = 360) -> tuple[int, int]:
    """(height, width) in pixels with the aspect ratio of the bounds."""
    x_min, x_max, y_min, y_max = (float(b) for b in bounds)
    aspect = (y_max - y_min) / (x_max - x_min)
    if aspect <= 1:
        return max(8, int(round(long_side * aspect))), long_side
    return long_side, max(8, int(round(long_side / aspect)))


def points_alpha(X: np.ndarray, bounds: Sequence[float], height: int, width: int,
                 radius: float = 1.6, weights: Optional[np.ndarray] = None) -> np.ndarray:
    """Coverage (0..1) of small anti-aliased dots at the points X on an image, (h, w) float32.

    Vectorised over the points: one pass per pixel offset of the dot. It only
    depends on the pool, so callers may cache it. ``weights`` (one per point,
    0..1) fade each dot: where dots overlap, the strongest shows.
    """
    x_min, x_max, y_min, y_max = (float(b) for b in bounds)
    X = np.asarray(X, dtype=float).reshape(-1, 2)
    alpha = np.zeros((height, width), dtype=np.float32)
    if X.size == 0:
        return alpha
    px = np.floor((X[:, 0] - x_min) / (x_max - x_min) * width).astype(int)
    py = np.floor((y_max - X[:, 1]) / (y_max - y_min) * height).astype(int)  # image rows go down
    reach = int(np.ceil(radius))
    for dy in range(-reach, reach + 1):
        for dx in range(-reach, reach + 1):
            cover = float(np.clip(radius + 0.5 - np.hypot(dx, dy), 0.0, 1.0))
            if cover <= 0:
                continue
            rows, cols = py + dy, px + dx
            inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
            rows, cols = rows[inside], cols[inside]
            if weights is None:
                # duplicates read the same old value and write the same new one, so this is safe
                alpha[rows, cols] = np.maximum(alpha[rows, cols], cover)
            else:  # duplicates may differ: an unbuffered maximum
                np.maximum.at(alpha, (rows, cols), (cover * np.asarray(weights, dtype=np.float32)[inside]))
    return alpha


def pool_mask(X: np.ndarray, bounds: Sequence[float], long_side: int = 360) -> np.ndarray:
    """The pool's grey dots as a uint8 opacity mask for :func:`panel_image` (cache it per pool)."""
    height, width = image_size(bounds, long_side)
    return (200 * points_alpha(X, bounds, height, width)).astype(np.uint8)


def _resize(values: np.ndarray, height: int, width: int) -> np.ndarray:
    """Bilinear resize of a 2-D float map (row 0 = top) with pixel centres aligned, float32."""
    image = Image.fromarray(np.ascontiguousarray(values, dtype=np.float32), mode="F")
    return np.asarray(image.resize((width, height), Image.BILINEAR))


def _levels_in_place(fraction: np.ndarray) -> np.ndarray:
    """Values in [0, 1] as 0-255 levels (uint8), using ``fraction`` (float32, writable) as scratch."""
    np.multiply(fraction, 255.0, out=fraction)
    np.clip(fraction, 0.0, 255.0, out=fraction)
    np.add(fraction, 0.5, out=fraction)
    return fraction.astype(np.uint8)


def _top_class(probs: np.ndarray, height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The top class (uint8) and its probability (float32) at every pixel of the picture.

    The class maps are resized as floats (bytes would draw a staircase where
    two classes nearly tie) and worked in place: at this size a new float
    array costs as much as the arithmetic. Two classes need one resize: the
    sign of ``p1 - p0`` is the class and ``(1 + |p1 - p0|) / 2`` its probability.
    """
    n_classes = probs.shape[-1]
    if n_classes == 2:
        difference = np.array(_resize(probs[..., 1] - probs[..., 0], height, width))
        top = (difference > 0).astype(np.uint8)
        np.abs(difference, out=difference)
        np.add(difference, 1.0, out=difference)
        np.multiply(difference, 0.5, out=difference)
        return top, difference
    best = np.array(_resize(probs[..., 0], height, width))
    top = np.zeros((height, width), dtype=np.uint8)
    better = np.empty((height, width), dtype=bool)
    for c in range(1, n_classes):  # argmax by hand: numpy's is slow on a short leading axis
        level = _resize(probs[..., c], height, width)
        np.greater(level, best, out=better)
        top[better] = c  # ties keep the lower class, as argmax does
        np.maximum(best, level, out=best)
    return top, best


_STEPS = 254  # palette entries for the heatmap colours; entry 255 is the boundary


@lru_cache(maxsize=64)
def _palette(colours: Optional[tuple]) -> tuple[bytes, np.ndarray]:
    """The panel palette, and which step each 0-255 level falls on.

    Class ``c`` at confidence step ``i`` has entry ``c * steps + i``, coloured
    as :func:`probability_rgb` colours that confidence; the returned
    ``(256,)`` uint8 array maps the top class's probability level (0-255) to
    its confidence step. With ``colours=None`` the entries are
    :func:`score_rgb`'s scale, and the array maps a score level to its step.
    Entry 255 is the boundary colour.
    """
    level = np.arange(256) / 255.0
    if colours is None:
        steps = _STEPS
        rgb = score_rgb(np.linspace(0.0, 1.0, steps))
        step_of_level = level
    else:
        n_classes = len(colours)
        steps = _STEPS // n_classes
        confidence = np.tile(np.linspace(0.0, 1.0, steps), n_classes)
        top = np.repeat(np.arange(n_classes), steps)
        # a probability vector whose top class is `top`, with exactly this confidence
        top_probability = 1.0 / n_classes + confidence * (1.0 - 1.0 / n_classes)
        probs = np.repeat(((1.0 - top_probability) / (n_classes - 1))[:, None], n_classes, axis=1)
        probs[np.arange(probs.shape[0]), top] = top_probability
        rgb = probability_rgb(probs, colours)
        step_of_level = (level - 1.0 / n_classes) / (1.0 - 1.0 / n_classes)
    palette = np.zeros((256, 3), dtype=np.uint8)
    palette[:len(rgb)] = np.round(rgb)
    palette[255] = BOUNDARY_RGB
    return palette.tobytes(), np.rint(np.clip(step_of_level, 0.0, 1.0) * (steps - 1)).astype(np.uint8)


def panel_image(grid_probs: np.ndarray, bounds: Sequence[float], *, pool_X: Optional[np.ndarray] = None,
                grid_scores: Optional[np.ndarray] = None, pool_alpha: Optional[np.ndarray] = None,
                long_side: int = 360, colours: Sequence[str] = CLASS_COLOURS,
                boundary: bool = True, edges: Optional[np.ndarray] = None,
                score_range: Optional[tuple] = None) -> np.ndarray:
    """Render one panel's background: heatmap, decision boundary and grey pool points.

    Each class's probability is resized bilinearly to the picture; every
    pixel then takes :func:`probability_rgb`'s colour for its top class and
    confidence (or :func:`score_rgb`'s for its score) from a 256-entry
    palette: 127 confidence steps per class for two classes, fewer with more.
    Colouring by palette, one byte per pixel, is several times faster than
    resizing colours.

    Parameters
    ----------
    grid_probs : numpy.ndarray of shape (n, n, C)
        Model probabilities on :func:`make_grid` (indexed ``[iy, ix]``, y up).
    bounds : (x_min, x_max, y_min, y_max)
    pool_X : numpy.ndarray of shape (m, 2), optional
        Pool points, drawn as small grey dots (skip with None).
    grid_scores : numpy.ndarray of shape (n, n), optional
        Acquisition scores on the grid; when given, they replace the
        probability heatmap (the boundary is still drawn from ``grid_probs``).
    pool_alpha : numpy.ndarray of shape (h, w), optional
        Precomputed :func:`points_alpha` of the pool at this image size
        (float coverage, or uint8 opacity 0-255 as from :func:`pool_mask`).
    long_side : int, default=360
        Pixels along the longer side.
    colours : sequence of str
        Class colours.
    boundary : bool, default=True
        Draw the decision boundary (where the predicted class changes).
    edges : numpy.ndarray of shape (h, w), bool, optional
        The boundary's pixels, as :func:`boundary_edges` gives them for
        ``grid_probs``: several score maps of one model then share the work
        of finding it.
    score_range : (low, high), optional
        Fixed ends of the score colours (a flat map of ``high`` is then dark,
        not white); the map's own range when None.

    Returns
    -------
    numpy.ndarray of shape (h, w, 3), uint8
        Image rows top to bottom (y decreasing), ready for :func:`jpeg_data_uri`.
    """
    height, width = image_size(bounds, long_side)
    probs = np.asarray(grid_probs, dtype=float)[::-1]  # row 0 = top of the picture
    n_classes = probs.shape[-1]
    if grid_scores is None or edges is None:
        top, best = _top_class(probs, height, width)
        if edges is None and boundary and n_classes > 1:
            edges = _edges(top)
    if grid_scores is None:
        palette, step_of_level = _palette(tuple(colours[c % len(colours)] for c in range(n_classes)))
        index = top * np.uint8(_STEPS // n_classes) + np.take(step_of_level, _levels_in_place(best))
    else:
        palette, step_of_level = _palette(None)
        scores = np.asarray(grid_scores, dtype=float)[::-1]
        finite = np.isfinite(scores)
        low, high = (scores[finite].min(), scores[finite].max()) if finite.any() else (0.0, 0.0)
        if score_range is not None:
            low, high = (float(v) for v in score_range)
            scores = np.clip(scores, low, high)
        scaled = np.where(finite, (scores - low) / (high - low), 0.0) if high - low >= 1e-12 else \
            np.zeros(scores.shape)
        index = np.take(step_of_level, _levels_in_place(np.array(_resize(scaled, height, width))))
    if boundary and edges is not None:
        index[edges] = 255
    image = Image.fromarray(index, mode="P")
    image.putpalette(palette)
    image = image.convert("RGB")
    if pool_alpha is None and pool_X is not None:
        pool_alpha = points_alpha(pool_X, bounds, height, width)
    if pool_alpha is not None:
        mask = pool_alpha if pool_alpha.dtype == np.uint8 else (200 * pool_alpha).astype(np.uint8)
        image = Image.composite(Image.new("RGB", (width, height), POOL_GREY), image,
                                Image.fromarray(mask, mode="L"))
    return np.asarray(image)


def boundary_edges(grid_probs: np.ndarray, bounds: Sequence[float], long_side: int = 360) -> np.ndarray:
    """The decision boundary's pixels in a panel of this model: (h, w) bool, for :func:`panel_image`'s ``edges``."""
    probs = np.asarray(grid_probs, dtype=float)[::-1]
    if probs.shape[-1] < 2:
        return np.zeros(image_size(bounds, long_side), dtype=bool)
    return _edges(_top_class(probs, *image_size(bounds, long_side))[0])


def jpeg_data_uri(rgb: np.ndarray, quality: int = 88) -> str:
    """Encode an (h, w, 3) uint8 image as a ``data:image/jpeg;base64,...`` URI.

    JPEG is about ten times faster to encode and four times smaller than PNG
    for these smooth heatmaps; full-resolution colour (4:4:4) keeps thin
    lines crisp. A data URI travels with the page's update, so the browser
    shows the new picture without fetching it.
    """
    buffer = io.BytesIO()
    Image.fromarray(rgb, mode="RGB").save(buffer, format="JPEG", quality=quality, subsampling=0)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


# -- a panel: the model's picture with the points drawn on it -------------------------------------

#: Pixels of the pictures' longer side; dots and rings are sized for it.
PANEL_SIDE = 480
LABELED_RADIUS, LABELED_OUTLINE = 5.5, 1.6
RING_RADIUS, RING_WIDTH = 10.0, 2.4
MARK_HALF = 6.0
SCORED_HALF = 6.5
INK = (20, 22, 26)


def _to_pixels(X: np.ndarray, bounds: Sequence[float], height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Point coordinates as (column, row) pixel centres of the picture (rows go down)."""
    x_min, x_max, y_min, y_max = (float(b) for b in bounds)
    X = np.asarray(X, dtype=float).reshape(-1, 2)
    return ((X[:, 0] - x_min) / (x_max - x_min) * width - 0.5,
            (y_max - X[:, 1]) / (y_max - y_min) * height - 0.5)


def _stamp(image: np.ndarray, cx: np.ndarray, cy: np.ndarray, colours: np.ndarray, outer: float,
           inner: float = -1.0) -> None:
    """Blend anti-aliased disks (or rings, with ``inner`` >= 0) into an (h, w, 3) uint8 image, in place.

    Vectorised over points and pixel offsets at once; only the pixels the
    shapes touch are read and written. Each pixel's coverage is how far it
    lies inside the shape's edge, clipped to 0..1; where two shapes cover a
    pixel, the one covering it most is drawn.
    """
    height, width = image.shape[:2]
    if cx.size == 0:
        return
    reach = int(np.ceil(outer)) + 1
    offsets = np.arange(-reach, reach + 1)
    dy, dx = (grid.ravel()[:, None] for grid in np.meshgrid(offsets, offsets, indexing="ij"))
    cols = np.round(cx).astype(int)[None, :] + dx
    rows = np.round(cy).astype(int)[None, :] + dy
    distance = np.hypot(cols - cx[None, :], rows - cy[None, :])
    cover = np.clip(outer + 0.5 - distance, 0.0, 1.0)
    if inner >= 0:
        np.minimum(cover, np.clip(distance - inner + 0.5, 0.0, 1.0), out=cover)
    inside = (cover > 0) & (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
    which = np.broadcast_to(np.arange(cx.size), inside.shape)[inside]
    rows, cols, cover = rows[inside], cols[inside], cover[inside]
    order = np.argsort(cover, kind="stable")  # on a shared pixel the last write, the strongest, stays
    rows, cols, cover, which = rows[order], cols[order], cover[order, None], which[order]
    blended = image[rows, cols] * (1.0 - cover) + colours[which] * cover
    image[rows, cols] = np.clip(blended + 0.5, 0, 255).astype(np.uint8)


def _label_positions(cx: np.ndarray, cy: np.ndarray, size: tuple, text_size: float) -> list:
    """Where to write each pick number: beside its ring, inside the picture, away from earlier numbers."""
    height, width = size
    placed: list = []
    offsets = [(1, -1), (1, 1), (-1, -1), (-1, 1)]
    reach = RING_RADIUS * 0.8
    positions = []
    for x, y in zip(cx, cy):
        best, best_overlap = None, None
        for ox, oy in offsets:
            px = min(max(x + ox * reach - (text_size if ox < 0 else 0), 1), width - text_size * 1.2 - 1)
            py = min(max(y + oy * reach - (text_size if oy < 0 else 0), 1), height - text_size - 1)
            overlap = sum(abs(px - qx) < text_size * 1.1 and abs(py - qy) < text_size for qx, qy in placed)
            if best is None or overlap < best_overlap:
                best, best_overlap = (px, py), overlap
            if overlap == 0:
                break
        placed.append(best)
        positions.append(best)
    return positions


def panel_picture(grid_probs: np.ndarray, bounds: Sequence[float], *, X_labeled, y_labeled,
                  grid_scores: Optional[np.ndarray] = None, pool_alpha: Optional[np.ndarray] = None,
                  X_new=None, numbered: bool = False, X_marked=None, X_square=None,
                  long_side: int = PANEL_SIDE, colours: Sequence[str] = CLASS_COLOURS,
                  edges: Optional[np.ndarray] = None, X_scored=None, scored=None,
                  score_range: Optional[tuple] = None, marks_on_top: bool = False) -> np.ndarray:
    """One panel's whole picture: the model (or the scores), the pool and the points on it.

    Drawn on the server as one image, so it keeps its aspect ratio at any
    width, its dots stay dots, and the browser shows a picture instead of
    building a chart.

    Parameters
    ----------
    grid_probs : numpy.ndarray of shape (n, n, C)
        Model probabilities on :func:`make_grid` (see :func:`panel_image`).
    bounds : (x_min, x_max, y_min, y_max)
    X_labeled : array-like of shape (m, 2)
        Labeled points: disks in their class colour with a white outline.
    y_labeled : array-like of int, shape (m,)
    grid_scores : numpy.ndarray of shape (n, n), optional
        Acquisition scores, shown instead of the probabilities.
    pool_alpha : numpy.ndarray, optional
        :func:`pool_mask` of the pool at ``long_side``.
    X_new : array-like of shape (k, 2), optional
        Newest queries (or the next batch), ringed.
    numbered : bool
        Write each ring's pick order (1, 2, ...) beside it.
    X_marked : array-like of shape (j, 2), optional
        Points to outline with small squares (a hidden cluster, outliers).
    X_square : array-like of shape (1, 2), optional
        One point to mark with a large square (what would have been asked).
    long_side : int
        Pixels of the longer side.
    colours : sequence of str
        Class colours.
    edges : numpy.ndarray, optional
        :func:`boundary_edges` of ``grid_probs`` at ``long_side``, shared by several panels of one model.
    X_scored : array-like of shape (j, 2), optional
        Points whose scores are known only there (a function that scores a few
        candidates): squares filled with :func:`score_rgb`'s colour of ``scored``.
    scored : array-like of shape (j,), optional
        Their scores.
    score_range : (low, high), optional
        Fixed ends of the score colours (see :func:`panel_image`).
    marks_on_top : bool, default=False
        Draw the squares over the labeled points (to mark labeled points
        themselves) instead of under them.

    Returns
    -------
    numpy.ndarray of shape (h, w, 3), uint8
    """
    rgb = panel_image(grid_probs, bounds, grid_scores=grid_scores, pool_alpha=pool_alpha, long_side=long_side,
                      colours=colours, edges=edges, score_range=score_range)
    height, width = rgb.shape[:2]
    scale = long_side / PANEL_SIDE

    def squares(image: Image.Image) -> Image.Image:
        draw = ImageDraw.Draw(image)
        for points, half, line in ((X_marked, MARK_HALF * (1.5 if marks_on_top else 1), 1),
                                   (X_square, MARK_HALF * 1.9, 2)):
            if points is not None and len(points):
                for x, y in zip(*_to_pixels(points, bounds, height, width)):
                    h = half * scale
                    draw.rectangle([x - h, y - h, x + h, y + h], outline=INK, width=max(1, round(line * scale)))
        return image

    image = Image.fromarray(rgb) if marks_on_top else squares(Image.fromarray(rgb))
    if X_scored is not None and len(X_scored):
        draw = ImageDraw.Draw(image)
        fills = np.round(score_rgb(np.asarray(scored, dtype=float))).astype(int)
        h = SCORED_HALF * scale
        for x, y, fill in zip(*_to_pixels(X_scored, bounds, height, width), fills):
            draw.rectangle([x - h, y - h, x + h, y + h], fill=tuple(fill), outline=INK, width=max(1, round(scale)))
    picture = np.array(image)
    nx, ny = _labeled_and_new(picture, bounds, X_labeled, y_labeled, X_new, scale, colours)
    picture = Image.fromarray(picture)
    if marks_on_top:
        picture = squares(picture)
    if numbered and X_new is not None and len(X_new):
        draw = ImageDraw.Draw(picture)
        text_size = 18 * scale
        font = _font(int(round(text_size)))
        for order, (x, y) in enumerate(_label_positions(nx, ny, (height, width), text_size), start=1):
            draw.text((x, y), str(order), fill=INK, font=font, stroke_width=2, stroke_fill=(255, 255, 255))
    return np.asarray(picture)


def _class_palette(n_classes: int, colours: Sequence[str]) -> np.ndarray:
    """(n_classes, 3) float32 class colours."""
    return np.array([hex_to_rgb(colours[c % len(colours)]) for c in range(max(n_classes, 1))], dtype=np.float32)


def _labeled_and_new(picture: np.ndarray, bounds: Sequence[float], X_labeled, y_labeled, X_new, scale: float,
                     colours: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Stamp the labeled points (class-coloured disks, white rims) and ring the newest, in place;
    returns the rings' pixel centres."""
    height, width = picture.shape[:2]
    cx, cy = _to_pixels(X_labeled, bounds, height, width)
    classes = np.asarray(y_labeled, dtype=int).ravel()
    radius = LABELED_RADIUS * scale
    _stamp(picture, cx, cy, np.full((cx.size, 3), 255.0, dtype=np.float32), radius + LABELED_OUTLINE * scale)
    _stamp(picture, cx, cy, _class_palette(classes.max(initial=0) + 1, colours)[classes], radius)
    if X_new is None or not len(X_new):
        return np.empty(0), np.empty(0)
    nx, ny = _to_pixels(X_new, bounds, height, width)
    ring = RING_RADIUS * scale
    _stamp(picture, nx, ny, np.full((nx.size, 3), 255.0, dtype=np.float32), ring + 1.2 * scale,
           ring - (RING_WIDTH + 1.0) * scale)
    _stamp(picture, nx, ny, np.tile(np.array(INK, dtype=np.float32), (nx.size, 1)), ring, ring - RING_WIDTH * scale)
    return nx, ny


# -- data without a 2-D picture of its own: the pool on an embedding, images as thumbnails --------------

POOL_DOT_RADIUS, POOL_DOT_RIM = 2.6, 1.0
LEGEND_HEIGHT, LEGEND_SWATCH = 28, 12
EMBEDDING_BACKGROUND = (250, 250, 251)


def embedding_picture(points: np.ndarray, bounds: Sequence[float], pool_probs: np.ndarray, *, labeled,
                      y_labeled, new=None, pool_scores: Optional[np.ndarray] = None,
                      long_side: int = PANEL_SIDE, colours: Sequence[str] = CLASS_COLOURS) -> np.ndarray:
    """A learner's picture of data drawn on a 2-D embedding: every pool point coloured by the model.

    With more than two features there is no plane to paint the model's map
    on, so each pool point is painted instead: the colour of the class the
    model predicts for it, pale where it is unsure (as :func:`probability_rgb`
    tints a map), or its acquisition score (white to purple, as
    :func:`score_rgb`). Labeled points are disks in their class colour with a
    white rim, the newest queries ringed, as in :func:`panel_picture`.

    Parameters
    ----------
    points : numpy.ndarray of shape (n_pool, 2)
        Every pool point's place in the picture (an embedding).
    bounds : (x_min, x_max, y_min, y_max)
        Of the picture, in the embedding's coordinates.
    pool_probs : numpy.ndarray of shape (n_pool, C)
        The model's probabilities at every pool point.
    labeled : array-like of int
        Pool indices of the labeled points.
    y_labeled : array-like of int
        Their labels.
    new : array-like of int, optional
        Pool indices of the newest queries, ringed.
    pool_scores : numpy.ndarray of shape (n_pool,), optional
        Acquisition scores, shown instead of the predictions.
    long_side : int
    colours : sequence of str

    Returns
    -------
    numpy.ndarray of shape (h, w, 3), uint8
    """
    points = np.asarray(points, dtype=float)
    height, width = image_size(bounds, long_side)
    scale = long_side / PANEL_SIDE
    picture = np.empty((height, width, 3), dtype=np.uint8)
    picture[:] = EMBEDDING_BACKGROUND
    probs = np.asarray(pool_probs, dtype=float)
    if pool_scores is None:
        n_classes = probs.shape[1]
        confidence = np.clip((probs.max(axis=1) - 1 / n_classes) / (1 - 1 / n_classes), 0, 1)[:, None]
        strength = 0.25 + 0.75 * confidence  # a dot as pale as a map's white would vanish: keep some colour
        fill = 255 * (1 - strength) + _class_palette(n_classes, colours)[probs.argmax(axis=1)] * strength
    else:
        fill = score_rgb(pool_scores)
    cx, cy = _to_pixels(points, bounds, height, width)
    radius = POOL_DOT_RADIUS * scale
    _stamp(picture, cx, cy, np.tile(np.array(POOL_GREY, dtype=np.float32), (cx.size, 1)), radius + POOL_DOT_RIM * scale)
    _stamp(picture, cx, cy, fill.astype(np.float32), radius)
    labeled = np.asarray(labeled, dtype=np.intp)
    _labeled_and_new(picture, bounds, points[labeled], y_labeled, None if new is None else points[np.asarray(new)],
                     scale, colours)
    return picture


def legend_band(names: Sequence[str], width: int, *, colours: Sequence[str] = CLASS_COLOURS,
                long_side: int = PANEL_SIDE) -> np.ndarray:
    """A strip naming each class beside its colour, to put under a picture, (h, width, 3) uint8.

    Names are drawn as pixels (never read as markup) and cut to 14 characters;
    they wrap onto more rows when they do not fit.
    """
    scale = long_side / PANEL_SIDE
    font = _font(int(round(13 * scale)))
    swatch, gap, row_height = LEGEND_SWATCH * scale, 14 * scale, LEGEND_HEIGHT * scale
    entries, x, rows = [], 8 * scale, 0
    for c, name in enumerate(names):
        text = name if len(name) <= 14 else name[:13] + "…"
        size = swatch + 5 * scale + font.getlength(text)
        if x + size > width - 8 * scale and x > 8 * scale:
            x, rows = 8 * scale, rows + 1
        entries.append((x, rows, text, colours[c % len(colours)]))
        x += size + gap
    band = Image.new("RGB", (width, int(round(row_height * (rows + 1)))), (255, 255, 255))
    draw = ImageDraw.Draw(band)
    for x, row, text, colour in entries:
        top = row * row_height + (row_height - swatch) / 2
        draw.rectangle([x, top, x + swatch, top + swatch], fill=hex_to_rgb(colour))
        draw.text((x + swatch + 5 * scale, top + swatch / 2), text, fill=INK, font=font, anchor="lm")
    return np.asarray(band)


def with_legend(picture: np.ndarray, names: Sequence[str], colours: Sequence[str] = CLASS_COLOURS) -> np.ndarray:
    """The picture with :func:`legend_band` under it."""
    return np.vstack([picture, legend_band(names, picture.shape[1], colours=colours)])


def image_strip(images: np.ndarray, labels: Sequence[int], *, zoom: int = 5,
                colours: Sequence[str] = CLASS_COLOURS) -> np.ndarray:
    """Thumbnails of image data in a row, crisp: each pixel a zoom x zoom block (no blur).

    Parameters
    ----------
    images : numpy.ndarray of shape (k, h, w)
        Pixel intensities, 0 (paper) to 1 (ink).
    labels : sequence of int
        Each image's class: the colour of its frame and the number under it.
    zoom : int
        Screen pixels per image pixel.
    colours : sequence of str

    Returns
    -------
    numpy.ndarray of shape (H, W, 3), uint8
        White when there are no images.
    """
    images = np.clip(np.asarray(images, dtype=float), 0.0, 1.0)
    frame, gap, caption = 3, 6, 16
    k, h, w = images.shape if images.size else (0, 8, 8)
    cell_w, cell_h = w * zoom + 2 * frame, h * zoom + 2 * frame
    strip = Image.new("RGB", (max(1, k * (cell_w + gap) - gap), cell_h + caption), (255, 255, 255))
    draw = ImageDraw.Draw(strip)
    font = _font(12)
    for i, (image, label) in enumerate(zip(images, labels)):
        left = i * (cell_w + gap)
        draw.rectangle([left, 0, left + cell_w - 1, cell_h - 1], fill=hex_to_rgb(colours[int(label) % len(colours)]))
        ink = np.round(255 * (1 - image)).astype(np.uint8)  # dark ink on white paper
        tile = np.kron(ink, np.ones((zoom, zoom), dtype=np.uint8))
        strip.paste(Image.fromarray(tile, mode="L").convert("RGB"), (left + frame, frame))
        draw.text((left + cell_w / 2, cell_h + caption / 2), str(label), fill=INK, font=font, anchor="mm")
    return np.asarray(strip)


def png_data_uri(rgb: np.ndarray) -> str:
    """Encode an (h, w, 3) uint8 image as a ``data:image/png;base64,...`` URI: lossless, for pixel
    art such as :func:`image_strip` or :func:`digit_picture` (JPEG would blur its hard edges); fast compression."""
    buffer = io.BytesIO()
    Image.fromarray(rgb, mode="RGB").save(buffer, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@lru_cache(maxsize=8)
def _font(size: int):
    return ImageFont.load_default(size=size)


@dataclass(frozen=True)
class Panel:
    """One learner's panel: a title, a few words under it, and its picture.

    Attributes
    ----------
    title : str
    subtitle : str
        Markdown (a few words; may hold **bold**).
    picture : str
        :func:`jpeg_data_uri` of :func:`panel_picture`.
    strip : str
        Optional: a data URI of a picture to show under it (for example
        :func:`image_strip` of the newest queries); empty for none.
    strip_caption : str
        Plain text under ``strip``.
    """

    title: str
    subtitle: str
    picture: str
    strip: str = ""
    strip_caption: str = ""


# -- the probability simplex of three classes (the zoo) ------------------------------------------------------

#: Pixels of a simplex picture's width.
SIMPLEX_SIDE = 320
_SIMPLEX_MARGIN = (14, 28, 30)  # pixels: left and right, above the top corner, below the base (room for labels)


@lru_cache(maxsize=4)
def _simplex_geometry(side: int) -> tuple:
    """(height, corners (3, 2) as (x, y) pixels, probabilities (m, 3) and (rows, cols) of the pixels inside)."""
    across, top, below = _SIMPLEX_MARGIN
    edge = side - 2 * across
    height = int(round(top + edge * np.sqrt(3) / 2 + below))
    base = top + edge * np.sqrt(3) / 2
    corners = np.array([[across, base], [across + edge, base], [across + edge / 2, top]])
    rows, cols = np.mgrid[0:height, 0:side]
    centres = np.column_stack([cols.ravel() + 0.5, rows.ravel() + 0.5])
    # barycentric coordinates: centre = corners.T @ p with p summing to 1
    system = np.vstack([corners.T, np.ones(3)])
    probs = np.linalg.solve(system, np.vstack([centres.T, np.ones(len(centres))])).T
    inside = (probs >= 0).all(axis=1)
    probs = np.clip(probs[inside], 0.0, 1.0)
    probs /= probs.sum(axis=1, keepdims=True)
    for array in (probs, corners):
        array.setflags(write=False)
    return height, corners, probs, (rows.ravel()[inside], cols.ravel()[inside])


def simplex_points(side: int = SIMPLEX_SIDE) -> np.ndarray:
    """The three-class probability vector at each pixel inside :func:`simplex_picture`'s triangle.

    Returns
    -------
    numpy.ndarray of shape (m, 3)
        Read-only; the order in which :func:`simplex_picture` reads its values.
        Class 1 is the bottom-left corner, class 2 the bottom-right, class 3 the top.
    """
    return _simplex_geometry(side)[2]


def simplex_picture(values, *, marks: Optional[Mapping[str, Sequence[float]]] = None, side: int = SIMPLEX_SIDE,
                    corner_labels: Sequence[str] = ("class 1", "class 2", "class 3")) -> np.ndarray:
    """The probability simplex of three classes, coloured by a measure, with points marked.

    Parameters
    ----------
    values : array-like of shape (m,)
        The measure at :func:`simplex_points` (same ``side``), coloured as
        :func:`score_rgb` colours acquisition scores: white lowest, purple
        highest (scaled to the values' own range).
    marks : mapping of str to a probability vector (3,), optional
        Points to ring, each written beside its ring.
    side : int
        Pixels of the picture's width.
    corner_labels : three str
        Written at the corners (bottom left, bottom right, top).

    Returns
    -------
    numpy.ndarray of shape (h, w, 3), uint8
    """
    height, corners, probs, (rows, cols) = _simplex_geometry(side)
    values = np.asarray(values, dtype=float)
    if values.shape != (len(probs),):
        raise ValueError(f"values must hold one value per simplex point ({len(probs)}), got shape {values.shape}.")
    picture = np.full((height, side, 3), 255, dtype=np.uint8)
    picture[rows, cols] = np.round(score_rgb(values)).astype(np.uint8)
    image = Image.fromarray(picture)
    draw = ImageDraw.Draw(image)
    draw.polygon([tuple(corner) for corner in corners], outline=INK, width=2)
    font = _font(15)
    across = _SIMPLEX_MARGIN[0]
    for (x, y), label, (dx, dy, anchor) in zip(corners, corner_labels,
                                               ((2 - across, 8, "la"), (across - 2, 8, "ra"), (0, -8, "md"))):
        draw.text((x + dx, y + dy), label, fill=INK, font=font, anchor=anchor)  # kept inside the picture
    picture = np.array(image)
    marks = dict(marks or {})
    if marks:
        centres = np.asarray(list(marks.values()), dtype=float) @ corners - 0.5
        ring = RING_RADIUS * 0.8
        _stamp(picture, centres[:, 0], centres[:, 1], np.full((len(marks), 3), 255.0, dtype=np.float32), ring + 1.2,
               ring - RING_WIDTH - 1.0)
        _stamp(picture, centres[:, 0], centres[:, 1], np.tile(np.array(INK, dtype=np.float32), (len(marks), 1)), ring,
               ring - RING_WIDTH)
        image = Image.fromarray(picture)
        draw = ImageDraw.Draw(image)
        for (x, y), label in zip(centres, marks):
            draw.text((x + ring + 3, y - ring - 2), label, fill=INK, font=font, stroke_width=2,
                      stroke_fill=(255, 255, 255))
        picture = np.asarray(image)
    return picture


def measure_lines(x, named: Mapping[str, Sequence[float]], *, x_title: str, y_title: str,
                  colours: Sequence[str] = LEARNER_COLOURS, height: int = 240) -> go.Figure:
    """A few measures against one variable, one line each (no markers, no hover).

    Parameters
    ----------
    x : array-like of shape (n,)
    named : mapping of name to array-like of shape (n,)
        Values as fractions (the axis shows percentages).
    x_title, y_title : str
    colours : sequence of str
    height : int, default=240

    Returns
    -------
    plotly.graph_objects.Figure
    """
    data = [dict(type="scatter", mode="lines", name=name, x=_rounded(x, 4), y=_rounded(values, 4),
                 line=dict(color=colours[i % len(colours)], width=2.5, dash=("solid", "dash", "dot")[i % 3]),
                 hoverinfo="skip") for i, (name, values) in enumerate(named.items())]
    return _figure(data, _curve_layout(height, x_title, y_title, (0, 1.02), legend_rows=1))


class SpecFigure(go.Figure):
    """A plotly Figure that is its spec: plain dicts, handed to Streamlit as they are.

    ``st.plotly_chart`` asks a Figure for ``to_dict()`` and serialises that.
    A ``go.Figure`` would first build its object tree and then deep-copy it
    back to dicts: about 30 ms for the Arena's two panels and curves, on every
    click of every visitor. This one returns the dicts it was built from (the
    builders make fresh ones per call, and nobody mutates them). Anything else
    (``.data``, ``.layout``, ``update_layout``...) goes to a real Figure, built
    on first use. The builders only emit properties that validate;
    tests/test_ui_figures.py rebuilds every figure with validation on to prove it.
    """

    def __init__(self, spec: dict):  # deliberately not go.Figure.__init__: no object tree
        object.__setattr__(self, "_spec", spec)
        object.__setattr__(self, "_full", None)

    @property
    def figure(self) -> go.Figure:
        """The same figure as a regular ``go.Figure`` (built once, without validation)."""
        if self._full is None:
            object.__setattr__(self, "_full", go.Figure(self._spec, _validate=False))
        return self._full

    def to_dict(self) -> dict:
        return self._spec

    def to_plotly_json(self) -> dict:
        return self._spec

    data = property(lambda self: self.figure.data)
    layout = property(lambda self: self.figure.layout)

    def __getattr__(self, name):  # only for names not found on the instance or the class
        if name.startswith("__") or name in ("_spec", "_full"):
            raise AttributeError(name)
        return getattr(self.figure, name)

    def __repr__(self) -> str:
        return f"SpecFigure({len(self._spec.get('data', []))} traces)"


def _figure(data: list, layout: dict) -> go.Figure:
    """A Figure from plain dicts without plotly's object tree (see :class:`SpecFigure`)."""
    return SpecFigure(dict(data=data, layout=layout))


def _rounded(values, digits: int = 3) -> list:
    return np.round(np.asarray(values, dtype=float), digits).tolist()


def accuracy_range(*arrays, floor: float = 0.0) -> tuple[float, float]:
    """A fixed, honest accuracy axis: from a round 10% step below the lowest value to 100%.

    Small differences are not blown up into a dramatic zoom, and the axis does
    not jump at every step.
    """
    values = [np.asarray(a, dtype=float).ravel() for a in arrays if a is not None]
    values = np.concatenate(values) if values else np.array([])
    values = values[np.isfinite(values)]
    low = float(values.min()) if values.size else 0.5
    return max(floor, np.floor((low - 0.02) * 10) / 10), 1.0


# -- learning curves ---------------------------------------------------------------------------

LEGEND_ROW = 23  # pixels of one row of a legend


def _curve_layout(height: int, x_title: str, y_title: str, y_range=None, revision: int = 0,
                  legend_rows: int = 2) -> dict:
    legend_room = LEGEND_ROW * legend_rows
    axis = dict(automargin=False, showgrid=True, gridcolor="#E6E8EB", zeroline=False, linecolor="#8A9099",
                showline=True, ticks="outside", tickcolor="#8A9099", fixedrange=True)
    return dict(
        # The legend sits at the bottom of the figure, under the axis title, with room for `legend_rows`
        # rows: on a narrow screen it wraps downwards into that room instead of off the top of the chart.
        template="none", height=height + legend_room, margin=dict(l=60, r=12, t=14, b=44 + legend_room,
                                                                   autoexpand=False),
        hovermode="x", dragmode=False, datarevision=revision, paper_bgcolor="white", plot_bgcolor="white",
        font=_FONT, legend=dict(orientation="h", x=0.0, y=0.0, xanchor="left", yanchor="bottom", yref="container",
                                bgcolor="rgba(255,255,255,0)"),
        xaxis=dict(axis, title=dict(text=x_title, standoff=6)),
        yaxis=dict(axis, title=dict(text=y_title, standoff=6), tickformat=".0%",
                   **({"range": list(y_range)} if y_range is not None else {})),
    )


def _events(layout: dict, events: Optional[Mapping[str, float]]) -> None:
    """Mark moments on the x axis (a drift, say): a dashed vertical line each, named at its top."""
    for name, x in (events or {}).items():
        layout.setdefault("shapes", []).append(dict(type="line", xref="x", yref="paper", x0=x, x1=x, y0=0, y1=1,
                                                    line=dict(color="#1F2328", width=1.2, dash="dash")))
        layout.setdefault("annotations", []).append(dict(x=x, y=1, xref="x", yref="paper", text=name,
                                                         showarrow=False, xanchor="left", yanchor="top",
                                                         font=dict(size=12, color="#1F2328"),
                                                         bgcolor="rgba(255,255,255,0.8)"))


#: Plotly symbols of the marks on learning curves (see :func:`learning_curves`), and the same shapes as
#: characters for the words beside a chart.
MARK_SYMBOLS = ("diamond", "triangle-up", "square", "star")
MARK_GLYPHS = ("\u25c6", "\u25b2", "\u25a0", "\u2605")
INK_HEX = "#{:02X}{:02X}{:02X}".format(*INK)


def learning_curves(curves: Mapping[str, tuple], *, current: Optional[float] = None,
                    target: Optional[float] = None, colours: Sequence[str] = LEARNER_COLOURS,
                    height: int = 300, y_range=None, x_range=None, revision: int = 0,
                    x_title: str = "labels used", events: Optional[Mapping[str, float]] = None,
                    legend_rows: int = 2, marks: Optional[Mapping[str, Mapping[str, tuple]]] = None,
                    mark_symbols: Optional[Mapping[str, int]] = None) -> go.Figure:
    """Test accuracy against labels, one line per learner.

    Parameters
    ----------
    curves : mapping of name to (labels, accuracy)
        Each a pair of 1-D arrays of the same length.
    current : float, optional
        Label count to mark with a vertical dotted line (the current round).
    target : float, optional
        Accuracy to mark with a horizontal dashed line.
    colours : sequence of str
        One colour per learner, in order.
    height : int, default=300
    y_range : (low, high), optional
        Fixed accuracy range (a fraction); automatic when None.
    x_range : (low, high), optional
        Fixed label range (so the axis does not jump as the race goes on).
    revision : int, default=0
    x_title : str, default='labels used'
        What the x axis counts (arrivals seen, say).
    events : mapping of str to float, optional
        Moments to mark with a named dashed line (``{"drift": 250}``).
    legend_rows : int, default=2
        Rows of legend the figure keeps room for (one per learner holds on a phone).
    marks : mapping of str to mapping of str to (x, y), optional
        Points to mark on the curves, by kind (its legend entry, such as
        "predictions stabilized"), then by curve name: dark symbols with a
        white outline, one symbol per kind.
    mark_symbols : mapping of str to int, optional
        Each kind's symbol, an index into :data:`MARK_SYMBOLS` (so a kind
        keeps its symbol when others are missing); in order by default.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    data = []
    for i, (name, (labels, accuracy)) in enumerate(curves.items()):
        data.append(dict(type="scatter", mode="lines+markers" if len(labels) < 40 else "lines", name=name,
                         x=np.asarray(labels).tolist(), y=_rounded(accuracy, 4),
                         line=dict(color=colours[i % len(colours)], width=2.5), marker=dict(size=5),
                         hovertemplate="%{y:.1%}"))
    for i, (kind, points) in enumerate((marks or {}).items()):
        symbol = MARK_SYMBOLS[(i if mark_symbols is None else mark_symbols[kind]) % len(MARK_SYMBOLS)]
        xs, ys = zip(*points.values())
        data.append(dict(type="scatter", mode="markers", name=kind, x=list(xs), y=_rounded(ys, 4),
                         marker=dict(symbol=symbol, size=13, color=INK_HEX, line=dict(color="white", width=1.5)),
                         hovertemplate=f"{kind}: %{{x}} labels, %{{y:.1%}}<extra></extra>"))
    layout = _curve_layout(height, x_title, "test accuracy", y_range, revision,
                           max(legend_rows, 3) if marks else legend_rows)
    if x_range is not None:
        layout["xaxis"]["range"] = list(x_range)
    shapes = []
    if current is not None:
        shapes.append(dict(type="line", xref="x", yref="paper", x0=current, x1=current, y0=0, y1=1,
                           line=dict(color="#8A9099", width=1.5, dash="dot")))
    if target is not None:
        shapes.append(dict(type="line", xref="paper", yref="y", x0=0, x1=1, y0=target, y1=target,
                           line=dict(color="#1F2328", width=1, dash="dash")))
    layout["shapes"] = shapes
    _events(layout, events)
    return _figure(data, layout)


def curves_with_band(labels, bands: Mapping[str, tuple], *, target: Optional[float] = None,
                     colours: Sequence[str] = LEARNER_COLOURS, height: int = 320, y_range=None,
                     y_title: str = "test accuracy", x_title: str = "labels used",
                     events: Optional[Mapping[str, float]] = None, y_format: str = ".0%",
                     legend_rows: int = 2) -> go.Figure:
    """Mean curve with a shaded 95% band per learner (over seeds).

    Parameters
    ----------
    labels : array-like of shape (n,)
        Label counts (the x axis).
    bands : mapping of name to (mean, low, high)
        Arrays of shape (n,) each; NaN in low/high leaves a gap in the band.
    target : float, optional
        Accuracy to mark with a horizontal dashed line.
    colours : sequence of str
    height : int, default=320
    y_range : (low, high), optional
    y_title : str, default='test accuracy'
    x_title : str, default='labels used'
    events : mapping of str to float, optional
        Moments to mark with a named dashed line.
    y_format : str, default='.0%'
        Tick format of the y axis ("d" for counts).
    legend_rows : int, default=2
        Rows of legend the figure keeps room for.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    x = np.asarray(labels).tolist()
    data = []
    for i, (name, (mean, low, high)) in enumerate(bands.items()):
        colour = colours[i % len(colours)]
        r, g, b = hex_to_rgb(colour)
        low = np.where(np.isfinite(low), low, mean)
        high = np.where(np.isfinite(high), high, mean)
        data.append(dict(type="scatter", mode="lines", x=x + x[::-1],
                         y=_rounded(np.concatenate([high, low[::-1]]), 4), fill="toself",
                         fillcolor=f"rgba({r},{g},{b},0.18)", line=dict(width=0), hoverinfo="skip",
                         showlegend=False, name=f"{name} 95% band"))
        data.append(dict(type="scatter", mode="lines", name=name, x=x, y=_rounded(mean, 4),
                         line=dict(color=colour, width=2.5), hovertemplate="%{y:.1%}"))
    layout = _curve_layout(height, x_title, y_title, y_range, legend_rows=legend_rows)
    layout["yaxis"]["tickformat"] = y_format
    if target is not None:
        layout["shapes"] = [dict(type="line", xref="paper", yref="y", x0=0, x1=1, y0=target, y1=target,
                                 line=dict(color="#1F2328", width=1, dash="dash"))]
    _events(layout, events)
    return _figure(data, layout)


# -- calibration ---------------------------------------------------------------------------------

def reliability_diagram(bins: Mapping[str, tuple], *, colours: Sequence[str] = LEARNER_COLOURS,
                        height: int = 300, revision: int = 0) -> go.Figure:
    """Accuracy against confidence, one line per set of predictions, over the diagonal.

    A calibrated model's points lie on the dashed diagonal (when it says 80%,
    it is right 80% of the time); points below it are overconfident.

    Parameters
    ----------
    bins : mapping of name to (confidence, accuracy, counts)
        Per confidence bin: mean confidence, accuracy and number of points
        (arrays of the same length; empty bins are NaN and are skipped), for
        example the fields of ``alcore.fixes.reliability_bins``. Marker size
        grows with the bin's share of the points.
    colours : sequence of str
        One colour per line, in order.
    height : int, default=300
    revision : int, default=0

    Returns
    -------
    plotly.graph_objects.Figure
    """
    data = [dict(type="scatter", mode="lines", x=[0, 1], y=[0, 1], name="calibrated", hoverinfo="skip",
                 line=dict(color="#8A9099", width=1.5, dash="dash"))]
    for i, (name, (confidence, accuracy, counts)) in enumerate(bins.items()):
        confidence = np.asarray(confidence, dtype=float)
        accuracy = np.asarray(accuracy, dtype=float)
        counts = np.asarray(counts, dtype=float)
        full = np.isfinite(confidence) & np.isfinite(accuracy) & (counts > 0)
        share = counts[full] / max(counts.sum(), 1.0)
        data.append(dict(type="scatter", mode="lines+markers", name=name, x=_rounded(confidence[full]),
                         y=_rounded(accuracy[full]), hovertemplate="said %{x:.0%}, right %{y:.0%}",
                         line=dict(color=colours[i % len(colours)], width=2.5),
                         marker=dict(size=_rounded(5 + 14 * np.sqrt(share), 1))))
    layout = _curve_layout(height, "confidence (top probability)", "accuracy", (0, 1.02), revision,
                           legend_rows=len(bins) + 1)
    layout["xaxis"].update(range=[0, 1.02], tickformat=".0%")
    return _figure(data, layout)


# -- the stream and synthesis labs ------------------------------------------------------------------


def fading_mask(X, ages, bounds: Sequence[float], window: int, long_side: int = PANEL_SIDE) -> np.ndarray:
    """Grey dots that fade with age, as a uint8 opacity mask for :func:`panel_picture`'s ``pool_alpha``.

    Parameters
    ----------
    X : array-like of shape (m, 2)
        The points (recent arrivals, say).
    ages : array-like of shape (m,)
        0 for the newest; a point of age ``window`` or more is gone.
    bounds : (x_min, x_max, y_min, y_max)
    window : int
    long_side : int

    Returns
    -------
    numpy.ndarray of shape (h, w), uint8
    """
    height, width = image_size(bounds, long_side)
    weights = np.clip(1.0 - np.asarray(ages, dtype=float) / max(window, 1), 0.0, 1.0)
    return (230 * points_alpha(X, bounds, height, width, radius=2.4 * long_side / PANEL_SIDE,
                               weights=weights)).astype(np.uint8)


def tradeoff_chart(series: Mapping[str, tuple], *, texts: Sequence[str] = (), highlight: Optional[tuple] = None,
                   colours: Sequence[str] = LEARNER_COLOURS, height: int = 300, y_range=None,
                   x_title: str = "labels spent", y_title: str = "final test accuracy") -> go.Figure:
    """What each setting buys: one point per setting, mean with its 95% interval on both axes.

    Parameters
    ----------
    series : mapping of name to (x, x_low, x_high, y, y_low, y_high)
        Arrays of one value per setting, in order (joined by a line); NaN
        interval ends draw no error bar.
    texts : sequence of str
        A short label per setting, written by the first series' points.
    highlight : (name, x, x_low, x_high, y, y_low, y_high), optional
        One more point, drawn large (the current setting).
    colours : sequence of str
        One per series; the highlight takes the first.
    height : int, default=300
    y_range : (low, high), optional
    x_title, y_title : str

    Returns
    -------
    plotly.graph_objects.Figure
    """
    def bars(mean, low, high) -> dict:
        mean, low, high = (np.asarray(v, dtype=float) for v in (mean, low, high))
        return dict(type="data", symmetric=False, array=_rounded(np.nan_to_num(high - mean), 4),
                    arrayminus=_rounded(np.nan_to_num(mean - low), 4), thickness=1.2, width=3)

    data = []
    for i, (name, (x, x_low, x_high, y, y_low, y_high)) in enumerate(series.items()):
        colour = colours[i % len(colours)]
        trace = dict(type="scatter", mode="lines+markers", name=name, x=_rounded(x, 2), y=_rounded(y, 4),
                     error_x=dict(bars(x, x_low, x_high), color=colour), error_y=dict(bars(y, y_low, y_high), color=colour),
                     line=dict(color=colour, width=2), marker=dict(size=7, color=colour),
                     hovertemplate="%{x:.0f} labels: %{y:.1%}")
        if i == 0 and texts:
            trace.update(mode="lines+markers+text", text=list(texts), textposition="top center",
                         textfont=dict(size=11, color=colour))
        data.append(trace)
    if highlight is not None:
        name, x, x_low, x_high, y, y_low, y_high = highlight
        data.append(dict(type="scatter", mode="markers", name=name, x=_rounded([x], 2), y=_rounded([y], 4),
                         error_x=dict(bars([x], [x_low], [x_high]), color=INK_HEX),
                         error_y=dict(bars([y], [y_low], [y_high]), color=INK_HEX),
                         marker=dict(size=15, symbol="star", color=colours[0], line=dict(color=INK_HEX, width=1.5)),
                         hovertemplate="%{x:.0f} labels: %{y:.1%}"))
    layout = _curve_layout(height, x_title, y_title, y_range, legend_rows=len(data))
    layout["hovermode"] = "closest"
    return _figure(data, layout)


def digit_picture(pixels, *, shape: tuple = (8, 8), scale: int = 32, top: float = 1.0) -> np.ndarray:
    """A small grey-level image, large and crisp: each pixel a ``scale`` x ``scale`` square.

    Parameters
    ----------
    pixels : array-like of shape (h * w,)
        Ink per pixel, 0 (paper) to ``top`` (full ink), row by row.
    shape : (h, w), default=(8, 8)
    scale : int, default=32
        Nearest-neighbour upscaling (no blur: the pixels stay square).
    top : float, default=1.0
        The value of full ink.

    Returns
    -------
    numpy.ndarray of shape (h * scale, w * scale, 3), uint8
        Dark ink on white.
    """
    ink = np.clip(np.asarray(pixels, dtype=float).reshape(shape) / top, 0.0, 1.0)
    grey = np.round(255.0 - ink * (255.0 - INK[0])).astype(np.uint8)
    big = np.repeat(np.repeat(grey, scale, axis=0), scale, axis=1)
    return np.repeat(big[:, :, None], 3, axis=2)


# -- galleries of digit images ----------------------------------------------------------------------------

PAPER, CAPTION_INK = (255, 255, 255), (60, 64, 70)


def image_sheet(images, captions: Sequence[Sequence[str]], *, columns: int = 8, thumb: int = 64,
                cell_width: int = 96, outlines: Optional[Sequence[Optional[str]]] = None) -> np.ndarray:
    """Thumbnails in rows, each with its caption lines under it: a gallery drawn as one picture.

    Parameters
    ----------
    images : sequence of array-like
        Each as for :func:`digit_picture`.
    captions : sequence of sequence of str
        One or two short lines per image.
    columns : int, default=8
        Thumbnails per row (fewer when there are fewer images).
    thumb : int, default=64
        Pixels of a thumbnail's side.
    cell_width : int, default=96
    outlines : sequence of str or None, optional
        A hex colour to frame each thumbnail with (None: no frame).

    Returns
    -------
    numpy.ndarray of shape (h, w, 3), uint8
    """
    count = len(images)
    columns = max(1, min(columns, count))
    lines = max((len(c) for c in captions), default=0)
    line_height = 15
    cell_height = thumb + 8 + lines * line_height + 8
    rows = -(-count // columns)
    sheet = Image.new("RGB", (columns * cell_width, max(1, rows) * cell_height), PAPER)
    draw = ImageDraw.Draw(sheet)
    font = _font(12)
    for i, (pixels, caption) in enumerate(zip(images, captions)):
        left, top = (i % columns) * cell_width, (i // columns) * cell_height + 4
        x = left + (cell_width - thumb) // 2
        sheet.paste(Image.fromarray(digit_picture(pixels, scale=max(1, thumb // 8))), (x, top))
        frame = None if outlines is None else outlines[i]
        draw.rectangle([x - 1, top - 1, x + thumb, top + thumb], outline=hex_to_rgb(frame) if frame else (200, 204, 210),
                       width=3 if frame else 1)
        for j, text in enumerate(caption):
            draw.text((left + cell_width / 2, top + thumb + 6 + j * line_height), text, fill=CAPTION_INK, font=font,
                      anchor="ma")
    return np.asarray(sheet)
