"""numpy helpers of the query path, and of the files it maps."""

from __future__ import annotations

import numpy as np


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values, as ``np.unique(values)`` gives them, without its cost
    to a new process: numpy 2.4's ``unique`` asks whether its argument is a masked array,
    which imports ``numpy.ma`` (15 ms) on a command-line query's first call."""
    ordered = np.sort(values, axis=None)
    if len(ordered) < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def narrow(offsets: np.ndarray) -> np.ndarray:
    """Sorted offsets as 32-bit numbers where they fit (a mapped file's arrays), else as
    they are."""
    return offsets.astype(np.uint32) if not len(offsets) or offsets[-1] < 2**32 else offsets
