"""New formulations: what the reports of year Y say that no earlier report did (and, by
the same rules, what one report says that another never does: ``indexer.comparison``).

*New* is exact, like search: a listed term occurs in a paragraph of year Y (of the
region, if one is given) and, under the engine's own literal matching, in no paragraph
of an earlier year (of that region; of the whole index otherwise). Candidates come from
what the index already holds, never from the source files:

- the whole index: each segment's first year of every word (``indexer.firsts``), so
  the words whose first year is Y are found without reading a posting list;
- one region: the words of its paragraphs of year Y, cut again with the index's
  dictionary, less those its earlier paragraphs' match keys contain (a few reports).

Every candidate that may be listed is then checked against the literal matches, which
also give what is reported (occurrences, paragraphs, reports, later years). A word is a
*formulation* if a reader would list it: it holds a Han character, or it is a slogan
of digits and signs that the reports quote, define or write with ``+`` (1+N, 13710);
dates, plain numbers, place names (``ingest.places``), the reports' speakers and the
names of people and places jieba's dictionary tags so (nr, ns) are not. A
word whose occurrences all sit inside one longer string is reported as that string
(jieba may cut 新质生产力 into 新质/生产力: 新质 stands for the whole), and a word no
longer than another new term that holds it, with the same occurrences, is left out.

Salience, what analysts put in a headline first: occurrences in the year, quoted, in
a heading, defined in a glossary, still used in later years, used by other regions,
longer; less for a word of general Chinese (jieba's own dictionary says how common), and
a word of everyday Chinese (counted ``GENERAL`` times or more there) is listed only if the
reports set it apart: quoted, defined or in a heading.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from analyzers.normalize import match_key
from analyzers.segment import active_segmenter, dictionary_frequencies, dictionary_tags
from analyzers.terms import index_words
from indexer import bulk, firsts
from indexer.arrays import distinct
from indexer.highlight import highlight_spans
from indexer.ingest.places import place_names, short_name
from indexer.lookup import GlossaryLookup
from indexer.matching import Matcher
from indexer.query import Filter
from indexer.ranking import HEADING, occurrences
from indexer.snapshot import Snapshot
from indexer.store import Reports

CHECKED_PER_LISTED = 4  # candidates checked (most frequent, dictionary words first) per term listed
CHECKED_AT_LEAST = 60
NAMES = ("nr", "ns")  # jieba's parts of speech for the names of people and places
GENERAL = 200  # jieba's general dictionary counts a word of everyday Chinese this often
COMMON_WEIGHT = 0.75  # salience lost per tenfold frequency in jieba's general dictionary
LONGEST = 16  # a string grown past this is a sentence, not a formulation
QUOTES_READ = 20  # paragraphs of the year read for quotation marks (the first said)
_HAN = re.compile(r"[\u3400-\u9fff]")
_NUMBER_LIKE = re.compile(
    r"^[0-9０-９.%％．·,，零〇一二三四五六七八九十百千万亿两第]+"
    r"(?:年|月|日|号|时|分|个|项|家|人|元|亿元|万元|多|余|届|次|条|批|期|岁|周年)?$"
)
_SLOGAN_SIGNS = re.compile(r"[+＋]")
_OPENING_QUOTES = "“‘「『《\"'"
_CLOSING_QUOTES = "”’」』》\"'"


@dataclass
class Earlier:
    reports: int
    years: list[int]


@dataclass
class NewTerm:
    term: str  # as the first paragraph prints it
    key: str  # its match key
    occurrences: int
    paragraphs: int
    reports: int
    first: dict[str, Any]
    later_years: list[int]
    quoted: bool
    heading: bool
    defined: bool
    regions: int
    salience: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "occurrences": self.occurrences,
            "paragraphs": self.paragraphs,
            "reports": self.reports,
            "first": self.first,
            "later_years": self.later_years,
            "quoted": self.quoted,
            "heading": self.heading,
            "defined": self.defined,
            "regions": self.regions,
            "salience": round(self.salience, 3),
        }


@dataclass
class NewTerms:
    year: int
    region: str | None
    reports: int  # reports of the year (of the region) compared
    earlier: Earlier
    terms: list[NewTerm] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "region": self.region,
            "reports": self.reports,
            "earlier": {"reports": self.earlier.reports, "years": self.earlier.years},
            "terms": [t.as_dict() for t in self.terms],
        }


class _Scope:
    """Paragraphs compared with others: what ``now`` says that ``before`` never did
    (``year``: the year ``now`` speaks for, which later years count from)."""

    def __init__(self, snapshot: Snapshot, now: np.ndarray, before: np.ndarray, year: int):
        self.snapshot, self.now, self.before, self.year = snapshot, now, before, year
        self.is_now = np.zeros(snapshot.size, dtype=bool)
        self.is_now[now] = True
        self.is_before = np.zeros(snapshot.size, dtype=bool)
        self.is_before[before] = True

    @classmethod
    def of_year(cls, snapshot: Snapshot, year: int, region: str | None) -> _Scope:
        """A year's paragraphs (of the region, or all) against every earlier year's."""
        docs = np.flatnonzero(snapshot.paragraphs.whole())
        if region is not None:
            docs = docs[Matcher(snapshot).passes(Filter("region", region), docs)]
        years = snapshot.years[docs]
        return cls(snapshot, docs[years == year], docs[(years > 0) & (years < year)], year)

    def reports(self, docs: np.ndarray) -> int:
        return len(distinct(self.snapshot.doc_codes[docs]))


def new_terms(
    snapshot: Snapshot,
    year: int,
    region: str | None,
    limit: int,
    reports: Reports,
    glossary: GlossaryLookup,
) -> NewTerms:
    """The new formulations of ``year`` (in ``region``), most salient first, at most
    ``limit``; none when nothing earlier is there to compare with (``earlier.reports``
    is 0). Call with the index's dictionary in scope (``PolicyIndex.segmenting``)."""
    scope = _Scope.of_year(snapshot, year, region)
    earlier_years = distinct(snapshot.years[scope.before])
    earlier = Earlier(
        scope.reports(scope.before),
        [int(earlier_years[0]), int(earlier_years[-1])] if len(earlier_years) else [],
    )
    found = NewTerms(year, region, scope.reports(scope.now), earlier)
    if not len(scope.now) or not earlier.reports:
        return found
    if region is None:
        candidates = _first_used_in(snapshot, year)
    else:
        candidates = _candidates(scope)
    found.terms = _ranked(scope, candidates, limit, reports, glossary)
    return found


