"""Any Han string of the corpus, found by how it is read: the strings no lexicon lists.

The lexicon files words under their pinyin. A string jieba never cuts out whole (做大做强,
文旅项目, a place name cut into characters) is in no lexicon, and listing every string of
two to eight characters would not fit (a 200 MB corpus has tens of millions). So they are
found when asked: each typed syllable stands for the characters that can be read so (every
reading: 长 is chang and zhang, and the typed one decides), and the corpus's Han bigrams,
counted at index time with the number of paragraphs holding each, say which character
follows which. Walking them gives every string whose bigrams all occur. A string of two
characters is then a bigram, with its count; a longer one may have its bigrams apart, so it
is counted in the paragraphs themselves, most promising first, until the best are certain.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

from analyzers.charsets import HAN_RANGES
from analyzers.pinyin import char_readings, syllables
from indexer.arrays import distinct

MAX_CHECKS = 32  # strings counted per lookup (a longer one is counted in the paragraphs)
WALK_LIMIT = 2_000  # strings a walk lists whole; past that, it goes commonest first
ROUND_LIMIT = 50_000  # strings a walk lists at one floor before it stops lowering it
FLOOR_STEP = 8  # how fast such a walk lowers the paragraph count its bigrams need
Piece = tuple[str, bool]  # a syllable, or (False) the start of one: what one character reads
Walk = tuple[Piece, ...]
_SHIFT = 21  # a bigram's code: first code point << 21 | second (Unicode needs 21 bits)


def bigram_paragraphs(keys: list[str]) -> dict[int, int]:
    """How many of the match ``keys`` hold each Han bigram, by its code, counted in numpy
    (a Counter of a million character pairs per worker cost 300 MB and seconds)."""
    points = np.frombuffer("\0".join(keys).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    han = np.zeros(len(points), dtype=bool)
    for first, last in HAN_RANGES:
        han |= (points >= first) & (points <= last)
    sizes = np.array([len(key) + 1 for key in keys], dtype=np.int64)  # each, and a "\0"
    paragraph = np.repeat(np.arange(len(keys), dtype=np.int64), sizes)[: len(points)]
    pairs = han[:-1] & han[1:]
    codes = ((points[:-1] << _SHIFT) | points[1:])[pairs]
    each = distinct((paragraph[:-1][pairs] << (2 * _SHIFT)) | codes)  # once per paragraph
    codes, counts = np.unique(each & ((1 << (2 * _SHIFT)) - 1), return_counts=True)
    return dict(zip(codes.tolist(), counts.tolist(), strict=True))


def pack_bigrams(codes: np.ndarray, counts: np.ndarray) -> dict[str, bytes | str]:
    """Bigram codes with their paragraph counts as ``BigramGraph`` reads them: the
    characters once, then arrays of character numbers, by code."""
    order = np.argsort(codes, kind="stable")
    kept = order[np.asarray(counts)[order] > 0]
    codes, counts = np.asarray(codes, dtype=np.int64)[kept], np.asarray(counts)[kept]
    firsts, seconds = codes >> _SHIFT, codes & ((1 << _SHIFT) - 1)
    chars = distinct(np.concatenate([firsts, seconds]))
    pairs = np.stack([np.searchsorted(chars, firsts), np.searchsorted(chars, seconds)], axis=1)
    return {
        "chars": "".join(map(chr, chars.tolist())),
        "pairs": pairs.astype(np.int32).tobytes(),
        "counts": counts.astype(np.int64).tobytes(),
    }


class BigramGraph:
    """The corpus's Han bigrams as arrays sorted by (first, second) character number."""

    def __init__(self, packed: dict[str, bytes | str]) -> None:
        chars = str(packed["chars"])
        pairs = np.frombuffer(bytes(packed["pairs"]), dtype=np.int32).reshape(-1, 2)
        self.chars = np.array(list(chars)) if chars else np.zeros(0, dtype="<U1")
        self.firsts, self.seconds = pairs[:, 0], pairs[:, 1]
        self.counts = np.frombuffer(bytes(packed["counts"]), dtype=np.int64)
        # Row of each character: its bigrams are firsts[starts[c]:starts[c + 1]].
        self.starts = np.searchsorted(self.firsts, np.arange(len(chars) + 1))
        syllables()  # read pypinyin's table now (0.3 s), not on the first lookup
        by_reading: dict[str, list[int]] = {}
        for i, char in enumerate(chars):
            for reading in char_readings(char):
                by_reading.setdefault(reading, []).append(i)
        self._by_reading = {r: np.array(ids, dtype=np.int32) for r, ids in by_reading.items()}
        self.readable = lru_cache(maxsize=1024)(self._readable)  # per graph, as self is

    def __len__(self) -> int:
        return len(self.counts)

    def _readable(self, piece: str, whole: bool) -> np.ndarray:  # cached as readable
        """Which characters (a mask) can be read as ``piece``, or, not ``whole``, as a
        syllable starting with it (an initial, or a syllable still being typed)."""
        mask = np.zeros(len(self.chars), dtype=bool)
        for reading in [piece] if whole else [s for s in syllables() if s.startswith(piece)]:
            mask[self._by_reading.get(reading, [])] = True
        return mask

    def top(self, walks: list[Walk], count: Callable[[str], int], n: int) -> dict[str, int]:
        """The ``n`` strings that occur in the most paragraphs, with those counts, among
        those each walk's pieces can read (one walk per way to read the input).

        Exact without listing every string: when a walk would pass ``WALK_LIMIT``
        strings, rounds walk only the bigrams in at least ``floor`` paragraphs (no
        string in fewer can hold a rarer bigram), the floor falling until ``n`` strings
        are found in at least that many paragraphs. Two-character strings come counted;
        longer ones are counted by ``count``, most promising first. Two bounds keep a
        lookup fast whatever is typed (six initials may read millions of strings): a
        floor is not lowered past ``ROUND_LIMIT`` strings, and ``MAX_CHECKS`` strings
        are counted at most; the strings returned are then the most frequent of those
        the walk could reach, still each counted exactly."""
        found: dict[str, int] = {}
        checked: set[str] = set()
        floor = 1
        bounds = self._walk(walks, floor, WALK_LIMIT)
        if bounds is None:
            floor = int(self.counts.max())
        while True:
            if bounds is None:
                lower = max(floor // FLOOR_STEP, 1)
                bounds = self._walk(walks, lower, ROUND_LIMIT)
                if bounds is None:
                    break
                floor = lower
            for text in sorted(bounds, key=lambda t: (-bounds[t], t)):
                if text in checked:
                    continue
                if len(found) >= n and sorted(found.values())[-n] > bounds[text]:
                    break  # no string left can beat the n-th found
                if len(checked) >= MAX_CHECKS:
                    floor = 1
                    break
                checked.add(text)
                occurs = bounds[text] if len(text) == 2 else count(text)
                if occurs:
                    found[text] = occurs
            ranked = sorted(found.values(), reverse=True)[:n]
            if floor == 1 or (len(ranked) == n and ranked[-1] >= floor):
                break
            bounds = None
        return dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[:n])

    def _walk(self, walks: list[Walk], floor: int, limit: int) -> dict[str, int] | None:
        """Every string the walks read whose bigrams are each in at least ``floor``
        paragraphs, with the fewest paragraphs any of them is in (a two-character
        string's own count; a longer one's bound); None past ``limit`` strings at a step.
        Walks that start alike (xi'an…, xian…) share the steps they have in common."""
        bounds: dict[str, int] = {}
        steps: dict[Walk, tuple[np.ndarray, np.ndarray]] = {}
        for walk in walks:
            if not all(self.readable(*piece).any() for piece in walk):
                continue  # a piece no character of the corpus reads: nothing to walk
            for end in range(2, len(walk) + 1):
                if walk[:end] in steps:
                    continue
                if end == 2:
                    edges = self._edges(self.readable(*walk[0]), self.readable(*walk[1]), floor)
                    pairs = np.stack([self.firsts[edges], self.seconds[edges]], axis=1)
                    step: tuple[np.ndarray, np.ndarray] | None = pairs, self.counts[edges]
                else:
                    step = self._step(*steps[walk[: end - 1]], walk[end - 1], floor, limit)
                if step is None or len(step[0]) > limit:
                    return None
                steps[walk[:end]] = step
            paths, rarest = steps[walk]
            if len(paths):
                texts = ["".join(row) for row in self.chars[paths].tolist()]
                bounds.update(zip(texts, rarest.tolist(), strict=True))
        return bounds

    def _step(
        self, paths: np.ndarray, bounds: np.ndarray, piece: Piece, floor: int, limit: int
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """``paths`` one character longer, by a bigram in at least ``floor`` paragraphs to
        a character ``piece`` reads; each path's bound is its rarest bigram's count. None,
        before anything is built, if there would be more than ``limit``."""
        if not len(paths):
            return paths, bounds
        ends_here = np.zeros(len(self.chars), dtype=bool)
        ends_here[paths[:, -1]] = True
        edges = self._edges(ends_here, self.readable(*piece), floor)
        starts = np.searchsorted(self.firsts[edges], paths[:, -1], side="left")
        ends = np.searchsorted(self.firsts[edges], paths[:, -1], side="right")
        if int((ends - starts).sum()) > limit:
            return None
        which, taken = _ranges(starts, ends)
        step = edges[taken]
        paths = np.concatenate([paths[which], self.seconds[step][:, None]], axis=1)
        return paths, np.minimum(bounds[which], self.counts[step])

    def _edges(self, before: np.ndarray, after: np.ndarray, floor: int) -> np.ndarray:
        """The bigrams (indices, ascending) in at least ``floor`` paragraphs from a
        character ``before`` allows to one ``after`` allows."""
        firsts = np.flatnonzero(before)
        _, taken = _ranges(self.starts[firsts], self.starts[firsts + 1])
        return taken[after[self.seconds[taken]] & (self.counts[taken] >= floor)]


def _ranges(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``concatenate([arange(s, e) for s, e in zip(starts, ends)])`` without the loop,
    with the number of the range each element came from."""
    lengths = ends - starts
    which = np.repeat(np.arange(len(starts)), lengths)
    offsets = np.cumsum(lengths) - lengths
    return which, np.arange(int(lengths.sum())) - offsets[which] + starts[which]
