"""A stand-in lab for tests/test_ui_live_actions.py: learners a person teaches through the lab's own
buttons (ui.live.act), only Reset among the run buttons, and no round in the link.

Its learner is a Classroom on a small digits pool; "Answer right" teaches the dataset's label, "Refuse"
raises the ValueError an engine raises for a move it refuses. The draw shows what the slot keeps.
"""

from __future__ import annotations

import streamlit as st

from alcore.data import make_dataset
from alcore.oracle import Classroom
from ui import live
from ui.params import Param

NAME = "person"
PARAMS = (Param("init", 10, low=2, high=20, label="starting labels"), Param("seed", 0, low=0, high=999, label="seed"))


def build(values, seed: int) -> Classroom:
    return Classroom(make_dataset("digits", n_pool=100, n_test=60, random_state=seed), seed=seed,
                     seed_size=int(values["init"]))


def right(view) -> None:
    view.race.step()


def refuse(view) -> None:
    raise ValueError("the stand-in refuses this move")


def draw(view) -> None:
    st.button("Answer right", key="person.right", on_click=live.act, args=(view, right))
    st.button("Refuse", key="person.refuse", on_click=live.act, args=(view, refuse))
    memo = view.slot.memo.setdefault("answers", len(view.race.person.answers))  # cleared at every change
    st.markdown(f"Memo of {memo} answers; revision {view.slot.revision}.")


LAB = live.Lab(name=NAME, title="Stand-in person lab", intro="A person teaches.", params=PARAMS, build=build,
               rebuild_on=("init",), draw=draw, status=lambda view: f"{view.race.person.n_people} labels",
               run_actions=("reset",))

if __name__ == "__main__":  # run by AppTest (not when pytest's doctest collection imports this file)
    live.render(LAB)