def new_against(
    snapshot: Snapshot,
    now: np.ndarray,
    before: np.ndarray,
    year: int,
    limit: int,
    reports: Reports,
    glossary: GlossaryLookup,
) -> list[NewTerm]:
    """The terms the paragraphs ``now`` use and ``before`` never do (one report against
    another), most salient first, at most ``limit``."""
    scope = _Scope(snapshot, now, before, year)
    return _ranked(scope, _candidates(scope), limit, reports, glossary)


def _ranked(
    scope: _Scope,
    candidates: dict[str, int],
    limit: int,
    reports: Reports,
    glossary: GlossaryLookup,
) -> list[NewTerm]:
    """The candidates that are new formulations, checked, most salient first."""
    excluded = _names(scope, reports)
    budget = max(CHECKED_AT_LEAST, CHECKED_PER_LISTED * limit)
    checked: dict[str, NewTerm] = {}
    for word in _likely_first(candidates):
        if len(checked) >= budget:
            break
        if not _formulation(word) or word in excluded:
            continue
        term = _checked(scope, word, glossary, reports)
        if term is not None and term.key not in excluded:
            checked.setdefault(term.key, term)
    common = dictionary_frequencies(checked)
    tags = dictionary_tags(checked)
    kept = []
    for term in _without_fragments(list(checked.values())):
        if tags.get(term.key, "").startswith(NAMES):  # 习近平 nrfg, 枫桥 ns
            continue
        # General vocabulary (青年, 推行) new to a few reports is no coined term, unless
        # the reports set it apart (quoted, defined, a heading).
        general = common.get(term.key, 0)
        if general >= GENERAL and not (term.quoted or term.defined or term.heading):
            continue
        term.salience -= COMMON_WEIGHT * math.log10(1 + general)
        kept.append(term)
    return sorted(kept, key=lambda t: (-t.salience, t.key))[:limit]


def _likely_first(candidates: dict[str, int]) -> list[str]:
    """Candidates in the order they are checked: the dictionary's jargon (quoted slogans,
    defined terms) and frequent words first, words of general Chinese last."""
    jargon = active_segmenter().user_words
    common = dictionary_frequencies(candidates)

    def likely(word: str) -> float:
        return (
            math.log2(1 + candidates[word])
            + (2.0 if word in jargon else 0.0)
            - COMMON_WEIGHT * math.log10(1 + common.get(word, 0))
        )

    return sorted(candidates, key=lambda word: (-likely(word), word))


