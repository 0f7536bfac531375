"""The stream and synthesis labs' pure parts: their verdict sentences (numbers in, exact sentences out), figure
builders, measurement kinds (seed for seed what the engine gives) and settings."""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image

from alcore.data import make_dataset
from alcore.stats import Estimate
from alcore.stream import StreamRace, make_stream, threshold_sweep
from alcore.synthesis import SynthesisRace
from ui import figures, measure, verdicts
from ui.labs import stream as stream_lab
from ui.labs import synthesis as synthesis_lab
from ui.params import defaults

NAN = float("nan")


def est(mean, low, high, n=20):
    return Estimate(mean, low, high, n)


FINAL = {"stream": est(0.9, 0.88, 0.92), "random": est(0.87, 0.85, 0.89), "pool": est(0.93, 0.91, 0.95)}
HEAD = ("Over 20 seeds the stream learner buys 40 of its 40 labels in every seed and ends at 90.0% (88.0 to "
        "92.0%); random asking at the same moments ends at 87.0% (85.0 to 89.0%).")


# -- stream verdicts -------------------------------------------------------------------------------------

@pytest.mark.parametrize("over, kind, tail", [
    (est(0.03, 0.01, 0.05), "success", "Asking when unsure pays: +3.0 (+1.0 to +5.0) points over random asking."),
    (est(-0.03, -0.05, -0.01), "warning",
     "Random asking wins here: the stream learner's choices cost 3.0 (1.0 to 5.0) points."),
    (est(0.01, -0.01, 0.03), "warning", "No clear difference (+1.0 (-1.0 to +3.0) points, an interval that "
     "includes zero): with these labels, which arrivals it asked about hardly mattered."),
])
def test_the_stream_verdict_follows_the_paired_difference(over, kind, tail):
    first, pool = verdicts.stream_verdicts(FINAL, est(40, 40, 40), 40, over, est(0.03, 0.01, 0.05), 20, False)
    assert (first.kind, first.text) == (kind, f"{HEAD} {tail}")
    assert pool.kind == "info"
    assert pool.text == ("Pool-based uncertainty sampling with as many labels, which sees every point at once, ends "
                         "at 93.0% (91.0 to 95.0%): +3.0 (+1.0 to +5.0) points above the stream learner.")


def test_under_drift_the_pool_learner_is_said_to_know_the_drift():
    _, pool = verdicts.stream_verdicts(FINAL, est(38.5, 37.0, 40.0), 40, est(0, -0.01, 0.01),
                                       est(0.0, -0.01, 0.01), 20, True)
    assert "level with the stream learner (0.0 (-1.0 to +1.0) points)." in pool.text
    assert pool.text.endswith("Under drift it picks from the points of the picture of the moment, knowing when the "
                              "drift came; like the others it keeps its labels from before.")


@pytest.mark.parametrize("left, asked, kind, start", [
    (est(0, 0, 0), est(0, 0, 0), "warning", "**Budget spent early.**"),
    (est(48, 47, 49), est(11, 9, 13), "warning", "**Too few questions after the drift.**"),
    (est(22, 20, 24), est(21.5, 20, 23), "info", "Just before"),
])
def test_the_drift_verdict_says_what_the_fixed_threshold_did(left, asked, kind, start):
    verdict = verdicts.drift_verdict(est(0.96, 0.95, 0.97), est(0.5, 0.4, 0.6), left, asked, 60)
    assert verdict.kind == kind and verdict.text.startswith(start)
    assert "Just before the drift the stream learner stood at 96.0% (95.0 to 97.0%), at the end at 50.0% (40.0 " \
           "to 60.0%)." in verdict.text
    assert (f"It had {verdicts._count(left)} labels left at the drift{verdicts._every(left)} and bought "
            f"{verdicts._count(asked)} after it{verdicts._every(asked)}.") in verdict.text
    if start == "**Budget spent early.**":
        assert "It had 0 labels left at the drift in every seed and bought 0 after it in every seed." in verdict.text


