"""The live-lab machinery: one controller under every lab.

A lab is a declaration (:class:`Lab`): its settings, presets, how to build
its learners from the settings, what to draw for them, and which multi-seed
measurement backs its verdict. :func:`render` does everything else, the same
way on every page:

- the settings' session slots and the URL round trip (:mod:`ui.session`),
  with notes on adjusted link values shown as plain text;
- the guard that says when settings do not work together, instead of a
  traceback;
- Step / Run 10 / Play-Pause / Reset / New seed (or the ones a lab
  declares), their callbacks, and the live fragment, so a click reruns only
  the learners' part of the page; a lab's own buttons (a person's answers)
  run through :func:`act` the same way;
- marks on the learning curves where the learners' stopping rules fired
  (:func:`curves`);
- the measurement over many seeds (:mod:`ui.jobs`): at once when it is
  stored, otherwise in the background with its progress or its place in the
  queue, from a Run button when it would take long; and its verdict, in a
  container with ``key="verdict"``, below the live part so nothing above it
  moves when it arrives.

Data with more than two features has no plane to paint a model's map on:
:class:`View` then draws the pool on a 2-D embedding (:mod:`alcore.embedding`),
each point coloured by the model, with the same calls.

Pages hold layout and words only; see ``app_pages/arena.py`` for the shape.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, Sequence

import numpy as np
import streamlit as st

from alcore import stopping
from alcore.embedding import Embedding, pool_embedding
from ui import controls, figures, jobs, measure
from ui.params import Preset, defaults
from ui.session import LabSession, Slot

GRID = 60                 # model map resolution: GRID x GRID predictions per panel
FIRST_WAIT = 0.5          # seconds a first look waits for a quick measurement before polling it
POLL = 0.5                # seconds between looks at a measurement in the background
# Measurements estimated above this many seconds start from a button (ALAB_EXPENSIVE_SECONDS overrides it).
EXPENSIVE_SECONDS = float(os.environ.get("ALAB_EXPENSIVE_SECONDS", 20.0))


class NotReady(ValueError):
    """Raised by a lab's ``build`` when it waits for something from the visitor (a file to
    upload): the page says the message as a note, not as an error."""


RUN_ACTIONS = controls.ACTIONS  # (a name Lab's fields do not hide: Lab has a field called controls)


@dataclass
class View:
    """What a lab's callbacks get: the session, the settings, the variant and its live state."""

    lab: "Lab"
    session: LabSession
    values: dict
    variant: str
    slot: Slot

    @property
    def race(self):
        """The learners."""
        return self.slot.race

    def key(self, name: str) -> str:
        """The widget key of a setting."""
        return self.session.key(name)

    @property
    def embedded(self) -> bool:
        """True when the learners' data has no 2-D picture of its own (more than two features):
        the pool is drawn on :meth:`embedding`, each point coloured by the model."""
        return self.race.dataset.bounds is None

    def embedding(self) -> Embedding:
        """Where the pool is drawn when :attr:`embedded` (kept with the learners)."""
        if "embedding" not in self.slot.data:
            self.slot.data["embedding"] = pool_embedding(self.race.dataset)
        return self.slot.data["embedding"]

    def grid(self) -> np.ndarray:
        """The model-map grid points for the learners' data (kept with the learners)."""
        if "grid" not in self.slot.data:
            self.slot.data["grid"] = figures.make_grid(self.race.dataset.bounds, GRID)[2]
        return self.slot.data["grid"]

    def pool_alpha(self) -> np.ndarray:
        """The pool's grey dots for the panel pictures (kept with the learners)."""
        if "pool_alpha" not in self.slot.data:
            data = self.race.dataset
            self.slot.data["pool_alpha"] = figures.pool_mask(data.X_pool, data.bounds, figures.PANEL_SIDE)
        return self.slot.data["pool_alpha"]

    def predictions(self, loop) -> np.ndarray:
        """A learner's probabilities on the grid, (GRID, GRID, C)."""
        return loop.predict_proba(self.grid()).reshape(GRID, GRID, -1)

    def score_map(self, loop) -> np.ndarray:
        """A learner's acquisition scores where its picture shows them: on the grid, (GRID, GRID),
        or at every pool point, (n_pool,), when :attr:`embedded`."""
        if self.embedded:
            return loop.scores(self.race.dataset.X_pool)
        return loop.scores(self.grid()).reshape(GRID, GRID)

    def picture(self, loop, *, new=None, **points) -> str:
        """A learner's panel picture (a JPEG data URI): its model (or ``grid_scores``, from
        :meth:`score_map`) with ``points`` drawn (see :func:`ui.figures.panel_picture`; the labeled
        points are the learner's own), and a legend of the classes when the data names them.

        ``new`` holds pool indices to ring (the newest queries). Data drawn on an embedding
        (:attr:`embedded`) takes ``new`` and ``grid_scores`` only: the other marks are for 2-D data.
        """
        data = self.race.dataset
        if self.embedded:
            unknown = set(points) - {"grid_scores"}
            if unknown:
                raise ValueError(f"{sorted(unknown)} are marks for 2-D data; this data is drawn on an embedding.")
            embedding = self.embedding()
            picture = figures.embedding_picture(
                embedding.points, embedding.bounds, loop.predict_proba(data.X_pool), labeled=loop.labeled_indices,
                y_labeled=loop.labels, new=new, pool_scores=points.get("grid_scores"))
        else:
            grid_probs = points.pop("grid_probs", None)
            if new is not None:
                points["X_new"] = data.X_pool[np.asarray(new, dtype=np.intp)]
            picture = figures.panel_picture(
                self.predictions(loop) if grid_probs is None else grid_probs, data.bounds,
                X_labeled=data.X_pool[loop.labeled_indices], y_labeled=loop.labels, pool_alpha=self.pool_alpha(),
                **points)
        if data.class_names is not None:
            picture = figures.with_legend(picture, data.class_names)
        return figures.jpeg_data_uri(picture)


