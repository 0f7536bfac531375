"""Your own data: a CSV file read into a table, a label column chosen, and a
dataset drawn from it like any other (a pool, a held-out test split).

Pure functions on bytes and arrays, nothing written anywhere. Every problem
with a file raises a :class:`TableError` whose message says, in plain words,
what is wrong and where (the row as a line number of the file, the column by
its name), so an app can show it as it is:

>>> table = read_table(b"height,weight,label\\n1.5,60,a\\n1.7,80,b\\n")
>>> table.n_rows, table.columns
(2, ('height', 'weight', 'label'))
>>> read_table(b"x,label\\n1,a\\n2\\n")
Traceback (most recent call last):
...
alcore.tabular.TableError: Line 3 has 1 value, but the header has 2 columns: every row needs one value per column.

What is read: a header row (or none, when every cell of the first row is a
number: the columns are then "column 1", "column 2"...), a comma, semicolon
or tab between values. A column is numeric when every value in it is a
number or missing (empty, NA, NaN, null, ?); those are the features. Other
columns are ignored as features, but any column with 2 to
:data:`MAX_CLASSES` distinct values can be the label.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Optional

import numpy as np

from alcore.data import Dataset

MAX_BYTES = 2 * 1024 * 1024   # also the app's upload limit: server.maxUploadSize in .streamlit/config.toml (MB)
MAX_ROWS = 20_000
MAX_COLUMNS = 200
MAX_CLASSES = 10              # one colour per class (ui.figures.CLASS_COLOURS)
MIN_ROWS = 40                 # after dropping rows with missing values: a pool and a test split
MIN_FEATURES = 2
MAX_TEST = 1000               # the test split: 30% of the rows, at most this many
TEST_SHARE = 0.3
LABEL_NAMES = ("label", "target", "class", "y")
MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})


class TableError(ValueError):
    """A file that cannot be used, with a message that says why in plain words."""


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


@dataclass(frozen=True, eq=False)
class Table:
    """A CSV file as read: column names, numeric columns and the columns that could be a label.

    Attributes
    ----------
    columns : tuple of str
        Every column's name, in the file's order (made unique: a repeated
        name gets " (2)", an empty one "column N").
    numeric : dict of str to numpy.ndarray
        The numeric columns (float32, NaN where missing), by name.
    levels : dict of str to (tuple of str, numpy.ndarray)
        Columns with 1 to :data:`MAX_CLASSES` distinct values: their values
        as written in the file (sorted) and each row's code into them
        (int16, -1 where missing).
    n_rows : int
        Data rows read (blank lines skipped).
    header : bool
        Whether the first row was a header.
    """

    columns: tuple
    numeric: dict
    levels: dict
    n_rows: int
    header: bool

    @property
    def label_choices(self) -> list[str]:
        """Columns that can be the label: 2 to :data:`MAX_CLASSES` distinct values."""
        return [name for name in self.columns if name in self.levels and len(self.levels[name][0]) >= 2]

    def default_label(self) -> str:
        """The label column a visitor most likely means.

        A column named label, target, class or y (any case; in that order of
        preference), else the last column. When that one has too many distinct values to be a label, the
        last column that can be one.

        Raises
        ------
        TableError
            When that column has only one value, or no column can be a label.
        """
        lowered = {name.strip().lower(): name for name in reversed(self.columns)}  # the first of a repeated name
        named = [lowered[word] for word in LABEL_NAMES if word in lowered]
        chosen = named[0] if named else self.columns[-1]
        if chosen in self.levels and len(self.levels[chosen][0]) == 1:
            raise TableError(f"The label column, {chosen!r}, has one class ({self.levels[chosen][0][0]!r}) in "
                             "every row: active learning needs at least two classes to tell apart.")
        if chosen in self.label_choices:
            return chosen
        if not self.label_choices:
            raise TableError(f"No column can be the label: a label column has 2 to {MAX_CLASSES} distinct values "
                             f"(classes), and {chosen!r} has more.")
        return self.label_choices[-1]


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise TableError("This is not a text file (it holds binary data; a spreadsheet?): save it as CSV first.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # every byte is a character: old spreadsheets save this way


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max((",", ";", "\t"), key=first.count)


def _is_number(cell: str) -> bool:
    try:
        return bool(np.isfinite(float(cell)))
    except ValueError:
        return False


def _unique_names(names: list) -> tuple:
    seen: dict = {}
    unique = []
    for i, name in enumerate(names, start=1):
        name = " ".join(str(name).split()) or f"column {i}"
        count = seen.get(name, 0) + 1
        seen[name] = count
        unique.append(name if count == 1 else f"{name} ({count})")
    return tuple(unique)


def _rows(text: str) -> tuple[list, list, bool, list]:
    """(column names, data rows, header?, each row's line in the file), every row checked for its length."""
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    header, rows, lines, header_line = None, [], [], 1
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            if header is None:
                header, header_line = row, reader.line_num
                if len(header) > MAX_COLUMNS:
                    raise TableError(f"The file has {len(header):,} columns; at most {MAX_COLUMNS} are read.")
                continue
            if len(row) != len(header):
                raise TableError(f"Line {reader.line_num} has {_plural(len(row), 'value')}, but the header has "
                                 f"{len(header)} columns: every row needs one value per column.")
            rows.append(row)
            lines.append(reader.line_num)
            if len(rows) > MAX_ROWS:
                raise TableError(f"The file has more than {MAX_ROWS:,} rows; at most {MAX_ROWS:,} are read. Take a "
                                 "sample of it.")
    except csv.Error as error:
        raise TableError(f"Line {reader.line_num} cannot be read as CSV ({error}).") from None
    if header is None:
        raise TableError("The file is empty.")
    has_header = not all(_is_number(cell) for cell in header)
    if not has_header:
        rows.insert(0, header)
        lines.insert(0, header_line)
        header = [f"column {i}" for i in range(1, len(header) + 1)]
        if len(rows) > MAX_ROWS:
            raise TableError(f"The file has more than {MAX_ROWS:,} rows; at most {MAX_ROWS:,} are read.")
    if not rows:
        raise TableError("The file has a header but no rows of data.")
    return header, rows, has_header, lines


def _numbers(name: str, cells: np.ndarray, missing: np.ndarray, lines: list) -> Optional[np.ndarray]:
    """A column's numbers (NaN where missing), None for a text column; raises for numbers mixed with text."""
    if missing.all():
        return None  # an empty column has no numbers to learn from
    values = np.where(missing, "nan", cells)
    try:
        numbers = values.astype(np.float64)
    except ValueError:
        numbers = None
    if numbers is not None and np.all(np.isfinite(numbers[~missing])):
        return numbers.astype(np.float32)
    is_number = np.array([_is_number(cell) for cell in cells]) & ~missing
    bad = np.flatnonzero(~is_number & ~missing)
    if is_number.sum() > bad.size:  # mostly numbers: the rest are mistakes, not a text column
        row = int(bad[0])
        raise TableError(f"Column {name!r} holds numbers, but line {lines[row]} has {str(cells[row])[:40]!r}"
                         f"{' and ' + _plural(bad.size - 1, 'other value') + ' like it' if bad.size > 1 else ''}. "
                         "Fix it, or leave the cell empty: rows with missing values are left out.")
    return None


def read_table(data: bytes) -> Table:
    """Read a CSV file's bytes into a :class:`Table`.

    Parameters
    ----------
    data : bytes
        The file, at most :data:`MAX_BYTES` bytes.

    Raises
    ------
    TableError
        For a file that is empty, too large (bytes, rows or columns), not
        text, or ragged (a row with more or fewer values than the header), or
        with text in a column of numbers; the message says where.
    """
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"data must be the file's bytes, got {type(data).__name__}.")
    if len(data) > MAX_BYTES:
        raise TableError(f"The file has {len(data) / 2**20:.1f} MB; at most {MAX_BYTES // 2**20} MB are read.")
    if not data.strip():
        raise TableError("The file is empty.")
    header, rows, has_header, lines = _rows(_decode(bytes(data)))
    columns = _unique_names(header)
    # variable-width strings: a fixed-width array would reserve the longest cell's length for every cell
    stripped = np.strings.strip(np.array(rows, dtype=np.dtypes.StringDType()).reshape(len(rows), len(columns)))
    missing = np.isin(np.strings.lower(stripped), list(MISSING))
    numeric, levels = {}, {}
    for j, name in enumerate(columns):
        column = stripped[:, j]
        numbers = _numbers(name, column, missing[:, j], lines)
        if numbers is not None:
            numeric[name] = numbers
        names, codes = np.unique(column[~missing[:, j]], return_inverse=True)
        if 1 <= names.size <= MAX_CLASSES:
            full = np.full(column.size, -1, dtype=np.int16)
            full[~missing[:, j]] = codes
            levels[name] = (tuple(str(n) for n in names), full)
    return Table(columns, numeric, levels, len(rows), has_header)


