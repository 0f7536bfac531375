"""The oracle lab's pure parts: digit pictures and galleries (ui.figures), marks on learning curves,
the sentences on the machine tier and the stopping rules (ui.verdicts) against hand-made numbers, the
labels file and the measurement kinds (ui.labs.oracle, ui.measure)."""

from __future__ import annotations

import base64
import csv
import io

import numpy as np
import pytest
from PIL import Image

from alcore.data import make_dataset
from alcore.loop import LoopConfig
from alcore.oracle import Classroom, TierSummary
from alcore.stats import Estimate
from alcore.stopping import RuleSummary, StopSummary
from ui import figures, measure, verdicts
from ui.labs import oracle as spec
from ui.params import defaults

# -- pictures ----------------------------------------------------------------------------------------------


def decode(uri: str) -> np.ndarray:
    kind, data = uri.split(",", 1)
    assert kind == "data:image/png;base64"
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB"))


def test_a_digit_is_enlarged_into_crisp_squares_dark_on_white():
    pixels = np.zeros(64)
    pixels[0], pixels[9], pixels[63] = 1.0, 0.5, 0.25
    picture = figures.digit_picture(pixels, scale=10)  # 10 x 10 screen pixels per image pixel
    assert picture.shape == (80, 80, 3) and picture.dtype == np.uint8
    ink = figures.INK[0]
    assert (picture[:10, :10] == ink).all()                                    # full ink, the whole square
    assert (picture[10:20, 10:20] == round(255 - 0.5 * (255 - ink))).all()     # half ink: halfway to paper
    assert (picture[:10, 10:20] == 255).all()                                  # no ink: white paper
    assert len(np.unique(picture)) == 4                                        # no blur: only the image's levels


def test_png_keeps_every_pixel():
    picture = figures.digit_picture(np.linspace(0, 1, 64), scale=8)
    assert np.array_equal(decode(figures.png_data_uri(picture)), picture)


def test_a_gallery_is_one_picture_with_rows_and_frames():
    images = np.zeros((11, 64))
    sheet = figures.image_sheet(images, [("a", "b")] * 11, columns=4, thumb=40, cell_width=60,
                                outlines=[None] * 10 + ["#D55E00"])
    assert sheet.shape[1] == 4 * 60 and sheet.shape[0] == 3 * (40 + 8 + 2 * 15 + 8)  # 11 images: 3 rows of 4
    framed = sheet[2 * 86 + 4 - 1, 2 * 60 + 10:2 * 60 + 50]  # the top edge of the last (framed) thumbnail
    assert (framed == figures.hex_to_rgb("#D55E00")).all()
    assert figures.image_sheet(images[:2], [("x",)] * 2).shape[1] == 2 * 96  # fewer images than columns


def test_marks_on_learning_curves_keep_their_symbol():
    marks = {"budget reached": {"A": (12, 0.8)}, "predictions stabilized": {"A": (9, 0.7), "B": (10, 0.6)}}
    fig = figures.learning_curves({"A": ([4, 9, 12], [0.5, 0.7, 0.8]), "B": ([4, 10], [0.5, 0.6])}, marks=marks,
                                  mark_symbols={"predictions stabilized": 0, "budget reached": 2})
    spec_ = fig.to_dict()
    traces = {t["name"]: t for t in spec_["data"]}
    assert traces["budget reached"]["marker"]["symbol"] == figures.MARK_SYMBOLS[2]
    assert traces["predictions stabilized"]["x"] == [9, 10] and traces["predictions stabilized"]["y"] == [0.7, 0.6]
    assert figures.learning_curves({"A": ([4], [0.5])}).to_dict()["data"][0]["name"] == "A"  # no marks: as before


# -- sentences ---------------------------------------------------------------------------------------------

def est(mean, low=None, high=None, n=20):
    """An estimate; the interval symmetric around the mean when only its low end is given, none when neither."""
    if low is None:
        return Estimate(mean, np.nan, np.nan, n)
    return Estimate(mean, low, 2 * mean - low if high is None else high, n)


def tier(threshold, change, saving=0.0, saving_low=None, machine=100.0, error=0.05, needed=50.0, reached=20):
    return TierSummary(threshold, est(needed), reached, est(saving, saving_low), est(machine), est(error),
                       est(0.9 + change), est(change, change - 0.01))


def test_tier_verdicts_name_the_poisoned_thresholds_and_what_pays():
    off = tier(None, 0.0, machine=0.0, error=np.nan)
    tiers = [off, tier(0.5, -0.4, error=0.6), tier(0.7, -0.1, error=0.3), tier(0.9, 0.0, saving=0.2, saving_low=0.1)]
    poison, pays = verdicts.tier_verdicts(tiers, 0.9)
    assert poison.kind == "warning" and "poison the training set at 0.5 and 0.7" in poison.text
    assert "At 0.5 the machine tier labels 100 images, wrong on 60% of them" in poison.text
    assert "changes by -40.0 (-41.0 to -39.0) points" in poison.text
    assert pays.kind == "success" and "At 0.9 the machine tier pays" in pays.text and "20% (10 to 30%) fewer" in pays.text


