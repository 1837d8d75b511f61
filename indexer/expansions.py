"""Abbreviations resolved to the enumerations they stand for, across the corpus.

The writer calls ``resolve`` once per commit with what each document's parse found
(``indexer.ingest.enumerations``: its lists, the abbreviations it mentions). A term fits
an enumeration by its structure alone, and nothing is invented: the items are the
text's.

- A counted term, numeral + one character (六稳, 三农, 双碳): exactly that many items, each
  starting with the character (稳就业), or each ending with it (智慧岛、创新岛、金融岛).
- A compound numeral term (三去一降一补, 一带一路): as many items as its numerals add up
  to, and as many starting (or ending) with each counted character as its numeral says.
- A counted term, numeral (+ 个/大/项/条) + a head (两个确保, 三大攻坚战, 四个现代化): exactly
  that many items, and the head naming the list (打好A、B、C的攻坚战; A、B、C三个重要抓手;
  三大攻坚战：A、B、C); or, a weak fit counted only in a document that uses the term, in
  every item (确保…、确保…) or where the last item runs on (A、B、C攻坚战).
- An acronym, a quoted term of three or four characters (“放管服”): one short item per
  character, each holding its character, in order.

A list ended by 等 names only some of its items and fits nothing. Of the lists a term
fits, the nearest to where the term is used ranks first: in the paragraph that uses it,
then in a document that does, then anywhere, the nearest in time; one list printed in
several places is one candidate (its best place, and how many places print it). A term
that a definition of the corpus explains takes lists only from documents that use it:
elsewhere, a list of three 区 is more often another region's three areas than its own.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from analyzers.normalize import match_key
from indexer.ingest.enumerations import MEASURES, NUMERALS, counted_parts, tidy, unpacked

MAX_PER_TERM = 5  # distinct lists kept for one term, the best first
# Paragraphs that must use an unquoted counted term: 三大攻坚战 recurs, 三个村征收 is a phrase.
MIN_USES = 2
ACRONYM_ITEM = 10  # characters: an acronym's items are short phrases (简政放权, 放管结合)
_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", 1)} | {"两": 2, "双": 2}
SAME_PARAGRAPH, SAME_DOCUMENT, ELSEWHERE = 0, 1, 2


def numeral(text: str) -> int | None:
    """A Chinese number up to 99.

    >>> numeral("六"), numeral("十"), numeral("十四"), numeral("二十"), numeral("两")
    (6, 10, 14, 20, 2)
    """
    if text in _DIGITS:
        return _DIGITS[text]
    tens, ten, units = text.partition("十")
    if not ten or (tens and tens not in _DIGITS) or (units and units not in _DIGITS):
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[units] if units else 0)


@dataclass(frozen=True)
class Shape:
    """What structure a term asks of the list it stands for."""

    size: int
    counted: tuple[tuple[str, int], ...] = ()  # each item holds one of these, so many times
    head: str = ""  # every item holds it, or it stands next to the list
    acronym: str = ""  # item i holds character i


def shape(term: str) -> Shape | None:
    """The structure ``term`` names, or None if it names none.

    >>> shape("六稳").counted, shape("三大攻坚战").head, shape("三去一降一补").counted
    ((('稳', 6),), '攻坚战', (('去', 3), ('降', 1), ('补', 1)))
    >>> shape("放管服").acronym, shape("高质量发展"), shape("十四五")
    ('放管服', None, None)
    """
    pairs = counted_parts(term)
    if pairs:
        counts = [(body, numeral(n)) for n, body in pairs]
        if all(n for _, n in counts) and all(len(b) == 1 for b, _ in counts):
            return Shape(sum(n for _, n in counts), tuple(counts))  # type: ignore[misc]
        if len(pairs) > 1:
            return None
    i = 0
    while i < len(term) and term[i] in NUMERALS:
        i += 1
    if i:
        size = numeral(term[:i])
        rest = term[i:]
        if rest[:1] in MEASURES and len(rest) > 1:
            rest = rest[1:]
        if size is None or size < 2 or not rest:
            return None
        return Shape(size, counted=((rest, size),)) if len(rest) == 1 else Shape(size, head=rest)
    if 2 <= len(term) <= 4:
        return Shape(len(term), acronym=term)
    return None


NAMING_HEAD = 3  # characters a head after 的 needs to name a list far from the term's use
STRONG, WEAK = 2, 1  # how well a list fits: a weak fit counts only near the term's use


def fits(form: Shape, items: tuple[str, ...], before: str, after: str) -> int:
    """How well a closed list of ``items`` fits a term of ``form``: 0 (not at all),
    ``WEAK`` (every item holds a head of several characters: 两个项目 is more often a
    phrase than a name) or ``STRONG``."""
    if len(items) != form.size:
        return 0
    if form.acronym:
        held = zip(form.acronym, items, strict=True)
        return STRONG if all(ch in item and len(item) <= ACRONYM_ITEM for ch, item in held) else 0
    if form.head:
        following, named_by = _following(after)
        # A two-character head after 的 (…的改革, …的底线) is too common a word to name
        # a list by itself; a count (三项改革) or a longer head (…的攻坚战) is not.
        named = named_by == "count" or (named_by == "的" and len(form.head) >= NAMING_HEAD)
        if before.endswith(form.head) or (named and following.startswith(form.head)):
            return STRONG
        if following.startswith(form.head) or all(form.head in item for item in items):
            return WEAK
        return 0
    # Every item starts or ends alike (稳就业、稳金融; 智慧岛、创新岛), and a compound names
    # its parts in the list's order (去…、去…、去…、降…、补…).
    in_order = [c for c, n in form.counted for _ in range(n)]
    for edge in (0, -1):
        if [item[edge] for item in items] == in_order:
            return STRONG
    return 0


def _following(after: str) -> tuple[str, str]:
    """What follows a list, without the 的 or count that makes it the list's name (…的
    攻坚战, …三个重要抓手), and which of them did ("的", "count" or "": a list whose last
    item merely runs on, …心理健康教育, names nothing).

    >>> _following("的攻坚战"), _following("三个重要抓手"), _following("三片区")
    (('攻坚战', '的'), ('重要抓手', 'count'), ('片区', 'count'))
    >>> _following("健康教育")
    ('健康教育', '')
    """
    if after.startswith("的"):
        return after[1:], "的"
    named = after.lstrip(NUMERALS)
    if named != after:  # 三个重要抓手, 三片区
        return (named[1:] if named[:1] in MEASURES else named), "count"
    return after, ""


class Place(NamedTuple):  # a tuple: tens of thousands are read for a term in use everywhere
    """One list where a document prints it, with what of the document ranks it."""

    doc: str
    paragraph: int
    items: tuple[str, ...]
    before: str
    after: str
    year: int | None = None  # the document's
    defined: tuple[str, ...] = ()  # the keys the document defines in this paragraph


class Use(NamedTuple):
    """How one document uses a term: in which paragraphs, as the record writes them
    ("3,7"; "" when it only quotes it: parsed only where a list of the document asks)."""

    paragraphs: str
    year: int | None
    quoted: bool


Ask = tuple[Any, ...]  # a key of the lists a term may stand for (``_asks``)


class Corpus(Protocol):
    """What resolving a term reads of the corpus."""

    def uses(self, term: str) -> dict[str, Use]:
        """Each document that mentions or quotes ``term``, and how."""

    def places(self, asks: set[Ask]) -> set[Place]:
        """Every place of a list with one of these keys (``_signatures``)."""

    def defines(self, key: str) -> bool:
        """Whether a definition of the corpus explains the term of this match key."""


def uses_of(doc: str, data: Mapping[str, Any]) -> dict[str, Use]:
    """The terms a document's record (``records.document_lists``) mentions or quotes."""
    quoted = set(data.get("quoted", ()))
    mentions = data["mentions"]
    return {
        term: Use(",".join(map(str, mentions.get(term, ()))), data.get("year"), term in quoted)
        for term in {*mentions, *quoted}
    }


