"""ui.measure: measurements as pure functions of a key, their JSON form, and the disk cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from alcore import lab
from alcore.data import make_dataset
from alcore.loop import LoopConfig, race_curves
from ui import measure

CONFIGS = {"A": LoopConfig(strategy="margin"), "B": LoopConfig(strategy="random")}
DATA = dict(name="blobs", n_pool=120, noise=1.0)


def race_key(n_seeds=3, budget=12):
    return ("race", measure.race_args(DATA, CONFIGS, budget, 4, n_seeds))


def test_a_key_is_plain_hashable_and_has_one_text():
    key = race_key()
    hash(key)
    assert measure.key_text(key) == measure.key_text(measure.freeze(json.loads(measure.key_text(key))))


def test_a_race_measurement_is_race_curves_seed_for_seed():
    labels, accuracy = measure.compute(race_key())
    expected_labels, expected = race_curves(lambda s: make_dataset(**DATA, random_state=s), CONFIGS, range(3), 12)
    np.testing.assert_array_equal(labels, expected_labels)
    for name in CONFIGS:
        np.testing.assert_array_equal(accuracy[name], expected[name])
        assert not accuracy[name].flags.writeable  # shared between sessions: read-only


def test_a_failure_measurement_is_lab_measure_condition():
    key = ("failure", measure.failure_args("cold_start", 5, "on", 2))
    got = measure.compute(key)
    expected = lab.measure_condition(lab.tuned("cold_start", 5), "on", range(2))
    assert set(got) == set(expected)
    for name in got:
        np.testing.assert_array_equal(got[name], expected[name])


def test_unknown_kinds_are_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="kind must be one of"):
        measure.compute(("nonsense", ()))


def test_estimates_grow_with_seeds_and_models():
    cheap, more = race_key(3), race_key(30)
    assert measure.estimated_seconds(more) == pytest.approx(10 * measure.estimated_seconds(cheap))
    forest = ("race", measure.race_args(DATA, {"A": LoopConfig(model="forest")}, 12, 4, 3))
    assert measure.estimated_seconds(forest) > measure.estimated_seconds(cheap)


def test_json_round_trip_keeps_arrays_tuples_and_odd_floats():
    value = {"a": (np.arange(3), np.array([[0.5, np.nan]])), "b": [1, 2.5, float("inf")], 3: "x"}
    back = measure.decode(json.loads(json.dumps(measure.encode(value))))
    np.testing.assert_array_equal(back["a"][0], np.arange(3))
    assert back["a"][0].dtype == np.arange(3).dtype and isinstance(back["a"], tuple)
    np.testing.assert_array_equal(back["a"][1], np.array([[0.5, np.nan]]))
    assert back["b"] == [1, 2.5, float("inf")] and back[3] == "x"


def test_the_disk_cache_keeps_results_and_stays_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(measure, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(measure, "MAX_CACHE_FILES", 3)
    assert measure.stored(race_key(1)) is None
    for n in range(1, 6):
        measure.keep(race_key(n), {"n": np.array([n])})
    assert len(list(tmp_path.glob("*.json"))) == 3
    assert measure.stored(race_key(5))["n"].tolist() == [5]
    assert not list(tmp_path.glob("*.tmp"))


def test_a_write_that_fails_half_way_leaves_nothing_behind(tmp_path, monkeypatch):
    """A full disk mid-write costs a re-measurement later, not a stray file nor an exception."""
    monkeypatch.setattr(measure, "CACHE_DIR", tmp_path)

    def disk_full(data, handle, **options):
        handle.write('{"key": "half')
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(measure.json, "dump", disk_full)
    measure.keep(race_key(), {"x": np.arange(3)})
    assert list(tmp_path.iterdir()) == []
    assert measure.stored(race_key()) is None


def test_two_writers_of_one_key_leave_one_whole_file(tmp_path, monkeypatch):
    monkeypatch.setattr(measure, "CACHE_DIR", tmp_path)
    result = {"x": np.arange(20_000)}
    threads = [threading.Thread(target=measure.keep, args=(race_key(), result)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert measure.stored(race_key())["x"].tolist() == list(range(20_000))
    assert len(list(tmp_path.glob("*"))) == 1


# A writer process: imports the app's measure module (with the cache in ALAB_CACHE_DIR), says it is ready,
# waits for "go", then writes the same key again and again.
WRITER = """
import sys
import numpy as np
from ui import measure
print("ready", flush=True)
sys.stdin.readline()
for _ in range(30):
    measure.keep(("written by two processes",), {"x": np.arange(20_000)})
"""


def test_two_processes_writing_one_key_at_once_never_show_a_partial_file(tmp_path, monkeypatch):
    """As two app processes behind deploy/serve.sh finishing the same measurement: a reader in a third
    process sees nothing or the whole result, and once it has seen it, it sees it on every later look (a
    torn file reads as nothing); one file is left."""
    monkeypatch.setattr(measure, "CACHE_DIR", tmp_path)
    env = {**os.environ, "ALAB_CACHE_DIR": str(tmp_path), "PYTHONPATH": str(measure.ROOT)}
    writers = [subprocess.Popen([sys.executable, "-c", WRITER], cwd=measure.ROOT, env=env, text=True,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE) for _ in range(2)]
    try:
        assert [writer.stdout.readline().strip() for writer in writers] == ["ready", "ready"]
        for writer in writers:
            writer.stdin.write("go\n")
            writer.stdin.flush()
        seen = []
        deadline = time.monotonic() + 120
        while any(writer.poll() is None for writer in writers) and time.monotonic() < deadline:
            result = measure.stored(("written by two processes",))
            seen.append(None if result is None else result["x"].tolist() == list(range(20_000)))
        assert [writer.wait(timeout=10) for writer in writers] == [0, 0]
    finally:
        for writer in writers:
            writer.kill()
            writer.wait()
    assert True in seen and False not in seen  # never a wrong result
    assert None not in seen[seen.index(True):]  # once there, always there while the key is written again
    assert [path.suffix for path in tmp_path.iterdir()] == [".json"]