def _first_used_in(snapshot: Snapshot, year: int) -> dict[str, int]:
    """Words whose first year in the whole index is ``year``, with how many records of
    that year hold them (summed over segments)."""
    now: list[tuple[np.ndarray, np.ndarray, firsts.Firsts, np.ndarray]] = []
    seen = []
    for reader, offset in zip(snapshot.readers, snapshot.offsets.tolist(), strict=True):
        table = firsts.read(reader)
        first = np.array(table.first, dtype=np.int64)
        count = np.array(table.count, dtype=np.int64)
        _live_years(snapshot, reader, offset, table, first, count, year)
        at = np.flatnonzero(first == year)
        now.append((table.hashes[at], count[at], table, at))
        seen.append(table.hashes[(first > 0) & (first < year)])
    earlier = distinct(np.concatenate(seen)) if seen else np.zeros(0, np.uint64)
    words: dict[str, int] = {}
    for hashes, counts, table, at in now:
        fresh = ~np.isin(hashes, earlier)
        for i, n in zip(at[fresh].tolist(), counts[fresh].tolist(), strict=True):
            word = table.word(i)
            words[word] = words.get(word, 0) + n
    return words


def _live_years(
    snapshot: Snapshot,
    reader: Any,
    offset: int,
    table: firsts.Firsts,
    first: np.ndarray,
    count: np.ndarray,
    year: int,
) -> None:
    """Correct, in place, the first years that a deleted witness may have given: those
    words' years are read again from their postings, over live records."""
    dead = ~snapshot.alive[offset : offset + reader.doc_count_all()]
    if not dead.any():
        return
    suspects = np.flatnonzero(dead[table.witness] & (first <= year))
    for i in suspects.tolist():
        docs = bulk.postings(reader, firsts.FIELD, table.word(i))[0] + offset
        docs = docs[snapshot.alive[docs]]
        years = snapshot.years[docs]
        years = years[years > 0]
        first[i] = int(years.min()) if len(years) else 0
        count[i] = int((years == first[i]).sum()) if len(years) else 0


def _candidates(scope: _Scope) -> dict[str, int]:
    """The words of the paragraphs compared that none of the others contains (their
    match keys searched whole), with their counts: a region's few reports, or two."""
    snapshot = scope.snapshot
    stored = snapshot.stored_fields
    counts: dict[str, int] = {}
    for doc in scope.now.tolist():
        for word, n in index_words(stored(doc)["text"]).items():
            counts[word] = counts.get(word, 0) + n
    earlier = b"\n".join(snapshot.match_keys(scope.before))
    return {w: n for w, n in counts.items() if match_key(w).encode("utf-8") not in earlier}


def _formulation(word: str) -> bool:
    """Whether a reader might list ``word`` at all (checked before any reading)."""
    key = match_key(word)
    if len(key) < 2 or _NUMBER_LIKE.match(key):
        return False
    return bool(_HAN.search(key)) or any(c.isdigit() for c in key)


def _names(scope: _Scope, reports: Reports) -> set[str]:
    """Names that are no formulation: places (the country's divisions and the index's
    regions, whole and without their level) and the year's speakers."""
    snapshot = scope.snapshot
    regions = [name for name in snapshot.region_names if name]
    names = set(place_names()) | set(regions) | {short_name(name) for name in regions}
    for code in distinct(snapshot.doc_codes[scope.now]).tolist():
        speaker = reports.record(snapshot.doc_names[code]).get("speaker")
        if speaker:
            names.add(match_key(speaker))
    return names


