"""Home: what active learning is, the loop, and a card for each lab."""

import streamlit as st

st.title("Active learning, hands on")
st.markdown(
    "Labels are expensive: someone has to look at each example and say what it is. "
    "**Active learning** lets the model choose which examples to ask about, instead of "
    "labeling a random sample. When it works, a model reaches the same accuracy with fewer "
    "labels. When it does not, it can do worse than random. These labs let you watch both happen."
)

st.subheader("The loop")
loop_columns = st.columns(4)
for column, (title, text) in zip(loop_columns, [
    ("1. Fit", "Train the model on the few labels you have."),
    ("2. Score", "Give every unlabeled point a score: how much would its label help?"),
    ("3. Ask", "Show the highest-scoring point (or a batch) to a person, who labels it."),
    ("4. Repeat", "Add the new label and go back to 1, until the label budget is spent."),
]):
    with column.container(border=True):
        st.markdown(f"**{title}**")
        st.caption(text)
st.caption("Every lab compares learners on a held-out test set that is never labeled or scored, "
           "and reports numbers as a mean with a 95% interval over many random seeds.")

st.subheader("The labs")
LABS = [
    ("app_pages/arena.py", "Arena: active vs random",
     "Two learners race on the same data. Step through it, watch where each one asks, and see "
     "over 20 seeds whether the active one really needs fewer labels."),
    ("app_pages/batch.py", "Batch diversity",
     "Teams label in batches. See why the top-k most uncertain points are often near-duplicates, "
     "and how diverse batches fix it."),
    ("app_pages/failures.py", "When it fails",
     "Overconfident models, a cluster nobody visits, outliers and a cold start: each failure made "
     "visible, with its fix on a toggle."),
    ("app_pages/stream.py", "Stream: ask now or never",
     "Points arrive one at a time and the learner must ask now or let each pass for good. Move the threshold "
     "and the budget, and watch a drifting stream catch a fixed threshold out."),
    ("app_pages/synthesis.py", "Query synthesis",
     "The learner makes up its own questions on its boundary: on the plane, often far from any data; as digit "
     "blends, often no digit at all. Label them yourself, or say you can't tell."),
    ("app_pages/zoo.py", "Acquisition zoo",
     "Every acquisition function on one model, side by side: where each one would ask, how often they "
     "agree, and why three uncertainty measures part ways with three classes."),
    ("app_pages/oracle.py", "You are the oracle",
     "Label handwritten digits yourself: see what your mistakes cost the model, let it label what it is "
     "sure of, and learn when to stop asking."),
]
for row in range(0, len(LABS), 3):  # three cards to a row
    for column, (page, title, text) in zip(st.columns(3), LABS[row:row + 3]):
        with column.container(border=True):
            st.markdown(f"**{title}**")
            st.caption(text)
            st.page_link(page, label="Open", icon=":material/arrow_forward:")