@dataclass(frozen=True)
class Lab:
    """A lab, declared: what :func:`render` needs to run it.

    Attributes
    ----------
    name : str
        Namespace of its session slots (``"arena"``).
    title, intro : str
        Page title and a short paragraph under it (markdown).
    params : tuple of Param
        Its settings. ``seed`` is required; ``n`` (rounds taken) puts the
        round in the link, so a link replays the learners to it (leave it out
        when a link cannot reproduce the rounds, such as a person's answers);
        ``speed`` (Play speed) is used when present; ``tab`` holds the open
        variant.
    build : callable
        ``build(values, seed) -> learners``: an ``alcore.loop.Race`` or
        ``RaceGroup`` (anything with ``loops``, ``dataset``, ``step()``,
        ``finished`` and ``rounds``). May raise ValueError for settings that
        do not work together, or :class:`NotReady` while it waits for the
        visitor (the page then shows the message as a note).
    rebuild_on : tuple of str, or callable
        Settings whose change builds new learners (a new seed always does);
        or ``rebuild_on(variant) -> tuple``, when each variant has its own.
    draw : callable
        ``draw(view)``: the live picture, under the buttons, in the live fragment.
    status : callable
        ``status(view) -> str``: markdown after "Round N · " in the status line.
    measurement : callable, optional
        ``measurement(values) -> {part: key}``: the measurements (``ui.measure``
        keys, or a ``ui.jobs.PrivateJob`` for data that must stay in the
        session) behind the verdict.
    verdict : callable, optional
        ``verdict(view, results)``: draws the verdict from ``{part: result}``,
        inside the verdict container.
    measurement_title : callable, optional
        ``measurement_title(values) -> str``: the verdict section's heading.
    presets : mapping of str to Preset
    describe : callable, optional
        ``describe(values, results) -> str``: one sentence on a preset's
        measurement (numbers built from it), shown with the preset.
    sidebar : callable, optional
        ``sidebar(session)``: widgets in the sidebar (data, model, strategy, run).
    controls : callable, optional
        ``controls(view)``: widgets above the live part whose change reruns
        the whole page (so the verdict follows them).
    header : callable, optional
        ``header(view)``: what a variant shows above its controls (a story).
    after_live : callable, optional
        ``after_live(view)``: what the page shows between the live part and
        the verdict (a stored table, say).
    after_verdict : callable, optional
        ``after_verdict(view)``: what the page shows under the verdict
        (stored tables that do not follow the settings, say).
    variants : tuple of str
        Tabs (the ``tab`` setting holds the open one); empty for one lab.
    variant_label : callable
        ``variant_label(variant) -> str``: a tab's title.
    step : callable, optional
        ``step(view, last)``: one round of the learners (``last``: the last
        of a Run 10); ``view.race.step()`` when None.
    replay : bool
        A change of settings rebuilds the learners at the same round (True)
        or at the start (False).
    budget : callable, optional
        ``budget(values) -> int``: labels each learner may have, set on the
        race at every run (so the budget moves without a rebuild).
    step_help : str
        What Step does, for its tooltip.
    explain : str
        Markdown for the "How to read the picture" expander.
    run_actions : tuple of str
        The run buttons shown (see :data:`ui.controls.ACTIONS`; "play" brings
        Play and Pause); all by default, none when empty. A lab whose
        learners a person teaches draws its own buttons in ``draw``, with
        :func:`act` as their callback.
    """

    name: str
    title: str
    intro: str
    params: tuple
    build: Callable[[dict, int], Any]
    rebuild_on: Any
    draw: Callable[[View], None]
    status: Callable[[View], str]
    measurement: Optional[Callable[[dict], dict]] = None
    verdict: Optional[Callable[[View, dict], None]] = None
    measurement_title: Callable[[dict], str] = lambda values: f"Over {values.get('seeds', 20)} seeds"
    presets: Mapping[str, Preset] = field(default_factory=dict)
    describe: Optional[Callable[[dict, dict], str]] = None
    sidebar: Optional[Callable[[LabSession], None]] = None
    controls: Optional[Callable[[View], None]] = None
    header: Optional[Callable[[View], None]] = None
    after_live: Optional[Callable[[View], None]] = None
    after_verdict: Optional[Callable[[View], None]] = None
    variants: tuple = ()
    variant_label: Callable[[str], str] = str
    step: Optional[Callable[[View, bool], None]] = None
    replay: bool = False
    budget: Optional[Callable[[dict], int]] = None
    step_help: str = "Each learner asks for one more label (one batch)."
    explain: str = ""
    run_actions: tuple = RUN_ACTIONS

    def preset_values(self, name: str) -> dict:
        """The settings a preset gives (defaults where it says nothing)."""
        return {**defaults(self.params), **self.presets[name].values}


