"""Streamlit + plotly glue shared by the pages (no active-learning maths here).

- :mod:`ui.state`: session-state slots and URL query-parameter sync.
- :mod:`ui.controls`: the shared widgets, in the order data, model, strategy, run.
- :mod:`ui.figures`: pure plotly figure builders (arrays in, figure out).
"""
