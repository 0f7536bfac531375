"""The lab store (ui/labs/measured.json): every measurement a lab shows at its defaults and presets is
there, and it is what the engine computes today (seed 0 of every entry recomputed), so a first visitor
sees a verdict at once and never a stale one. Refresh it with `python bench/measure_labs.py`."""

from __future__ import annotations

from bench.measure_labs import same_seed, stored_keys
from ui import measure


def test_every_stored_setting_is_in_the_store():
    store = measure.lab_store()
    missing = [measure.key_text(key)[:120] for key in stored_keys() if measure.key_text(key) not in store]
    assert not missing, f"run `python bench/measure_labs.py`; missing: {missing}"


def test_the_store_holds_nothing_else():
    wanted = {measure.key_text(key) for key in stored_keys()}
    assert set(measure.lab_store()) <= wanted


def test_the_store_is_what_the_engine_computes_now():
    stale = [measure.key_text(key)[:120] for key in stored_keys()
             if not same_seed(key, measure.decode(measure.lab_store()[measure.key_text(key)]), 0)]
    assert not stale, f"the engine or a lab's defaults changed: run `python bench/measure_labs.py --all`; {stale}"