@dataclass(frozen=True, eq=False)
class Prepared:
    """A table with its label chosen: the features, the classes and what was left out.

    Attributes
    ----------
    X : numpy.ndarray of shape (n, d), float32
        The numeric features of the rows kept (not standardised yet: a
        dataset standardises them by its pool, see :func:`make_table_dataset`).
    y : numpy.ndarray of shape (n,), int
        Each row's class, ``0 .. n_classes - 1``.
    label : str
        The label column.
    features : tuple of str
        The feature columns, in the file's order.
    ignored : tuple of str
        Columns that are not numbers (and not the label): not used.
    classes : tuple of str
        The classes as written in the file.
    counts : tuple of int
        Rows of each class.
    dropped : int
        Rows left out for a missing value (in a feature or the label).
    """

    X: np.ndarray
    y: np.ndarray
    label: str
    features: tuple
    ignored: tuple
    classes: tuple
    counts: tuple
    dropped: int

    @property
    def n_classes(self) -> int:
        """Number of classes."""
        return len(self.classes)

    @property
    def n_test(self) -> int:
        """Rows every dataset drawn from it holds out for testing."""
        return min(MAX_TEST, int(round(TEST_SHARE * self.y.size)))

    @property
    def max_pool(self) -> int:
        """The largest pool a dataset can draw: every row not held out."""
        return self.y.size - self.n_test


