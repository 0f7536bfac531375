"""Fuzz every page: random sequences of control changes and clicks (fixed seed), and
malformed or out-of-range links, never show an exception.

The fuzzer looks at whatever widgets the page shows after each run and moves one at
random: a slider to a random point of its grid, a select box to a random option, a
switch flipped, a button clicked (unless disabled). The few values that only cost time
(pool sizes, multi-seed work) are kept small; everything else ranges freely. Settings the
engine refuses must give a clear message (an ``st.error`` is fine), never an exception.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from apptest_pages import open_page

from tests.test_app_failures import fake  # noqa: F401  (the failure lab's stand-in measurements)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Widget values that only cost time, kept small: key -> allowed values.
LIMITS = {
    "arena.pool": [200, 300], "batch.pool": [200, 300],
    "arena.budget": list(range(10, 35, 5)), "batch.budget": [20, 30],
    # no random forest or MC-dropout net: their multi-seed view takes minutes (see test_every_model)
    "arena.model": ["logreg", "poly_logreg", "knn", "svm_rbf", "laplace_logreg"],
    "arena.a": None, "arena.b": None,  # every strategy but expected error reduction (a refit per candidate)
    "batch.model": ["logreg", "knn", "laplace_logreg", "svm_rbf"],
    "batch.acq": None,
}
# The many-seed comparison and the presets (pool 1,000, budget 100: seconds per later change)
# have their own tests.
SKIP_BUTTONS = {"batch.compare"}
SKIP_PREFIXES = ("arena.preset.", "batch.preset.")
SLOW_STRATEGIES = {"eer"}


def no_exception(at: AppTest, what: str) -> None:
    assert not at.exception, (what, [e.value for e in at.exception])


def _choices(widget) -> list:
    """The values a select box or segmented control can take (its real values, not labels)."""
    key = widget.key
    options = list(getattr(widget, "options", []))
    if key in LIMITS and LIMITS[key] is not None:
        return LIMITS[key]
    if key in ("arena.a", "arena.b", "batch.acq"):
        from alcore.registry import STRATEGIES
        return [n for n in STRATEGIES if n not in SLOW_STRATEGIES and (key != "batch.acq" or n != "random")]
    return options


def fuzz_step(at: AppTest, rng: random.Random) -> str:
    """Move one widget at random; returns what was done (for the failure message)."""
    candidates = []
    for kind in ("slider", "selectbox", "toggle", "checkbox", "button", "segmented_control"):
        for widget in at.get(kind):
            if getattr(widget, "key", None) is None or getattr(widget, "disabled", False):
                continue
            if kind == "button" and (widget.key in SKIP_BUTTONS or widget.key.startswith(SKIP_PREFIXES)):
                continue
            candidates.append((kind, widget))
    kind, widget = rng.choice(candidates)
    key = widget.key
    if kind == "button":
        widget.click()
        return f"click {key}"
    if kind in ("toggle", "checkbox"):
        widget.set_value(not widget.value)
        return f"flip {key}"
    if kind == "slider":
        if key in LIMITS:
            value = rng.choice(LIMITS[key])
        else:
            low, high, step = widget.min, widget.max, widget.step
            n = int(round((high - low) / step))
            value = low + step * rng.randint(0, n)
            value = round(value, 6) if isinstance(low, float) else int(value)
        widget.set_value(value)
        return f"{key} = {value}"
    if kind == "selectbox":
        choices = _choices(widget)
        if key in LIMITS or key in ("arena.a", "arena.b", "batch.acq"):
            value = rng.choice(choices)
            widget.set_value(value)
        else:
            index = rng.randrange(len(choices))
            widget.select_index(index)
            value = choices[index]
        return f"{key} = {value}"
    # segmented control: its values are the page's own names
    from ui.controls import SPEEDS
    value = rng.choice(list(SPEEDS))
    widget.set_value(value)
    return f"{key} = {value}"


def fuzz(at: AppTest, steps: int, seed: int, page: str) -> list[str]:
    rng = random.Random(seed)
    done = []
    for _ in range(steps):
        done.append(fuzz_step(at, rng))
        at.run()
        no_exception(at, (page, done[-8:]))
    return done



@pytest.mark.parametrize("seed", [0, 1])
def test_fuzz_arena(seed):
    at = open_page("arena", pool=200, seeds=3, budget=20)
    done = fuzz(at, 80, seed, "arena")
    assert any(d.startswith("click") for d in done) and any("=" in d for d in done)


def test_fuzz_batch():
    at = open_page("batch", pool=200, budget=20, seeds=5)
    fuzz(at, 80, 2, "batch")


@pytest.mark.parametrize("tab", ["miscalibration", "sampling_bias", "outlier_attraction", "cold_start"])
def test_fuzz_failures(fake, tab):
    at = open_page("failures", tab=tab, seeds=3)
    fuzz(at, 20, 3, "failures")


def test_fuzz_home():
    at = open_page("home")
    no_exception(at, "home")
    assert not at.get("slider")  # nothing to move: the page is text and links


# -- malformed and out-of-range links, every page -------------------------------------------------

BAD = ["abc", "-7", "1e309", "nan", "", "999999999999", "0x10", "1;drop", "%00", "true", "[1,2]",
       "\u00e9\u00e8", "   ", "-0", "3.5", "inf", "-1e9"]


@pytest.mark.parametrize("page", ["arena", "batch", "failures", "home"])
@pytest.mark.parametrize("seed", [0, 1])
def test_malformed_links_are_clamped_with_a_note(page, seed, fake):
    """Every setting of the page gets a random bad value; the page opens, says what it
    adjusted, and writes back a link whose every value is one it accepts as it is."""
    rng = random.Random(f"{page}{seed}")
    declared = _declared(page) if page != "home" else []
    names = [param.name for param in declared] or ["pool", "x"]
    query = {name: rng.choice(BAD) for name in names}
    if page in ("arena", "batch"):  # far out of range, and kept cheap by clamping
        query.update(seeds="3" if page == "arena" else "5", budget="-7", pool="-5")
    at = open_page(page, **query)
    no_exception(at, (page, query))
    if page == "home":
        return
    notes = " ".join(w.value for w in at.warning)
    assert "adjusted" in notes, (page, query)
    written = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    from ui import state

    for param in declared:
        value, note = state.parse(param, written.get(param.name))
        assert note is None, (page, param.name, written.get(param.name), note)


def _declared(page: str):
    """The page's Param objects (evaluated from their declarations, which are plain literals
    and names of the page's own constants): compared through ui.state.parse."""
    source = (ROOT / "app_pages" / f"{page}.py").read_text()
    import ast

    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "PARAMS" for t in node.targets):
            break
    else:
        raise AssertionError(f"no PARAMS in {page}")
    # Run the page's imports and constants up to PARAMS, without Streamlit calls.
    prefix = ast.Module(body=tree.body[:tree.body.index(node) + 1], type_ignores=[])
    namespace: dict = {}
    exec(compile(prefix, f"{page}.py", "exec"), namespace)
    return namespace["PARAMS"]
