"""Relevance judged by people: nDCG@10 and P@10 of our ranking and of plain BM25.

A *topic* is a query asked of one genre's corpus (``reports``: work reports; ``policies``:
policy documents), each indexed on its own as a user would index it. Paragraphs are graded
0/1/2 by the guidelines in ``benchmarks/judged/README.md``; a grade belongs to the
paragraph's text (the hash of its match key), so a paragraph printed in two documents is
judged once, and the same text shown twice in one ranking gains nothing the second time.

The baseline is what an OpenSearch index of our ``export`` ranks for a ``match`` query:
Lucene's BM25 over the jieba words ``export`` writes (``words``), with Lucene's idf and its
one-byte length norms.
"""

from __future__ import annotations

import csv
import hashlib
import math
import statistics
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzers.chains import word_analyzer
from analyzers.normalize import match_key
from indexer.api import PolicyIndex
from indexer.export import tokens
from indexer.ingest.entries import EXPANSION

ROOT = Path(__file__).resolve().parent.parent
JUDGED = ROOT / "benchmarks" / "judged"
GENRES = {"reports": [ROOT / "seeds", JUDGED / "reports"], "policies": [JUDGED / "policies"]}
QUERIES = JUDGED / "queries.txt"
QRELS = JUDGED / "qrels.tsv"
QREL_FIELDS = ("genre", "query", "key", "grade", "doc", "paragraph", "text")
# Each genre's expansions (issue 25) as an assessor checked them: is this list what the
# abbreviation stands for where the corpus uses it (1) or not (0)?
CHECKED = JUDGED / "expansions.tsv"
CHECKED_FIELDS = ("genre", "term", "items", "right", "doc", "paragraph", "used")
DEPTH = 10
K1, B = 1.2, 0.75  # Lucene's BM25Similarity defaults, as OpenSearch uses them

Topic = tuple[str, str]  # (genre, query)


