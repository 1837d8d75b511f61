"""Deterministic synthetic corpora of any size whose vocabulary grows like real text's.

    python benchmarks/corpus.py --mb 20 --out benchmarks/corpus/20mb [--seed 1]
    python benchmarks/corpus.py --vocabulary DIR [DIR ...]   # distinct words, bigrams per MB

Each file is one of the public reports and policy documents the repository holds (the
seeds and ``benchmarks/judged/``; never the held-out State Council reports) with another
region, year, date, speaker and numbers, its body paragraphs shuffled within their
sections. Real text keeps meeting words and character pairs it has not seen (names of
places, firms and projects; rarer terms): distinct jieba words and Han bigrams grow as
``K·MB^β`` (Heaps' law), which a corpus of shuffled sources would not do once it had
used them up. So each file also gets *new* words spliced in (jieba dictionary words:
real words, rarer ones included) and *new names* (places, firms, projects made of
random characters), as many as keep the totals on the curves measured on the real
reports (``REAL_WORDS``, ``REAL_BIGRAMS``; ``--vocabulary`` measures a folder). The
hard-wrapped seeds keep their PDF layout, so cleaning is exercised too. Corpora are
never committed.
"""

from __future__ import annotations

import argparse
import random
import re
from functools import cache
from pathlib import Path

from analyzers.charsets import HAN
from analyzers.segment import Segmenter, dictionary_file, is_han_word

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
REGIONS = [
    "新华区",
    "卫东区",
    "湛河区",
    "石龙区",
    "偃师区",
    "红旗区",
    "卫滨区",
    "凤泉区",
    "牧野区",
    "金水区",
    "二七区",
    "中原区",
    "惠济区",
    "管城区",
    "上街区",
    "龙亭区",
    "鼓楼区",
    "禹王台区",
    "顺河区",
    "祥符区",
    "殷都区",
    "龙安区",
    "文峰区",
    "北关区",
    "山城区",
    "淇滨区",
    "鹤山区",
    "解放区",
    "中站区",
    "马村区",
    "登封市",
    "新密市",
    "荥阳市",
    "中牟县",
    "巩义市",
    "汝州市",
    "舞钢市",
    "宝丰县",
    "叶县",
    "鲁山县",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟民建立玉勋怀斌志强国华晓明海涛红梅丽娟文博德胜"
_REGION = re.compile("|".join(sorted({r for r in REGIONS[:6]}, key=len, reverse=True)))
_YEAR = re.compile(r"20[12]\d(?=\s?年)")
_NUMBER = re.compile(r"(?<![\d.])\d{2,}(?:\.\d+)?(?![\d.]|\s?年)")  # years shift together
_SPEAKER = re.compile(r"(张伟民|宋建立|赵玉勋|刘怀斌)")


SOURCES = (
    SEEDS,
    ROOT / "benchmarks" / "judged" / "reports",
    ROOT / "benchmarks" / "judged" / "policies",
)
# Distinct jieba words and Han bigrams in the first N MB of the real reports and policy
# documents of SOURCES (4 MB, files in a shuffled order; ``--vocabulary``, 2026-12-05):
# 11.7k words and 49k bigrams in 1 MB, 21.4k and 110k in 4 MB, as K·MB^β.
REAL_WORDS = (11_700, 0.44)
REAL_BIGRAMS = (49_000, 0.58)
NAME_ENDINGS = "村镇乡街路园区港湾湖山河桥站厂社馆"  # what a new place or project is called
_HAN = re.compile(f"[{HAN}]+")  # what the engine counts as Han (its bigram table's too)


def bigrams(text: str) -> set[str]:
    """The Han character pairs of ``text``."""
    return {run[i : i + 2] for run in _HAN.findall(text) for i in range(len(run) - 1)}


def words(text: str) -> set[str]:
    """The Han words jieba cuts ``text`` into (jieba's own dictionary, as the engine's
    segmenter has it before a corpus teaches it any)."""
    return {w for w, _, _ in _segmenter().words(text) if is_han_word(w)}


@cache
def _segmenter() -> Segmenter:
    return Segmenter()


@cache
def dictionary_words() -> list[str]:
    """Han words from jieba's dictionary, rarer ones included: a vocabulary to grow into."""
    text = dictionary_file().read_text(encoding="utf-8")
    words = [line.split(" ", 1)[0] for line in text.splitlines()]
    return [w for w in words if 2 <= len(w) <= 4 and all("\u4e00" <= c <= "\u9fff" for c in w)]


def _vary(text: str, rng: random.Random) -> str:
    region = rng.choice(REGIONS)
    shift = rng.randint(-20, 3)
    text = _REGION.sub(region, text)
    text = _YEAR.sub(lambda m: str(int(m.group()) + shift), text)
    text = _SPEAKER.sub(lambda m: rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)), text)
    return _NUMBER.sub(lambda m: _perturb(m.group(), rng), text)


