"""Batch Diversity Explorer (placeholder until its issue lands)."""

import streamlit as st

st.title("Batch diversity")
st.info("This lab is coming soon: top-k, k-centers and a hybrid picking batches side by side, "
        "with a batch-size slider. Meanwhile, try the batch size setting on the Arena.",
        icon=":material/construction:")
st.page_link("app_pages/arena.py", label="Go to the Arena", icon=":material/arrow_forward:")
