"""Compute the t-SNE map of scikit-learn's 1,797 digit images that the Arena draws digits on.

    python bench/make_digits_map.py        # writes alcore/digits_tsne.npy (about half a minute)

t-SNE is too slow to run while a visitor waits, and its picture must not
change from one visit to the next, so it is computed once, here, and kept
(``alcore.embedding.DIGITS_MAP``). ``tests/test_embedding.py`` checks that
the stored map keeps the digits' neighbourhoods.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere without installing

import numpy as np  # noqa: E402

from alcore.embedding import DIGITS_MAP, compute_digits_map  # noqa: E402


def main() -> None:
    started = time.perf_counter()
    coordinates = compute_digits_map()
    np.save(DIGITS_MAP, coordinates)
    print(f"{DIGITS_MAP}: {coordinates.shape[0]} points in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