def places_of(
    doc: str, data: Mapping[str, Any], wanted: Mapping[Any, set[Any]]
) -> Iterator[tuple[Ask, Place]]:
    """A document's lists under each key some term asks for (``wanted``)."""
    defined: dict[int, list[str]] = defaultdict(list)
    for key, paragraphs in data.get("defined", {}).items():
        for paragraph in paragraphs:
            defined[paragraph].append(key)
    for joined, paragraph, before, after in unpacked(data["lists"]):
        items = tuple(joined.split("、"))
        keys = list(_signatures(items, before, after, wanted))
        if keys:
            place = Place(
                doc,
                paragraph,
                items,
                before,
                after,
                data.get("year"),
                tuple(defined.get(paragraph, ())),
            )
            for key in keys:
                yield key, place


def wanted_by(asks: Iterable[Ask]) -> dict[Any, set[Any]]:
    """The asks by kind and size, as ``_signatures`` looks them up."""
    wanted: dict[Any, set[Any]] = defaultdict(set)
    for kind, size, value in asks:
        wanted[kind, size].add(value)
        if kind == "edges":  # what an item's edge may be, to skip the rest at once
            wanted["edge", 0].update((ch, size) for ch in value)
        elif kind == "acronym":  # what a first item must hold, likewise
            wanted["acronym-first", size].add(value[0])
    return wanted


