"""alcore: the active-learning engine behind the app.

numpy, scipy and scikit-learn only; no streamlit, no plotly. Modules:

- :mod:`alcore.data`: datasets, each with a pool, a test split and hidden labels.
- :mod:`alcore.models`: model factories, a one-column-per-class wrapper, committees.
- :mod:`alcore.bayes`: models that sample their posterior (MC dropout, Laplace).
- :mod:`alcore.scores`: acquisition functions (utilities, higher = ask first).
- :mod:`alcore.batch`: batch selectors (top-k, k-center, hybrid, random, BADGE, BatchBALD).
- :mod:`alcore.registry`: names -> strategies and selectors, with descriptions.
- :mod:`alcore.fixes`: temperature scaling, calibration error, epsilon-greedy, density, cluster seed.
- :mod:`alcore.loop`: the active-learning loop, races and multi-seed curves.
- :mod:`alcore.failures`: four failure modes, their scenarios and fixes, measured over seeds.
- :mod:`alcore.stream`: stream-based selective sampling.
- :mod:`alcore.synthesis`: membership-query synthesis.
- :mod:`alcore.stats`: means, 95% intervals and labels-to-target over seeds.
- :mod:`alcore.zoo`: every acquisition function on one learner: picks, maps, rank agreement.
"""

__version__ = "0.1.0"
