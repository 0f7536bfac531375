"""A stand-in lab for tests/test_ui_live.py: the live-lab machinery (ui.live) on a tiny race.

Its settings make it refuse to build (``fail=build``), fail a step
(``fail=step``), or ask for a stand-in measurement of the kind :data:`KIND`,
which the tests register in ``ui.measure.KINDS`` (``measure``: ``quick``,
``slow``, ``raise`` or ``crash``; the stand-in decides what each does). It
rebuilds at the same round when strategy A changes (``replay=True``).
The draw shows what the slot keeps, so the tests can read it from the page.
"""

from __future__ import annotations

import streamlit as st

from alcore.data import make_dataset
from alcore.loop import LoopConfig, Race
from ui import live
from ui.controls import run_params
from ui.params import Param

NAME = "fake"
KIND = "stand_in"
N_POOL, SEED_SIZE, BUDGET, SEEDS = 60, 4, 30, 3
PARAMS = (
    Param("a", "margin", choices=("margin", "entropy"), label="strategy A"),
    Param("fail", "none", choices=("none", "build", "step"), label="failure"),
    Param("measure", "quick", choices=("quick", "slow", "raise", "crash"), label="measurement"),
) + run_params(n_high=50)


def build(values, seed: int) -> Race:
    if values["fail"] == "build":
        raise ValueError("the stand-in refuses these settings")
    data = make_dataset("blobs", n_pool=N_POOL, random_state=seed)
    configs = {"A": LoopConfig(strategy=values["a"]), "B": LoopConfig(strategy="random")}
    return Race(data, configs, seed=seed, seed_size=SEED_SIZE, budget=BUDGET)


def step(view, last: bool) -> None:
    if view.values["fail"] == "step":
        raise ValueError("the stand-in cannot step")
    view.race.step()


def sidebar(session) -> None:
    for name in ("a", "fail", "measure"):
        st.selectbox(session.by_name[name].title, session.by_name[name].choices, key=session.key(name))


def status(view) -> str:
    return f"{next(iter(view.race.loops.values())).n_labeled} labels each"


def draw(view) -> None:
    memo_round = view.slot.memo.setdefault("round", view.race.rounds)   # cleared at every change of the learners
    built_at = view.slot.data.setdefault("built_at", view.race.rounds)  # kept until a rebuild
    st.markdown(f"Memo of round {memo_round}; built at round {built_at}.")


def measurement(values) -> dict:
    return {"m": (KIND, (values["measure"], SEEDS))}


def verdict(view, results) -> None:
    st.markdown(f"Stand-in result: {results['m'].tolist()}")


LAB = live.Lab(name=NAME, title="Stand-in lab", intro="A tiny race on the live-lab machinery.", params=PARAMS,
               build=build, rebuild_on=("a", "fail"), draw=draw, status=status, measurement=measurement,
               verdict=verdict, sidebar=sidebar, step=step, replay=True)

if __name__ == "__main__":  # run by AppTest (not when pytest's doctest collection imports this file)
    live.render(LAB)