def test_the_tradeoff_sentence_names_the_ends_and_where_random_asking_differs():
    labels = [est(60, 60, 60), est(40, 38, 42), est(15, 13, 17)]
    accuracy = [est(0.9, 0.89, 0.91), est(0.92, 0.91, 0.93), est(0.85, 0.83, 0.87)]
    over = [est(0.0, -0.01, 0.01), est(0.02, 0.01, 0.03), est(-0.02, -0.03, -0.01)]
    text = verdicts.tradeoff_sentence((0.0, 0.5, 0.9), labels, accuracy, over)
    assert text == ("From threshold 0 to 0.9 the labels bought fall from 60 in every seed to 15.0 (13.0 to 17.0), and "
                    "the final accuracy moves from 90.0% (89.0 to 91.0%) to 85.0% (83.0 to 87.0%). It beats random "
                    "asking with the same labels clearly at threshold 0.5, and loses clearly at 0.9.")
    level = verdicts.tradeoff_sentence((0.0, 0.9), labels[:1] * 2, accuracy[:2], [over[0]] * 2)
    assert level.endswith("At no threshold is it clearly different from random asking with the same labels.")


# -- synthesis verdicts ------------------------------------------------------------------------------------

def test_the_synthesis_verdicts_compare_at_equal_labels():
    final = {"synthesis": est(0.8, 0.78, 0.82), "margin": est(0.85, 0.83, 0.87), "random": est(0.8, 0.77, 0.83)}
    first, second = verdicts.synthesis_verdicts(final, est(-0.05, -0.07, -0.03), est(0.0, -0.02, 0.02), 20, 40)
    assert first.kind == "warning"
    assert first.text == ("Over 20 seeds, at 40 labels, synthesis ends at 80.0% (78.0 to 82.0%), pool-based margin "
                          "sampling at 85.0% (83.0 to 87.0%). Asking about real points wins: synthesis is -5.0 (-7.0 "
                          "to -3.0) points against margin sampling.")
    assert second.text == ("Random sampling ends at 80.0% (77.0 to 83.0%): synthesis is level with it (0.0 (-2.0 to "
                           "+2.0) points).")
    ahead, _ = verdicts.synthesis_verdicts(final, est(0.02, 0.01, 0.03), est(0.02, 0.01, 0.03), 20, 40)
    assert ahead.kind == "success" and "+2.0 (+1.0 to +3.0) points over margin sampling" in ahead.text


def test_outside_and_mixed_sentences_carry_their_measurement():
    assert verdicts.outside_sentence(est(0.13, 0.04, 0.22)).startswith("13% (4 to 22%) of the synthetic queries land "
                                                                        "outside the real data")
    assert verdicts.mixed_sentence(est(0.7, 0.63, 0.76), 0.25).startswith(
        "70% (63 to 76%) of the blends are at least 25% made of their second image")


# -- figures -----------------------------------------------------------------------------------------------

def validated(fig) -> dict:
    return go.Figure(fig.to_dict()).to_plotly_json()


def test_the_tradeoff_chart_draws_intervals_both_ways_and_the_highlight():
    fig = figures.tradeoff_chart({"stream": ([10, 20], [8, 17], [12, 21], [0.8, 0.9], [0.78, NAN], [0.82, NAN])},
                                 texts=["0.9", "0.5"], highlight=("yours", 15, 14, 16, 0.85, 0.84, 0.86))
    spec = validated(fig)
    line, star = spec["data"]
    assert list(line["text"]) == ["0.9", "0.5"]
    assert list(line["error_x"]["array"]) == [2, 1] and list(line["error_x"]["arrayminus"]) == [2, 3]
    assert list(line["error_y"]["array"]) == pytest.approx([0.02, 0.0])  # a NaN end draws no bar
    assert star["marker"]["symbol"] == "star" and list(star["x"]) == [15]


def test_curves_take_an_axis_title_events_and_a_count_format():
    fig = validated(figures.learning_curves({"a": ([1, 2], [0.5, 0.6])}, x_title="arrivals seen",
                                            events={"drift": 250}))
    assert fig["layout"]["xaxis"]["title"]["text"] == "arrivals seen"
    assert any(shape["x0"] == 250 and shape["line"]["dash"] == "dash" for shape in fig["layout"]["shapes"])
    assert fig["layout"]["annotations"][0]["text"] == "drift"
    band = validated(figures.curves_with_band([1, 2], {"a": (np.array([1.0, 2.0]),) * 3}, y_format="d",
                                              y_title="labels bought", events={"drift": 1}))
    assert band["layout"]["yaxis"]["tickformat"] == "d" and band["layout"]["annotations"][0]["text"] == "drift"


