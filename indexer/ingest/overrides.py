"""Metadata the user supplies or corrects: ``--meta FILE.json`` and sidecar files.

``--meta`` maps file names (or paths) to fields; a sidecar ``NAME.meta.json`` (or
``NAME.txt.meta.json``) next to a document holds that document's fields. The sidecar
wins over ``--meta``, both win over what was read from the text. Only the known fields
are accepted, so a typo is an error rather than silently ignored.

>>> apply_overrides(DocMeta("a.txt", "a"), {"region": "新华区", "year": "2019"}).year
2019
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from indexer.errors import ReaderError, UsageError
from indexer.ingest.labels import FIELDS
from indexer.ingest.metadata import DocMeta

Overrides = dict[str, Any]
SIDECAR_SUFFIX = ".meta.json"


def load_meta_file(path: Path) -> dict[str, Overrides]:
    """The ``--meta`` table: ``{"name or path": {"field": value}}``."""
    try:
        table = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read --meta {path}: {exc}") from None
    if not isinstance(table, dict) or not all(isinstance(v, dict) for v in table.values()):
        raise UsageError(f'--meta {path}: expected {{"file name": {{"field": value}}}}')
    for name, fields in table.items():
        _check(fields, f"--meta {path}: {name}", UsageError)
    return table


def overrides_for(path: Path, table: dict[str, Overrides]) -> Overrides:
    """The fields supplied for ``path``: from the table, then from its sidecar."""
    found: Overrides = {}
    for key in (path.name, str(path)):
        found.update(table.get(key, {}))
    for sidecar in (path.with_suffix(SIDECAR_SUFFIX), Path(f"{path}{SIDECAR_SUFFIX}")):
        if sidecar.is_file():
            try:
                fields = json.loads(sidecar.read_text(encoding="utf-8-sig"))
            except (OSError, ValueError) as exc:
                raise ReaderError(f"bad sidecar {sidecar.name}: {exc}") from None
            if not isinstance(fields, dict):
                raise ReaderError(f"bad sidecar {sidecar.name}: expected an object of fields")
            _check(fields, f"sidecar {sidecar.name}", ReaderError)
            found.update(fields)
    return found


def _check(fields: Overrides, where: str, error: type[Exception]) -> None:
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise error(f"{where}: unknown field(s) {', '.join(unknown)}; known: {', '.join(FIELDS)}")
    year = fields.get("year")
    if year not in (None, "") and not str(year).isdigit():
        raise error(f"{where}: year must be a number, not {year!r}")


def apply_overrides(meta: DocMeta, overrides: Overrides) -> DocMeta:
    if not overrides:
        return meta
    fields = {
        k: (str(v) if k != "year" else int(v) if v not in (None, "") else None)
        for k, v in overrides.items()
    }
    if "year" not in overrides and fields.get("date", "")[:4].isdigit():
        fields["year"] = int(fields["date"][:4])
    return replace(meta, **fields)


_HINT_DATE = re.compile(r"(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})")


def apply_hints(meta: DocMeta, hints: dict[str, str]) -> DocMeta:
    """Fill what the text did not say from the format's own metadata (an HTML <title>,
    a PubDate meta tag); never overrule what the text said."""
    fields: dict[str, Any] = {}
    if hints.get("title") and meta.title == Path(meta.doc).stem:
        fields["title"] = hints["title"]
    if hints.get("authority") and not meta.authority:
        fields["authority"] = hints["authority"]
    if not meta.date and (found := _HINT_DATE.search(hints.get("date", ""))):
        y, m, d = (int(g) for g in found.groups())
        fields["date"] = f"{y:04d}-{m:02d}-{d:02d}"
        fields["year"] = meta.year or y
    return replace(meta, **fields) if fields else meta
