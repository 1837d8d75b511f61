"""Query syntax: parsing, checking, and what the engine needs of a query.

Syntax: words are AND-ed; ``"exact phrase"``; ``OR``; ``NOT word`` or ``-word``;
parentheses; filters ``region:新华区``, ``year:2022`` (or ``2021-2023``), ``doc:FILE``.

Every word or phrase is a *literal*: it matches where its match key (folded, without
whitespace and quote marks) occurs in the paragraph's match key, exactly like grep, even
across jieba's word boundaries (``indexer.matching`` finds them); ranking comes from the
literals' jieba words in text, section and title (BM25F), how often the literals occur
and how close together (``indexer.ranking``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzers.chains import word_analyzer
from analyzers.ngrams import grams
from analyzers.normalize import match_key
from indexer.errors import QuerySyntaxError

MAX_QUERY_LENGTH = 1000
MAX_TERMS = 20  # distinct words and phrases in one query; each costs several sub-queries
FILTER_FIELDS = ("region", "year", "doc")

_SURROGATES = re.compile(r"[\ud800-\udfff]")
_TOKENS = re.compile(r'"(?P<phrase>[^"]*)(?P<closed>"?)|(?P<paren>[()])|(?P<word>[^\s()"]+)')
_YEARS = re.compile(r"^(\d{4})(?:[-–~](\d{4}))?$")


@dataclass(frozen=True)
class Literal:
    text: str
    quoted: bool = False  # written as a "phrase": wanted as written, its words apart are not


@dataclass(frozen=True)
class Filter:
    name: str
    value: str


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class AllOf:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    children: tuple[Node, ...]


Node = Literal | Filter | Not | AllOf | AnyOf


def sanitize(text: str) -> str:
    """Lone surrogates (undecodable bytes in argv or a URL) become U+FFFD, so a query
    can always be encoded, printed and indexed."""
    return _SURROGATES.sub("\ufffd", text)


def parse(text: str, *, literal: bool = False) -> Node:
    """Parse a query string; ``literal`` takes the whole string as one literal."""
    text = sanitize(text)
    if len(text) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(
            f"query too long ({len(text)} characters, at most {MAX_QUERY_LENGTH})"
        )
    if not text.strip():
        raise QuerySyntaxError("empty query")
    if literal:
        return Literal(text)
    node = _Parser(text).parse()
    if (count := _count_literals(node)) > MAX_TERMS:
        raise QuerySyntaxError(f"too many terms ({count}, at most {MAX_TERMS})")
    return node


def _count_literals(node: Node) -> int:
    if isinstance(node, Literal):
        return 1
    if isinstance(node, Not):
        return _count_literals(node.child)
    if isinstance(node, AllOf | AnyOf):
        return sum(_count_literals(c) for c in node.children)
    return 0


class _Parser:
    """Recursive descent: or := and (OR and)*; and := unary+; unary := NOT unary | atom."""

    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, str]] = []
        for match in _TOKENS.finditer(text):
            if match.group("phrase") is not None:
                if not match.group("closed"):
                    raise QuerySyntaxError(
                        'unterminated quote "; close it or search with --literal'
                    )
                self.tokens.append(("phrase", match.group("phrase")))
            elif match.group("paren"):
                self.tokens.append((match.group("paren"), match.group("paren")))
            else:
                self.tokens.append(("word", match.group("word")))
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Node:
        node = self.parse_or()
        if self.peek() is not None:
            raise QuerySyntaxError("unbalanced ')'; remove it or search with --literal")
        return node

    def parse_or(self) -> Node:
        options = [self.parse_and()]
        while self.peek() == ("word", "OR"):
            self.take()
            if self.peek() in (None, (")", ")")):
                raise QuerySyntaxError("OR needs a term on both sides")
            options.append(self.parse_and())
        return options[0] if len(options) == 1 else AnyOf(tuple(options))

    def parse_and(self) -> Node:
        items: list[Node] = []
        while (token := self.peek()) is not None and token not in ((")", ")"), ("word", "OR")):
            if token == ("word", "AND"):
                self.take()
                if not items or self.peek() in (None, (")", ")"), ("word", "OR")):
                    raise QuerySyntaxError("AND needs a term on both sides")
                continue
            items.append(self.parse_unary())
        if not items:
            raise QuerySyntaxError("expected a search term")
        items = list(dict.fromkeys(items))  # 发展 发展 is 发展
        return items[0] if len(items) == 1 else AllOf(tuple(items))

    def parse_unary(self) -> Node:
        kind, value = self.take()
        if (kind, value) == ("word", "NOT"):
            if self.peek() in (None, (")", ")"), ("word", "OR")):
                raise QuerySyntaxError("NOT needs a term after it")
            return Not(self.parse_unary())
        if kind == "(":
            node = self.parse_or()
            if self.peek() != (")", ")"):
                raise QuerySyntaxError("unbalanced '('; close it or search with --literal")
            self.take()
            return node
        if kind == ")":
            raise QuerySyntaxError("unbalanced ')'; remove it or search with --literal")
        if kind == "phrase":
            return Literal(value, quoted=True)
        if value.startswith("-") and len(value) > 1:
            return Not(self.word(value[1:]))
        return self.word(value)

    def word(self, value: str) -> Node:
        name, sep, rest = value.partition(":")
        if sep and name in FILTER_FIELDS:
            if not rest and self.peek() is not None and self.peek()[0] == "phrase":
                rest = self.take()[1]
            if not rest:
                raise QuerySyntaxError(f"{name}: needs a value, like {name}:{_EXAMPLES[name]}")
            return Filter(name, rest)
        return Literal(value)


_EXAMPLES = {"region": "新华区", "year": "2022", "doc": "report.txt"}


def year_range(value: str) -> tuple[int, int]:
    found = _YEARS.match(value)
    if not found:
        raise QuerySyntaxError(f"year:{value} is not a year; use year:2022 or year:2021-2023")
    start = int(found.group(1))
    end = int(found.group(2) or start)
    return min(start, end), max(start, end)


def passes(node: Filter, region: str, year: int | None, doc: str) -> bool:
    """The filter applied to a record held outside Whoosh (a glossary entry)."""
    if node.name == "year":
        low, high = year_range(node.value)
        return year is not None and low <= year <= high
    if node.name == "doc":
        return doc.startswith(node.value)
    return region == node.value


@dataclass(frozen=True)
class Ranked:
    """A literal the ranking scores: its match key and its jieba words."""

    key: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class CompiledQuery:
    """A checked query tree and what ranking and highlighting need of it."""

    root: Node  # Literal, Filter, Not, AllOf, AnyOf: what decides a match
    highlights: tuple[str, ...]
    filters: tuple[Filter, ...] = ()  # the filters every hit must pass (top-level AND)
    ranked: tuple[Ranked, ...] = ()  # the literals outside NOT, each once
    together: tuple[str, ...] = ()  # keys of the top-level AND: sequence and proximity

    @property
    def loose_highlights(self) -> tuple[str, ...]:
        """What a related paragraph marks: each term's words, for a term of several."""
        return tuple(
            dict.fromkeys(
                w for r in self.ranked for w in (r.words if len(r.words) > 1 else (r.key,))
            )
        )

    def __str__(self) -> str:
        return _describe(self.root)


