"""Session-state slots and URL query-parameter sync, shared by every page.

A page declares its settings once as :class:`Param` objects; then

    notes = state.bind("arena", PARAMS)      # before the widgets
    ... widgets with key=state.key("arena", name) ...
    state.write_url("arena", PARAMS)         # after the widgets
    state.show_notes(notes)

``bind`` fills each setting's session-state slot: from the URL the first time
a session opens the page (values validated and clamped, with a plain-words note
for each one that was changed), and from the page's own memory when someone
comes back from another page (Streamlit forgets widget values of pages that
were not shown). ``write_url`` puts every setting back in the URL, so a link
reproduces what someone saw. The parsing (:func:`parse`, :func:`encode`,
:func:`read_params`) is pure and testable without Streamlit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional, Sequence

import streamlit as st


@dataclass(frozen=True)
class Param:
    """One setting that lives in session state and in the URL.

    Attributes
    ----------
    name : str
        URL key (short, stable) and the suffix of the session-state key.
    default : bool, int, float or str
        Its type is the parameter's type.
    low, high : float, optional
        Allowed range for numbers (values outside are clamped, with a note).
    choices : tuple of str, optional
        Allowed values for strings (anything else falls back to the default).
    digits : int, optional
        Decimals kept for floats.
    label : str
        Plain name used in notes ("pool size"); the name when empty.
    """

    name: str
    default: Any
    low: Optional[float] = None
    high: Optional[float] = None
    choices: Optional[tuple] = None
    digits: Optional[int] = None
    label: str = ""

    @property
    def title(self) -> str:
        return self.label or self.name


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _number_text(value) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def parse(param: Param, raw: Optional[str]) -> tuple[Any, Optional[str]]:
    """Read one URL value: ``(value, note)``, note None when the value was used as given.

    Never raises: a malformed value gives the default, an out-of-range value
    the nearest allowed one, each with a note that says so.
    """
    if raw is None:
        return param.default, None
    raw = str(raw).strip()
    default = param.default
    if isinstance(default, bool):
        if raw.lower() in _TRUE:
            return True, None
        if raw.lower() in _FALSE:
            return False, None
        return default, f"The link's {param.title} \"{raw}\" is not on/off; using {'on' if default else 'off'}."
    if isinstance(default, (int, float)):
        try:
            number = float(raw)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            return default, (f"The link's {param.title} \"{raw}\" is not a number; "
                             f"using {_number_text(default)}.")
        value = int(round(number)) if isinstance(default, int) else float(number)
        note = None
        if isinstance(default, int) and number != value:
            note = f"The link's {param.title} {raw} is not a whole number; using {value:,}."
        if param.low is not None and value < param.low:
            value = type(default)(param.low)
            note = f"The link's {param.title} {raw} is below the smallest allowed, {_number_text(value)}; using that."
        elif param.high is not None and value > param.high:
            value = type(default)(param.high)
            note = f"The link's {param.title} {raw} is above the largest allowed, {_number_text(value)}; using that."
        if isinstance(value, float) and param.digits is not None:
            value = round(value, param.digits)
        return value, note
    if param.choices is not None and raw not in param.choices:
        shown = raw if len(raw) <= 40 else raw[:37] + "..."
        return default, (f"The link's {param.title} \"{shown}\" is not one of the choices; using "
                         f"\"{default}\".")
    return raw, None


def encode(param: Param, value) -> str:
    """Write one value for the URL (the inverse of :func:`parse`)."""
    if isinstance(param.default, bool):
        return "1" if value else "0"
    if isinstance(param.default, float):
        return f"{float(value):g}"
    return str(value)


def read_params(params: Sequence[Param], query: Mapping[str, str]) -> tuple[dict, list[str]]:
    """Parse every parameter from a query mapping: ``(values, notes)``."""
    values, notes = {}, []
    for param in params:
        values[param.name], note = parse(param, query.get(param.name))
        if note:
            notes.append(note)
    return values, notes


def clamp(param: Param, value, low=None, high=None) -> tuple[Any, Optional[str]]:
    """Clamp a value to a range known only at run time (e.g. per dataset), with a note."""
    if low is not None and value < low:
        return type(param.default)(low), f"{param.title.capitalize()} {_number_text(value)} is below " \
                                         f"{_number_text(low)} here; using {_number_text(low)}."
    if high is not None and value > high:
        return type(param.default)(high), f"{param.title.capitalize()} {_number_text(value)} is above " \
                                          f"{_number_text(high)} here; using {_number_text(high)}."
    return value, None


# -- Streamlit side ---------------------------------------------------------------------------

def key(page: str, name: str) -> str:
    """Session-state key of a page's setting (also the widget key)."""
    return f"{page}.{name}"


def bind(page: str, params: Sequence[Param]) -> list[str]:
    """Fill the page's session-state slots; returns notes on URL values that were changed.

    First visit in a session: values come from ``st.query_params``. Later
    visits: from the page's memory (widget values are forgotten by Streamlit
    when another page was shown). Notes stay visible until a setting changes.
    """
    memory_key = f"{page}._memory"
    notes_key = f"{page}._notes"
    if memory_key not in st.session_state:
        values, notes = read_params(params, st.query_params.to_dict())
        st.session_state[memory_key] = dict(values)
        st.session_state[notes_key] = (notes, dict(values))
        for param in params:
            st.session_state[key(page, param.name)] = values[param.name]
    else:
        memory = st.session_state[memory_key]
        for param in params:
            if key(page, param.name) not in st.session_state:
                st.session_state[key(page, param.name)] = memory.get(param.name, param.default)
    notes, loaded = st.session_state.get(notes_key, ([], {}))
    if notes and any(st.session_state.get(key(page, n)) != v for n, v in loaded.items()):
        st.session_state[notes_key] = ([], {})  # the person changed something: the notes are old news
        return []
    return list(notes)


def add_note(page: str, note: str) -> None:
    """Add a note (for a value clamped by the page itself) to the ones shown."""
    notes, loaded = st.session_state.get(f"{page}._notes", ([], {}))
    names = loaded or st.session_state.get(f"{page}._memory", {})
    current = {name: st.session_state.get(key(page, name)) for name in names}
    st.session_state[f"{page}._notes"] = (notes + [note] if note not in notes else notes, current)


def values(page: str, params: Iterable[Param]) -> dict:
    """The page's current settings, by name."""
    return {p.name: st.session_state.get(key(page, p.name), p.default) for p in params}


def set_values(page: str, changes: Mapping[str, Any]) -> None:
    """Set settings (from a callback or before their widgets are drawn)."""
    for name, value in changes.items():
        st.session_state[key(page, name)] = value


def write_url(page: str, params: Sequence[Param]) -> None:
    """Remember the settings and put them in the URL (only if something changed)."""
    current = values(page, params)
    st.session_state[f"{page}._memory"] = dict(current)
    wanted = {p.name: encode(p, current[p.name]) for p in params}
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def show_notes(notes: Sequence[str]) -> None:
    """Show notes on changed URL values, plainly, in one box."""
    if notes:
        text = "\n".join(f"- {note}" for note in notes)
        st.warning("Some values in the link were adjusted:\n" + text, icon=":material/link:")
