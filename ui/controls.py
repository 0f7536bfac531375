"""The shared widgets, in the order every page shows them: data, model,
strategy, run. Each draws one Streamlit widget with a one-line caption under
it and returns its value; its value lives in session state under ``key``
(fill it first with :func:`ui.state.bind`, so no widget here takes a default).

Registries are read when the widget is drawn, so strategies and models that
other modules register show up without changes here.
"""

from __future__ import annotations

from functools import partial
from typing import Callable, Mapping, Optional, Sequence

import streamlit as st

from alcore.data import DATASETS
from alcore.models import MODELS
from alcore.registry import SELECTORS, STRATEGIES
from ui import state
from ui.state import Param

#: Play speeds: label -> seconds between automatic steps.
SPEEDS = {"slow": 1.5, "normal": 0.8, "fast": 0.4}
#: Actions of :func:`run_buttons`.
ACTIONS = ("step", "run10", "play", "pause", "reset", "new_seed")


def two_d_datasets() -> list[str]:
    """Dataset names that can be drawn as a 2-D picture."""
    return [name for name, info in DATASETS.items() if info.two_d]


def strategy_names(include_random: bool = True) -> list[str]:
    """Registered strategies, in registry order (read now, so new ones appear)."""
    return [name for name, s in STRATEGIES.items() if include_random or not s.is_random]


def preset_row(key: str, presets: Mapping[str, Mapping], on_click: Callable[[str], None]) -> None:
    """A row of preset buttons after a bold "Presets": one per preset, its ``text`` on hover.

    ``presets`` maps names to dicts with ``label`` and ``text``; a click calls
    ``on_click(name)`` as the button's callback.
    """
    row = st.container(horizontal=True, vertical_alignment="center")
    row.markdown("**Presets**", width="content")
    for name, preset in presets.items():
        row.button(preset["label"], key=f"{key}.{name}", on_click=on_click, args=(name,), help=preset["text"])

# -- data -------------------------------------------------------------------------------------

def dataset_select(key: str, *, names: Optional[Sequence[str]] = None, label: str = "Dataset",
                   on_change: Optional[Callable] = None) -> str:
    """Pick a dataset; the caption says what it shows."""
    names = list(names or two_d_datasets())
    value = st.selectbox(label, names, key=key, format_func=lambda n: DATASETS[n].label,
                         on_change=on_change)
    st.caption(DATASETS[value].note)
    return value


def noise_slider(key: str, dataset: str) -> float:
    """The dataset's own noise knob (cluster spread or noise), in its range."""
    info = DATASETS[dataset]
    low, high = info.noise_range
    value = st.slider(info.noise_label, float(low), float(high), step=0.05, key=key, format="%.2f")
    st.caption("More spread means the classes overlap more, so even a perfect model makes mistakes.")
    return value


def classes_slider(key: str, low: int = 3, high: int = 10) -> int:
    """Number of classes (for datasets that have the knob)."""
    value = st.slider("Classes", low, high, key=key)
    st.caption("Each class is one cluster on a circle; more classes, more boundaries to find.")
    return value


def pool_slider(key: str, low: int = 200, high: int = 5000, step: int = 100) -> int:
    """Pool size: how many unlabeled points the learners can ask about."""
    value = st.slider("Pool size", low, high, step=step, key=key)
    st.caption("Unlabeled points the learners can ask about (a separate test set scores them).")
    return value


def seed_size_slider(key: str, low: int = 2, high: int = 20) -> int:
    """How many labels both learners get for free before the race."""
    value = st.slider("Starting labels", low, high, key=key)
    st.caption("Labels both learners get before the race, a few from each class; the same for both.")
    return value


def data_params(*, init: int, max_pool: int) -> tuple[Param, ...]:
    """The settings of :func:`data_section`: dataset, noise, classes, pool size, starting labels."""
    return (
        Param("ds", "blobs", choices=tuple(two_d_datasets()), label="dataset"),
        Param("noise", 1.0, low=0.0, high=2.0, digits=2, label="noise"),
        Param("classes", 4, low=3, high=10, label="number of classes"),
        Param("pool", 1000, low=200, high=max_pool, label="pool size"),
        Param("init", init, low=2, high=20, label="starting labels"),
    )


def _dataset_changed(page: str) -> None:
    """A new dataset starts from its own default noise (ranges differ per dataset)."""
    name = st.session_state[state.key(page, "ds")]
    state.set_values(page, {"noise": DATASETS[name].default_noise})


