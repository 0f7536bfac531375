"""A visitor's file in the session (ui.upload) and its private measurement (ui.jobs.PrivateJob): a broken
file keeps the previous data; names from the file are literals; the measurement runs in this process on
data it holds, and leaves nothing on disk or in the shared scheduler."""

from __future__ import annotations

import os

import numpy as np

from alcore.loop import LoopConfig
from ui import jobs, measure
from ui import upload as uploads
from ui.params import literal
from ui.session import LabState, Slot

GOOD = ("x1,x2,x3,[click](http://evil),label\n"
        + "".join(f"{i % 9},{(i * 5) % 7},{i % 4},n{i},{'yes' if (i % 9) > 4 else 'no'}\n" for i in range(90))).encode()
RAGGED = b"x,y,label\n1,2,a\n3,4\n"


def state_with(data: bytes = GOOD) -> LabState:
    state = LabState()
    state.slots[""] = Slot(key=("built",))
    assert uploads.accept(state, "mine.csv", data)
    return state


def test_a_good_file_is_used_and_the_learners_rebuild():
    state = state_with()
    upload = uploads.current(state)
    assert upload.prepared.label == "label" and upload.prepared.classes == ("no", "yes")
    assert state.slots[""].key is None  # the next run builds new learners
    assert uploads.error(state) is None


def test_a_broken_file_keeps_the_previous_data_and_says_why():
    state = state_with()
    before = uploads.current(state)
    assert not uploads.accept(state, "broken.csv", RAGGED)
    assert uploads.current(state) is before
    assert uploads.error(state).startswith("Line 3 has 2 values")
    assert uploads.accept(state, "again.csv", GOOD) and uploads.error(state) is None


def test_relabel_refuses_a_column_that_cannot_be_a_label_and_keeps_the_current_one():
    state = state_with()
    before = uploads.current(state)
    assert not uploads.relabel(state, "[click](http://evil)")  # 90 distinct values: not a label
    assert uploads.current(state) is before
    assert "more than 10 distinct values" in uploads.error(state)


def test_relabel_to_another_column():
    state = state_with()
    assert uploads.relabel(state, "x3")
    prepared = uploads.current(state).prepared
    assert prepared.classes == ("0", "1", "2", "3") and prepared.features == ("x1", "x2")
    assert prepared.ignored == ("[click](http://evil)", "label")


def test_the_summary_shows_every_name_from_the_file_as_a_literal():
    text = uploads.summary(uploads.current(state_with()))
    assert literal("[click](http://evil)") in text and literal("mine.csv") in text
    assert "**90 rows**" in text and "**3 features**" in text and "**2 classes**" in text
    assert f"{literal('no')} (" in text and "2-D PCA" in text
    assert "](http" not in text.replace(literal("[click](http://evil)"), "")


def test_the_private_measurement_runs_here_and_leaves_nothing_behind(in_process_jobs):
    upload = uploads.current(state_with())
    configs = {"A": LoopConfig(strategy="margin"), "B": LoopConfig(strategy="random")}
    job = upload.race(configs, n_pool=40, budget=10, seed_size=4, n_seeds=3)
    assert upload.race(configs, n_pool=40, budget=10, seed_size=4, n_seeds=3) is job  # one job per setting
    cache = set(os.listdir(measure.CACHE_DIR)) if measure.CACHE_DIR.exists() else set()
    result, running = jobs.request(job)
    assert result is None and running is job
    assert in_process_jobs.queue(job) == (0, job.remaining_seconds)
    assert job.done.wait(60) and job.error is None
    labels, accuracy = jobs.request(job)[0]
    expected = [measure.race_seed(upload.dataset(40, seed), configs, 10, 4, seed) for seed in range(3)]
    np.testing.assert_array_equal(accuracy["A"], measure.curves_over_seeds(expected, ["A", "B"])[1]["A"])
    assert labels[-1] == 10
    assert (set(os.listdir(measure.CACHE_DIR)) if measure.CACHE_DIR.exists() else set()) == cache
    assert not in_process_jobs._memory and not in_process_jobs._jobs  # the shared scheduler never saw it
    assert "mine.csv" not in measure.key_text(job.key) and all(not isinstance(part, np.ndarray) for part in job.key)


def test_a_private_job_nobody_looks_at_stops_and_resumes(monkeypatch):
    monkeypatch.setattr(jobs, "ABANDONED", 0.0)
    calls = []
    job = jobs.PrivateJob(("test",), 3, 0.1, 0, one_seed=lambda seed: calls.append(seed) or seed,
                          combine=lambda runs: sum(runs))
    job.request()
    job._thread.join(5)
    assert not job.done.is_set() and calls == []  # abandoned before its first seed
    monkeypatch.setattr(jobs, "ABANDONED", 60.0)
    job.request()
    assert job.done.wait(5) and jobs.request(job) == (3, None) and calls == [0, 1, 2]


def test_a_failing_private_job_raises_its_error():
    job = jobs.PrivateJob(("test",), 2, 0.1, 0, one_seed=lambda seed: 1 / 0, combine=sum)
    job.request()
    assert job.done.wait(5)
    try:
        jobs.request(job)
    except ZeroDivisionError:
        pass
    else:
        raise AssertionError("the job's error should be raised")
    assert jobs.estimated_seconds(job) == 2 * job.seconds_per_seed