def query_words(text: str) -> list[str]:
    """The jieba words of a query string, as the index's word fields hold them."""
    return [t.text for t in word_analyzer()(text, mode="query")]


def loose_units(key: str) -> tuple[str, ...]:
    """The parts a term of several words is also found by, anywhere in a paragraph: its
    words, a run of one-character words taken as one (绿色低碳 is 绿色 + 低碳, jieba's
    绿色 / 低 / 碳); none unless there are two parts of two characters or more (河长制 and
    碳排放 stay whole) and they spell the whole term (各位代表： is a string to find as
    written, not words).

    >>> loose_units("绿色低碳"), loose_units("碳排放"), loose_units("公共文化服务")
    (('绿色', '低碳'), (), ('公共', '文化', '服务'))
    """
    units: list[str] = []
    single = False
    for word in query_words(key):
        if len(word) == 1 and single:
            units[-1] += word
        else:
            units.append(word)
        single = len(word) == 1
    if len(units) < 2 or any(len(u) < 2 for u in units) or "".join(units) != key:
        return ()
    return tuple(dict.fromkeys(units))


def key_of(literal: Literal) -> str:
    """A literal's match key; an error when nothing is left to search for."""
    key = match_key(literal.text)
    if not key:
        raise QuerySyntaxError(f"nothing to search for in {literal.text!r}")
    return key


