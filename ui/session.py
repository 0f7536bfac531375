"""A lab's slots in a visitor's session, and its settings in the URL.

Every lab keeps everything under its own name: one widget key per setting
(``"arena.model"``: the setting's value, given by :meth:`LabSession.key`) and one
private object, ``"arena._lab"`` (:class:`LabState`), with the rest: the
settings remembered across pages, the notes on adjusted link values, and one
:class:`Slot` per variant (tab) with its live learners. Pages never build a
key by hand.

The first time a session opens a lab, the settings come from the URL
(validated and clamped by :mod:`ui.params`, with a note for each one that
changed); later they come from the lab's memory, since Streamlit forgets the
widget values of a page that was not shown. :meth:`LabSession.write_url` puts
every setting back in the URL, so a link reproduces what someone saw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Sequence

import streamlit as st

from ui.params import Param, clamp, encode, read_params


@dataclass
class Slot:
    """One variant's live state: its learners and what the page keeps about them.

    Attributes
    ----------
    key : tuple or None
        The settings (and seed) the learners were built for.
    race : object
        The learners (an ``alcore.loop.Race`` or ``RaceGroup``).
    revision : int
        Goes up at every change of the learners (charts are keyed on it).
    playing : bool
        Play is on.
    last_tick : float
        When Play last stepped (``time.monotonic()``).
    error : str or None
        The last step's error, shown once.
    memo : dict
        What the page computed for the current round (batches, images);
        cleared at every change of the learners.
    data : dict
        What the page keeps across rounds (for example the queries a fix changed).
    """

    key: Optional[tuple] = None
    race: Any = None
    revision: int = 0
    playing: bool = False
    last_tick: float = 0.0
    error: Optional[str] = None
    memo: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)

    def changed(self) -> None:
        """The learners changed: new revision, empty memo."""
        self.revision += 1
        self.memo.clear()


@dataclass
class LabState:
    """A lab's private state in a session (see the module's docstring)."""

    memory: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    notes_for: dict = field(default_factory=dict)
    slots: dict = field(default_factory=dict)
    link_used: bool = False
    extra: dict = field(default_factory=dict)


class LabSession:
    """A lab's settings and state in the current session.

    Parameters
    ----------
    name : str
        The lab's name: the namespace of its keys.
    params : sequence of Param
    """

    def __init__(self, name: str, params: Sequence[Param]):
        self.name = name
        self.params = tuple(params)
        self.by_name = {param.name: param for param in self.params}
        state_key = f"{name}._lab"
        if state_key not in st.session_state:
            st.session_state[state_key] = LabState()
        self.state: LabState = st.session_state[state_key]
        self._bind()

    # -- settings -------------------------------------------------------------------------------------

    def key(self, name: str) -> str:
        """The widget key of a setting (its value lives there)."""
        if name not in self.by_name:
            raise KeyError(f"{self.name} has no setting {name!r}; it has {sorted(self.by_name)}.")
        return f"{self.name}.{name}"

    def _bind(self) -> None:
        """Fill every setting's slot: from the URL on the first visit, else from the lab's memory."""
        session = st.session_state
        if not self.state.memory:
            values, notes = read_params(self.params, st.query_params.to_dict())
            self.state.memory = dict(values)
            self.state.notes, self.state.notes_for = notes, dict(values)
            for param in self.params:
                session[self.key(param.name)] = values[param.name]
            return
        # Every setting is written again, present or not: a widget whose value the script sets is sent
        # to the browser with that value. A browser that lost its widget values (a reconnect that missed
        # the first run's drawing) would otherwise show each widget's default, a slider's minimum, and
        # send it back with the next click.
        for param in self.params:
            key = self.key(param.name)
            session[key] = session[key] if key in session else self.state.memory.get(param.name, param.default)

    def values(self) -> dict:
        """The current settings, by name."""
        session = st.session_state
        return {p.name: session.get(self.key(p.name), p.default) for p in self.params}

    def set(self, **changes) -> None:
        """Set settings (from a callback, or before their widgets are drawn)."""
        for name, value in changes.items():
            st.session_state[self.key(name)] = value

    def clamp(self, name: str, low=None, high=None) -> Any:
        """Clamp a setting to a range known only now (per dataset, per pool), with a note."""
        value, note = clamp(self.by_name[name], st.session_state[self.key(name)], low, high)
        if note:
            st.session_state[self.key(name)] = value
            self.add_note(note)
        return value

    def write_url(self) -> None:
        """Remember the settings and put them in the URL (only if something changed)."""
        current = self.values()
        self.state.memory = dict(current)
        wanted = {p.name: encode(p, current[p.name]) for p in self.params}
        if st.query_params.to_dict() != wanted:
            st.query_params.from_dict(wanted)

    # -- notes ----------------------------------------------------------------------------------------

    def add_note(self, note: str) -> None:
        """A note on a value the page adjusted, shown with the link's notes."""
        if note not in self.state.notes:
            self.state.notes.append(note)
        self.state.notes_for = self.values()

    def show_notes(self) -> None:
        """The notes on adjusted values (a link's text in them is a literal), until the visitor changes a setting."""
        if self.state.notes and any(st.session_state.get(self.key(n)) != v
                                    for n, v in self.state.notes_for.items() if n in self.by_name):
            self.state.notes, self.state.notes_for = [], {}
        if self.state.notes:
            st.warning("Some values in the link were adjusted:  \n"
                       + "  \n".join("- " + note for note in self.state.notes), icon=":material/link:")

    # -- live state -----------------------------------------------------------------------------------

    def slot(self, variant: str = "") -> Slot:
        """The live state of a variant (a tab); the lab's only one when ``variant`` is empty."""
        if variant not in self.state.slots:
            self.state.slots[variant] = Slot()
        return self.state.slots[variant]

    def first_link_round(self, values: Mapping) -> int:
        """The round a link asks for, once: for the first learners built in this session."""
        if self.state.link_used:
            return 0
        self.state.link_used = True
        return int(values.get("n", 0))
