"""The shared widgets, in the order every page shows them: data, model,
strategy, run. Each draws one Streamlit widget with a one-line caption under
it; its value lives in the lab's session slot for the named setting
(:class:`ui.session.LabSession`), so no widget here takes a default.

Registries are read when the widget is drawn, so strategies and models that
other modules register show up without changes here.
"""

from __future__ import annotations

from typing import Callable, Mapping, Optional, Sequence

import streamlit as st

from alcore.data import N_TEST
from alcore.registry import DATASETS, MODELS, STRATEGIES
from ui import upload as uploads
from ui.params import Param
from ui.session import LabSession

#: Play speeds: label -> seconds between automatic steps.
SPEEDS = {"slow": 1.5, "normal": 0.8, "fast": 0.4}
#: Actions of :func:`run_buttons`.
ACTIONS = ("step", "run10", "play", "pause", "reset", "new_seed")
#: The dataset choice for a visitor's own file (:mod:`ui.upload`), and how the select shows it.
UPLOAD, UPLOAD_LABEL = "upload", "Your own data (CSV)"
POOL_STEP = 100


def two_d_datasets() -> list[str]:
    """Dataset names that can be drawn as a 2-D picture."""
    return [name for name, info in DATASETS.items() if info.two_d]


def strategy_names(include_random: bool = True) -> list[str]:
    """Registered strategies, in registry order (read now, so new ones appear)."""
    return [name for name, s in STRATEGIES.items() if include_random or not s.is_random]


def labels(registry: Mapping) -> dict:
    """Registry names -> the labels people see."""
    return {name: entry.label for name, entry in registry.items()}


def dataset_labels(names: Sequence[str]) -> dict:
    """Dataset choices -> the labels people see (an upload included)."""
    return {name: UPLOAD_LABEL if name == UPLOAD else DATASETS[name].label for name in names}


# -- the settings of these widgets ----------------------------------------------------------------

def data_params(*, init: int, max_pool: int, datasets: Optional[Sequence[str]] = None) -> tuple[Param, ...]:
    """The settings of :func:`data_section`: dataset, noise, classes, pool size, starting labels.

    ``datasets`` are the choices (the 2-D ones when None); they may hold data
    without a 2-D picture of its own (digits) and :data:`UPLOAD`, a visitor's
    own file, if the lab draws such data and builds learners on an upload.
    """
    datasets = tuple(two_d_datasets() if datasets is None else datasets)
    return (
        Param("ds", "blobs" if "blobs" in datasets else datasets[0], choices=datasets, label="dataset", labels=dataset_labels(datasets)),
        Param("noise", 1.0, low=0.0, high=2.0, digits=2, label="noise"),
        Param("classes", 4, low=3, high=10, label="number of classes"),
        Param("pool", 1000, low=200, high=max_pool, label="pool size"),
        Param("init", init, low=2, high=20, label="starting labels"),
    )


def model_param(default: str = "logreg", names: Optional[Sequence[str]] = None) -> Param:
    """The model setting: every registered model, or only ``names``."""
    return Param("model", default, choices=tuple(MODELS if names is None else names), label="model",
                 labels=labels(MODELS))


def strategy_param(name: str, default: str, label: str, include_random: bool = True) -> Param:
    """A strategy setting."""
    return Param(name, default, choices=tuple(strategy_names(include_random)), label=label,
                 labels=labels(STRATEGIES))


def run_params(*, n_high: int, speed: bool = True) -> tuple[Param, ...]:
    """The run settings every lab has: seed, rounds taken, and Play speed."""
    return ((Param("speed", "normal", choices=tuple(SPEEDS), label="play speed"),) if speed else ()) + (
        Param("seed", 0, low=0, high=999_999, label="seed"),
        Param("n", 0, low=0, high=n_high, label="rounds taken"),
    )


def dataset_kwargs(values: Mapping) -> dict:
    """The :func:`data_section` settings as :func:`alcore.data.make_dataset` arguments (no seed)."""
    kwargs = dict(name=values["ds"], n_pool=int(values["pool"]), noise=float(values["noise"]))
    if values["ds"] == "multiblobs":
        kwargs["n_classes"] = int(values["classes"])
    return kwargs


