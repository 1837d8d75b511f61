"""The targets table: each report's targets, as its record holds them.

A report's targets statement is read when the report is indexed
(``indexer.ingest.targets``) and kept in its document record; a table of targets reads
the records of the reports asked for — found by year, region and name in the snapshot's
arrays, not by reading every record — and the statement's paragraph once per report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from analyzers.normalize import match_key
from indexer.ingest.labels import document_label
from indexer.matching import Matcher
from indexer.query import Filter
from indexer.schema import DOCUMENT
from indexer.snapshot import Snapshot

COLUMNS = (
    "doc",
    "label",
    "region",
    "year",
    "indicator",
    "value",
    "low",
    "high",
    "unit",
    "modifier",
    "paragraph",
    "text",
)


@dataclass
class TargetsTable:
    reports: int  # reports asked for
    targets: list[dict[str, Any]] = field(default_factory=list)
    without: list[str] = field(default_factory=list)  # reports with no targets statement

    def as_dict(self) -> dict[str, Any]:
        return {"reports": self.reports, "targets": self.targets, "without": self.without}


def targets_table(
    snapshot: Snapshot,
    *,
    year: str | None = None,
    region: str | None = None,
    doc: str | None = None,
    indicator: str | None = None,
) -> TargetsTable:
    """The targets of the reports of ``year`` (``2023`` or ``2021-2023``), ``region`` and
    ``doc`` (a name or its prefix), those whose indicator holds ``indicator`` (quotes,
    width and case aside); by region, year, report, then as the statement lists them."""
    records = snapshot.postings("kind", DOCUMENT)[0]
    keep = np.ones(len(records), dtype=bool)
    matcher = Matcher(snapshot)  # the filters as search applies them
    for name, value in (("year", year), ("region", region), ("doc", doc)):
        if value:
            keep &= matcher.passes(Filter(name, value), records)
    wanted = match_key(indicator) if indicator else ""
    stored = snapshot.searcher.stored_fields
    reports = [stored(number)["data"] for number in records[keep].tolist()]
    reports.sort(key=lambda r: (r.get("region") or "", r.get("year") or 0, r["doc"]))
    table = TargetsTable(len(reports))
    for report in reports:
        label = document_label(report)
        rows = report.get("targets") or []
        if not rows:
            table.without.append(label)
            continue
        texts = _paragraph_texts(snapshot, report["doc"], {row["paragraph"] for row in rows})
        for row in rows:
            if wanted and wanted not in match_key(row["indicator"]):
                continue
            table.targets.append(
                {
                    "doc": report["doc"],
                    "label": label,
                    "region": report.get("region") or "",
                    "year": report.get("year"),
                    **{k: row[k] for k in COLUMNS[4:11]},
                    "text": texts.get(row["paragraph"], ""),
                }
            )
    return table


def _paragraph_texts(snapshot: Snapshot, doc: str, numbers: set[int]) -> dict[int, str]:
    docs = snapshot.paragraphs_of(doc)
    found = docs[np.isin(snapshot.numbers()[docs], list(numbers))]
    texts = (snapshot.stored_fields(d) for d in found.tolist())
    return {t["n"]: t["text"] for t in texts}