def _check(node: Node, highlights: list[str], ranked: list[Ranked], positive: bool) -> None:
    """Refuse what has no meaning (a lone NOT, NOT as an OR alternative) and collect the
    literals to highlight and to rank."""
    if isinstance(node, Literal):
        key = key_of(node)
        if positive:
            highlights.append(node.text)
            ranked.append(Ranked(key, tuple(query_words(node.text))))
    elif isinstance(node, Not):
        raise QuerySyntaxError("NOT/-word needs a term to exclude from, like: 营商环境 -优化")
    elif isinstance(node, AnyOf):
        if any(isinstance(c, Not) for c in node.children):
            raise QuerySyntaxError(
                "NOT/-word cannot be an alternative of OR; group it: (a OR b) -c"
            )
        for child in node.children:
            _check(child, highlights, ranked, positive)
    elif isinstance(node, AllOf):
        if all(isinstance(c, Not) for c in node.children):
            raise QuerySyntaxError("a query needs at least one term that is not excluded")
        for child in node.children:
            if isinstance(child, Not):
                _check(child.child, highlights, ranked, positive=False)
            else:
                _check(child, highlights, ranked, positive)
    elif node.name == "year":
        year_range(node.value)


def compile_query(node: Node) -> CompiledQuery:
    """Check ``node`` and gather its literals: matching is exact (grep-like) on the match
    keys, ranking by the literals' words, occurrences and closeness."""
    highlights: list[str] = []
    ranked: list[Ranked] = []
    _check(node, highlights, ranked, positive=True)
    children = node.children if isinstance(node, AllOf) else (node,)
    filters = tuple(c for c in children if isinstance(c, Filter))
    together = tuple(key_of(c) for c in children if isinstance(c, Literal))
    return CompiledQuery(
        node,
        tuple(dict.fromkeys(highlights)),
        filters,
        tuple(dict.fromkeys(ranked)),
        together,
    )


def _describe(node: Node) -> str:
    """The plan as ``--show-query`` prints it: how each literal is looked up."""
    if isinstance(node, Literal):
        key = match_key(node.text)
        if len(key) == 1:
            return f"chars:{key}"
        pairs = list(dict.fromkeys(grams(key, 2)))
        found = " & ".join(f"bigrams:{g}" for g in pairs)
        return found if len(key) == 2 else f"({found} & key contains {key!r})"
    if isinstance(node, Filter):
        return f"{node.name}:{node.value}"
    if isinstance(node, Not):
        return f"NOT {_describe(node.child)}"
    joiner = " AND " if isinstance(node, AllOf) else " OR "
    return "(" + joiner.join(_describe(c) for c in node.children) + ")"


def query_text(node: Node) -> str:
    """A query string that parses back to ``node``: what a link to it carries.

    >>> query_text(AllOf((AnyOf((Literal("文化旅游"), Literal("文化和旅游"))), Literal("5G 应用"))))
    '(文化旅游 OR 文化和旅游) "5G 应用"'
    """
    if isinstance(node, Literal):
        text = node.text
        plain = text and not re.search(r'[\s()"]', text) and text not in ("OR", "AND", "NOT")
        bare = plain and not node.quoted and not text.startswith("-") and ":" not in text
        return text if bare else f'"{text}"'
    if isinstance(node, Filter):
        return (
            f'{node.name}:"{node.value}"'
            if re.search(r'[\s()"]', node.value)
            else (f"{node.name}:{node.value}")
        )
    if isinstance(node, Not):
        return "-" + query_text(node.child)
    if isinstance(node, AnyOf):
        return "(" + " OR ".join(query_text(c) for c in node.children) + ")"
    return " ".join(
        f"({query_text(c)})" if isinstance(c, AllOf) else query_text(c) for c in node.children
    )


def literals_of(text: str) -> tuple[str, ...]:
    """The strings a query highlights; none if it does not parse (for display only)."""
    try:
        return compile_query(parse(text)).highlights
    except QuerySyntaxError:
        return ()
