"""What the cluster holds: per generation, three indices behind three aliases.

- ``paragraphs``: one record per paragraph, with pre-analyzed token fields (our jieba
  words and match-key bigrams joined by spaces, ``indexer.export.tokens``) that a plain
  whitespace analyzer reproduces, token for token and position for position; the
  distinct characters of the match key for one-character literals; metadata keywords.
  Routed by the text's hash, so copies of a text share a shard and collapse exactly.
- ``documents``: one record per report (metadata, label, source hash, paragraph count).
- ``meta``: the generation's schema, the jieba dictionary, the glossary and the pinyin
  lexicon, compressed in chunks (read whole by every server that opens the cluster).

A query names the aliases only; a publish writes a new generation's indices and moves
the three aliases in one ``_aliases`` call, so readers see one generation or the next.
"""

from __future__ import annotations

from typing import Any

from indexer.schema import SCHEMA_VERSION

PREFIX_ENV = "POLICY_SEARCH_OPENSEARCH_PREFIX"
DEFAULT_PREFIX = "policy-search"
ROLES = ("paragraphs", "documents", "meta")
LAYOUT = 1  # the cluster's own layout; with SCHEMA_VERSION, what a reader must match
CHUNK_BYTES = 4 * 1024 * 1024  # compressed meta blobs per record: well under http limits
META_ID = "generation"

_TOKENS = {"type": "text", "analyzer": "tokens", "norms": True}
_KEYWORD = {"type": "keyword"}


def alias(prefix: str, role: str) -> str:
    return f"{prefix}-{role}"


def generation_index(prefix: str, role: str, generation: int) -> str:
    return f"{prefix}-{role}-g{generation}"


def generation_of(prefix: str, role: str, index: str) -> int | None:
    """The generation number of ``index`` if it is one of ``role``'s, else None."""
    head = f"{prefix}-{role}-g"
    tail = index[len(head) :] if index.startswith(head) else ""
    return int(tail) if tail.isdigit() else None


def settings(shards: int, replicas: int) -> dict[str, Any]:
    return {
        "number_of_shards": shards,
        "number_of_replicas": replicas,
        # Tokens are ours: split on the spaces that join them, nothing else changed.
        "analysis": {"analyzer": {"tokens": {"type": "custom", "tokenizer": "whitespace"}}},
        # A facet's buckets and a page of collapsed copies may be many.
        "max_inner_result_window": 10_000,
        "max_result_window": 1_000_000,  # a page deep in a common word's hits
    }


MAPPINGS: dict[str, dict[str, Any]] = {
    "paragraphs": {
        "dynamic": "strict",
        "properties": {
            "doc": _KEYWORD,
            "n": {"type": "integer"},
            "heading": {"type": "boolean"},
            "tier": {"type": "byte"},  # 0 content, 1 fragment, 2 heading (ranking's shapes)
            "same": _KEYWORD,  # the text's hash: copies of a text share it (and a shard)
            "group": _KEYWORD,  # tier:same, what a hit's copies share (one hit per tier)
            "boost": {"type": "float"},  # ranking.paragraph_boost of its section
            "text": {"type": "text", "index": False},
            "title": {"type": "keyword", "index": False},
            "section": {"type": "keyword", "index": False},
            "region": _KEYWORD,
            "year": {"type": "integer"},
            "date": {"type": "keyword", "index": False},
            "grams": {**_TOKENS, "index_options": "positions"},
            "chars": {**_TOKENS, "index_options": "docs", "norms": False},
            "words": _TOKENS,
            "section_words": _TOKENS,
            "title_words": _TOKENS,
        },
    },
    "documents": {
        "dynamic": "strict",
        "properties": {
            "doc": _KEYWORD,
            "region": _KEYWORD,
            "year": {"type": "integer"},
            "label": {"type": "keyword", "index": False},
            "data": {"type": "object", "enabled": False},  # the report's record, as stored
        },
    },
    "meta": {
        "dynamic": "strict",
        "properties": {
            "kind": _KEYWORD,
            "part": {"type": "integer"},
            "blob": {"type": "binary"},
            "schema": {"type": "integer"},
            "layout": {"type": "integer"},
            "generation": {"type": "integer"},
            "paragraphs": {"type": "long"},
            "documents": {"type": "long"},
            "shared_texts": {"type": "long"},
            "parts": {"type": "object", "enabled": False},
        },
    },
}


def expected_versions() -> dict[str, int]:
    return {"schema": SCHEMA_VERSION, "layout": LAYOUT}


def versions_of(record: dict[str, Any]) -> dict[str, Any]:
    """A generation record's schema and layout, to compare with ``expected_versions``."""
    return {k: record.get(k) for k in expected_versions()}
