"""Expansions kept commit by commit: a commit resolves again only the terms its
documents touch (``indexer.expansions`` says how one term is resolved).

Resolving every term from every document's lists took 8 s a commit at 200 MB, one
report or a thousand. Now the corpus's lists are kept in ledger tables
(``indexer.ledger``): each document's record (``LISTS``), each term's uses by document
(``MENTIONS``, a group per term), each list's places under every key a term has asked
for (``PLACES``, a group per key) and how many documents define each key
(``DEFINED``). A commit updates them for the documents it adds, changes or removes, and
resolves again the terms those documents mention, the terms whose keys their lists
carry, and the terms a definition starts or stops explaining; every other term keeps
what it found. A term asking for a key no term asked for before reads every document's
lists once, to fill that key's places. The result equals ``expansions.resolve`` over
the whole corpus, which the tests check.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from analyzers.normalize import match_key
from indexer.expansions import (
    Ask,
    Place,
    Use,
    asks_of,
    finished,
    places_of,
    term_found,
    uses_key,
    uses_of,
    wanted_by,
)
from indexer.ledger import GROUP, Entries, LedgerWriter
from indexer.schema import DEFINED, LISTS, MENTIONS, PLACES

Changes = dict[str, tuple[int, str]]  # key -> (value, payload): 0 deletes
# Between a payload's fields, and between the keys a paragraph defines: characters no
# document name, term or text holds (the text's control characters are cleaned away).
_FIELD, _KEYS = "\x1e", "\x1d"


class LedgerCorpus:
    """The corpus as a commit's tables leave it (``expansions.Corpus``)."""

    def __init__(self, writer: LedgerWriter) -> None:
        self._writer = writer
        self._uses: dict[str, dict[str, Use]] = {}
        self._places: dict[str, Place] = {}

    def uses(self, term: str) -> dict[str, Use]:
        if term not in self._uses:
            group = self._writer.table(MENTIONS).group(term)  # in the order of doc hashes
            rows = (payload.split(_FIELD) for payload in group.payloads or ())
            self._uses[term] = {
                doc: Use(paragraphs, int(year) if year else None, quoted == "1")
                for doc, year, quoted, paragraphs in rows
            }
        return self._uses[term]

    def places(self, asks: set[Ask]) -> set[Place]:
        table = self._writer.table(PLACES)
        return {self._place(p) for ask in asks for p in table.group(ask_key(ask)).payloads or ()}

    def _place(self, payload: str) -> Place:
        if payload not in self._places:
            doc, paragraph, joined, before, after, year, defined = payload.split(_FIELD)
            self._places[payload] = Place(
                doc,
                int(paragraph),
                tuple(joined.split("、")),
                before,
                after,
                int(year) if year else None,
                tuple(defined.split(_KEYS)) if defined else (),
            )
        return self._places[payload]

    def defines(self, key: str) -> bool:
        return self._writer.table(DEFINED).values([key])[0] > 0


def ask_key(ask: Ask) -> str:
    return json.dumps(ask, ensure_ascii=False)


def _use_payload(doc: str, use: Use) -> str:
    return _FIELD.join([doc, str(use.year or ""), "1" if use.quoted else "", use.paragraphs])


def _place_entry(ask: Ask, place: Place) -> tuple[str, str]:
    """The key of a place under a key a term asks for, and its payload."""
    joined = "、".join(place.items)
    fields = [place.doc, str(place.paragraph), joined, place.before, place.after]
    payload = _FIELD.join([*fields, str(place.year or ""), _KEYS.join(place.defined)])
    return ask_key(ask) + GROUP + _FIELD.join(fields), payload


def _packed(record: Mapping[str, Any]) -> str:
    """A document's record as the ``LISTS`` table keeps it: compressed (read only when
    the document changes, or a new key is asked for), in characters a payload may hold."""
    text = json.dumps(record, ensure_ascii=False).encode()
    return base64.b64encode(zlib.compress(text)).decode("ascii")


