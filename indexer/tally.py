"""A commit's changes to the corpus's tables (``indexer.ledger``), from the change in its
word counts: the counts themselves, the lexicon, and what abbreviations are learned from.

Everything here costs in proportion to the words whose counts changed: a word's old
count is looked up, not the corpus's counts loaded; the lexicon gains, changes or drops
only those words (pinyin computed once per word, when it enters); and an abbreviation
pair is decided again only if one of its forms changed count or neighbours, reading the
two forms' neighbours from the contexts table. The result equals what the whole corpus's
counts give (``lexicon_table``, ``abbreviations.learn``), which the tests check.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping

from indexer import abbreviations
from indexer.ledger import GROUP, Entries, LedgerWriter
from indexer.lexicon import Counts, lexicon_entry, lexicon_payload, lexicon_table
from indexer.schema import BIGRAM_TOTALS, CONTEXTS, LEXICON_WORDS, SHAPES, WORD_TOTALS


def record(
    writer: LedgerWriter,
    delta: Counts,
    relabelled: Iterable[str],
    jargon: Iterable[str],
    is_word: Callable[[str], bool],
    pairs: list[tuple[str, str]],
) -> list[tuple[str, str]]:
    """Write the tables' changes for the word counts' change ``delta`` (``relabelled``:
    words whose standing changed without a count changing: newly learned jargon), and
    return the abbreviation pairs ``pairs`` become."""
    codes = [k for k, n in delta.items() if n and isinstance(k, int)]
    writer.add(BIGRAM_TOTALS, Entries.of(codes, (delta[c] for c in codes)))
    words = [k for k, n in delta.items() if n and isinstance(k, str)]
    counted = writer.table(WORD_TOTALS)  # a new index counts nothing yet: nothing to look up
    before = dict(zip(words, counted.values(words), strict=True)) if counted.runs else {}
    writer.add(WORD_TOTALS, Entries.of(words, (delta[w] for w in words)))
    after = {w: before.get(w, 0) + delta[w] for w in words}
    standing = [w for w in relabelled if w not in after]  # counts this commit leaves as they are
    standings = dict(zip(standing, counted.values(standing), strict=True))
    _lexicon(writer, {**after, **standings}, jargon, is_word)
    return _abbreviations(writer, before, after, pairs)


def _lexicon(
    writer: LedgerWriter,
    counts: Mapping[str, int],
    jargon: Iterable[str],
    is_word: Callable[[str], bool],
) -> None:
    """Words whose entry changes: new or changed frequency, or no longer worth one."""
    held = dict(
        lexicon_entry(payload, value)
        for value, payload in writer.table(LEXICON_WORDS).lookup(list(counts)).values()
        if payload is not None
    )
    table = lexicon_table(Counter(counts), held, jargon, is_word)
    changed = [w for w in counts if table.get(w) != held.get(w)]
    writer.add(
        LEXICON_WORDS,
        Entries.of(
            changed,
            (table[w][0] if w in table else 0 for w in changed),
            [lexicon_payload(w, table[w]) if w in table else "" for w in changed],
        ),
    )


def _abbreviations(
    writer: LedgerWriter,
    before: Mapping[str, int],
    after: Mapping[str, int],
    pairs: list[tuple[str, str]],
) -> list[tuple[str, str]]:
    appeared = [w for w, n in after.items() if n > 0 and not before.get(w, 0)]
    gone = [w for w, n in after.items() if n <= 0 and before.get(w, 0)]
    touched = {w for w in after if len(w) in (2, 4)}

    def contexts() -> Iterator[tuple[str, str, int]]:
        # A form's context comes from one text, which appears or goes: no key twice.
        for sign, texts in ((1, appeared), (-1, gone)):
            for text in texts:
                for form, neighbour in abbreviations.contexts(text):
                    touched.add(form)
                    yield form, neighbour, sign

    writer.add(CONTEXTS, Entries.grouped(contexts()))
    # A full form counted often enough is listed under each of its abbreviations' shapes.
    crossed = [
        (w, 1 if after[w] >= abbreviations.MIN_COUNT else -1)
        for w in after
        if (after[w] >= abbreviations.MIN_COUNT) != (before.get(w, 0) >= abbreviations.MIN_COUNT)
    ]
    listed = [
        (short + GROUP + term, term, sign)
        for w, sign in crossed
        for short, term in abbreviations.pairs_of(w)
    ]
    writer.add(
        SHAPES,
        Entries.of([k for k, _, _ in listed], (s for _, _, s in listed), [t for _, t, _ in listed]),
    )
    if not writer.ledger.manifest:
        return abbreviations.learn(after)  # a new index: all at once
    shapes = writer.table(SHAPES)
    candidates = set()
    for form in touched:
        if len(form) == 4:
            candidates.update(abbreviations.pairs_of(form))
        else:
            candidates.update((form, term) for term in shapes.group(form).payloads or ())
    forms = sorted({form for pair in candidates for form in pair})
    counts = dict(zip(forms, writer.table(WORD_TOTALS).values(forms), strict=True))
    contexts = writer.table(CONTEXTS)
    neighbours: dict[str, set[int]] = {}
    kept = {pair for pair in pairs if pair not in candidates}
    for short, term in candidates:
        seen = (counts[short], counts[term])
        if min(seen) < abbreviations.MIN_COUNT:
            continue  # one form is too rare: no need to read the neighbours
        for form in (short, term):
            if form not in neighbours:
                neighbours[form] = set(contexts.group(form).members.tolist())
        if abbreviations.alike(seen, (neighbours[short], neighbours[term])):
            kept.add((short, term))
    return sorted(kept)
