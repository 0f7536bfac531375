"""A visitor's own data in a lab: the uploader, the label column, what was read, and its
measurement over seeds, all kept in that visitor's session.

Where the data lives, and where it never goes:

- the file's bytes stay in Streamlit's in-memory upload store for this
  session; they are read once (:func:`alcore.tabular.read_table`) into an
  :class:`Upload` kept in the lab's session state, and nowhere else: nothing
  is written to disk, and other sessions cannot reach this session's state;
- the URL says only that the data is an upload (``ds=upload``); the file's
  name, columns and label are not settings, so they never enter it;
- the measurement over seeds runs as a :class:`ui.jobs.PrivateJob` held by
  the Upload: in a thread of this process, never in the worker processes,
  never under a key the disk cache or the lab store could keep.

A broken file gets a plain message and the previous data stay; so does an
emptied upload box (the data go with the session, when the tab closes).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from typing import Optional

import streamlit as st

from alcore.data import Dataset
from alcore.tabular import (MAX_BYTES, MAX_CLASSES, MAX_COLUMNS, MAX_ROWS, Prepared, Table, TableError,
                            make_table_dataset, prepare, read_table)
from ui import measure
from ui.jobs import PrivateJob
from ui.params import literal
from ui.session import LabSession, LabState

MAX_JOBS = 8        # measurements kept per upload (one per setting visited)
SHOWN_NAMES = 8     # column names listed before "and N more"
LIMITS = (f"Up to {MAX_BYTES // 2**20} MB, {MAX_ROWS:,} rows and {MAX_COLUMNS} columns, {MAX_CLASSES} classes at "
          "most. Your file stays in this browser tab's session: it is not saved on the server, not put in the "
          "link and not shown to anyone else.")


@dataclass(eq=False)
class Upload:
    """A file a visitor uploaded, read, with its label column chosen.

    Attributes
    ----------
    name : str
        The file's name (visitor text: show it with :func:`ui.params.literal`).
    table : Table
    prepared : Prepared
        The table with the label column chosen.
    jobs : OrderedDict
        This data's measurements over seeds (:class:`ui.jobs.PrivateJob`), by setting.
    """

    name: str
    table: Table
    prepared: Prepared
    jobs: OrderedDict = field(default_factory=OrderedDict)

    def dataset(self, n_pool: int, seed: int) -> Dataset:
        """A pool of up to ``n_pool`` rows and a test split, drawn with ``seed``."""
        return make_table_dataset(self.prepared, n_pool=int(n_pool), random_state=int(seed))

    def race(self, configs: dict, *, n_pool: int, budget: int, seed_size: int, n_seeds: int) -> PrivateJob:
        """The race of ``configs`` over seeds on this data (the same job for the same settings)."""
        settings = (tuple((name, measure.config_args(config)) for name, config in configs.items()), int(n_pool),
                    int(budget), int(seed_size), int(n_seeds))
        if settings not in self.jobs:
            seconds = measure.race_seconds({name: asdict(c) for name, c in configs.items()},
                                           min(int(n_pool), self.prepared.max_pool), budget, seed_size,
                                           wide=len(self.prepared.features) > 2)
            self.jobs[settings] = PrivateJob(
                ("race on an uploaded file",) + settings, int(n_seeds), seconds, 0,
                one_seed=lambda seed: measure.race_seed(self.dataset(n_pool, seed), configs, int(budget),
                                                        int(seed_size), seed),
                combine=lambda runs: measure.curves_over_seeds(runs, list(configs)))
            while len(self.jobs) > MAX_JOBS:
                self.jobs.popitem(last=False)
        self.jobs.move_to_end(settings)
        return self.jobs[settings]


# -- the session's upload (pure: a LabState in, no widgets) -------------------------------------------

def current(state: LabState) -> Optional[Upload]:
    """The session's data, or None before a file is read."""
    return state.extra.get("upload")


def of_lab(lab: str) -> Optional[Upload]:
    """A lab's data in the current session (None before a file is read)."""
    state = st.session_state.get(f"{lab}._lab")
    return None if state is None else current(state)


def error(state: LabState) -> Optional[str]:
    """Why the last file or label column could not be used (None when it could)."""
    return state.extra.get("upload_error")