def _unpacked(payload: str) -> dict[str, Any]:
    return json.loads(zlib.decompress(base64.b64decode(payload)))


def _add(writer: LedgerWriter, table: str, changes: Changes) -> None:
    keys = list(changes)
    values = (changes[k][0] for k in keys)
    writer.add(table, Entries.of(keys, values, [changes[k][1] for k in keys]))


def update(
    writer: LedgerWriter,
    state: Mapping[str, Any],
    changed: Iterable[str],
    documents: Mapping[str, Mapping[str, Any]],
    cut: Callable[[str], Iterable[tuple[str, int, int]]],
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Record that the documents ``changed`` (added, changed or removed) now hold
    ``documents`` (their records, ``records.document_lists``; a removed one is absent),
    resolve again the terms they touch, and return the new state (each resolved term's
    keys, uses and lists found; every key asked for) and the corpus's expansions."""
    asked: set[Ask] = {tuple(a) for a in state.get("asked", ())}
    terms: dict[str, dict[str, Any]] = dict(state.get("terms", {}))
    askers: dict[Ask, set[str]] = defaultdict(set)
    by_key: dict[str, set[str]] = defaultdict(set)
    for term, held in terms.items():
        for ask in held["asks"]:
            askers[tuple(ask)].add(term)
        by_key[held["key"]].add(term)
    changed = sorted(set(changed) | set(documents))
    old = {
        doc: _unpacked(payload)
        for doc, (_, payload) in writer.table(LISTS).lookup(changed).items()
        if payload
    }
    packed = {doc: (1, _packed(documents[doc])) if doc in documents else (0, "") for doc in changed}
    _add(writer, LISTS, packed)
    mentions: Changes = {}
    places: Changes = {}
    defined: Counter[str] = Counter()
    affected: set[str] = set()
    wanted = wanted_by(asked)
    for sign, docs in ((0, old), (1, documents)):  # an old record's rows go, the new one's come
        for doc, data in docs.items():
            for term, use in uses_of(doc, data).items():
                mentions[term + GROUP + doc] = (sign, _use_payload(doc, use) if sign else "")
                affected.add(term)
            defined.update({key: 1 if sign else -1 for key in data.get("defined", ())})
            for ask, place in places_of(doc, data, wanted):
                key, payload = _place_entry(ask, place)
                places[key] = (sign, payload if sign else "")
                affected.update(askers.get(ask, ()))
    keys = [k for k, n in defined.items() if n]
    before = dict(zip(keys, writer.table(DEFINED).values(keys), strict=True))
    for key in keys:
        if (before[key] > 0) != (before[key] + defined[key] > 0):
            affected.update(by_key.get(key, ()))
    writer.add(DEFINED, Entries.of(keys, (defined[k] for k in keys)))
    _add(writer, MENTIONS, mentions)
    _add(writer, PLACES, places)
    corpus = LedgerCorpus(writer)
    asks = {term: asks_of(term, corpus.uses(term)) for term in sorted(affected)}
    new = set().union(*asks.values()) - asked
    if new:
        _add(writer, PLACES, _discover(writer, new))
        asked |= new
    for term, term_asks in asks.items():
        if not term_asks:
            terms.pop(term, None)
            continue
        terms[term] = {
            "asks": sorted(term_asks),
            "key": match_key(term),
            "uses": uses_key(corpus.uses(term)),
            "found": term_found(term, corpus),
        }
    found = [e for term in sorted(terms) for e in terms[term]["found"]]
    entries = finished(found, {t: held["uses"] for t, held in terms.items()}, cut)
    return {"asked": sorted(asked), "terms": terms}, entries


def _discover(writer: LedgerWriter, asks: set[Ask]) -> Changes:
    """Every place of a list with one of these keys, from every document's record."""
    records = writer.table(LISTS).entries().payloads or ()
    wanted = wanted_by(asks)
    places: Changes = {}
    for payload in records:
        data = _unpacked(payload)
        for ask, place in places_of(data["doc"], data, wanted):
            key, row = _place_entry(ask, place)
            places[key] = (1, row)
    return places
