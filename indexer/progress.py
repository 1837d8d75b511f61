"""The progress bars of an index run: bytes done, MB/s and ETA, on stderr."""

from __future__ import annotations

import sys
from typing import Any

from tqdm import tqdm


def bar(desc: str, total: int, progress: bool | None, unit: str = "B") -> Any:
    """A tqdm bar in bytes (with MB/s and ETA), or in another ``unit``, on stderr;
    ``None`` shows it only when stderr is a terminal."""
    disable = None if progress is None else not progress
    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        unit_scale=unit == "B",
        unit_divisor=1024,
        file=sys.stderr,
        disable=disable,
        leave=False,
    )