def asks_of(term: str, uses: Mapping[str, Use]) -> set[Ask]:
    """The keys of the lists ``term`` may stand for, if it names a list and is used
    enough to be resolved (quoted once, or in ``MIN_USES`` paragraphs); else none."""
    form = shape(term)
    if form is None or not any(use.paragraphs for use in uses.values()):
        return set()  # names no list, or only quoted: no paragraph uses it
    if any(use.quoted for use in uses.values()):
        return _asks(form)
    paragraphs = 0
    for use in uses.values():  # enough once MIN_USES are seen: hot terms have thousands
        paragraphs += use.paragraphs.count(",") + 1 if use.paragraphs else 0
        if paragraphs >= MIN_USES:
            return _asks(form)
    return set()


def term_found(term: str, corpus: Corpus) -> list[dict[str, Any]]:
    """The lists ``term`` stands for, best first, as found (items untidied)."""
    uses = corpus.uses(term)
    asks = asks_of(term, uses)
    if not asks:
        return []
    where = {doc: use.paragraphs for doc, use in uses.items() if use.paragraphs}
    candidates = corpus.places(asks)
    if corpus.defines(match_key(term)):  # explained already: only lists where it is used
        candidates = {p for p in candidates if p.doc in where}
    years = sorted({use.year for doc, use in uses.items() if doc in where and use.year})
    return list(_expand(term, shape(term), where, years, candidates))  # type: ignore[arg-type]


def finished(
    found: Iterable[dict[str, Any]],
    uses: Mapping[str, Any],
    cut: Callable[[str], Iterable[tuple[str, int, int]]],
) -> list[dict[str, Any]]:
    """The expansions found, each term's in order (``uses``: something equal for two
    terms exactly when the same paragraphs use them), items as a reader lists them
    (``tidy``, with the segmenter's ``cut``)."""
    return [{**e, "items": list(tidy(tuple(e["items"]), cut))} for e in _longest(list(found), uses)]


def uses_key(uses: Mapping[str, Use]) -> str:
    """A digest of where a term is used: equal for terms used in the same paragraphs, as
    long as every term's uses come in one order of documents (a corpus's own)."""
    where = "\n".join(f"{doc}\t{use.paragraphs}" for doc, use in uses.items() if use.paragraphs)
    return hashlib.blake2b(where.encode(), digest_size=16).hexdigest()


class _Documents:
    """A corpus held in memory: every document's record (``records.document_lists``)."""

    def __init__(self, documents: Mapping[str, Mapping[str, Any]]) -> None:
        self._uses: dict[str, dict[str, Use]] = defaultdict(dict)
        for doc, data in documents.items():
            for term, use in uses_of(doc, data).items():
                self._uses[term][doc] = use
        self.terms = sorted(self._uses)
        asks = {a for term in self.terms for a in asks_of(term, self._uses[term])}
        wanted = wanted_by(asks)
        self._places: dict[Ask, set[Place]] = defaultdict(set)
        for doc, data in documents.items():
            for key, place in places_of(doc, data, wanted):
                self._places[key].add(place)
        self._defined = {key for data in documents.values() for key in data.get("defined", ())}

    def uses(self, term: str) -> dict[str, Use]:
        return self._uses.get(term, {})

    def places(self, asks: set[Ask]) -> set[Place]:
        return {p for ask in asks for p in self._places.get(ask, ())}

    def defines(self, key: str) -> bool:
        return key in self._defined


def resolve(
    documents: Mapping[str, Mapping[str, Any]],
    cut: Callable[[str], Iterable[tuple[str, int, int]]] = lambda text: (),
) -> list[dict[str, Any]]:
    """Expansions of every term the documents mention, from the whole corpus at once
    (the index resolves them commit by commit, ``indexer.expanding``, to the same
    result): ``documents`` maps a document to its ``year``, ``lists`` (its closed lists,
    ``enumerations.packed``), ``mentions`` ({term: [paragraphs]}), ``quoted`` (the
    mentions it quotes: names, whose one use is enough) and ``defined`` ({term key:
    [paragraphs of its own definitions]}, which need no expansion). Each expansion:
    term, items (as a reader lists them: ``tidy``, with the segmenter's ``cut``), doc,
    paragraph, rank (lower first), places (how many places print the list)."""
    corpus = _Documents(documents)
    found = [e for term in corpus.terms for e in term_found(term, corpus)]
    return finished(found, {t: uses_key(corpus.uses(t)) for t in corpus.terms}, cut)