# -- the page --------------------------------------------------------------------------------------------

def render(lab: Lab) -> None:
    """Run a lab as a page: title, presets, sidebar, its variants' live parts and verdicts, the URL."""
    session = LabSession(lab.name, lab.params)
    st.title(lab.title)
    st.markdown(lab.intro)
    if lab.presets:
        _presets(lab, session)
    if lab.sidebar is not None:
        with st.sidebar:
            lab.sidebar(session)
    session.show_notes()
    if lab.variants:
        _variants(lab, session)
    else:
        _body(lab, session, "")
    session.write_url()


def _presets(lab: Lab, session: LabSession) -> None:
    def apply(name: str) -> None:
        session.set(**{**lab.preset_values(name), "seed": 0, "n": 0})

    row = st.container(horizontal=True, vertical_alignment="center")
    row.markdown("**Presets**", width="content")
    for name, preset in lab.presets.items():
        row.button(preset.label, key=f"{lab.name}.preset.{name}", on_click=apply, args=(name,), help=preset.text)
    with st.expander("What the presets show"):
        for name, preset in lab.presets.items():
            st.markdown(f"**{preset.label}.** {preset.text} {preset_sentence(lab, name)}")


def preset_sentence(lab: Lab, name: str) -> str:
    """What a preset's measurement shows, from the lab store (or that it is not measured yet)."""
    if lab.describe is None or lab.measurement is None:
        return ""
    values = lab.preset_values(name)
    results = {}
    for part, key in lab.measurement(values).items():
        results[part], _ = jobs.request(key, start=False)
        if results[part] is None:
            return "(Its measurement is not stored yet: open it to measure.)"
    return lab.describe(values, results)


