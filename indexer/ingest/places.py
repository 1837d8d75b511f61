"""China's administrative divisions by name: provinces, cities and counties, from the
data file of ``cpca`` (3,500 names with their codes), read without importing cpca (its
``__init__`` loads pandas).

A place's name is written whole (新乡市, 红旗区) or short, without its level (新乡, 红旗):
``place_names`` gives both, for telling place names from the terms a report coins.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from functools import cache
from pathlib import Path

# The level a division's name ends with, longest first (自治县 before 县).
_LEVEL = re.compile(
    r"(?:特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|自治旗|"
    r"地区|林区|特区|新区|矿区|省|市|区|县|旗|盟)$"
)


@cache
def divisions() -> dict[str, str]:
    """Each division's full name and its 12-digit code (the first of equal names)."""
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the cpca package (administrative divisions) is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    with open(path, encoding="utf-8", newline="") as f:
        found: dict[str, str] = {}
        for row in csv.DictReader(f):
            found.setdefault(row["name"], row["adcode"])
    return found


def short_name(name: str) -> str:
    """A division's name without its level (新乡市 -> 新乡; a name of two characters
    keeps its level: 和县 is no place without it)."""
    short = _LEVEL.sub("", name)
    return short if len(short) >= 2 else name


@cache
def place_names() -> frozenset[str]:
    """Every division's full and short name."""
    names = set(divisions())
    return frozenset(names | {short_name(n) for n in names})
