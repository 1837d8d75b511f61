"""Speed and quality harnesses (run as scripts: ``python benchmarks/run.py`` …)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_report(path: Path, report: dict[str, Any]) -> None:
    """A harness's report as indented JSON (UTF-8, Chinese as is), folders made."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
