"""Entry point: `streamlit run app.py`."""

import streamlit as st

st.set_page_config(page_title="Active learning, hands on", layout="wide")
st.title("Active learning, hands on")
st.write("The labs are on their way.")
