"""Paragraph records are stored slim and read whole (``indexer.paragraph_record``)."""

from __future__ import annotations

import numpy as np

from indexer.schema import PARAGRAPH, document_id


def _written(parsed_seeds):
    """Every seed paragraph's fields as the writer is given them, by id."""
    written = {}
    for parsed in parsed_seeds.values():
        meta = parsed.meta
        report = {"doc": meta.doc, "title": meta.title}
        report.update((k, v) for k in ("region", "year", "date") if (v := getattr(meta, k)))
        for p in parsed.paragraphs:
            written[f"{meta.doc}#{p.n}"] = {
                **report,
                "id": f"{meta.doc}#{p.n}",
                "kind": PARAGRAPH,
                "n": p.n,
                "heading": p.heading,
                "section": p.section_path,
                "text": p.text,
            }
    return written


def test_every_paragraph_reads_back_as_written(seed_index, parsed_seeds):
    written = _written(parsed_seeds)
    read = {p["id"]: p for p in seed_index.snapshot().paragraph_records()}
    assert read.keys() == written.keys()
    for name, fields in written.items():
        assert read[name] == fields, name
        assert list(read[name]) == sorted(fields)  # in the order Whoosh stores fields


def test_a_paragraph_stores_only_what_nothing_else_holds(seed_index, parsed_seeds):
    snapshot = seed_index.snapshot()
    searcher = snapshot.searcher
    records = [
        searcher.stored_fields(d) for d in np.flatnonzero(snapshot.paragraphs.whole()).tolist()
    ]
    assert {name for record in records for name in record} == {"n", "text", "section", "heading"}
    assert all(record.get("heading", True) is True for record in records)  # stored when so
    # A section is a number in the list its report's record stores, stored when not 0.
    for doc, parsed in parsed_seeds.items():
        sections = searcher.document(id=document_id(doc))["section"]
        assert sections == list(
            dict.fromkeys(p.section_path for p in parsed.paragraphs if p.section_path)
        )
    assert all(record.get("section", 1) >= 1 for record in records)
    stored = sum(len(record["text"].encode("utf-8")) for record in records)
    texts = [p.text.encode("utf-8") for parsed in parsed_seeds.values() for p in parsed.paragraphs]
    assert stored < 0.12 * sum(map(len, texts))  # a patch on the key, not the text
    # No paragraph has an ``id`` term: the report's record and the index's own have.
    ids = {term.decode("utf-8") for term in searcher.reader().lexicon("id")}
    assert {document_id(doc) for doc in parsed_seeds} <= ids
    assert not any(name.split("#")[-1].isdigit() for name in ids)


def test_a_report_with_no_region_year_or_date_gives_its_paragraphs_none(index_of):
    from indexer.api import PolicyIndex

    text = "第一条为了深化“放管服”改革，制定本办法（ABC試行）。"
    index_dir = index_of({"notes.txt": f"关于印发办法的通知\n\n{text}\n"})
    with PolicyIndex.open(index_dir) as ix:
        records = list(ix.snapshot().paragraph_records())
    assert records and all({"region", "year", "date"}.isdisjoint(p) for p in records)
    assert records[-1]["text"] == text
