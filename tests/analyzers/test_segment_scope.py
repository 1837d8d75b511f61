"""Each index cuts text with its own dictionary, whatever else the process opened or built
(the segmenter is scoped per search and per build, never process-wide)."""

from __future__ import annotations

import threading

from analyzers.segment import Segmenter, active_segmenter, using
from indexer import query
from indexer.api import PolicyIndex
from indexer.ingest import clean

JARGON = "蔺豫翀"  # quoted, so index A learns it as one word; index B never saw it
TEXT_A = f"政府工作报告\n\n推进“{JARGON}”工程。\n"
TEXT_B = "政府工作报告\n\n推进蔺豫翀工程。\n"


def _cut(text: str) -> list[str]:
    return [w for w, _, _ in active_segmenter().words(text)]


def test_a_scope_ends_where_it_was_set():
    learned = Segmenter()
    learned.learn(JARGON)
    assert JARGON not in _cut(JARGON)
    with using(learned):
        assert JARGON in _cut(JARGON)
    assert JARGON not in _cut(JARGON)


def test_two_indexes_in_one_process_cut_with_their_own_dictionary(index_of, monkeypatch):
    a = PolicyIndex.open(index_of({"a.txt": TEXT_A}, "a"))
    b = PolicyIndex.open(index_of({"b.txt": TEXT_B}, "b"))
    with a.segmenting():
        assert JARGON in _cut(JARGON)
    with b.segmenting():
        assert JARGON not in _cut(JARGON)
    # Two threads searching at once, each reading its query after both have opened
    # their snapshot: a process-wide dictionary would hand one of them the other's.
    both_opened = threading.Barrier(2, timeout=10)
    seen: dict[str, list[str]] = {}
    words_of = query.query_words

    def spy(text: str) -> list[str]:
        both_opened.wait()
        seen[threading.current_thread().name] = _cut(JARGON)
        return words_of(text)

    monkeypatch.setattr(query, "query_words", spy)
    threads = [
        threading.Thread(target=ix.search, args=(JARGON,), name=name)
        for name, ix in (("a", a), ("b", b))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert JARGON in seen["a"] and JARGON not in seen["b"]
    a.close()
    b.close()


def test_a_build_after_searching_another_index_parses_with_its_own(index_of, monkeypatch):
    with PolicyIndex.open(index_of({"a.txt": TEXT_A}, "a")) as a:
        assert a.search(JARGON).total == 1
        dictionaries: list[bool] = []
        segmenter_of = clean.active_segmenter

        def spy() -> Segmenter:  # the cleaner asks where words run across a line break
            found = segmenter_of()
            dictionaries.append(JARGON in found.user_words)
            return found

        monkeypatch.setattr(clean, "active_segmenter", spy)
        index_of({"b.txt": "政府工作报告\n\n推进蔺豫\n翀工程建设。\n"}, "b")
    assert dictionaries and not any(dictionaries)  # b's (empty) dictionary, never a's
