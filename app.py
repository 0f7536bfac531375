"""Entry point: `streamlit run app.py`. The page list and page config, nothing else."""

from pathlib import Path

import streamlit as st

# A local icon file: Streamlit serves it with the page (a Material icon name would be fetched from a CDN).
st.set_page_config(page_title="Active learning, hands on", page_icon=str(Path(__file__).parent / "ui" / "icon.png"),
                   layout="wide")

PAGES = [
    st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("app_pages/arena.py", title="Arena: active vs random", icon=":material/sports_score:", url_path="arena"),
    st.Page("app_pages/batch.py", title="Batch diversity", icon=":material/scatter_plot:", url_path="batch"),
    st.Page("app_pages/failures.py", title="When it fails", icon=":material/warning:", url_path="failures"),
    st.Page("app_pages/stream.py", title="Stream: ask now or never", icon=":material/waves:", url_path="stream"),
    st.Page("app_pages/synthesis.py", title="Query synthesis", icon=":material/auto_fix_high:", url_path="synthesis"),
    st.Page("app_pages/zoo.py", title="Acquisition zoo", icon=":material/pets:", url_path="zoo"),
    st.Page("app_pages/oracle.py", title="You are the oracle", icon=":material/touch_app:", url_path="oracle"),
]

st.navigation(PAGES).run()
