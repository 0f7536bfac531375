"""Small helpers the benches share: the machine's load, and how a list of timings is summarised."""

from __future__ import annotations

import os
import statistics


def load_average() -> str:
    """The 1, 5 and 15 minute load averages and the core count, as one phrase."""
    return f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores"


def percentile(values, share: float) -> float:
    """The value below which ``share`` (0-1) of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def spread(values, unit: str = "ms", digits: int = 0) -> str:
    """"median 12 ms, p90 15, min 10, max 18 (n=20)"."""
    return (f"median {statistics.median(values):.{digits}f} {unit}, p90 {percentile(values, 0.9):.{digits}f}, "
            f"min {min(values):.{digits}f}, max {max(values):.{digits}f} (n={len(values)})")
