"""Reading a visitor's CSV (alcore.tabular): what a good file gives, and a clear TableError, naming the line
or the column, for every kind of broken file: ragged, text in a numeric column, missing values, one class,
huge (bytes, rows, columns) and empty."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alcore import tabular
from alcore.tabular import TableError, make_table_dataset, prepare, read_table

ROOT = Path(__file__).resolve().parents[1]


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def two_classes(n: int = 60, extra: str = "") -> bytes:
    rows = [f"{i % 7}.5,{(3 * i) % 11},{'a' if i % 2 else 'b'}{extra}" for i in range(n)]
    return csv("x1,x2,label" + (",note" if extra else ""), *rows)


def test_a_good_file_is_read_with_its_names_as_written():
    table = read_table(csv("height;weight;species", "1.5;60;cat", "1.7;80;dog", "1.6; 70 ;cat"))
    assert table.columns == ("height", "weight", "species") and table.n_rows == 3 and table.header
    np.testing.assert_allclose(table.numeric["weight"], [60, 80, 70])
    assert "species" not in table.numeric
    assert table.levels["species"][0] == ("cat", "dog")
    np.testing.assert_array_equal(table.levels["species"][1], [0, 1, 0])


def test_prepare_keeps_numeric_features_lists_the_rest_and_counts_classes():
    prepared = prepare(read_table(two_classes(60, extra=",free text")))
    assert prepared.label == "label" and prepared.features == ("x1", "x2") and prepared.ignored == ("note",)
    assert prepared.classes == ("a", "b") and prepared.counts == (30, 30) and prepared.dropped == 0
    assert prepared.X.shape == (60, 2) and prepared.X.dtype == np.float32


@pytest.mark.parametrize("header, expected", [
    ("a,b,Target,c", "Target"),   # a named column wins, any case
    ("a,b,c,d", "d"),             # else the last column
    ("y,b,c,class", "class"),     # label, target, class, y: in that order
])
def test_the_default_label_column(header, expected):
    rows = [",".join(str((i + k) % 3) for k in range(4)) for i in range(50)]
    assert read_table(csv(header, *rows)).default_label() == expected


def test_a_label_column_with_too_many_values_falls_back_to_the_last_column_that_can_be_one():
    rows = [f"{i % 3},{i},{i * 0.5}" for i in range(50)]
    table = read_table(csv("kind,x,z", *rows))
    assert table.default_label() == "kind"
    assert table.label_choices == ["kind"]


def test_a_file_without_a_header_gets_numbered_columns():
    table = read_table(csv(*[f"{i},{i * 2},{i % 2}" for i in range(45)]))
    assert not table.header and table.n_rows == 45
    assert table.columns == ("column 1", "column 2", "column 3")


def test_repeated_and_empty_names_are_made_unique():
    table = read_table(csv("a,a,,label", "1,2,3,x", "4,5,6,y"))
    assert table.columns == ("a", "a (2)", "column 3", "label")


def test_ragged_rows_name_the_line():
    with pytest.raises(TableError, match=r"Line 4 has 2 values, but the header has 3 columns"):
        read_table(csv("x,y,label", "1,2,a", "3,4,b", "5,6"))
    with pytest.raises(TableError, match=r"Line 2 has 4 values"):
        read_table(csv("x,y,label", "1,2,a,extra"))


def test_text_in_a_numeric_column_names_the_column_the_line_and_the_value():
    rows = [f"{i},{i * 2},{'a' if i % 2 else 'b'}" for i in range(30)]
    rows[6] = "oops,14,a"
    with pytest.raises(TableError, match=r"Column 'x' holds numbers, but line 8 has 'oops'"):
        read_table(csv("x,y,label", *rows))


def test_a_text_column_is_not_a_mistake_it_is_ignored():
    prepared = prepare(read_table(two_classes(50, extra=",n/a")))  # all missing: neither numbers nor text
    assert "note" not in prepared.features


def test_missing_values_drop_their_rows_and_are_counted():
    rows = [f"{i},{i % 5},{'a' if i % 2 else 'b'}" for i in range(60)]
    rows[3], rows[10], rows[20] = "NA,1,a", "4,,b", "5,2,"
    prepared = prepare(read_table(csv("x,y,label", *rows)))
    assert prepared.dropped == 3 and prepared.y.size == 57
    assert not np.isnan(prepared.X).any()


def test_one_class_is_refused_with_the_class_named():
    with pytest.raises(TableError, match=r"one class \('a'\)"):
        prepare(read_table(csv("x,y,label", *[f"{i},{i * 2},a" for i in range(50)])))
    rows = [f"{i},{i * 2},a" for i in range(50)] + ["NA,1,b"]  # the only b has a missing value
    with pytest.raises(TableError, match=r"one class \('a'\) in the rows with every value present"):
        prepare(read_table(csv("x,y,label", *rows)))


@pytest.mark.parametrize("data, words", [
    (b"", "empty"),
    (b"\n\n  \n", "empty"),
    (b"x,y,label\n", "no rows"),
    (b"x,y,label\n\n", "no rows"),
    (b"PK\x03\x04\x00\x00binary", "not a text file"),
])
def test_empty_and_binary_files_are_refused(data, words):
    with pytest.raises(TableError, match=words):
        read_table(data)


def test_huge_files_are_refused_before_they_are_read():
    with pytest.raises(TableError, match=r"at most 2 MB"):
        read_table(b"x" * (tabular.MAX_BYTES + 1))
    wide = ",".join(f"c{i}" for i in range(tabular.MAX_COLUMNS + 1))
    with pytest.raises(TableError, match=r"201 columns; at most 200"):
        read_table(csv(wide, wide))
    long = csv("x,y,label", *["1,2,a"] * (tabular.MAX_ROWS + 1))
    with pytest.raises(TableError, match=r"more than 20,000 rows"):
        read_table(long)
    read_table(csv("x,y,label", *["1,2,a"] * tabular.MAX_ROWS))  # exactly the limit is fine


def test_too_few_rows_features_or_too_many_classes():
    with pytest.raises(TableError, match=r"at least 40 are needed"):
        prepare(read_table(two_classes(20)))
    with pytest.raises(TableError, match=r"1 numeric feature column .* at least 2"):
        prepare(read_table(csv("x,name,label", *[f"{i},n{i},{i % 2}" for i in range(50)])))
    table = read_table(csv("x,y,label", *[f"{i},{i},{i % 12}" for i in range(60)]))
    with pytest.raises(TableError, match=r"more than 10 distinct values"):
        prepare(table, "label")
    with pytest.raises(TableError, match=r"no column 'nope'"):
        prepare(read_table(two_classes()), "nope")


def test_the_upload_limit_is_the_apps():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 2**20 == tabular.MAX_BYTES


def test_a_dataset_is_a_seeded_split_standardised_by_its_pool():
    prepared = prepare(read_table(two_classes(200)))
    data = make_table_dataset(prepared, n_pool=100, random_state=3)
    again = make_table_dataset(prepared, n_pool=100, random_state=3)
    np.testing.assert_array_equal(data.X_pool, again.X_pool)
    assert data.X_pool.shape == (100, 2) and data.X_test.shape == (prepared.n_test, 2) == (60, 2)
    np.testing.assert_allclose(data.X_pool.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(data.X_pool.std(axis=0), 1)
    assert data.class_names == ("a", "b") and data.bounds is not None  # two features: a plane to draw on
    assert make_table_dataset(prepared, n_pool=5000).X_pool.shape[0] == prepared.max_pool == 140


def test_wide_data_has_no_plane_and_constant_columns_stay_finite():
    rows = [f"{i},{i % 3},7,{i % 2}" for i in range(50)]
    data = make_table_dataset(prepare(read_table(csv("a,b,const,label", *rows))), n_pool=30)
    assert data.bounds is None and np.isfinite(data.X_pool).all()


def test_the_split_is_disjoint_and_covers_rows_once():
    prepared = prepare(read_table(csv("x,y,label", *[f"{i},{-i},{i % 2}" for i in range(80)])))
    data = make_table_dataset(prepared, n_pool=1000, random_state=0)
    rows = np.concatenate([data.X_pool[:, 0], data.X_test[:, 0]])
    assert np.unique(np.round(rows, 9)).size == 80


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_a_table_or_a_clear_error(data):
    try:
        read_table(data)
    except TableError as error:
        assert str(error) and not re.search(r"Traceback|Errno", str(error))
