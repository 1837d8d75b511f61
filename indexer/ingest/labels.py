"""What the query side needs of a document's metadata: its fields and the label people
cite it by, without the metadata extractor (whose patterns cost every command 8 ms to
compile at import)."""

from __future__ import annotations

from typing import Any

FIELDS = (
    "title",
    "region",
    "year",
    "date",
    "speaker",
    "role",
    "meeting",
    "doc_number",
    "authority",
    "doc_type",
)


def document_label(meta: dict[str, Any]) -> str:
    """A document as people cite it: region, year and title, and the 文号 of an official
    document (``doc``, the id, when nothing else is known).

    >>> document_label({"doc": "a.txt", "title": "政府工作报告", "region": "偃师区", "year": 2022})
    '偃师区 2022 政府工作报告'
    >>> document_label({"doc": "b.txt", "title": "关于印发规划的通知", "year": 2021,
    ...                 "doc_number": "国发〔2021〕29号"})
    '2021 关于印发规划的通知 国发〔2021〕29号'
    >>> document_label({"doc": "c.txt", "title": "2024年政府工作报告", "region": "全国", "year": 2024})
    '全国 2024年政府工作报告'
    """
    title = meta.get("title") or ""
    # What the title says already is not said again: 2021年政府工作报告 has its year.
    parts = [meta.get("region"), meta.get("year"), title, meta.get("doc_number")]
    said = [part for part in parts[:2] if part and str(part) in title]
    return " ".join(str(part) for part in parts if part and part not in said) or meta["doc"]
