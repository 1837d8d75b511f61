"""Deterministic synthetic corpora of any size, built from the seed reports.

    python benchmarks/corpus.py --mb 20 --out benchmarks/corpus/20mb [--seed 1]

Each file is a seed report with another region, year, date, speaker and numbers, its body
paragraphs shuffled within their sections, and dictionary words spliced into sentences so
the vocabulary keeps growing with size, as in real text (Heaps' law). The hard-wrapped
seeds keep their PDF layout, so cleaning is exercised too. Corpora are never committed.
"""

from __future__ import annotations

import argparse
import random
import re
from functools import cache
from pathlib import Path

import jieba

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


@cache
def dictionary_words() -> list[str]:
    """Han words from jieba's dictionary, rarer ones included: a vocabulary to grow into."""
    path = Path(jieba.__file__).parent / "dict.txt"
    words = [line.split(" ", 1)[0] for line in path.read_text(encoding="utf-8").splitlines()]
    return [w for w in words if 2 <= len(w) <= 4 and all("\u4e00" <= c <= "\u9fff" for c in w)]


def _vary(text: str, rng: random.Random, size_hint: int) -> str:
    region = rng.choice(REGIONS)
    shift = rng.randint(-20, 3)
    text = _REGION.sub(region, text)
    text = _YEAR.sub(lambda m: str(int(m.group()) + shift), text)
    text = _SPEAKER.sub(lambda m: rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)), text)
    text = _NUMBER.sub(lambda m: _perturb(m.group(), rng), text)
    words = dictionary_words()
    # more new words per file as the corpus grows: the vocabulary keeps growing
    splices = max(5, int(size_hint**0.5) // 20)
    return re.sub(
        "，",
        lambda m: m.group() + (rng.choice(words) if rng.random() < splices / 400 else ""),
        text,
    )


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


def generate(out_dir: Path, megabytes: float, seed: int = 1) -> list[Path]:
    """Write report files until ``megabytes`` of UTF-8 text; the same arguments, the same files."""
    rng = random.Random(seed)
    seeds = [p.read_text(encoding="utf-8-sig") for p in sorted(SEEDS.glob("*.txt"))]
    out_dir.mkdir(parents=True, exist_ok=True)
    target = int(megabytes * 1024 * 1024)
    written, files = 0, []
    while written < target:
        text = _vary(_shuffle_sections(rng.choice(seeds), rng), rng, written)
        path = out_dir / f"report_{len(files):05d}.txt"
        path.write_text(text, encoding="utf-8")
        written += len(text.encode("utf-8"))
        files.append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    files = generate(args.out, args.mb, args.seed)
    print(f"{len(files)} files in {args.out}")


if __name__ == "__main__":
    main()
