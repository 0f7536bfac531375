"""A lab's settings: each one a :class:`Param` that lives in session state and
in the URL. Parsing is pure and never raises: a malformed or out-of-range
value in a link gives the default or the nearest allowed value, with a
plain-words note that names the setting and the value people see (a label,
not an internal id), the visitor's text as a literal. Nothing here imports Streamlit; :mod:`ui.session` binds
params to a session and the URL.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence


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
    labels : mapping of str to str, optional
        What people see for each choice ("Overlapping blobs" for "blobs").
    """

    name: str
    default: Any
    low: Optional[float] = None
    high: Optional[float] = None
    choices: Optional[tuple] = None
    digits: Optional[int] = None
    label: str = ""
    labels: Optional[Mapping[str, str]] = None

    @property
    def title(self) -> str:
        """The plain name of the setting."""
        return self.label or self.name

    def shown(self, value) -> str:
        """A value as people see it: a choice's label, a number with thousands separators."""
        if self.labels is not None and value in self.labels:
            return self.labels[value]
        if isinstance(value, bool):
            return "on" if value else "off"
        return _number_text(value) if isinstance(value, (int, float)) else str(value)


@dataclass(frozen=True)
class Preset:
    """Settings a button sets at once.

    Attributes
    ----------
    label : str
        The button's label.
    values : mapping
        The settings it sets (the others take their defaults).
    text : str
        What it is about, in words without numbers: the numbers come from
        its measurement.
    """

    label: str
    values: Mapping[str, Any]
    text: str = ""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_SHOWN_CHARACTERS = 40


def _number_text(value) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def _quoted(raw: str) -> str:
    """A visitor's value, cut short, as a literal (see :func:`literal`)."""
    return literal(raw if len(raw) <= _SHOWN_CHARACTERS else raw[:_SHOWN_CHARACTERS - 3] + "...")


def parse(param: Param, raw: Optional[str]) -> tuple[Any, Optional[str]]:
    """Read one URL value: ``(value, note)``, note None when the value was used as given.

    Never raises: a malformed value gives the default, an out-of-range value
    the nearest allowed one, each with a note that says so. A note is
    markdown in which the visitor's text is a literal (:func:`literal`), so it
    shows as typed, never as a link or an image.
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
        return default, f"The link's {param.title} {_quoted(raw)} is not on/off; using {param.shown(default)}."
    if isinstance(default, (int, float)):
        try:
            number = float(raw)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            return default, f"The link's {param.title} {_quoted(raw)} is not a number; using {param.shown(default)}."
        value = int(round(number)) if isinstance(default, int) else float(number)
        note = None
        if isinstance(default, int) and number != value:
            note = f"The link's {param.title} {_quoted(raw)} is not a whole number; using {value:,}."
        if param.low is not None and value < param.low:
            value = type(default)(param.low)
            note = (f"The link's {param.title} {_quoted(raw)} is below the smallest allowed, "
                    f"{_number_text(value)}; using that.")
        elif param.high is not None and value > param.high:
            value = type(default)(param.high)
            note = (f"The link's {param.title} {_quoted(raw)} is above the largest allowed, "
                    f"{_number_text(value)}; using that.")
        if isinstance(value, float) and param.digits is not None:
            value = round(value, param.digits)
        return value, note
    if param.choices is not None and raw not in param.choices:
        return default, (f"The link's {param.title} {_quoted(raw)} is not one of the choices; using "
                         f"{param.shown(default)}.")
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
    """Clamp a value to a range known only at run time (per dataset, per pool), with a note."""
    if low is not None and value < low:
        return type(param.default)(low), (f"{param.title.capitalize()} {_number_text(value)} is below "
                                          f"{_number_text(low)} here; using {_number_text(low)}.")
    if high is not None and value > high:
        return type(param.default)(high), (f"{param.title.capitalize()} {_number_text(value)} is above "
                                           f"{_number_text(high)} here; using {_number_text(high)}.")
    return value, None


def literal(text: str) -> str:
    """Text shown by Streamlit's markdown exactly as it is: an inline code span around it.

    For text that comes from a visitor (a link value, a file's column names):
    inside a code span nothing is markdown, HTML, a link (bare addresses are
    not linked either), an image, an emoji code or a colour directive. The
    fence is one backtick longer than the longest run of backticks in the
    text, and line breaks become spaces.

    Examples
    --------
    >>> literal("[open](http://x)")
    '` [open](http://x) `'
    >>> literal("a `b` c")
    '`` a `b` c ``'
    """
    text = " ".join(str(text).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}"


def defaults(params: Sequence[Param]) -> dict:
    """Every setting at its default."""
    return {param.name: param.default for param in params}