def _variants(lab: Lab, session: LabSession) -> None:
    tabs_key = f"{lab.name}.tabs"
    labels = {variant: lab.variant_label(variant) for variant in lab.variants}

    def follow() -> None:  # the URL's tab follows the open tab, and so does the round once it has learners
        chosen = st.session_state.get(tabs_key)
        for variant, label in labels.items():
            if label == chosen:
                session.set(tab=variant)
                race = session.slot(variant).race
                if race is not None:
                    _set_round(session, race)

    if tabs_key not in st.session_state:  # first visit, or back from another page (Streamlit forgot the tab)
        st.session_state[tabs_key] = labels[session.values()["tab"]]
    tabs = st.tabs(list(labels.values()), key=tabs_key, on_change=follow)
    follow()
    for tab, variant in zip(tabs, lab.variants):
        if tab.open:
            with tab:
                _body(lab, session, variant)


def _view(lab: Lab, session: LabSession, variant: str) -> View:
    values = session.values()
    if variant:
        values["tab"] = variant
    return View(lab, session, values, variant, session.slot(variant))


def _body(lab: Lab, session: LabSession, variant: str) -> None:
    view = _view(lab, session, variant)
    if lab.header is not None:
        lab.header(view)
    if lab.controls is not None:
        lab.controls(view)
    view = _view(lab, session, variant)
    try:
        _build_if_needed(view)
    except NotReady as waiting:
        st.info(str(waiting), icon=":material/upload_file:")
        return
    except ValueError as error:  # settings the engine refuses: say so, keep the page alive
        st.error(f"These settings do not work together: {error}", icon=":material/error:")
        return
    _live(lab, session, variant)
    if lab.explain:
        with st.expander("How to read the picture"):
            st.markdown(lab.explain)
    if lab.after_live is not None:
        lab.after_live(_view(lab, session, variant))
    if lab.measurement is not None:
        _verdict_section(lab, session, variant)
    if lab.after_verdict is not None:
        lab.after_verdict(_view(lab, session, variant))


# -- the learners -------------------------------------------------------------------------------------------

def _set_round(session: LabSession, race) -> None:
    """The learners' round into its setting (and so the link), for labs that keep it."""
    if "n" in session.by_name:
        session.set(n=race.rounds)


def _settings_key(view: View) -> tuple:
    names = view.lab.rebuild_on(view.variant) if callable(view.lab.rebuild_on) else view.lab.rebuild_on
    return tuple(view.values[name] for name in names) + (int(view.values["seed"]),)


def _build(view: View, seed: int, rounds: int) -> None:
    """New learners for the settings and ``seed``, stepped ``rounds`` times."""
    slot = view.slot
    view.values["seed"] = int(seed)
    race = view.lab.build(view.values, int(seed))
    slot.race, slot.key = race, _settings_key(view)
    slot.data.clear()
    slot.changed()
    if view.lab.budget is not None:
        race.budget = int(view.lab.budget(view.values))
    if rounds:
        _advance(view, rounds)
    _set_round(view.session, race)


def _build_if_needed(view: View) -> None:
    slot, lab = view.slot, view.lab
    if slot.race is not None and lab.budget is not None:
        slot.race.budget = int(lab.budget(view.values))
    if slot.key == _settings_key(view):
        return
    if slot.race is not None and lab.replay:
        rounds = slot.race.rounds                      # a live switch: replay to the same round
    elif slot.race is None:  # the first learners of this session: the link's round, once
        rounds = view.session.first_link_round(view.values)
    else:
        rounds = 0
    _build(view, int(view.values["seed"]), rounds)