def test_tier_verdicts_without_poison_or_saving_say_it_saves_work_not_learning():
    tiers = [tier(None, 0.0, machine=0.0), tier(0.95, 0.0, saving=0.0, saving_low=-0.05, machine=6.0),
             tier(0.99, 0.0, saving=0.0, saving_low=-0.02, machine=0.0)]
    (only,) = verdicts.tier_verdicts(tiers, 0.85)
    assert only.kind == "info" and "(0.95 and 0.99)" in only.text and "at 0.95 it labels 6 images" in only.text
    assert "50.0 labels from people reach 85% without it" in only.text
    (never,) = verdicts.tier_verdicts([tier(None, 0.0, reached=0), tier(0.9, 0.0)], 0.99)
    assert "no run reaches 99% without it" in never.text


def rule(name, fired=20, at=100.0, past=0.0, past_low=None, past_high=None, given=0.0, given_low=None):
    return RuleSummary(name, fired, est(at), est(past, past_low, past_high), est(given, given_low, None))


def test_stop_verdicts_say_too_early_late_near_or_never():
    summary = StopSummary({
        "stable": rule("stable", at=65, past=-111, past_low=-126, given=0.073, given_low=0.061),
        "uncertainty": rule("uncertainty", at=225, past=49, past_low=35, given=0.005, given_low=0.002),
        "budget": rule("budget", at=150, past=-5, past_low=-20, past_high=10, given=0.001, given_low=-0.002),
    }, est(0.967), est(176), 20, 400, 50, 0.01)
    early, late, near = verdicts.stop_verdicts(summary, {"stable": "stabilizing predictions",
                                                         "uncertainty": "low uncertainty", "budget": "the budget"})
    assert early.kind == "warning" and early.text.startswith("**Stabilizing predictions stops too early:**")
    assert "111 (96 to 126) labels before the plateau, giving up 7.3 (6.1 to 8.5) points" in early.text
    assert late.kind == "info" and "49 (35 to 63) labels after the plateau" in late.text
    assert "within 1 point of the plateau" in late.text  # half a point given up is within the tolerance
    assert near.kind == "success" and "-5 (-20 to +10) labels from the plateau" in near.text
    (never,) = verdicts.stop_verdicts(StopSummary({"stable": rule("stable", fired=0)}, est(0.9), est(100), 20, 400,
                                                  50, 0.01), {"stable": "stabilizing predictions"})
    assert never.kind == "info" and "never fired** within 400 labels, in any of 20 runs" in never.text
    (once,) = verdicts.stop_verdicts(StopSummary({"stable": rule("stable", fired=1)}, est(0.9), est(100), 20, 400,
                                                 50, 0.01), {"stable": "stabilizing predictions"})
    assert "fired in one run only" in once.text and "(in the 1 of 20 runs where it fired)" in once.text


def test_points_in_words():
    assert verdicts.points(0.01) == "1 point" and verdicts.points(0.025) == "2.5 points" and verdicts.points(0.2) == \
        "20 points"


# -- the lab's settings, file and measurements -------------------------------------------------------------------

def test_the_labels_file_has_the_original_image_your_label_the_datasets_and_when():
    room = Classroom(make_dataset("digits", n_pool=120, n_test=60, random_state=4), seed=4)
    first = room.person.current
    room.answer(int((room.dataset.y_pool[first] + 1) % 10), when=0.0)
    room.skip(when=60.0)  # skips are left out
    second = room.person.current
    room.answer(int(room.dataset.y_pool[second]))  # no time given
    rows = list(csv.reader(io.StringIO(spec.labels_csv(room))))
    source = room.dataset.source
    assert rows == [["image", "your_label", "dataset_label", "when"],
                    [str(source[first]), str((room.dataset.y_pool[first] + 1) % 10), str(room.dataset.y_pool[first]),
                     "1970-01-01T00:00:00+00:00"],
                    [str(source[second]), str(room.dataset.y_pool[second]), str(room.dataset.y_pool[second]), ""]]


def test_the_settings_build_the_classroom_and_its_measurements():
    values = {**defaults(spec.PARAMS), "batch": True, "tiers": True, "threshold": 0.8, "budget": 60}
    room = spec.build(values, 3)
    assert room.person.per_refit == spec.BATCH and room.person.threshold == 0.8 and room.budget == 60
    assert room.person.n_seed == 10 and room.dataset.X_pool.shape[0] == spec.DATA["n_pool"]
    keys = spec.measurement(values)
    assert keys["tiers"][0] == "tiers" and keys["tiers"][1][-1] == spec.THRESHOLDS and keys["stopping"][1][4] == \
        spec.HORIZON
    assert measure.estimated_seconds(keys["tiers"]) > 0 and spec.stored_settings() == [defaults(spec.PARAMS)]
    assert "n" not in {p.name for p in spec.PARAMS}


def test_the_measurement_kinds_on_a_small_pool():
    data = dict(name="digits", n_pool=150, n_test=60)
    tiers_key = ("tiers", measure.oracle_args(data, LoopConfig(), 10, 5, 30, 2, (0.6,)))
    tiers = measure.compute(tiers_key)
    assert tiers["accuracy"].shape == (2, 2, 5) and tiers["labels"][0].tolist() == [10, 15, 20, 25, 30]
    assert (tiers["machine"][:, 0] == 0).all() and (tiers["wrong"] <= tiers["machine"]).all()
    stop_key = ("stopping", measure.oracle_args(data, LoopConfig(), 10, 5, 30, 2))
    stops = measure.compute(stop_key)
    assert stops["kappa"].shape == (2, 5) and np.isnan(stops["kappa"][:, 0]).all()
    assert set(stops) == {"labels", "accuracy", "kappa", "entropy"}
    assert measure.one_seed(stop_key, 1)["accuracy"].tolist() == stops["accuracy"][1].tolist()  # seed for seed
