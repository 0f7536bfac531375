"""Each lab's settings, presets and multi-seed measurement, without Streamlit.

One module per lab (:mod:`ui.labs.arena`, :mod:`ui.labs.batch`,
:mod:`ui.labs.failures`): the page imports it for its declaration, and tests
and benches import it to check or measure exactly what the page shows.
``measured.json`` beside them is the lab store (see :mod:`ui.measure`).
"""