def text_key(text: str) -> str:
    """What a grade is attached to: the paragraph's text, as the engine matches it."""
    return hashlib.sha1(match_key(text).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Ranked:
    """One place of a ranking: the paragraph shown there."""

    doc: str
    paragraph: int
    text: str
    label: str = ""  # what an assessor reads the paragraph with: its report, its section
    section: str = ""
    heading: bool = False

    @property
    def key(self) -> str:
        return text_key(self.text)


def load_qrels(path: Path = QRELS) -> dict[Topic, dict[str, int]]:
    qrels: dict[Topic, dict[str, int]] = defaultdict(dict)
    if path.exists():
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                qrels[(row["genre"], row["query"])][row["key"]] = int(row["grade"])
    return qrels


def load_queries(path: Path = QUERIES) -> list[str]:
    lines = (line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def dcg(gains: Iterable[int]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def topic_scores(ranking: list[Ranked], grades: dict[str, int]) -> dict[str, Any]:
    """nDCG@10 (linear gains), P@10 (grade ≥ 1) and P2@10 (grade 2) of one ranking; a text
    seen higher up gains nothing; unjudged paragraphs count as 0 and are listed."""
    seen: set[str] = set()
    gains, unjudged = [], []
    for place in ranking[:DEPTH]:
        key = place.key
        if key not in grades:
            unjudged.append(place)
        gains.append(0 if key in seen else grades.get(key, 0))
        seen.add(key)
    ideal = dcg(sorted(grades.values(), reverse=True)[:DEPTH])
    return {
        "ndcg": dcg(gains) / ideal if ideal else 0.0,
        "p10": sum(g >= 1 for g in gains) / DEPTH,
        "p2_10": sum(g == 2 for g in gains) / DEPTH,
        "unjudged": unjudged,
    }


def _length_norm(length: int) -> int:
    """Lucene's ``SmallFloat.byte4ToInt(intToByte4(length))``: the document length a
    one-byte norm keeps (exact below 24, then 4 significant bits)."""
    free = 24  # 255 - longToInt4(Integer.MAX_VALUE)
    if length < free:
        return length
    value = length - free
    bits = value.bit_length()
    if bits < 4:
        return length
    shift = bits - 4
    return free + ((value >> shift) << shift)


class PlainBM25:
    """Lucene's BM25 over the ``words`` field of our export, for a ``match`` query."""

    def __init__(self, ix: PolicyIndex) -> None:
        self.paragraphs: list[Ranked] = []
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        lengths = []
        with ix.segmenting():
            self.analyzer = word_analyzer()
            for p in ix.snapshot().paragraph_records():
                words = tokens(self.analyzer, p["text"]).split()
                for word, tf in Counter(words).items():
                    self.postings[word].append((len(self.paragraphs), tf))
                self.paragraphs.append(
                    Ranked(
                        p["doc"],
                        p["n"],
                        p["text"],
                        ix.label(p["doc"]),
                        p.get("section", ""),
                        p["heading"],
                    )
                )
                lengths.append(len(words))
        self.norms = [_length_norm(n) for n in lengths]
        self.average = sum(lengths) / max(len(lengths), 1)
        self.ix = ix

    def search(self, query: str, k: int = DEPTH) -> list[Ranked]:
        with self.ix.segmenting():
            words = tokens(self.analyzer, query).split()
        count = len(self.paragraphs)
        scores: dict[int, float] = defaultdict(float)
        for word in words:  # a match query: one SHOULD clause per token, repeats included
            postings = self.postings.get(word, [])
            idf = math.log(1 + (count - len(postings) + 0.5) / (len(postings) + 0.5))
            for at, tf in postings:
                norm = K1 * (1 - B + B * self.norms[at] / self.average)
                scores[at] += idf * tf / (tf + norm)
        best = sorted(scores, key=lambda at: (-scores[at], at))[:k]
        return [self.paragraphs[at] for at in best]


def ours(ix: PolicyIndex, query: str, k: int = DEPTH) -> list[Ranked]:
    return [
        Ranked(h.doc, h.paragraph, h.text, h.label, h.section, h.heading)
        for h in ix.search(query, limit=k).hits
    ]


def evaluate(
    genres: dict[str, list[Path]] | None = None,
    queries: list[str] | None = None,
    qrels: dict[Topic, dict[str, int]] | None = None,
) -> dict[str, Any]:
    """Both rankings of every topic, scored against the grades."""
    genres = GENRES if genres is None else genres
    queries = load_queries() if queries is None else queries
    qrels = load_qrels() if qrels is None else qrels
    topics: list[dict[str, Any]] = []
    expanded: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for genre, paths in genres.items():
            index = Path(tmp) / genre
            PolicyIndex.update(index, [p for p in paths if p.exists()], progress=False)
            with PolicyIndex.open(index) as ix:
                expanded.extend(first_expansions(ix, genre))
                baseline = PlainBM25(ix)
                for query in queries:
                    grades = qrels.get((genre, query), {})
                    runs = {"ours": ours(ix, query), "bm25": baseline.search(query)}
                    topics.append(
                        {
                            "genre": genre,
                            "query": query,
                            "judged": len(grades),
                            "relevant": sum(g > 0 for g in grades.values()),
                            **{name: topic_scores(r, grades) for name, r in runs.items()},
                        }
                    )
    checked = load_checked()
    for row in expanded:
        row["right"] = checked.get((row["genre"], row["term"], row["items"]), "")
    return {
        "topics": topics,
        "summary": summarize(topics),
        "expansions": expanded,
        "expansions_summary": summarize_expansions(expanded),
    }


def first_expansions(ix: PolicyIndex, genre: str) -> list[dict[str, Any]]:
    """The first expansion of every abbreviation the corpus's lists explain (what a
    reader sees first), with a paragraph that uses the term, for the assessor."""
    rows, seen = [], set()
    for entry in ix.glossary_entries():
        if entry.source != EXPANSION or entry.term in seen:
            continue
        seen.add(entry.term)
        usage = ix.usage(entry.term)
        used = usage.hits[0].text if usage.hits else ""
        rows.append(
            {
                "genre": genre,
                "term": entry.term,
                "items": "、".join(entry.items),
                "doc": entry.doc,
                "paragraph": entry.paragraph,
                "used": " ".join(used.split())[:160],
            }
        )
    return rows


def load_checked(path: Path = CHECKED) -> dict[tuple[str, str, str], int]:
    with path.open(encoding="utf-8", newline="") as f:
        return {
            (row["genre"], row["term"], row["items"]): int(row["right"])
            for row in csv.DictReader(f, delimiter="\t")
            if row["right"] != ""
        }


def summarize_expansions(expanded: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per genre: terms expanded, how many first expansions an assessor checked, and the
    share of those that are right."""
    rows = []
    for genre in [*dict.fromkeys(r["genre"] for r in expanded), "all"]:
        mine = [r for r in expanded if genre in ("all", r["genre"])]
        checked = [r["right"] for r in mine if r["right"] != ""]
        rows.append(
            {
                "genre": genre,
                "terms": len(mine),
                "checked": len(checked),
                "unchecked": len(mine) - len(checked),
                "right": round(statistics.fmean(checked), 3) if checked else None,
            }
        )
    return rows


def summarize(topics: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mean scores per genre and over all, of the topics with a relevant paragraph."""
    rows = []
    for genre in [*dict.fromkeys(t["genre"] for t in topics), "all"]:
        scored = [t for t in topics if t["relevant"] and genre in ("all", t["genre"])]
        if not scored:
            continue
        row: dict[str, Any] = {"genre": genre, "topics": len(scored)}
        for name in ("ours", "bm25"):
            for metric in ("ndcg", "p10", "p2_10"):
                row[f"{name}_{metric}"] = round(
                    statistics.fmean(t[name][metric] for t in scored), 3
                )
            row[f"{name}_unjudged"] = sum(len(t[name]["unjudged"]) for t in scored)
        row["worst_gap"] = round(min(t["ours"]["ndcg"] - t["bm25"]["ndcg"] for t in scored), 3)
        rows.append(row)
    return rows


POOL_FIELDS = (*QREL_FIELDS[:-1], "label", "section", "heading", "text")


def write_pool(path: Path, topics: list[dict[str, Any]]) -> None:
    """The paragraphs of either top 10 that have no grade yet, for an assessor: the
    qrels' columns with each paragraph's report and section (``grade`` to fill in)."""
    write_tsv(path, unjudged_rows(topics), POOL_FIELDS)


def unjudged_rows(topics: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The paragraphs of either top 10 that have no grade yet, once per topic and text."""
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for t in topics:
        for place in t["ours"]["unjudged"] + t["bm25"]["unjudged"]:
            rows.setdefault(
                (t["genre"], t["query"], place.key),
                {
                    "genre": t["genre"],
                    "query": t["query"],
                    "key": place.key,
                    "grade": "",
                    "doc": place.doc,
                    "paragraph": place.paragraph,
                    "label": place.label,
                    "section": place.section,
                    "heading": place.heading,
                    "text": place.text,
                },
            )
    return list(rows.values())


def write_tsv(
    path: Path, rows: list[dict[str, Any]], fields: tuple[str, ...] = QREL_FIELDS
) -> None:
    """Rows in the qrels' (or ``fields``') columns, tabs and line breaks in text made spaces."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(
            f, fields, delimiter="\t", lineterminator="\n", extrasaction="ignore"
        )
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: " ".join(v.split()) if isinstance(v, str) else v for k, v in row.items()}
            )


def write_unchecked(path: Path, expanded: list[dict[str, Any]]) -> None:
    """The first expansions no assessor has checked, in ``expansions.tsv``'s columns."""
    write_tsv(path, [r for r in expanded if r["right"] == ""], CHECKED_FIELDS)


def print_judged(report: dict[str, Any], out: Any = print) -> None:
    out("judged relevance (nDCG@10, P@10 grade ≥ 1, P@10 grade 2; ours vs plain BM25):")
    for row in report["summary"]:
        out(
            f"  {row['genre']:<9} {row['topics']:>3} topics  nDCG {row['ours_ndcg']:.3f} vs "
            f"{row['bm25_ndcg']:.3f}  P@10 {row['ours_p10']:.2f} vs {row['bm25_p10']:.2f}  "
            f"P2@10 {row['ours_p2_10']:.2f} vs {row['bm25_p2_10']:.2f}  worst gap "
            f"{row['worst_gap']:+.3f}  unjudged {row['ours_unjudged']}/{row['bm25_unjudged']}"
        )
    out("expansions checked by hand (the first list of each abbreviation):")
    for row in report["expansions_summary"]:
        right = "—" if row["right"] is None else f"{row['right']:.2f}"
        out(
            f"  {row['genre']:<9} {row['terms']:>3} terms  checked {row['checked']}  right "
            f"{right}  unchecked {row['unchecked']}"
        )
