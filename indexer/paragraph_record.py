"""A paragraph's stored record holds only what the index keeps nowhere else.

Until schema 15 every paragraph stored its report's name, title, region, year and date,
its own id and kind, and its whole text: 1.5× the text at 200 MB, for what the report's
record, the columns and the match key already hold. Now it stores its number, the
number of its section (if any) in its report's list of them, which the report's record
stores, ``heading`` (if it is one) and its text as a patch on its match key
(``analyzers.normalize.text_patch``: about a tenth of the text's bytes), and no ``id``
term either (one per paragraph, a fifth of the term tables). ``whole`` gives the record
back as it was written, which is what every reader of a paragraph sees
(``Snapshot.stored_fields``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from analyzers.normalize import restore, text_patch
from indexer.schema import PARAGRAPH

# What a report's record stores that each of its paragraphs is read with.
REPORT_FIELDS = ("doc", "title", "region", "year", "date")


# What a paragraph's record does not store (``indexer.bulk.BulkWriter``'s ``_unstored``).
UNSTORED = ("kind", *REPORT_FIELDS)


def section_numbers(sections: Iterable[str]) -> dict[str, int]:
    """A report's section paths, numbered from 1 in the order they come ("" is 0: none)."""
    numbers = {"": 0}
    for section in sections:
        numbers.setdefault(section, len(numbers))
    return numbers


def report_sections(numbers: dict[str, int]) -> dict[str, Any]:
    """What a report's record stores of its sections, as arguments to ``add_document``:
    their paths in order (nothing indexed: its words are its paragraphs')."""
    paths = list(numbers)[1:]
    return {"section": "", "_stored_section": paths} if paths else {}


def slim(text: str, heading: bool, section: int) -> dict[str, Any]:
    """What a paragraph's record stores instead of its fields, as arguments to
    ``indexer.bulk.BulkWriter.add_document`` (``_stored_<name>``, Whoosh's: None for
    nothing); ``section``: its section's number (``section_numbers``)."""
    return {
        "_unstored": UNSTORED,
        "_stored_text": text_patch(text),
        "_stored_heading": True if heading else None,
        "_stored_section": section or None,
    }


def is_slim(stored: dict[str, Any]) -> bool:
    """Whether a stored record is a paragraph's (every other kind stores its kind)."""
    return "kind" not in stored


def whole(stored: dict[str, Any], key: str, report: dict[str, Any]) -> dict[str, Any]:
    """A paragraph's fields as written: ``stored`` its record, ``key`` its match key,
    ``report`` its report's stored fields."""
    record = {name: report[name] for name in REPORT_FIELDS if name in report}
    n, section = stored["n"], stored.get("section", 0)
    record.update(
        id=f"{record['doc']}#{n}",
        kind=PARAGRAPH,
        n=n,
        heading=stored.get("heading", False),
        section=report["section"][section - 1] if section else "",
        text=restore(key, stored.get("text", "")),
    )
    return dict(sorted(record.items()))  # in the order the writer stores fields