def _signatures(
    items: tuple[str, ...], before: str, after: str, wanted: Mapping[tuple[str, int], set[Any]]
) -> Iterator[tuple[Any, ...]]:
    """The keys some term asks for (``_asks``: ``wanted``, by kind and size) under which
    this list may be what it stands for."""
    size = len(items)
    if edges := wanted.get(("edges", size)):
        for edge in (0, -1):
            if (items[0][edge], size) in wanted[("edge", 0)]:  # most lists: no
                found = tuple(sorted(item[edge] for item in items))
                if found in edges:
                    yield ("edges", size, found)
    following, _ = _following(after)
    if following and following[0] in wanted.get(("after", size), ()):
        yield ("after", size, following[0])
    if before and before[-1] in wanted.get(("before", size), ()):
        yield ("before", size, before[-1])
    first = items[0]
    if pairs := wanted.get(("holds", size)):
        shortest = min(items, key=len)
        for pair in {shortest[i : i + 2] for i in range(len(shortest) - 1)} & pairs:
            if all(pair in item for item in items):
                yield ("holds", size, pair)
    if (firsts := wanted.get(("acronym-first", size))) and max(map(len, items)) <= ACRONYM_ITEM:
        ends, last = wanted[("acronym", size)], set(items[-1])
        for ch in set(first) & firsts:
            for end in last:
                if (ch, end) in ends:
                    yield ("acronym", size, (ch, end))


def _asks(form: Shape) -> set[tuple[Any, ...]]:
    """The keys of the lists a term of ``form`` may stand for (``_signatures``)."""
    if form.acronym:
        return {("acronym", form.size, (form.acronym[0], form.acronym[-1]))}
    if form.head:
        head = form.head
        return {("after", form.size, head[0]), ("before", form.size, head[-1])} | (
            {("holds", form.size, head[:2])} if len(head) > 1 else set()
        )
    edges = tuple(sorted(c for c, n in form.counted for _ in range(n)))
    return {("edges", form.size, edges)}


def _expand(
    term: str,
    form: Shape,
    where: dict[str, str],
    years: list[int],
    candidates: Iterable[Place],
) -> Iterator[dict[str, Any]]:
    key = match_key(term)
    read: dict[str, set[int]] = {}  # the paragraphs of ``where`` a candidate asks about
    found: dict[tuple[str, ...], list[tuple[tuple[Any, ...], Place]]] = {}
    for place in candidates:
        if any(term in item for item in place.items):
            continue  # a list that names the term itself (河长制、湖长制、林长制) is a peer
        fit = fits(form, place.items, place.before, place.after)
        if not fit:
            continue
        if key in place.defined:
            continue  # the term's own definition: an appendix entry already says it
        if place.doc in where and place.doc not in read:
            read[place.doc] = set(map(int, where[place.doc].split(",")))
        if place.paragraph in read.get(place.doc, ()):
            evidence = SAME_PARAGRAPH
        else:
            evidence = SAME_DOCUMENT if place.doc in where else ELSEWHERE
        if fit == WEAK and evidence == ELSEWHERE:
            continue
        year = place.year or 0
        distance = _nearest(year, years) if year else 99
        order = (evidence, distance, -year, place.doc, place.paragraph, place.items)
        found.setdefault(tuple(map(match_key, place.items)), []).append((order, place))
    ranked = sorted(
        (
            (min(places, key=lambda f: f[0]), len(places))
            for places in found.values()
            if not _by_chance(form, places)
        ),
        key=lambda best: best[0][0],
    )
    for (order, place), count in ranked[:MAX_PER_TERM]:
        yield {
            "term": term,
            "items": list(place.items),
            "doc": place.doc,
            "paragraph": place.paragraph,
            "rank": order[0] * 1000 + order[1],
            "places": count,
        }


def _nearest(year: int, years: list[int]) -> int:
    """Years from ``year`` to the nearest of ``years`` (sorted; 0 if there are none)."""
    at = bisect_left(years, year)
    return min((abs(year - y) for y in years[max(at - 1, 0) : at + 1]), default=0)


def _by_chance(form: Shape, found: list[tuple[tuple[Any, ...], Place]]) -> bool:
    """Two items starting or ending alike (新情况、新问题 for 双新; 社区、街区 for 两区) are
    common by chance: outside the paragraph that uses the term, such a list counts only if
    the corpus prints it more than once."""
    return (
        form.size == 2
        and bool(form.counted)
        and len(found) == 1
        and found[0][0][0] != SAME_PARAGRAPH
    )


def _longest(found: list[dict[str, Any]], uses: Mapping[str, Any]) -> list:
    """Drop a term that only ever appears inside a longer term with expansions of its own
    (三大攻坚 inside 三大攻坚战): the text never uses it alone."""
    longer: dict[str, set[str]] = defaultdict(set)
    for term in {e["term"] for e in found}:
        for end in range(1, len(term)):
            longer[term[:end]].add(term)
    return [
        e for e in found if not any(uses[o] == uses[e["term"]] for o in longer.get(e["term"], ()))
    ]
