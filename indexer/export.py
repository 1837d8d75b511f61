"""Export for Elasticsearch/OpenSearch: the same analysis, served by a cluster at any scale.

Writes an index mapping and bulk NDJSON. Text is pre-segmented here — jieba words (with
the index's user dictionary) and match-key bigrams joined by spaces, computed from the
stored text (the index itself keeps no positions) — so a plain
``whitespace`` analyzer on the cluster reproduces our tokens and positions exactly:
phrase queries over ``grams`` are the same grep-exact literal matching (a single
character: a prefix query over ``grams``), over ``words`` the same word phrases.
Glossary entries and the pinyin lexicon go to indices of their own.

Load with the standard bulk API, e.g.::

    curl -XPUT localhost:9200/policy-paragraphs -H 'Content-Type: application/json' -d @mapping.json
    curl -XPOST localhost:9200/_bulk -H 'Content-Type: application/x-ndjson' --data-binary @paragraphs.ndjson
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from analyzers.chains import positional_bigram_analyzer, word_analyzer
from indexer.api import PolicyIndex

PARAGRAPHS, GLOSSARY, LEXICON = "policy-paragraphs", "policy-glossary", "policy-lexicon"
_WORDS = {"type": "text", "analyzer": "whitespace", "search_analyzer": "whitespace"}


def mapping() -> dict[str, Any]:
    """The paragraphs index: pre-analyzed token fields plus the metadata as keywords."""
    return {
        "settings": {"index": {"number_of_shards": 1}},
        "mappings": {
            "properties": {
                "text": {"type": "text", "index": False},
                "words": _WORDS,
                "grams": _WORDS,
                "section_words": _WORDS,
                "title_words": _WORDS,
                **{k: {"type": "keyword"} for k in ("doc", "region", "date", "section", "title")},
                "year": {"type": "integer"},
                "paragraph": {"type": "integer"},
                "heading": {"type": "boolean"},
            }
        },
    }


def tokens(analyzer: Any, text: str) -> str:
    """The analyzer's tokens for ``text``, in position order, joined by spaces.

    Sub-words that share a position are left out: a whitespace analyzer gives every
    token its own position, and the phrases must line up with ours.
    """
    seen: set[int] = set()
    out = []
    for token in analyzer(text, positions=True, mode="query"):
        if token.pos not in seen:
            seen.add(token.pos)
            out.append(token.text)
    return " ".join(out)


def paragraph_fields(p: dict[str, Any], words: Any, grams: Any) -> dict[str, Any]:
    """A stored paragraph's metadata and pre-analyzed token fields, as a cluster keeps
    them (``words`` and ``grams``: ``word_analyzer()`` and ``positional_bigram_analyzer()``,
    with the index's dictionary in scope)."""
    return {
        "doc": p["doc"],
        "heading": p["heading"],
        "text": p["text"],
        "title": p.get("title", ""),
        "section": p.get("section", ""),
        "region": p.get("region", ""),
        "year": p.get("year"),
        "date": p.get("date", ""),
        "words": tokens(words, p["text"]),
        "grams": tokens(grams, p["text"]),
        "section_words": tokens(words, p.get("section", "")),
        "title_words": tokens(words, p.get("title", "")),
    }


def _bulk(index: str, doc_id: str, body: dict[str, Any]) -> Iterator[str]:
    yield json.dumps({"index": {"_index": index, "_id": doc_id}}, ensure_ascii=False)
    yield json.dumps(body, ensure_ascii=False)


def export(ix: PolicyIndex, out: Path) -> dict[str, int]:
    """Write mapping.json, paragraphs.ndjson, glossary.ndjson and lexicon.ndjson."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "mapping.json").write_text(
        json.dumps(mapping(), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    with ix.segmenting():  # stored text is cut with this index's dictionary
        return _export(ix, out)


def _export(ix: PolicyIndex, out: Path) -> dict[str, int]:
    words, grams = word_analyzer(), positional_bigram_analyzer()
    counts = {"paragraphs": 0, "glossary": 0, "lexicon": 0}
    with (out / "paragraphs.ndjson").open("w", encoding="utf-8") as f:
        for p in ix.snapshot().paragraph_records():
            body = {**paragraph_fields(p, words, grams), "paragraph": p["n"]}
            f.write("\n".join(_bulk(PARAGRAPHS, p["id"], body)) + "\n")
            counts["paragraphs"] += 1
    with (out / "glossary.ndjson").open("w", encoding="utf-8") as f:
        for i, entry in enumerate(ix.glossary_entries()):
            f.write("\n".join(_bulk(GLOSSARY, f"{entry.doc}#g{i}", entry.as_dict())) + "\n")
            counts["glossary"] += 1
    with (out / "lexicon.ndjson").open("w", encoding="utf-8") as f:
        for word in ix.lexicon().words.values():
            body = {
                "word": word.text,
                "freq": word.freq,
                "pinyin": word.full,
                "initials": word.initials,
                "jargon": word.jargon,
            }
            f.write("\n".join(_bulk(LEXICON, word.text, body)) + "\n")
            counts["lexicon"] += 1
    return counts
