"""AppTest: real data in the Arena. Digits race on a stored map with thumbnails of the last queries; a
visitor's CSV races, says what it read, keeps its previous data when a broken file comes, and stays in its
session: not in the URL, not on disk, not in another session, measured by a private job."""

from __future__ import annotations

import os

from streamlit.testing.v1 import AppTest

from apptest_pages import lab_state, open_page, race, settle

from ui import figures, jobs, measure
from ui.params import literal

SMALL = dict(pool=300, seeds=3, budget=16, init=10)
GOOD = ("sepal,petal,width,name,species\n"
        + "".join(f"{(i % 11) / 2},{(i * 7) % 13},{i % 5},n{i},{['setosa', 'virginica'][i % 9 > 3]}\n"
                  for i in range(120))).encode()
RAGGED = b"a,b,label\n1,2,x\n3\n"


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def images(at: AppTest) -> list:
    return [image.proto.imgs[0] for image in at.get("image")]


def click(at: AppTest, action: str) -> AppTest:
    return ok(at.button(key=f"arena.run.{action}").click().run())


def test_digits_race_on_the_stored_map_with_thumbnails():
    at = ok(open_page("arena", ds="digits", **SMALL))
    shown = images(at)
    assert len(shown) == 4  # two panels, two strips of thumbnails
    assert [img.caption for img in shown[1::2]] == ["Starting labels (no query yet)"] * 2
    assert any("placed by t-SNE" in caption.value for caption in at.caption)
    assert not at.error and at.query_params["ds"] in ("digits", ["digits"])
    click(at, "step")
    loops = race(at).loops
    strips = [img for img in images(at) if img.caption.startswith("Last asked")]
    assert len(strips) == 2
    data = race(at).dataset
    for strip, loop in zip(strips, loops.values()):
        newest = loop.labeled_indices[-1:]
        expected = figures.png_data_uri(figures.image_strip(data.X_pool[newest].reshape(-1, 8, 8), data.y_pool[newest]))
        assert strip.url == expected  # the newest query's image, framed in its class


def test_a_model_too_wide_for_the_digits_is_refused_in_words():
    at = ok(open_page("arena", ds="digits", model="poly_logreg", **SMALL))
    assert any("takes at most 10 features and this data has 64" in e.value for e in at.error)


def upload(at: AppTest, data: bytes, name: str = "iris-ish.csv") -> AppTest:
    return ok(at.file_uploader(key="arena.upload.file").set_value((name, data, "text/csv")).run())


def test_an_upload_races_says_what_it_read_and_stays_out_of_the_url():
    at = ok(open_page("arena", ds="upload", wait=False, **SMALL))
    assert any("Choose a CSV file" in info.value for info in at.info)
    files_before = set(os.listdir(measure.CACHE_DIR)) if measure.CACHE_DIR.exists() else set()
    at = settle(upload(at, GOOD))
    text = " ".join(m.value for m in at.sidebar.markdown)
    assert "**120 rows**" in text and "**3 features**" in text and literal("virginica") in text
    assert "Not numbers, so not used: " + literal("name") in text
    assert at.selectbox(key="arena.upload.label").value == "species"
    assert race(at).dataset.class_names == ("setosa", "virginica")
    click(at, "step")
    assert race(at).rounds == 1
    query = {key: value[0] if isinstance(value, list) else value for key, value in at.query_params.items()}
    assert query["ds"] == "upload" and not any(word in " ".join(query.values())
                                               for word in ("iris", "species", "setosa", "sepal"))
    part = lab_state(at, "arena").extra["upload"].jobs
    assert part and all(isinstance(job, jobs.PrivateJob) for job in part.values())
    assert any("Labels A saves over B" in metric.label for metric in at.metric)  # its verdict, measured privately
    assert (set(os.listdir(measure.CACHE_DIR)) if measure.CACHE_DIR.exists() else set()) == files_before


def test_a_broken_file_is_said_and_the_previous_data_stay():
    at = settle(upload(ok(open_page("arena", ds="upload", wait=False, **SMALL)), GOOD))
    before = race(at)
    at = upload(at, RAGGED, "broken.csv")
    errors = [e.value for e in at.sidebar.error]
    assert errors and errors[0].startswith("This file cannot be used. Line 3 has 1 value")
    assert literal("iris-ish.csv") in errors[0]
    assert race(at) is before and not at.main.error


def test_the_label_column_select_changes_the_classes():
    at = settle(upload(ok(open_page("arena", ds="upload", wait=False, **SMALL)), GOOD))
    ok(at.selectbox(key="arena.upload.label").set_value("width").run())
    assert race(at).dataset.class_names == ("0", "1", "2", "3", "4")
    assert race(at).dataset.n_features == 2  # sepal and petal: species and name are text
    assert any("the two features themselves" in m.value for m in at.sidebar.markdown)
    assert race(at).dataset.bounds is not None  # two features: the model's map is drawn


def test_an_upload_never_reaches_another_session():
    mine = settle(upload(ok(open_page("arena", ds="upload", wait=False, **SMALL)), GOOD))
    theirs = ok(open_page("arena", ds="upload", wait=False, **SMALL))
    assert "upload" not in lab_state(theirs, "arena").extra or lab_state(theirs, "arena").extra["upload"] is None
    assert any("Choose a CSV file" in info.value for info in theirs.info)
    assert lab_state(mine, "arena").extra["upload"] is not None
    scheduler = jobs.scheduler()  # the shared scheduler and the lab store hold no key about the file
    assert not any("species" in key or "upload" in key for key in list(scheduler._memory) + list(scheduler._jobs))
    assert not any("species" in key for key in measure.lab_store())
