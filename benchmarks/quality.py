"""Relevance harness: the engine against a plain substring scan of the cleaned text, and
ranking as people judged it.

    python benchmarks/quality.py [PATHS...] [--sample N] [--seed S] [--json OUT]
                                 [--judged-only] [--pool NEW.tsv]

Indexes PATHS (default: the embedded seeds) into a temporary directory, generates query
sets from the corpus itself and prints, per set: paragraph and occurrence recall,
precision, R-precision, and for glossary terms the share whose top hit contains the
exact term and the MRR of the paragraph that defines it; for pinyin, how often the
intended glossary term is among the top 5 readings, and how often every Han string of 2–6
characters seen at least 3 times is (or starts one of them) by its full pinyin, and, from 4
characters on, by its initials. Ground truth is substring search on the same
match key the engine documents (whitespace, quote marks, width, case and traditional
forms ignored): every match must be shown, as a hit, a copy a hit names, or a heading.

Then, on the judged set (``benchmarks/judged/``), nDCG@10 and P@10 of our ranking and of
plain BM25 per genre (``benchmarks/judged.py``); ``--pool`` writes the paragraphs of
either top 10 that nobody has graded yet, to be judged.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzers.normalize import match_key  # noqa: E402
from analyzers.pinyin import word_pinyin  # noqa: E402
from analyzers.segment import HAN_RUN, Segmenter, is_han_word  # noqa: E402
from benchmarks import judged, write_report  # noqa: E402
from indexer.api import PolicyIndex  # noqa: E402
from indexer.build import collect_files  # noqa: E402
from indexer.ingest.document import ParsedDocument, parse_document  # noqa: E402
from indexer.ingest.entries import GLOSSARY, bare  # noqa: E402
from indexer.ingest.readers import read_document  # noqa: E402

Ref = tuple[str, int]


@dataclass
class Corpus:
    """The cleaned paragraphs, as match keys, the ground truth is computed on."""

    parsed: list[ParsedDocument]
    keys: dict[Ref, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for doc in self.parsed:
            for p in doc.paragraphs:
                self.keys[(p.doc, p.n)] = match_key(p.text)

    def containing(self, needles: list[str]) -> dict[Ref, int]:
        """Paragraphs containing every needle, with the occurrences of the first."""
        keys = [match_key(n) for n in needles]
        return {
            ref: text.count(keys[0])
            for ref, text in self.keys.items()
            if all(k in text for k in keys)
        }


@dataclass
class Scores:
    name: str
    queries: int = 0
    relevant: int = 0
    found: int = 0
    returned: int = 0
    occurrences: int = 0
    occurrences_found: int = 0
    r_precision: list[float] = field(default_factory=list)

    def add(self, expected: dict[Ref, int], ranked: list[Ref]) -> None:
        got = set(ranked)
        self.queries += 1
        self.relevant += len(expected)
        self.returned += len(got)
        self.found += len(got & set(expected))
        self.occurrences += sum(expected.values())
        self.occurrences_found += sum(n for ref, n in expected.items() if ref in got)
        if expected:
            top = ranked[: len(expected)]
            self.r_precision.append(sum(1 for r in top if r in expected) / len(expected))

    def row(self) -> dict[str, Any]:
        return {
            "set": self.name,
            "queries": self.queries,
            "recall": _ratio(self.found, self.relevant),
            "occurrence_recall": _ratio(self.occurrences_found, self.occurrences),
            "precision": _ratio(self.found, self.returned),
            "r_precision": round(statistics.fmean(self.r_precision), 4)
            if self.r_precision
            else None,
        }


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def substrings(corpus: Corpus, rng: random.Random, n: int) -> list[list[str]]:
    texts = [p.text for d in corpus.parsed for p in d.paragraphs]
    queries: list[list[str]] = []
    while len(queries) < n:
        text = rng.choice(texts)
        size = rng.randint(1, 6)
        start = rng.randrange(max(1, len(text) - size))
        piece = text[start : start + size]
        if match_key(piece):
            queries.append([piece])
    return queries


def vocabulary(corpus: Corpus) -> list[str]:
    seg = Segmenter()
    words = {w for d in corpus.parsed for p in d.paragraphs for w, _, _ in seg.words(p.text)}
    return sorted(w for w in words if len(w) >= 2)


def glossary_terms(corpus: Corpus) -> dict[str, list[Ref]]:
    """Each appendix headword (bare) and the paragraphs that define it."""
    terms: dict[str, list[Ref]] = {}
    for doc in corpus.parsed:
        for entry in doc.glossary:
            if entry.source == GLOSSARY:
                terms.setdefault(bare(entry.term), []).append((entry.doc, entry.paragraph))
    return terms


def shown(ix: PolicyIndex, query: str, literal: bool = False) -> list[list[Ref]]:
    """Every matching paragraph a search shows, in ranking order: each hit with the
    copies it names (related hits, which hold the query's words apart, are no match),
    then the headings of its sections."""
    result = ix.search(query, limit=None, literal=literal)
    places = [
        [(h.doc, h.paragraph), *((c["doc"], c["paragraph"]) for c in h.copies)]
        for h in result.hits
        if h.exact
    ]
    return places + [[(h.doc, h.paragraph)] for h in result.sections]


def run_set(
    ix: PolicyIndex, corpus: Corpus, name: str, queries: list[list[str]], literal: bool
) -> Scores:
    scores = Scores(name)
    for terms in queries:
        query = terms[0] if literal else " ".join(f'"{t}"' for t in terms)
        ranked = [ref for place in shown(ix, query, literal) for ref in place]
        scores.add(corpus.containing(terms), ranked)
    return scores


def glossary_quality(ix: PolicyIndex, terms: dict[str, list[Ref]]) -> dict[str, Any]:
    first_exact, reciprocal = 0, []
    for term, defining in terms.items():
        hits = ix.search(f'"{term}"', limit=None).hits
        first_exact += bool(hits) and match_key(term) in match_key(hits[0].text)
        places = shown(ix, f'"{term}"')
        ranks = [i for i, refs in enumerate(places, 1) if set(refs) & set(defining)]
        reciprocal.append(1 / ranks[0] if ranks else 0.0)
    return {
        "set": "glossary ranking",
        "queries": len(terms),
        "top_hit_has_exact_term": _ratio(first_exact, len(terms)),
        "mrr_defining_entry": round(statistics.fmean(reciprocal), 4) if reciprocal else None,
    }


def pinyin_quality(ix: PolicyIndex, terms: list[str]) -> dict[str, Any]:
    lexicon = ix.lexicon()
    han = [t for t in terms if is_han_word(t)]
    rates = {}
    for form, pick in (
        ("full", lambda t: word_pinyin(t)[0]),
        ("initials", lambda t: word_pinyin(t)[1]),
    ):
        found = sum(1 for t in han if t in [w.text for w in lexicon.candidates(pick(t), 5)])
        rates[f"{form}_top5"] = _ratio(found, len(han))
    return {"set": "pinyin → glossary term", "queries": len(han), **rates}


def frequent_strings(
    corpus: Corpus, shortest: int = 2, longest: int = 6, least: int = 3
) -> list[str]:
    """Every Han string of ``shortest`` to ``longest`` characters that occurs at least
    ``least`` times in the corpus's match keys."""
    counts: Counter[str] = Counter()
    for key in corpus.keys.values():
        for run in HAN_RUN.findall(key):
            counts.update(
                run[at : at + n]
                for n in range(shortest, longest + 1)
                for at in range(len(run) - n + 1)
            )
    return sorted(text for text, n in counts.items() if n >= least)


def pinyin_reach(ix: PolicyIndex, corpus: Corpus) -> dict[str, Any]:
    """How often a frequent string (``frequent_strings``) or a term that starts with it
    is among the top 5 readings of its full pinyin and, for 4 characters or more, of
    its initials."""
    lexicon = ix.lexicon()
    strings = frequent_strings(corpus)
    rates = {}
    for form, pick, shortest in (("full", 0, 2), ("initials", 1, 4)):
        asked = [s for s in strings if len(s) >= shortest]
        found = sum(
            1
            for s in asked
            if any(w.text.startswith(s) for w in lexicon.candidates(word_pinyin(s)[pick], 5))
        )
        rates[f"{form}_top5"] = _ratio(found, len(asked))
        rates[f"{form}_queries"] = len(asked)
    return {"set": "pinyin → frequent strings", **rates}


def evaluate(paths: list[Path], sample: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    parsed = [parse_document(p.name, read_document(p)) for p in collect_files(paths)]
    corpus = Corpus(parsed)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        PolicyIndex.update(Path(tmp) / "index", paths, progress=False)
        built = time.perf_counter() - started
        with PolicyIndex.open(Path(tmp) / "index") as ix:
            words = vocabulary(corpus)
            terms = glossary_terms(corpus)
            pairs = [rng.sample(words, 2) for _ in range(sample)]
            sets: list[tuple[str, list[list[str]], bool]] = [
                ("substrings 1–6 chars", substrings(corpus, rng, sample), True),
                (
                    "vocabulary words",
                    [[w] for w in rng.sample(words, min(sample, len(words)))],
                    False,
                ),
                ("glossary terms", [[t] for t in terms], False),
                ("two-word AND", pairs, False),
            ]
            rows: list[dict[str, Any]] = [run_set(ix, corpus, *s).row() for s in sets]
            rows.append(glossary_quality(ix, terms))
            rows.append(pinyin_quality(ix, list(terms)))
            rows.append(pinyin_reach(ix, corpus))
    return {
        "corpus": [str(p) for p in paths],
        "documents": len(parsed),
        "paragraphs": len(corpus.keys),
        "sample": sample,
        "seed": seed,
        "build_seconds": round(built, 2),
        "rows": rows,
    }


def print_table(report: dict[str, Any], out: Callable[[str], None] = print) -> None:
    out(
        f"{report['documents']} documents, {report['paragraphs']} paragraphs, sample {report['sample']}"
    )
    for row in report["rows"]:
        cells = ", ".join(f"{k} {v}" for k, v in row.items() if k != "set")
        out(f"  {row['set']:<24} {cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "seeds"])
    parser.add_argument("--sample", type=int, default=300, help="queries per generated set")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the report here")
    parser.add_argument("--judged-only", action="store_true", help="only the judged set")
    parser.add_argument("--pool", type=Path, help="write the ungraded top-10 paragraphs here")
    parser.add_argument(
        "--unchecked", type=Path, help="write the expansions no assessor has checked here"
    )
    args = parser.parse_args()
    report: dict[str, Any] = {}
    if not args.judged_only:
        report = evaluate(args.paths, args.sample, args.seed)
        print_table(report)
    judged_report = judged.evaluate()
    judged.print_judged(judged_report)
    report["judged"] = judged_report["summary"]
    report["judged_topics"] = [
        {k: v for k, v in t.items() if k not in ("ours", "bm25")}
        | {
            name: {"ndcg": round(t[name]["ndcg"], 4), "unjudged": len(t[name]["unjudged"])}
            for name in ("ours", "bm25")
        }
        for t in judged_report["topics"]
    ]
    report["judged_expansions"] = judged_report["expansions_summary"]
    if args.pool:
        judged.write_pool(args.pool, judged_report["topics"])
    if args.unchecked:
        judged.write_unchecked(args.unchecked, judged_report["expansions"])
    if args.json:
        write_report(args.json, report)


if __name__ == "__main__":
    main()
