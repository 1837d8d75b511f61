"""What the query side needs of glossary entries: their kinds, a term without its quotes,
what a glossary heading says — without the parser (``indexer.ingest.glossary``, whose
patterns cost every command 6 ms to compile at import)."""

from __future__ import annotations

import re

from analyzers.normalize import QUOTES

GLOSSARY, INLINE = "glossary", "inline"
EXPANSION = "expansion"  # an abbreviation resolved to a list of the corpus (indexer.expansions)
_GLOSSARY_HEADING = re.compile(r"(?:名词|词语|术语)(?:解释|注释|说明)")


def is_glossary_heading(title: str) -> bool:
    return bool(_GLOSSARY_HEADING.search(title))


def bare(term: str) -> str:
    """The term without its quote marks."""
    return "".join(ch for ch in term if ch not in QUOTES)
