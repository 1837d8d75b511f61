"""Report against report: the formulations one uses and the other never does, both ways,
and their targets side by side — this year's report against last year's, a district's
against its city's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analyzers.normalize import match_key
from indexer.errors import DocumentNotFound
from indexer.formulations import NewTerm, new_against
from indexer.lookup import GlossaryLookup
from indexer.schema import DOCUMENT
from indexer.snapshot import Snapshot
from indexer.store import Reports
from indexer.targets import targets_table

SIDE = ("doc", "label", "region", "year", "date")


@dataclass
class Comparison:
    a: dict[str, Any]
    b: dict[str, Any]
    added: list[NewTerm]  # in b, never in a
    dropped: list[NewTerm]  # in a, never in b
    targets: list[dict[str, Any]]  # {"indicator", "a", "b"}: values as printed, or None

    def as_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "added": [t.as_dict() for t in self.added],
            "dropped": [t.as_dict() for t in self.dropped],
            "targets": self.targets,
        }


def compare(
    snapshot: Snapshot,
    a: str,
    b: str,
    limit: int,
    reports: Reports,
    glossary: GlossaryLookup,
) -> Comparison:
    """Report ``b`` against report ``a``. Call with the index's dictionary in scope.

    :raises DocumentNotFound: either is no indexed report.
    """
    sides = []
    for doc in (a, b):
        paragraphs = snapshot.paragraphs_of(doc)
        if not len(paragraphs):
            raise DocumentNotFound(f"no document {doc!r} in the index")
        sides.append((paragraphs, {k: reports[doc].get(k) for k in SIDE}))
    (in_a, side_a), (in_b, side_b) = sides
    added = new_against(snapshot, in_b, in_a, side_b["year"] or 0, limit, reports, glossary)
    dropped = new_against(snapshot, in_a, in_b, side_a["year"] or 0, limit, reports, glossary)
    return Comparison(side_a, side_b, added, dropped, _targets(snapshot, a, b))


def previous_report(snapshot: Snapshot, reports: Reports, doc: str) -> str | None:
    """The report of ``doc``'s region from the latest year before its own (the latest
    dated, if several), to compare it with; None if there is none."""
    report = reports[doc]
    if not report.get("region") or not report.get("year"):
        return None
    records = snapshot.postings("kind", DOCUMENT)[0]
    region = snapshot.region_names.index(report["region"])
    years = snapshot.years[records]
    earlier = records[
        (snapshot.region_codes[records] == region) & (years > 0) & (years < report["year"])
    ]
    if not len(earlier):
        return None
    names = [snapshot.doc_names[c] for c in snapshot.doc_codes[earlier].tolist()]
    return max(
        names, key=lambda name: (reports[name].get("year"), reports[name].get("date") or "", name)
    )


def _targets(snapshot: Snapshot, a: str, b: str) -> list[dict[str, Any]]:
    """Both reports' targets by indicator (as written, quotes and width aside): a's order,
    then those only b states."""
    rows: dict[str, dict[str, Any]] = {}
    for side, doc in (("a", a), ("b", b)):
        for target in targets_table(snapshot, doc=doc).targets:
            if target["doc"] != doc:  # another report whose name starts with this one's
                continue
            row = rows.setdefault(
                match_key(target["indicator"]),
                {"indicator": target["indicator"], "a": None, "b": None},
            )
            row[side] = target["value"]
    return list(rows.values())
