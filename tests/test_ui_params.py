"""ui.params: URL values are parsed, validated and clamped with a note, never an exception; visitor text is
shown as plain text."""

import math

import pytest
from hypothesis import given, strategies as st

from ui.params import Param, clamp, encode, literal, parse, read_params

POOL = Param("pool", 1000, low=200, high=5000, label="pool size")
NOISE = Param("noise", 1.0, low=0.0, high=2.0, digits=2, label="noise")
FLAG = Param("scores", False, label="score map")
CHOICE = Param("a", "margin", choices=("random", "margin", "entropy"), label="strategy A",
               labels={"random": "Random", "margin": "Margin", "entropy": "Entropy"})


def test_missing_value_gives_default_without_note():
    assert parse(POOL, None) == (1000, None)
    assert parse(CHOICE, None) == ("margin", None)


@pytest.mark.parametrize("raw, value", [("300", 300), ("300.0", 300), (" 4000 ", 4000)])
def test_ints_read_as_given(raw, value):
    assert parse(POOL, raw) == (value, None)


@pytest.mark.parametrize("raw, value, words", [
    ("99999", 5000, "above the largest"),
    ("-5", 200, "below the smallest"),
    ("abc", 1000, "not a number"),
    ("nan", 1000, "not a number"),
    ("inf", 1000, "not a number"),
    ("250.6", 251, "not a whole number"),
])
def test_bad_ints_are_clamped_or_defaulted_with_a_note(raw, value, words):
    got, note = parse(POOL, raw)
    assert got == value and isinstance(got, int)
    assert words in note and "pool size" in note


def test_floats_are_rounded_and_clamped():
    assert parse(NOISE, "0.123456") == (0.12, None)
    value, note = parse(NOISE, "7")
    assert value == 2.0 and "above" in note


@pytest.mark.parametrize("raw, value", [("1", True), ("true", True), ("ON", True), ("0", False), ("no", False)])
def test_bools(raw, value):
    assert parse(FLAG, raw) == (value, None)


def test_bad_bool_and_unknown_choice_fall_back_with_note():
    assert parse(FLAG, "maybe")[0] is False and "on/off" in parse(FLAG, "maybe")[1]
    value, note = parse(CHOICE, "<script>alert(1)</script>" * 5)
    assert value == "margin" and "not one of the choices" in note and len(note) < 200


def test_encode_round_trips():
    for param, value in [(POOL, 1234), (NOISE, 0.35), (FLAG, True), (FLAG, False), (CHOICE, "entropy")]:
        assert parse(param, encode(param, value)) == (value, None)


def test_read_params_collects_notes():
    values, notes = read_params([POOL, NOISE, CHOICE], {"pool": "x", "noise": "0.5", "a": "nope"})
    assert values == {"pool": 1000, "noise": 0.5, "a": "margin"}
    assert len(notes) == 2


def test_clamp_to_a_run_time_range():
    assert clamp(NOISE, 1.5, 0.0, 0.5) == (0.5, "Noise 1.5 is above 0.5 here; using 0.5.")
    assert clamp(NOISE, 0.3, 0.0, 0.5) == (0.3, None)


@given(st.text(max_size=30))
def test_parse_never_raises_and_stays_in_range(raw):
    for param in (POOL, NOISE, FLAG, CHOICE):
        value, _ = parse(param, raw)
        assert type(value) is type(param.default)
        if param.low is not None:
            assert param.low <= value <= param.high and not (isinstance(value, float) and math.isnan(value))
        if param.choices:
            assert value in param.choices


def test_notes_name_the_label_people_see_not_the_internal_id():
    value, note = parse(CHOICE, "nope")
    assert value == "margin" and note.endswith("using Margin.") and "` nope `" in note


@pytest.mark.parametrize("raw", ["[open](http://example.com/x)", "![](http://127.0.0.1:9/p.png)", ":red[alarm]",
                                 "<img src=x onerror=alert(1)>", "www.example.org", "someone@example.org",
                                 "`http://x.y`", "a ``` b", "**bold** _it_ # head"])
def test_literal_is_one_code_span_holding_the_text(raw):
    shown = literal(raw)
    fence = shown.split(" ", 1)[0]
    assert set(fence) == {"`"} and shown.endswith(" " + fence)
    inner = shown[len(fence) + 1:-len(fence) - 1]
    assert inner == raw
    assert fence not in inner  # the fence is longer than any run of backticks inside: one span, closed at the end


def test_link_notes_hold_the_visitor_text_as_a_literal():
    _, note = parse(CHOICE, "[open](http://example.com/x)")
    assert "` [open](http://example.com/x) `" in note
