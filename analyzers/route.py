"""jieba's cut (HMM off) over a mapped word table: no model to build before the first word.

jieba-rs builds a trie of jieba's 349,000 dictionary words before it cuts anything
(0.1 s), which a command-line query paid to cut four characters. Cutting needs much
less: which substrings of the run are words, with their frequencies. :class:`WordTable`
holds the dictionary as arrays a process maps (each word's CRC-32, sorted, with its
frequency and its bytes to confirm a hit: 7 MB), written once per index; :class:`RouteCutter`
adds the user dictionary and cuts as jieba does: at every position each dictionary
word starting there (the single character when none does), then the route of greatest
summed ``ln(freq / total)`` from the end backwards, ties to the longer word — jieba
0.42.1's ``get_DAG`` and ``calc``, which jieba-rs reproduces. A test holds its cuts equal
to jieba-rs's on real and generated text.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from math import log

import numpy as np

WORD_TABLE_MAGIC = b"PSWORDS1"


def word_hashes(words: list[bytes]) -> np.ndarray:
    """Each word's CRC-32: stable across processes and machines, unlike ``hash``; the
    few words that share one are told apart by their bytes."""
    return np.fromiter(map(zlib.crc32, words), dtype=np.uint32, count=len(words))


def table_parts(frequencies: Mapping[str, int]) -> list[tuple[str, np.ndarray]]:
    """The arrays of a :class:`WordTable` of ``frequencies`` (word -> frequency)."""
    words = [w.encode("utf-8") for w in frequencies]
    hashes = word_hashes(words)
    order = np.argsort(hashes, kind="stable")
    ordered = [words[i] for i in order]
    lengths = np.fromiter(map(len, ordered), dtype=np.int64, count=len(ordered))
    freqs = np.fromiter(frequencies.values(), dtype=np.int64, count=len(words))
    if len(words) and (freqs.max() >= 2**32 or lengths.sum() >= 2**32):
        raise ValueError("a word table holds frequencies and bytes below 2**32")
    return [
        ("hashes", hashes[order]),
        ("freqs", freqs[order].astype(np.uint32)),
        ("starts", np.concatenate(([0], np.cumsum(lengths))).astype(np.uint32)),
        ("bytes", np.frombuffer(b"".join(ordered), dtype=np.uint8)),
    ]


class WordTable:
    """Words and their frequencies, looked up in place in the arrays of
    :func:`table_parts` (mapped from a file, or in memory)."""

    def __init__(self, arrays: Mapping[str, np.ndarray]) -> None:
        self._hashes = arrays["hashes"]
        self._freqs = arrays["freqs"]
        self._starts = arrays["starts"]
        self._bytes = arrays["bytes"]

    def frequencies(self, words: list[str]) -> list[int]:
        """Each word's frequency, 0 for a word the table does not hold."""
        encoded = [w.encode("utf-8") for w in words]
        hashes = word_hashes(encoded)
        low = np.searchsorted(self._hashes, hashes, side="left")
        high = np.searchsorted(self._hashes, hashes, side="right")
        found = [0] * len(words)
        for i in np.flatnonzero(high > low).tolist():
            for at in range(int(low[i]), int(high[i])):
                start, end = int(self._starts[at]), int(self._starts[at + 1])
                if self._bytes[start:end].tobytes() == encoded[i]:
                    found[i] = int(self._freqs[at])
                    break
        return found


class RouteCutter:
    """jieba's dictionary (``table``) with the user's words over it (``user_words``,
    whose frequencies replace the dictionary's), cutting with the model's ``total``."""

    def __init__(
        self, table: WordTable, longest: int, user_words: Mapping[str, int], total: int
    ) -> None:
        self._table = table
        self._user_words = user_words
        self._longest = max([longest, *map(len, user_words)])
        self._log_total = log(total)

    def frequencies(self, words: list[str]) -> list[int]:
        """Each word's frequency in the model, 0 for no word."""
        listed = self._table.frequencies(words)
        return [self._user_words.get(w) or f for w, f in zip(words, listed, strict=True)]

    def cut(self, run: str) -> list[str]:
        """The words of a Han run, as jieba cuts it with HMM off."""
        n = len(run)
        spans = [(k, j) for k in range(n) for j in range(k + 1, min(n, k + self._longest) + 1)]
        freqs = self.frequencies([run[k:j] for k, j in spans])
        ends: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        for (k, j), freq in zip(spans, freqs, strict=True):
            if freq:
                ends[k].append((j, freq))
        route: list[tuple[float, int]] = [(0.0, 0)] * (n + 1)
        for k in range(n - 1, -1, -1):
            route[k] = max(
                (log(freq) - self._log_total + route[j][0], j)
                for j, freq in ends[k] or [(k + 1, 1)]
            )
        words, k = [], 0
        while k < n:
            j = route[k][1]
            words.append(run[k:j])
            k = j
        return words
