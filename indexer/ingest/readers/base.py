"""What every reader returns."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ReadResult:
    text: str
    meta: dict[str, str] = field(default_factory=dict)  # hints: title, date, authority
