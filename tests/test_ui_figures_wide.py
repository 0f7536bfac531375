"""Pictures of wide data (ui.figures): the pool on an embedding, coloured by the model; crisp thumbnails
of images; a legend of class names drawn as pixels."""

from __future__ import annotations

import numpy as np

from ui import figures


def test_each_pool_point_takes_the_colour_of_its_predicted_class():
    points = np.array([[0.0, 0.0], [1.0, 1.0]])
    probs = np.array([[1.0, 0.0], [0.0, 1.0]])  # sure: full colour
    picture = figures.embedding_picture(points, (-1, 2, -1, 2), probs, labeled=[], y_labeled=[])
    height, width = picture.shape[:2]
    for (x, y), colour in zip(points, figures.CLASS_COLOURS):
        col = int((x + 1) / 3 * width)
        row = int((2 - y) / 3 * height)
        np.testing.assert_allclose(picture[row, col], figures.hex_to_rgb(colour), atol=2)
    assert tuple(picture[2, 2]) == figures.EMBEDDING_BACKGROUND  # nothing painted away from the points


def test_an_unsure_point_is_paler_and_scores_replace_the_classes():
    points = np.array([[0.0, 0.0], [1.0, 1.0]])
    probs = np.array([[0.5, 0.5], [0.0, 1.0]])
    picture = figures.embedding_picture(points, (-1, 2, -1, 2), probs, labeled=[], y_labeled=[])
    height, width = picture.shape[:2]
    unsure = picture[int(2 / 3 * height), int(1 / 3 * width)].astype(int)
    assert unsure.sum() > np.array(figures.hex_to_rgb(figures.CLASS_COLOURS[0])).sum()  # lighter than the class
    scored = figures.embedding_picture(points, (-1, 2, -1, 2), probs, labeled=[], y_labeled=[],
                                       pool_scores=np.array([0.0, 1.0]))
    np.testing.assert_allclose(scored[int(1 / 3 * height), int(2 / 3 * width)], figures.SCORE_HIGH, atol=2)


def test_labeled_points_and_the_newest_query_are_drawn_as_on_a_map():
    points = np.array([[0.0, 0.0], [1.0, 1.0]])
    plain = figures.embedding_picture(points, (-1, 2, -1, 2), np.full((2, 2), 0.5), labeled=[], y_labeled=[])
    marked = figures.embedding_picture(points, (-1, 2, -1, 2), np.full((2, 2), 0.5), labeled=[1], y_labeled=[1],
                                       new=[1])
    assert (plain != marked).any() and plain.shape == marked.shape


def test_thumbnails_are_crisp_blocks_framed_in_their_class():
    images = np.zeros((2, 2, 2))
    images[0, 0, 0] = 1.0  # one ink pixel, top left of the first image
    strip = figures.image_strip(images, [0, 1], zoom=4)
    frame = 3
    block = strip[frame:frame + 4, frame:frame + 4]
    assert (block == 0).all()  # the ink pixel: a 4 x 4 block of black, no blur at its edge
    assert (strip[frame:frame + 4, frame + 4:frame + 8] == 255).all()
    np.testing.assert_array_equal(strip[0, 0], figures.hex_to_rgb(figures.CLASS_COLOURS[0]))
    second = 2 * frame + 8 + 6
    np.testing.assert_array_equal(strip[0, second], figures.hex_to_rgb(figures.CLASS_COLOURS[1]))
    assert figures.png_data_uri(strip).startswith("data:image/png;base64,")


def test_a_legend_names_every_class_and_wraps():
    picture = np.full((100, 200, 3), 255, dtype=np.uint8)
    with_names = figures.with_legend(picture, ["a", "b"])
    assert with_names.shape[1] == 200 and with_names.shape[0] > 100
    many = figures.with_legend(picture, [f"class number {i}" for i in range(10)])
    assert many.shape[0] > with_names.shape[0]  # more names than fit in a row: more rows
    swatch = with_names[100:, :, :].reshape(-1, 3)
    assert (swatch == figures.hex_to_rgb(figures.CLASS_COLOURS[1])).all(axis=1).any()
