"""The query as the corpus also writes it: shown next to the total, never counted in it.

Policy writing says one thing several ways: 文化旅游 and 文化和旅游, 农村电商 and
农村电子商务. A literal query finds exactly what it says (``total`` stays exact); these
are the other spellings of each of its literals that the corpus holds, each with the
paragraphs it would add, and the query that includes them.

Two kinds, both read off the corpus, never a hand list:

- a conjunction (和, 与, 及) put between two of the literal's words, or taken out;
- a word swapped for the abbreviation or full form the corpus pairs it with
  (``abbreviations``: learned from the corpus when a commit is made).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from analyzers.segment import Segmenter, is_han_word

CONJUNCTIONS = ("和", "与", "及")
MAX_WORDS = 5  # a longer literal is a phrase copied from a text: its variants tell little
SHOWN = 3  # variants offered, the most frequent first


def spellings(
    key: str, segmenter: Segmenter, abbreviations: Mapping[str, tuple[str, ...]]
) -> list[tuple[str, str]]:
    """Other spellings of a literal's match key, as ``(text, via)``; ``via`` is
    ``conjunction`` or ``abbreviation``.

    >>> spellings("文化旅游", Segmenter(), {})
    [('文化和旅游', 'conjunction'), ('文化与旅游', 'conjunction'), ('文化及旅游', 'conjunction')]
    >>> spellings("文化和旅游", Segmenter(), {})
    [('文化旅游', 'conjunction')]
    >>> spellings("农村电商", Segmenter(), {"电商": ("电子商务",)})[-1]
    ('农村电子商务', 'abbreviation')
    """
    words = [w for w, _, _ in segmenter.words(key)]
    if not words or len(words) > MAX_WORDS:
        return []
    found: dict[str, str] = {}

    def joined(*parts: list[str]) -> str:
        return "".join(w for part in parts for w in part)

    for i in range(1, len(words)):  # a conjunction put between two words
        if _noun_like(words[i - 1]) and _noun_like(words[i]):
            for conjunction in CONJUNCTIONS:
                found.setdefault(joined(words[:i], [conjunction], words[i:]), "conjunction")
    for i in range(1, len(words) - 1):  # or taken out
        if words[i] in CONJUNCTIONS and _noun_like(words[i - 1]) and _noun_like(words[i + 1]):
            found.setdefault(joined(words[:i], words[i + 1 :]), "conjunction")
    for i, word in enumerate(words):
        for other in abbreviations.get(word, ()):
            found.setdefault(joined(words[:i], [other], words[i + 1 :]), "abbreviation")
    found.pop(key, None)
    return list(found.items())


def _noun_like(word: str) -> bool:
    """Two Han characters or more: what 和 joins in 文化和旅游 (a one-character word
    there is more often a verb or a particle)."""
    return len(word) >= 2 and is_han_word(word)


def offered(
    key: str,
    segmenter: Segmenter,
    abbreviations: Mapping[str, tuple[str, ...]],
    count: Callable[[str], tuple[int, int]],
) -> list[dict[str, object]]:
    """The spellings that would find more, most frequent first: ``count(text)`` gives
    the paragraphs the query finds with the literal written so, and how many of them it
    does not find already."""
    rows = []
    for text, via in spellings(key, segmenter, abbreviations):
        paragraphs, new = count(text)
        if new:
            rows.append({"text": text, "via": via, "paragraphs": paragraphs, "new": new})
    rows.sort(key=lambda row: -row["paragraphs"])
    return rows[:SHOWN]