# -- data ---------------------------------------------------------------------------------------------

def data_section(session: LabSession, *, pool_label: str = "Pool size",
                 pool_caption: str = "Unlabeled points the learners can ask about (a separate test set scores them).",
                 start_caption: str = "Labels every learner gets before it starts asking, a few from each class; "
                                      "the same for all.") -> None:
    """The sidebar's Data section: dataset (the choices of the lab's ``ds`` setting), its noise knob
    (clamped to its range; none for real data), classes where the dataset has them, pool size
    (clamped to what it can draw) and starting labels; a lab may name the pool and the starting labels
    in its own words. For :data:`UPLOAD`, the uploader and what it read (:func:`ui.upload.section`)
    instead of the dataset's knobs."""
    st.header("Data")
    names = session.by_name["ds"].choices
    shown = dataset_labels(names)

    def new_dataset() -> None:  # a new dataset starts from its own default noise (ranges differ)
        chosen = st.session_state[session.key("ds")]
        if chosen in DATASETS:
            session.set(noise=DATASETS[chosen].default_noise)

    dataset = st.selectbox("Dataset", names, key=session.key("ds"), on_change=new_dataset,
                           format_func=lambda name: shown[name])
    pool = session.by_name["pool"]
    if dataset == UPLOAD:
        top = uploads.section(session)
    else:
        info = DATASETS[dataset]
        st.caption(info.note)
        low, high = info.noise_range
        if high == low:  # real data has no noise knob: nothing to adjust, nothing to say
            session.set(noise=float(low))
        else:
            session.clamp("noise", low, high)
            st.slider(info.noise_label, float(low), float(high), step=0.05, key=session.key("noise"), format="%.2f")
            st.caption("More spread means the classes overlap more, so even a perfect model makes mistakes.")
        if dataset == "multiblobs":
            st.slider("Classes", 3, 10, key=session.key("classes"))
            st.caption("Each class is one cluster on a circle; more classes, more boundaries to find.")
        top = int(min(pool.high, info.max_pool, info.n_points - N_TEST if info.n_points else pool.high))
    if top is not None and top < pool.low:
        st.caption(f"Pool: all {top:,} rows that are not held out for testing.")
    elif top is not None:
        top = int(pool.low + POOL_STEP * ((min(top, pool.high) - pool.low) // POOL_STEP))
        session.clamp("pool", pool.low, top)
        st.slider(pool_label, int(pool.low), top, step=POOL_STEP, key=session.key("pool"))
        st.caption(pool_caption)
    st.slider("Starting labels", 2, 20, key=session.key("init"))
    st.caption(start_caption)


# -- model and strategy -------------------------------------------------------------------------------

def model_select(session: LabSession, name: str = "model", *, label: str = "Model") -> str:
    """Pick a model from the registry (the setting's choices); the caption describes it."""
    value = st.selectbox(label, list(session.by_name[name].choices), key=session.key(name),
                         format_func=lambda n: MODELS[n].label)
    st.caption(MODELS[value].description)
    return value


def strategy_select(session: LabSession, name: str, *, label: str = "Strategy", model: str = "logreg",
                    include_random: bool = True, only: Optional[Sequence[str]] = None) -> str:
    """Pick an acquisition strategy the model can serve; the caption describes it.

    Strategies that need posterior samples (BALD) are offered only with a
    model that can draw them; a setting that asked for one with another model
    falls back to the first strategy offered, with a note naming the models
    that can. ``only`` limits the offer to these strategies (None: every
    registered one).
    """
    can_sample = MODELS[model].samples_posterior
    names = [n for n in strategy_names(include_random) if (can_sample or not STRATEGIES[n].needs_samples)
             and (only is None or n in only)]
    current = st.session_state.get(session.key(name))
    if current not in names:
        able = " or ".join(spec.label for spec in MODELS.values() if spec.samples_posterior)
        fallback = "margin" if "margin" in names else names[0]
        session.set(**{name: fallback})
        session.add_note(f"{STRATEGIES[current].label if current in STRATEGIES else current} needs a model that "
                         f"can sample its posterior ({able}); {label} uses {STRATEGIES[fallback].label} with "
                         f"{MODELS[model].label}.")
    value = st.selectbox(label, names, key=session.key(name), format_func=lambda n: STRATEGIES[n].label)
    st.caption(STRATEGIES[value].description)
    return value


# -- run ----------------------------------------------------------------------------------------------

def budget_slider(session: LabSession, name: str = "budget", *, low: Optional[int] = None,
                  high: Optional[int] = None, step: int = 5) -> int:
    """Label budget: the race stops when each learner has this many labels.

    The value is kept within ``low`` (for example the starting labels: a
    budget below them could never be spent) and ``high`` (the pool), with a note.
    """
    param = session.by_name[name]
    top = int(param.high if high is None else min(param.high, high))
    session.clamp(name, param.low if low is None else min(max(param.low, low), top), top)
    value = st.slider("Label budget", int(param.low), top, step=step, key=session.key(name))
    st.caption("The race stops when each learner has this many labels (starting labels included).")
    return value


def batch_slider(session: LabSession, name: str = "batch") -> int:
    """Labels asked per step."""
    param = session.by_name[name]
    value = st.slider("Batch size", int(param.low), int(param.high), key=session.key(name))
    st.caption("Labels each learner asks for per step. 1 is classic active learning.")
    return value


def seeds_slider(session: LabSession, caption: str, name: str = "seeds") -> int:
    """How many seeds the verdict's measurement runs over (the setting's own range)."""
    param = session.by_name[name]
    value = st.slider("Seeds", int(param.low), int(param.high), key=session.key(name))
    st.caption(caption)
    return value


def speed_select(session: LabSession) -> str:
    """How fast Play steps (never none: a deselected speed goes back to normal)."""
    if st.session_state.get(session.key("speed")) not in SPEEDS:
        session.set(speed="normal")
    value = st.segmented_control("Play speed", list(SPEEDS), key=session.key("speed"), required=True,
                                 format_func=lambda s: s.capitalize())
    st.caption("Time between steps while playing.")
    return value


def run_buttons(key: str, *, playing: bool = False, finished: bool = False,
                step_help: str = "Each learner asks for one more label (one batch).",
                on_action: Optional[Callable[[str], None]] = None, actions: Sequence[str] = ACTIONS) -> Optional[str]:
    """The run row: Step, Run 10, Play/Pause, Reset (same seed), New seed; it wraps on a narrow screen.

    Parameters
    ----------
    key : str
        Prefix of the buttons' keys (``f"{key}.step"`` and so on).
    playing : bool
        Show Pause instead of Play.
    finished : bool
        Disable Step, Run 10 and Play (the budget is used).
    step_help : str
        What Step does, for its tooltip.
    on_action : callable, optional
        ``on_action(action)`` runs as the button's callback, before the rerun
        draws anything, so the buttons drawn after a click already reflect
        its effect (for example Step disabled once the budget is used).
    actions : sequence of str, default=ACTIONS
        The buttons to show, in the row's order ("play" stands for Play and
        Pause); a lab whose learners a person teaches may show only Reset
        and New seed.

    Returns
    -------
    str or None
        The clicked action, one of :data:`ACTIONS`, or None.
    """
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    buttons = [
        ("step", "Step", ":material/skip_next:", finished, step_help),
        ("run10", "Run 10", ":material/fast_forward:", finished, "Ten steps at once."),
        ("pause", "Pause", ":material/pause:", False, "Stop stepping automatically.")
        if playing else
        ("play", "Play", ":material/play_arrow:", finished,
         "Step automatically until the end. Step and Run 10 still work meanwhile; Reset, New seed or a new "
         "setting start again from the starting labels."),
        ("reset", "Reset", ":material/replay:", False, "Start again: same data, same starting labels."),
        ("new_seed", "New seed", ":material/casino:", False, "A fresh draw of the data and the starting labels."),
    ]
    action = None
    shown = set(actions) | ({"pause"} if "play" in actions else set())
    for name, label, icon, disabled, help_text in buttons:
        if name not in shown:
            continue
        callback = dict(on_click=on_action, args=(name,)) if on_action is not None else {}
        if row.button(label, key=f"{key}.{name}", icon=icon, disabled=disabled, help=help_text,
                      type="primary" if name == "step" else "secondary", **callback):
            action = name
    return action