def _advance(view: View, steps: int) -> int:
    """Up to ``steps`` rounds, stopping when the learners are finished; returns the rounds taken."""
    race, taken = view.race, 0
    for i in range(steps):
        if race.finished:
            break
        if view.lab.step is not None:
            view.lab.step(view, i == steps - 1)
        else:
            race.step()
        taken += 1
    if taken:
        view.slot.changed()
    _set_round(view.session, race)
    return taken


def _action(lab: Lab, session: LabSession, variant: str, action: str) -> None:
    """A run button's callback: runs before the fragment redraws, so the buttons show its effect."""
    view = _view(lab, session, variant)
    slot = view.slot
    slot.error = None
    try:
        if action == "step":
            _advance(view, 1)
        elif action == "run10":
            _advance(view, 10)
        elif action in ("reset", "new_seed"):
            seed = int(np.random.default_rng().integers(0, 1_000_000)) if action == "new_seed" else view.values["seed"]
            session.set(seed=seed)
            view.values["seed"] = seed
            _build(view, seed, 0)
        elif action in ("play", "pause"):
            slot.playing = action == "play"
            slot.last_tick = 0.0
    except ValueError as error:
        slot.playing = False
        slot.error = f"The learners could not take that step: {error}"


def act(view: View, change: Callable[..., Any], *args) -> None:
    """Run a lab's own change to its learners, the way the run buttons' are run: use it as the
    ``on_click`` of a lab's own button (``on_click=live.act, args=(view, change, ...)``).

    ``change(view, *args)`` runs before the live part is drawn again, on a
    fresh view of the same learners. A ValueError it raises is said in the
    live part instead of a traceback; otherwise the learners get a new
    revision (charts follow, the memo is cleared) and the round goes into
    the link.
    """
    fresh = _view(view.lab, view.session, view.variant)
    fresh.slot.error = None
    try:
        change(fresh, *args)
    except ValueError as error:
        fresh.slot.error = f"That did not work: {error}"
        return
    fresh.slot.changed()
    _set_round(fresh.session, fresh.race)


def _live(lab: Lab, session: LabSession, variant: str) -> None:
    """The live fragment: buttons, status and the lab's picture. Play reruns it on a timer."""
    slot = session.slot(variant)
    speed = session.values().get("speed", "normal")
    interval = controls.SPEEDS.get(speed, controls.SPEEDS["normal"])
    playing = slot.playing

    @st.fragment(run_every=interval if playing else None)
    def live() -> None:
        view = _view(lab, session, variant)
        slot = view.slot
        if slot.playing and not slot.race.finished and time.monotonic() - slot.last_tick >= 0.8 * interval:
            _action(lab, session, variant, "step")  # a tick of Play
            slot.last_tick = time.monotonic()
        if slot.playing and slot.race.finished:
            slot.playing = False
        if slot.playing != playing:
            st.rerun()  # Play / Pause change the fragment's timer, which only a full run can set
        if lab.run_actions:
            controls.run_buttons(f"{lab.name}.{variant}.run" if variant else f"{lab.name}.run",
                                 playing=slot.playing, finished=slot.race.finished, step_help=lab.step_help,
                                 on_action=lambda action: _action(lab, session, variant, action),
                                 actions=lab.run_actions)
        if slot.error:
            st.error(slot.error, icon=":material/error:")
        view = _view(lab, session, variant)  # Reset and New seed make new learners
        status = f"Round {view.race.rounds} · {lab.status(view)}"
        if view.slot.playing:
            status += " · playing"
        st.markdown(status)
        for note in dict.fromkeys(loop.note for loop in view.race.loops.values() if loop.note):
            st.info(note, icon=":material/info:")  # for example: one class labeled so far
        lab.draw(view)
        session.write_url()

    live()


# -- drawing helpers for labs -----------------------------------------------------------------------------------

PANEL_MIN_WIDTH = 260  # pixels: with three panels or more, a panel narrower than this moves to a new row


