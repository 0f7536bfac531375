"""Failure-mode lab (placeholder until its issue lands)."""

import streamlit as st

st.title("When active learning fails")
st.info("This lab is coming soon: miscalibration, sampling bias, outliers and cold start, each with "
        "its fix on a toggle. Meanwhile, the Arena shows when random sampling keeps up.",
        icon=":material/construction:")
st.page_link("app_pages/arena.py", label="Go to the Arena", icon=":material/arrow_forward:")
