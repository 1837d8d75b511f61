"""A report's targets for the year, read from its targets statement.

Every work report states its 主要预期目标 in one sentence: ``主要预期目标是：国内生产总值
增长5%左右；城镇新增就业1200万人以上，…``. Read into rows, one per indicator: the
indicator (``国内生产总值增长``), the value as printed (``5%左右``), its numbers (a range
``6%－6.5%`` is 6 to 6.5), unit and modifier (``左右``, ``以上``, ``以内``, ``不低于``).
An indicator named without a number (``居民收入增长和经济增长同步``) keeps its text with
empty numbers. Only the statement is read: the same reports quote last year's results in
the same words (``国内生产总值增长3%``), and those are no targets.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

# The statement's opening: 主要预期目标是： / 主要目标为： / 预期目标是：
STATEMENT = re.compile(r"(?:主要预期|预期|主要)目标(?:是|为)\s*[:：]")
_CLAUSES = re.compile(r"[，；;,]")
_NUMBER = r"\d+(?:\.\d+)?"
_UNIT = r"个百分点|[%％‰]|[万亿千百]*(?:元|人|斤|吨|千瓦时|千瓦|平方米|公里|亩|个|家|户|套|辆|项|所|床|天|倍)?"
_BEFORE = r"不低于|不少于|不高于|不超过|低于|高于|超过|力争|确保"
_AFTER = r"左右|以上|以内|以下|上下"
# A number glued to Latin letters names something (PM2.5, 5G), one before 年 is a year
# (比2000年翻一番): neither is a value.
VALUE = re.compile(
    rf"(?P<before>{_BEFORE})?(?<![A-Za-z\d.])(?P<low>{_NUMBER})(?![\d.]|年)(?P<unit1>{_UNIT})"
    rf"(?:\s*[－\-—–~～至到]\s*(?P<high>{_NUMBER})(?P<unit2>{_UNIT}))?(?P<after>{_AFTER})?"
)
# Verbs that only say a value follows: not part of what is measured.
_SETTING = re.compile(r"(?:控制在|保持在|稳定在|达到|提高到|降低到|下降到|实现)$")
# What is said of each item of a list that shares one value (A、B、C增速7.5%以上).
_PREDICATE = re.compile(r"(增长|增速|涨幅|下降|降低|提高|增加)$")


@dataclass(frozen=True)
class Target:
    indicator: str
    value: str  # as printed; "" for an indicator named without a number
    low: float | None
    high: float | None
    unit: str
    modifier: str
    paragraph: int  # the statement's

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def targets(paragraphs: list[tuple[int, str]]) -> list[Target]:
    """The targets of the first targets statement among ``(number, text)`` paragraphs."""
    for n, text in paragraphs:
        found = STATEMENT.search(text)
        if found:
            statement = text[found.end() :].split("。")[0]
            return [t for clause in _CLAUSES.split(statement) for t in _read(clause, n)]
    return []


def _read(clause: str, paragraph: int) -> list[Target]:
    clause = clause.strip()
    if not clause:
        return []
    values = list(VALUE.finditer(clause))
    if not values:
        return [Target(clause, "", None, None, "", "", paragraph)]
    first = values[0]
    named = _SETTING.sub("", clause[: first.start()].strip())
    shared = clause[: first.start()].endswith("分别") or "分别" in clause[: first.start()]
    named = named.replace("分别", "")
    items = _items(named)
    if shared and len(values) == len(items):  # A、B分别增长5%、6%
        pairs = list(zip(items, values, strict=True))
    else:
        pairs = [(item, first) for item in items]
    return [_target(item, value, paragraph) for item, value in pairs]


def _items(named: str) -> list[str]:
    """An indicator named as a list (地区生产总值、人均GDP、全员劳动生产率增速) as one
    indicator per item, each with what is said of the last (增速)."""
    parts = [p for p in named.split("、") if p]
    said = _PREDICATE.search(parts[-1]) if len(parts) > 1 else None
    if said is None or said.start() == 0:
        return [named]
    parts[-1] = parts[-1][: said.start()]
    return [part + said.group(1) for part in parts]


def _target(indicator: str, value: re.Match[str], paragraph: int) -> Target:
    low = float(value["low"])
    high = float(value["high"]) if value["high"] else low
    unit = value["unit2"] or value["unit1"] or ""
    modifier = value["before"] or value["after"] or ""
    return Target(indicator, value.group(0), low, high, unit, modifier, paragraph)