def panels(items: Sequence[figures.Panel], caption: str = "") -> None:
    """Learners' panels, each a title, a subtitle and its picture.

    Two panels share a row (stacked on a phone). Three or more wrap: each is
    :data:`PANEL_MIN_WIDTH` wide, so a small laptop shows two to a
    row instead of four unreadable ones. Pictures line up at the bottom. A
    panel's strip (:attr:`ui.figures.Panel.strip`, thumbnails, say) sits
    under its picture, at its own size, so pixel art stays crisp.
    """
    if len(items) <= 2:
        places = st.columns(len(items), gap="medium", vertical_alignment="bottom")
    else:
        row = st.container(horizontal=True, gap="medium", vertical_alignment="bottom")
        places = [row.container(width=PANEL_MIN_WIDTH) for _ in items]
    for place, panel in zip(places, items):
        with place:
            st.markdown(f"**{panel.title}**  \n{panel.subtitle}" if panel.subtitle else f"**{panel.title}**")
            st.image(panel.picture, width="stretch")
            if panel.strip:
                st.image(panel.strip, caption=panel.strip_caption or None)
    if caption:
        st.caption(caption)


def curves(view: View, named: Mapping[str, tuple], *, colours: Sequence[str] = figures.LEARNER_COLOURS,
           x_range=None, height: int = 260, caption: str = "", current: Optional[float] = None,
           x_title: str = "labels used", events: Optional[Mapping[str, float]] = None, key: str = "curves",
           legend_rows: int = 2, stops: Optional[Mapping[str, Mapping]] = None) -> None:
    """This run's learning curves: test accuracy after each round, the current round dotted.

    The x axis counts labels unless ``x_title`` says otherwise (arrivals seen,
    say), with ``current`` dotted (the first learner's labels when None) and
    ``events`` marked (``{"drift": 250}``). ``key`` tells two charts of one
    view apart; ``legend_rows`` keeps room for a legend that wraps on a phone.
    Where a stopping rule fired for a learner, its curve carries a mark, and
    the caption says what the marks are. ``stops`` maps a curve's name to its
    rules' stops (``alcore.stopping.Stop`` by rule); by default they come from
    the learners when they watch stopping rules (``race.stops()``).
    """
    if current is None:
        current = next(iter(view.race.loops.values())).n_labeled
    if stops is None:
        stops = view.race.stops() if callable(getattr(view.race, "stops", None)) else {}
    marks = {words: {name: (by_rule[rule].n_labels, by_rule[rule].accuracy) for name, by_rule in stops.items()
                     if name in named and rule in by_rule}
             for rule, words in stopping.RULES.items()}
    marks = {words: points for words, points in marks.items() if points}
    symbols = {words: i for i, words in enumerate(stopping.RULES.values())}  # a rule keeps its symbol
    chart = figures.learning_curves(named, current=current, colours=colours, height=height,
                                    x_range=x_range, revision=view.slot.revision, x_title=x_title, events=events,
                                    legend_rows=legend_rows, marks=marks, mark_symbols=symbols,
                                    y_range=figures.accuracy_range(*(acc for _, acc in named.values())))
    st.plotly_chart(chart, theme=None, config=figures.PLOTLY_CONFIG, key=f"{view.lab.name}.{view.variant}.{key}")
    if marks:
        glyphs = ", ".join(f"{figures.MARK_GLYPHS[symbols[words]]} {words}" for words in marks)
        caption = (caption + " " if caption else "") + (
            f"Marks: where a stopping rule would have stopped that learner ({glyphs}), at the test accuracy "
            "then; the rules never look at the test set.")
    if caption:
        st.caption(caption)


def metric(container, label: str, value: str, delta: Optional[float] = None, delta_text: str = "",
           lower_is_better: bool = False, note: str = "") -> None:
    """A card: a value, and either a signed change (coloured, no arrow on a tie) or a plain note."""
    if delta is None:
        container.metric(label, value, note or None, delta_color="off", delta_arrow="off")
        return
    tie = round(delta, 10) == 0
    container.metric(label, value, delta_text, delta_color="off" if tie else ("inverse" if lower_is_better else "normal"),
                     delta_arrow="off" if tie else "auto")


# -- the measurement and its verdict --------------------------------------------------------------------------

def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    return f"{seconds / 60:.0f} min"