def prepare(table: Table, label: Optional[str] = None) -> Prepared:
    """Choose the label column and keep the rows with every value present.

    Parameters
    ----------
    table : Table
    label : str, optional
        The label column; :meth:`Table.default_label` when None.

    Raises
    ------
    TableError
        When the column cannot be a label (one class, too many), fewer than
        :data:`MIN_FEATURES` numeric feature columns remain, or fewer than
        :data:`MIN_ROWS` complete rows, or one class is left.
    """
    label = table.default_label() if label is None else label
    if label not in table.columns:
        raise TableError(f"There is no column {label!r}; the columns are {list(table.columns)}.")
    if label not in table.levels:
        raise TableError(f"Column {label!r} has more than {MAX_CLASSES} distinct values: a label column has 2 to "
                         f"{MAX_CLASSES} classes. Pick another.")
    names, codes = table.levels[label]
    features = tuple(name for name in table.columns if name in table.numeric and name != label)
    ignored = tuple(name for name in table.columns if name not in table.numeric and name != label)
    if len(features) < MIN_FEATURES:
        raise TableError(f"The file has {_plural(len(features), 'numeric feature column')} besides the label "
                         f"({label!r}); at least {MIN_FEATURES} are needed."
                         + (f" Not numbers: {list(ignored)}." if ignored else ""))
    X = np.column_stack([table.numeric[name] for name in features])
    keep = (codes >= 0) & np.all(np.isfinite(X), axis=1)
    present, y = np.unique(codes[keep], return_inverse=True)
    if keep.sum() < MIN_ROWS:
        raise TableError(f"Only {_plural(int(keep.sum()), 'row')} have every value present; at least {MIN_ROWS} "
                         "are needed (rows with a missing value are left out).")
    if present.size < 2:
        only = names[int(present[0])] if present.size else "none"
        raise TableError(f"The label column, {label!r}, has one class ({only!r}) in the rows with every value "
                         "present: active learning needs at least two classes to tell apart.")
    classes = tuple(names[int(c)] for c in present)
    return Prepared(np.ascontiguousarray(X[keep]), y.astype(np.intp), label, features, ignored, classes,
                    tuple(int(n) for n in np.bincount(y, minlength=present.size)), int((~keep).sum()))


def make_table_dataset(prepared: Prepared, *, n_pool: int, random_state: int = 0) -> Dataset:
    """A pool and a test split of the rows, drawn with a seed; features standardised by the pool.

    Parameters
    ----------
    prepared : Prepared
    n_pool : int
        Pool size wanted; at most :attr:`Prepared.max_pool` is used.
    random_state : int, default=0
        Seed of the split: the same seed gives the same arrays.

    Returns
    -------
    Dataset
        Named ``"table"``; with bounds (a 2-D picture of the features
        themselves) when there are two features, None otherwise.
    """
    if isinstance(n_pool, bool) or int(n_pool) != n_pool or n_pool < 10:
        raise ValueError(f"n_pool must be a whole number of at least 10, got {n_pool!r}.")
    rng = np.random.default_rng(random_state)
    order = rng.permutation(prepared.y.size)
    test, pool = order[:prepared.n_test], order[prepared.n_test:prepared.n_test + min(int(n_pool), prepared.max_pool)]
    X = prepared.X.astype(np.float64)
    centre, spread = X[pool].mean(axis=0), X[pool].std(axis=0)
    X = (X[np.concatenate([pool, test])] - centre) / np.where(spread > 0, spread, 1.0)
    bounds = None
    if X.shape[1] == 2:
        low, high = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
        bounds = (float(low[0]), float(high[0]), float(low[1]), float(high[1]))
    return Dataset(name="table", X_pool=X[:pool.size], y_pool=prepared.y[pool], X_test=X[pool.size:],
                   y_test=prepared.y[test], n_classes=prepared.n_classes, bounds=bounds, class_names=prepared.classes,
                   note=f"Your own data: {prepared.y.size:,} rows, {len(prepared.features)} features.")