def test_faded_dots_are_as_strong_as_they_are_new():
    bounds = (0.0, 10.0, 0.0, 10.0)
    mask = figures.fading_mask([[2.0, 5.0], [8.0, 5.0]], [0, 5], bounds, window=10, long_side=100)
    height, width = mask.shape
    new, old = mask[height // 2, 20], mask[height // 2, 80]
    assert new == pytest.approx(230, abs=2) and old == pytest.approx(115, abs=3)
    assert figures.fading_mask([[2.0, 5.0]], [10], bounds, window=10, long_side=100).max() == 0  # gone


def test_a_fixed_score_range_keeps_a_flat_map_dark():
    probs = np.full((4, 4, 2), 0.5)
    flat = figures.panel_image(probs, (0, 1, 0, 1), grid_scores=np.ones((4, 4)), long_side=20, boundary=False)
    fixed = figures.panel_image(probs, (0, 1, 0, 1), grid_scores=np.ones((4, 4)), long_side=20, boundary=False,
                                score_range=(0.0, 1.0))
    assert (flat == 255).all()
    np.testing.assert_allclose(fixed.reshape(-1, 3).mean(axis=0), figures.SCORE_HIGH, atol=2)


def test_a_digit_is_drawn_large_with_square_pixels_and_a_lossless_png():
    pixels = np.zeros(64)
    pixels[0], pixels[9] = 1.0, 0.5
    rgb = figures.digit_picture(pixels, scale=4)
    assert rgb.shape == (32, 32, 3)
    assert (rgb[:4, :4] == figures.INK[0]).all() and (rgb[4:8, 4:8] == rgb[4, 4]).all()
    assert (rgb[:4, 4:8] == 255).all() and 255 > rgb[4, 4, 0] > figures.INK[0]
    decoded = np.asarray(Image.open(io.BytesIO(base64.b64decode(figures.png_data_uri(rgb).split(",", 1)[1]))))
    np.testing.assert_array_equal(decoded, rgb)


# -- the measurement kinds are the engine, seed for seed ---------------------------------------------------

DATA = dict(name="blobs", n_pool=100, noise=0.6)
RACE = dict(model="logreg", measure="margin", threshold=0.5, budget=15, epsilon=0.0, n_start=3, drift=True,
            angle=90.0)


def test_a_stream_measurement_is_the_race_summary_of_each_seed():
    result = measure.compute(("stream", measure.stream_args(DATA, RACE, 2)))
    for seed in range(2):
        stream = make_stream(make_dataset(**DATA, random_state=seed), drift_at=50, angle=90.0, random_state=seed)
        settings = {k: v for k, v in RACE.items() if k not in ("drift", "angle")}
        expected = StreamRace(stream, **settings, random_state=seed).run().summary()
        for key, value in expected.items():
            np.testing.assert_array_equal(result[key][seed], value)


def test_a_sweep_measurement_is_threshold_sweep_of_each_seed():
    settings = {k: v for k, v in RACE.items() if k != "threshold"}
    result = measure.compute(("stream_sweep", measure.stream_sweep_args(DATA, settings, (0.0, 0.8), 2)))
    stream = make_stream(make_dataset(**DATA, random_state=1), drift_at=50, angle=90.0, random_state=1)
    expected = threshold_sweep(stream, (0.0, 0.8), model="logreg", measure="margin", budget=15, epsilon=0.0,
                               n_start=3, random_state=1)
    for key in expected:
        np.testing.assert_array_equal(result[key][1], expected[key])


def test_a_synthesis_measurement_is_the_race_of_each_seed():
    settings = dict(model="logreg", ends="plane", oracle="posterior", seed_size=4, budget=12)
    result = measure.compute(("synthesis", measure.synthesis_args(DATA, settings, 2)))
    race = SynthesisRace(make_dataset(**DATA, random_state=1), **settings, strategies=("margin", "random"),
                         random_state=1)
    race.advance(12)
    for name, loop in race.loops.items():
        np.testing.assert_array_equal(result[f"{name}.accuracy"][1], loop.curve[1])
    assert result["labels"][1].tolist() == list(range(4, 13))
    assert 0 <= result["far"][1] <= 1 and np.isfinite(result["mixed"][1])


def test_costs_grow_with_the_work():
    short = ("stream", measure.stream_args(DATA, RACE, 20))
    long = ("stream", measure.stream_args({**DATA, "n_pool": 1000}, RACE, 20))
    assert measure.estimated_seconds(long) == pytest.approx(10 * measure.estimated_seconds(short))
    slow = ("stream", measure.stream_args(DATA, {**RACE, "model": "forest"}, 20))
    assert measure.estimated_seconds(slow) > measure.estimated_seconds(short)
    plane = ("synthesis", measure.synthesis_args(DATA, dict(model="logreg", ends="plane", oracle="posterior",
                                                            seed_size=4, budget=40), 20))
    digits = ("synthesis", measure.synthesis_args(synthesis_lab.DIGITS, dict(model="logreg", ends="pool",
                                                                             oracle="source", seed_size=10,
                                                                             budget=40), 20))
    assert measure.estimated_seconds(digits) > measure.estimated_seconds(plane) > 0


# -- the labs' settings ------------------------------------------------------------------------------------

def test_the_stream_lab_builds_what_its_settings_say():
    values = {**defaults(stream_lab.PARAMS), "pool": 100, "drift": True, "angle": 180, "threshold": 0.7}
    race = stream_lab.build(values, 3)
    assert race.dataset.n == 100 and race.dataset.drift_at == 50 and race.dataset.angle == 180
    assert race.loops["stream"].threshold == 0.7 and race.loops["stream"].n_start == values["init"]
    keys = stream_lab.measurement(values)
    assert dict(keys["race"][1][1])["threshold"] == 0.7
    assert "threshold" not in dict(keys["sweep"][1][1])  # one sweep serves every threshold
    assert stream_lab.measurement({**values, "threshold": 0.2})["sweep"] == keys["sweep"]


def test_a_still_stream_measures_the_same_whatever_its_drift_angle():
    values = defaults(stream_lab.PARAMS)
    assert stream_lab.measurement({**values, "angle": 30}) == stream_lab.measurement({**values, "angle": 150})


def test_the_synthesis_lab_builds_each_tab():
    values = defaults(synthesis_lab.PARAMS)
    plane = synthesis_lab.build(values, 0)
    assert plane.synthesis.ends == "plane" and plane.synthesis.oracle == "posterior"
    digits = synthesis_lab.build({**values, "tab": "digits"}, 0)
    assert digits.dataset.name == "digits" and digits.synthesis.oracle == "source"
    assert digits.synthesis.seed_indices.size == synthesis_lab.DIGITS_SEED
    assert set(synthesis_lab.REBUILD_ON) == set(synthesis_lab.VARIANTS)


def test_every_stored_setting_of_both_labs_can_be_measured():
    for lab in (stream_lab, synthesis_lab):
        for values in lab.stored_settings():
            for kind, args in lab.measurement(values).values():
                assert kind in measure.KINDS and measure.estimated_seconds((kind, args)) > 0


def test_marks_on_top_frame_labeled_points_that_would_hide_them():
    bounds, probs = (0.0, 10.0, 0.0, 10.0), np.full((4, 4, 2), 0.5)
    kwargs = dict(X_labeled=[[5.0, 5.0]], y_labeled=[0], X_marked=[[5.0, 5.0]])
    under = figures.panel_picture(probs, bounds, long_side=400, **kwargs)
    over = figures.panel_picture(probs, bounds, long_side=400, marks_on_top=True, **kwargs)

    def ink(picture):
        return int((np.abs(picture.astype(int) - np.array(figures.INK)).max(axis=2) <= 3).sum())

    assert ink(over) > ink(under) + 40  # under the disk only its corners peek out; on top the whole frame shows