def _checked(
    scope: _Scope, word: str, glossary: GlossaryLookup, reports: Reports
) -> NewTerm | None:
    """``word`` (or the longer string all its occurrences of the year sit in) as a new
    term, if the literal matches say it is new; else None."""
    snapshot = scope.snapshot
    key = match_key(word)
    everywhere = Matcher(snapshot).literal(key)
    if scope.is_before[everywhere].any():
        return None
    found = everywhere[scope.is_now[everywhere]]  # sorted, as the key column is read
    if not len(found):
        return None
    keys = [k.decode("utf-8") for k in snapshot.match_keys(found)]
    now = _in_order(snapshot, found, reports)
    stored = snapshot.stored_fields
    first = stored(int(now[0]))
    grown = _grown(key, keys)
    if grown != key and not _crosses_quotes(grown, first["text"]):
        return _checked(scope, grown, glossary, reports)  # its own paragraphs to read
    texts = [first, *(stored(d) for d in now[1:QUOTES_READ].tolist())]
    quoted, defined = _quoted(key, texts), glossary.has_key(key)
    if not _HAN.search(key) and not (_SLOGAN_SIGNS.search(key) or defined or quoted):
        return None
    occurrences = sum(k.count(key) for k in keys)
    years_used = snapshot.years[everywhere]
    later = sorted({int(y) for y in years_used[years_used > scope.year].tolist()})
    regions = len(distinct(snapshot.region_codes[everywhere[years_used >= scope.year]]))
    heading = bool((snapshot.shapes[now] == HEADING).any())
    salience = (
        math.log2(1 + occurrences)
        + (1.0 if quoted else 0.0)
        + (1.0 if heading else 0.0)
        + (1.5 if defined else 0.0)
        + 0.5 * min(len(later), 4)
        + 0.5 * math.log2(max(regions, 1))
        + 0.125 * min(len(key), 8)
    )
    spans = highlight_spans(first["text"], [key])
    return NewTerm(
        term=first["text"][spans[0][0] : spans[0][1]] if spans else key,
        key=key,
        occurrences=occurrences,
        paragraphs=len(now),
        reports=scope.reports(now),
        first={
            "doc": first["doc"],
            "label": reports[first["doc"]].get("label") or first["doc"],
            "paragraph": first["n"],
            "text": first["text"],
        },
        later_years=later,
        quoted=quoted,
        heading=heading,
        defined=defined,
        regions=regions,
        salience=salience,
    )


def _in_order(snapshot: Snapshot, docs: np.ndarray, reports: Reports) -> np.ndarray:
    """Paragraphs in the order they were said: by report date, then in the report."""
    codes = snapshot.doc_codes[docs]
    names = {c: snapshot.doc_names[c] for c in distinct(codes).tolist()}
    rank = {c: (reports[name].get("date") or "", name) for c, name in names.items()}
    place = {c: i for i, c in enumerate(sorted(rank, key=rank.__getitem__))}
    order = np.lexsort((snapshot.numbers()[docs], [place[c] for c in codes.tolist()]))
    return docs[order]


def _grown(key: str, keys: list[str]) -> str:
    """The longest string around ``key`` that every one of its occurrences in ``keys``
    sits in (two or more occurrences: one says nothing about where a term ends), grown
    one Han character at a time on each side."""
    spots = [(k, at) for k in keys for at in occurrences(k, key)]
    if len(spots) < 2:
        return key
    left = right = 0
    while len(key) + left + right < LONGEST:
        grew = False
        after = {k[at + len(key) + right : at + len(key) + right + 1] for k, at in spots}
        if len(after) == 1 and _HAN.match(next(iter(after)) or "-"):
            right, grew = right + 1, True
        before = [k[max(at - left - 2, 0) : at - left] for k, at in spots]
        if len({b[-1:] for b in before}) == 1 and all(map(_grows_left, before)):
            left, grew = left + 1, True
        if not grew:
            break
    k, at = spots[0]
    return k[at - left : at + len(key) + right]


def _grows_left(preceding: str) -> bool:
    """Whether a term may take the character before it (the last of ``preceding``): a
    Han character, but not the 年 of a date (2035年远景目标 is no term 年远景目标)."""
    if not preceding or not _HAN.match(preceding[-1]):
        return False
    return not (preceding[-1] in "年月日" and preceding[:-1].isdigit())


def _crosses_quotes(key: str, text: str) -> bool:
    """Whether ``text`` prints ``key`` across a quotation mark: “三变”改革 is the slogan
    三变 and the word 改革, whatever follows it."""
    marks = set(_OPENING_QUOTES + _CLOSING_QUOTES)
    return any(marks & set(text[start:end]) for start, end in highlight_spans(text, [key]))


def _quoted(key: str, texts: list[dict[str, Any]]) -> bool:
    """Whether a paragraph prints ``key`` in quotation marks (the match key drops them)."""
    for stored in texts:
        text = stored["text"]
        for start, end in highlight_spans(text, [key]):
            if (
                start
                and text[start - 1] in _OPENING_QUOTES
                and text[end : end + 1] in _CLOSING_QUOTES
            ):
                return True
    return False


def _without_fragments(terms: list[NewTerm]) -> list[NewTerm]:
    """Leave out a term that a longer new term holds at each of its occurrences."""
    kept = []
    for term in terms:
        inside = any(
            other is not term
            and term.key in other.key
            and other.occurrences >= term.occurrences
            and other.paragraphs == term.paragraphs
            for other in terms
        )
        if not inside:
            kept.append(term)
    return kept