def _use(state: LabState, upload: Upload) -> None:
    state.extra["upload"], state.extra["upload_error"] = upload, None
    for slot in state.slots.values():
        slot.key = None  # new data: every variant builds new learners at its next run


def accept(state: LabState, name: str, data: bytes) -> bool:
    """Read a file into the session; on a broken file keep the previous data and say why. True when used."""
    try:
        table = read_table(data)
        prepared = prepare(table)
    except TableError as problem:
        state.extra["upload_error"] = str(problem)
        return False
    _use(state, Upload(str(name), table, prepared))
    return True


def relabel(state: LabState, label: str) -> bool:
    """Use another label column; when it cannot be one, keep the current one and say why. True when used."""
    upload = current(state)
    if upload is None or label == upload.prepared.label:
        return False
    try:
        prepared = prepare(upload.table, label)
    except TableError as problem:
        state.extra["upload_error"] = str(problem)
        return False
    _use(state, Upload(upload.name, upload.table, prepared))
    return True


def _names(names) -> str:
    shown = ", ".join(literal(name) for name in names[:SHOWN_NAMES])
    return shown + (f" and {len(names) - SHOWN_NAMES} more" if len(names) > SHOWN_NAMES else "")


def summary(upload: Upload) -> str:
    """What was read, in markdown where every name from the file is a literal."""
    prepared = upload.prepared
    rows = prepared.y.size
    text = (f"Read {literal(upload.name)}: **{upload.table.n_rows:,} rows**"
            + (f", {prepared.dropped:,} left out for a missing value" if prepared.dropped else "")
            + f"; **{len(prepared.features)} features** ({_names(prepared.features)}), standardised; "
            f"**{prepared.n_classes} classes** in {literal(prepared.label)}: "
            + ", ".join(f"{literal(name)} ({count:,})" for name, count in zip(prepared.classes, prepared.counts))
            + f". {prepared.n_test:,} of the {rows:,} rows are held out for testing.")
    if prepared.ignored:
        text += f" Not numbers, so not used: {_names(prepared.ignored)}."
    if not upload.table.header:
        text += " The first row holds numbers, so the file has no header: columns are numbered."
    picture = ("the pictures show the two features themselves, with the model's map" if len(prepared.features) == 2
               else "the pictures show the pool on a 2-D PCA (its two directions of largest spread): a shadow of "
                    f"{len(prepared.features)} dimensions, so points that look close may not be")
    return text + f" With {len(prepared.features)} features, {picture}."


# -- the widgets --------------------------------------------------------------------------------------

def section(session: LabSession) -> Optional[int]:
    """The uploader, the label column and what was read, in the sidebar's Data section.

    Returns
    -------
    int or None
        The largest pool the data can give, or None before a file is read.
    """
    state = session.state
    file_key, label_key = f"{session.name}.upload.file", f"{session.name}.upload.label"

    def read() -> None:
        # an emptied box keeps the data: a browser replacing a file empties the box first
        file = st.session_state.get(file_key)
        if file is not None and accept(state, file.name, file.getvalue()):
            st.session_state[label_key] = current(state).prepared.label

    def choose() -> None:
        if not relabel(state, st.session_state[label_key]) and current(state) is not None:
            st.session_state[label_key] = current(state).prepared.label  # refused: show the column in use

    st.file_uploader("CSV file", type=["csv", "txt", "tsv"], key=file_key, on_change=read,
                     max_upload_size=MAX_BYTES // 2**20,
                     help="A header row, then one row per example: numeric feature columns and a label column.")
    st.caption(LIMITS)
    upload, problem = current(state), error(state)
    if problem:
        kept = f" The previous data stay: {literal(upload.name)}." if upload is not None else ""
        st.error(f"This file cannot be used. {problem}{kept}", icon=":material/error:")
    if upload is None:
        return None
    choices = upload.table.label_choices
    if st.session_state.get(label_key) not in choices:
        st.session_state[label_key] = upload.prepared.label
    st.selectbox("Label column", choices, key=label_key, on_change=choose)
    st.caption(f"The column to predict ({MAX_CLASSES} classes at most). By default a column named label, target, "
               "class or y, else the last column.")
    st.markdown(summary(upload))
    return upload.prepared.max_pool