def _look(keys: Mapping[str, tuple], *, start: bool) -> tuple[dict, dict]:
    """(results known, jobs running) for the measurement's parts; raises what a part raised."""
    results, running = {}, {}
    for part, key in keys.items():
        result, job = jobs.request(key, start=start)
        if result is not None:
            results[part] = result
        elif job is not None:
            running[part] = job
    return results, running


def _verdict_section(lab: Lab, session: LabSession, variant: str) -> None:
    """The verdict container: the measurement over seeds, its progress, then the lab's verdict."""
    values = _view(lab, session, variant).values
    keys = lab.measurement(values)
    started = session.state.extra.setdefault("started", set())
    estimate = sum(jobs.estimated_seconds(key) for key in keys.values())
    allowed = estimate <= EXPENSIVE_SECONDS or tuple(keys.values()) in started
    first_look = session.state.extra.get(f"looked_at.{variant}") != keys
    session.state.extra[f"looked_at.{variant}"] = keys
    failure = None
    try:
        results, running = _look(keys, start=allowed)
        if running and first_look:  # quick measurements are shown in this run
            for job in running.values():
                jobs.scheduler().wait(job, FIRST_WAIT / len(running))
            results, running = _look(keys, start=allowed)
        polling = bool(running)
    except Exception as error:  # noqa: BLE001 - said inside the fragment below; the next full run tries again
        failure, polling = error, False

    box = st.container(key="verdict")
    with box:
        st.subheader(lab.measurement_title(values))
        if failure is None and not running and len(results) < len(keys):
            # Not started: an expensive measurement waits for a click. The button sits outside the
            # fragment below, so its click reruns the whole page, which starts the measurement and its
            # progress timer (no st.rerun() from inside a fragment).
            st.button(f"Run it (about {_duration(estimate)} on this server)", key=f"{lab.name}.{variant}.measure",
                      icon=":material/play_arrow:", type="primary", on_click=started.add,
                      args=(tuple(keys.values()),))
            st.caption("These settings take a while to measure over many seeds, so the measurement starts "
                       "when you ask. Fewer seeds or a smaller pool make it quicker. The result is kept: "
                       "anyone coming back to these settings sees it at once.")
            return

        @st.fragment(run_every=POLL if polling else None)
        def measured() -> None:
            view = _view(lab, session, variant)
            if lab.measurement(view.values) != keys:
                st.rerun()  # a setting drawn in here changed what is measured: the whole page follows
            try:
                if failure is not None:
                    raise failure
                results, running = _look(keys, start=allowed)
            except ValueError as error:
                st.error(f"The measurement could not run: {error}", icon=":material/error:")
                if polling:
                    st.rerun()
                return
            except Exception as error:  # noqa: BLE001 - a worker failed: say so, keep the page
                st.error(f"The measurement failed ({type(error).__name__}); try again later.",
                         icon=":material/error:")
                if polling:
                    st.rerun()
                return
            if len(results) == len(keys):
                if polling:
                    st.rerun()  # done: a full run shows it and stops the timer (only a full run can)
                lab.verdict(view, results)
                return
            if not running:  # a part stopped without a result (its job was dropped): the full run decides
                st.rerun()
            _progress(running, len(keys), len(results))

        measured()


def _progress(running: Mapping[str, jobs.Job], n_parts: int, n_done: int) -> None:
    """How far the running parts are, or their place in the queue."""
    scheduler = jobs.scheduler()
    done = (n_done + sum(job.progress for job in running.values())) / n_parts
    ahead, seconds = max((scheduler.queue(job) for job in running.values()), key=lambda q: q[1])
    if any(job.started is not None for job in running.values()):
        elapsed = time.perf_counter() - min(job.started for job in running.values() if job.started is not None)
        text = f"Measuring in the background... {done:.0%} ({elapsed:.0f} s so far, about {_duration(seconds)} to go)"
    else:
        text = (f"Queued: {ahead} measurement{'s' if ahead != 1 else ''} for other visitors run first; "
                f"about {_duration(seconds)}.")
    st.progress(done, text=text)
    st.caption("Step the learners above meanwhile. The result is kept, so these settings come back instantly.")