class Vocabulary:
    """What the corpus written so far holds (the sources used, and what was spliced in),
    and what to splice into the next file to keep it on the real curves."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.source_words = _source_words()
        self.words: set[str] = set()
        self.bigrams: set[str] = set()
        self.unused = list(dictionary_words())
        rng.shuffle(self.unused)
        self.characters = sorted({c for text in sources() for c in "".join(_HAN.findall(text))})

    def splice(self, text: str, source: int, megabytes: float) -> str:
        """``text`` (from source number ``source``) with new words and names after some
        of its commas: as many as bring the corpus, ``megabytes`` long with it, to the
        real counts."""
        self.words |= self.source_words[source]
        fresh = bigrams(text) - self.bigrams  # what the file brings before any splice
        pieces: list[str] = []
        k, beta = REAL_WORDS
        while len(self.words) < k * megabytes**beta and self.unused:
            word = self.unused.pop()
            if word not in self.words:
                pieces.append(word)
                self.words.add(word)
                fresh |= bigrams(word) - self.bigrams
        k, beta = REAL_BIGRAMS
        while len(self.bigrams) + len(fresh) < k * megabytes**beta:
            name = "".join(self.rng.choices(self.characters, k=self.rng.randint(2, 3)))
            name += self.rng.choice(NAME_ENDINGS)
            pieces.append(name)
            self.words |= words(name)
            fresh |= bigrams(name) - self.bigrams
        commas = [m.end() for m in re.finditer("，", text)] or [len(text)]
        places = sorted(self.rng.choice(commas) for _ in pieces)
        out, last = [], 0
        for at, piece in zip(places, pieces, strict=True):
            out += [text[last:at], piece]
            last = at
        spliced = "".join(out) + text[last:]
        self.bigrams |= bigrams(spliced)  # and those a splice makes with what follows it
        return spliced


def _perturb(number: str, rng: random.Random) -> str:
    if "." in number:
        whole, frac = number.split(".")
        return f"{max(1, int(whole) + rng.randint(-3, 3))}.{frac}"
    return str(max(1, int(number) + rng.randint(-9, 9)))


def _shuffle_sections(text: str, rng: random.Random) -> str:
    """Shuffle the body paragraphs of one-paragraph-per-line reports within sections."""
    blocks = text.split("\n\n")
    if sum(len(b) for b in blocks) / max(len(blocks), 1) < 200:  # hard-wrapped: keep layout
        return text
    head, body = blocks[:8], blocks[8:]
    rng.shuffle(body)
    return "\n\n".join(head + body)


@cache
def sources() -> list[str]:
    """The texts a corpus is made of, in a fixed order."""
    return [
        p.read_text(encoding="utf-8-sig")
        for folder in SOURCES
        for p in sorted(folder.glob("*.txt"))
    ]


@cache
def _source_words() -> list[set[str]]:
    return [words(text) for text in sources()]


def generate(out_dir: Path, megabytes: float, seed: int = 1) -> list[Path]:
    """Write report files until ``megabytes`` of UTF-8 text; the same arguments, the same files."""
    rng = random.Random(seed)
    texts = sources()
    vocabulary = Vocabulary(rng)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = int(megabytes * 1024 * 1024)
    written, files = 0, []
    while written < target:
        source = rng.randrange(len(texts))
        text = _vary(_shuffle_sections(texts[source], rng), rng)
        size = written + len(text.encode("utf-8"))
        text = vocabulary.splice(text, source, size / 1e6)
        path = out_dir / f"report_{len(files):05d}.txt"
        path.write_text(text, encoding="utf-8")
        written += len(text.encode("utf-8"))
        files.append(path)
    return files


def vocabulary_growth(folders: list[Path], marks: tuple[float, ...]) -> list[dict[str, float]]:
    """Distinct Han words and bigrams in the first N MB of the folders' files (in a
    fixed shuffled order: a mixed collection is read as a sample), at each of ``marks``
    and at the end (what a generated corpus is compared by: its whole)."""
    paths = sorted(p for folder in folders for p in folder.rglob("*.txt"))
    random.Random(1).shuffle(paths)
    seen_words: set[str] = set()
    seen_bigrams: set[str] = set()

    def row(megabytes: float) -> dict[str, float]:
        return {"mb": megabytes, "words": len(seen_words), "bigrams": len(seen_bigrams)}

    rows, done, left = [], 0, list(marks)
    for path in paths:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        seen_words |= words(text)
        seen_bigrams |= bigrams(text)
        done += len(text.encode("utf-8"))
        while left and done >= left[0] * 1e6:
            rows.append(row(left.pop(0)))
    return [*rows, row(round(done / 1e6, 2))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--vocabulary", type=Path, nargs="+", help="measure these folders")
    args = parser.parse_args()
    if args.vocabulary:
        for row in vocabulary_growth(args.vocabulary, (0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256)):
            print(f"{row['mb']:>8} MB  {row['words']:>9,} words  {row['bigrams']:>9,} bigrams")
        return
    if args.mb is None or args.out is None:
        parser.error("--mb and --out (or --vocabulary)")
    files = generate(args.out, args.mb, args.seed)
    print(f"{len(files)} files in {args.out}")


if __name__ == "__main__":
    main()