def data_section(page: str, params: Sequence[Param], notes: list) -> None:
    """The sidebar's Data section for the :func:`data_params` among ``params``.

    The noise is clamped to the chosen dataset's own range and the pool size
    to what the dataset can draw; a clamped noise adds a note to ``notes``.
    """
    by_name = {param.name: param for param in params}
    st.header("Data")
    dataset = dataset_select(state.key(page, "ds"), on_change=partial(_dataset_changed, page))
    info = DATASETS[dataset]
    noise_key = state.key(page, "noise")
    st.session_state[noise_key], note = state.clamp(by_name["noise"], st.session_state[noise_key],
                                                    *info.noise_range)
    if note:
        state.add_note(page, note)
        notes.append(note)
    noise_slider(noise_key, dataset)
    if dataset == "multiblobs":
        classes_slider(state.key(page, "classes"))
    pool_slider(state.key(page, "pool"), high=min(by_name["pool"].high, info.max_pool))
    seed_size_slider(state.key(page, "init"))


def dataset_kwargs(values: Mapping) -> dict:
    """The :func:`data_section` settings as :func:`alcore.data.make_dataset` arguments (no seed)."""
    kwargs = dict(name=values["ds"], n_pool=int(values["pool"]), noise=float(values["noise"]))
    if values["ds"] == "multiblobs":
        kwargs["n_classes"] = int(values["classes"])
    return kwargs

# -- model ------------------------------------------------------------------------------------

def _registry_select(key: str, label: str, registry: Mapping, names: Sequence[str]) -> str:
    """A selectbox over registry names, shown by their labels, with the chosen one's description under it."""
    value = st.selectbox(label, list(names), key=key, format_func=lambda n: registry[n].label)
    st.caption(registry[value].description)
    return value


def model_select(key: str, *, label: str = "Model") -> str:
    """Pick a model from the registry; the caption describes it."""
    return _registry_select(key, label, MODELS, list(MODELS))


# -- strategy ---------------------------------------------------------------------------------

def strategy_select(key: str, *, label: str = "Strategy", names: Optional[Sequence[str]] = None) -> str:
    """Pick an acquisition strategy from the registry; the caption describes it."""
    return _registry_select(key, label, STRATEGIES, names or strategy_names())


def selector_select(key: str, *, label: str = "Batch selector", names: Optional[Sequence[str]] = None) -> str:
    """Pick a batch selector from the registry; the caption describes it."""
    return _registry_select(key, label, SELECTORS, names or list(SELECTORS))


# -- run --------------------------------------------------------------------------------------

def budget_slider(key: str, low: int = 10, high: int = 300, step: int = 5) -> int:
    """Label budget: the race stops when each learner has this many labels."""
    value = st.slider("Label budget", low, high, step=step, key=key)
    st.caption("The race stops when each learner has this many labels (starting labels included).")
    return value


def batch_slider(key: str, low: int = 1, high: int = 20) -> int:
    """Labels asked per step."""
    value = st.slider("Batch size", low, high, key=key)
    st.caption("Labels each learner asks for per step. 1 is classic active learning.")
    return value


def speed_select(key: str) -> str:
    """How fast Play steps."""
    value = st.segmented_control("Play speed", list(SPEEDS), key=key,
                                 format_func=lambda s: s.capitalize()) or "normal"
    st.caption("Time between steps while playing.")
    return value


def run_buttons(key: str, *, playing: bool = False, finished: bool = False,
                on_action: Optional[Callable[[str], None]] = None) -> Optional[str]:
    """The run row: Step, Run 10, Play/Pause, Reset (same seed), New seed.

    Parameters
    ----------
    key : str
        Prefix of the buttons' keys (``f"{key}.step"`` and so on).
    playing : bool
        Show Pause instead of Play.
    finished : bool
        Disable Step, Run 10 and Play (the budget is used).
    on_action : callable, optional
        ``on_action(action)`` runs as the button's callback, before the rerun
        draws anything, so the buttons drawn after a click already reflect
        its effect (for example Step disabled once the budget is used).

    Returns
    -------
    str or None
        The clicked action, one of :data:`ACTIONS`, or None.
    """
    # One horizontal row: a single layout block (columns would add one block per button).
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    buttons = [
        ("step", "Step", None, finished, "Each learner asks for one more label (one batch)."),
        ("run10", "Run 10", None, finished, "Ten steps at once."),
        ("pause", "Pause", ":material/pause:", False, "Stop stepping automatically.")
        if playing else
        ("play", "Play", ":material/play_arrow:", finished, "Step automatically until the budget is used."),
        ("reset", "Reset", ":material/replay:", False, "Start the same race again: same data, same starting labels."),
        ("new_seed", "New seed", ":material/casino:", False, "A fresh draw of the data and the starting labels."),
    ]
    action = None
    for name, label, icon, disabled, help_text in buttons:
        callback = dict(on_click=on_action, args=(name,)) if on_action is not None else {}
        if row.button(label, key=f"{key}.{name}", icon=icon, disabled=disabled, help=help_text,
                      type="primary" if name == "step" else "secondary", **callback):
            action = name
    return action
