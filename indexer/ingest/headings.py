"""How a report marks its headings: numbered levels (一、 › （一） › 1. › （1）) and
markdown's #. The cleaner starts a new block at one; the paragraph splitter nests
sections by their level."""

from __future__ import annotations

import re

# Numbered headings, outermost first: each a pattern for the start of a line.
HEADING_LEVELS = (
    r"[一二三四五六七八九十百]+、",
    r"[（(][一二三四五六七八九十百]+[)）]",
    r"\d{1,3}[.．、](?!\d)",
    r"[（(]\d{1,3}[)）]",
)
MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s*(?=[^#\s])")
