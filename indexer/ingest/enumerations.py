"""Enumerations and the abbreviations that may stand for them, as a document writes them.

Chinese policy writing names a list by its count and what its items share: 六稳 is
稳就业、稳金融、… (six items with 稳), 三去一降一补 is 去产能、去库存、去杠杆、降成本、补短板, 三大
攻坚战 the three battles of 打好A、B、C的攻坚战, 放管服 简政放权、放管结合、优化服务. This module
only reads: each paragraph's enumerations (items in one clause separated by 、, or two
joined by 和/与/及; and a sentence's clauses, separated by ，；), and the abbreviations a
document mentions (numeral shapes: 六稳, 两个确保, 三去一降一补; and quoted short terms,
which may be acronyms: “放管服”). ``indexer.expansions`` pairs them across the corpus.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from analyzers.charsets import HAN
from analyzers.normalize import QUOTES

NUMERALS = "一二两三四五六七八九十百双"
_NUMERAL_SET = frozenset(NUMERALS)
_NOT_BEFORE_COUNT = frozenset(NUMERALS + "第")
MEASURES = "个大项条"  # 三大攻坚战, 两个确保
MAX_ITEMS = 12
MAX_ITEM = 24  # characters: a longer piece is a sentence, not a list item
# An item after the first (which may open with the clause's verb) over three times
# another's length and longer than this is a clause that a list fragment runs into
# (市、区财政部门按规定及时下达…), not an item beside its peers.
UNEVEN = 8
# Two items further apart in length than this are rarely a pair: the longer runs into its
# clause (坚定拥护两个确立、坚决做到; 公众安全感、满意度连续13年实现).
PAIR_SKEW = 2
AFTER = 10  # characters kept of what follows a list: 的 or a count, and a head
WINDOW = 4  # characters after a count that decide where its last word ends
_NUMERAL_SHAPE = re.compile(rf"[{NUMERALS}]+[{MEASURES}]?[{HAN}]")
# Both open on a numeral (which lets the regex engine skip ahead to one) and must not
# follow another: ``_counts`` checks that, a lookbehind here would slow every search.
_COMPOUND = re.compile(rf"(?:[{NUMERALS}][^{NUMERALS}\W]{{1,2}}){{2,}}")
# 两个确保, 三大攻坚战: numeral, measure word, a head of two to four characters.
_COUNTED = re.compile(rf"[{NUMERALS}]{{1,2}}[{MEASURES}][{HAN}]{{2,4}}")
_HAN_CHAR = re.compile(f"[{HAN}]")
_QUOTED = re.compile(rf"“([{HAN}]{{2,8}})”")
# A quoted count right after an item is the list's name (名医、名院、名诊所“三名”工程): the
# list ends there, though the count has no measure word to show it.
_NAMED_BY = "\x02"
_QUOTED_COUNT = re.compile(rf"(?<=[{HAN}])“(?=[{NUMERALS}]{{1,2}}[{HAN}]{{1,6}}”)")
_CONNECTIVE = re.compile("(?:作为|等|这|的)$")  # between a list and its name
_QUOTE_MARKS = re.compile("[" + re.escape("".join(QUOTES)) + "]")
_SEPARATORS = "，,；;：:。！？!?\t\n"
_CLAUSE = re.compile(f"([^{_SEPARATORS}]+)([{_SEPARATORS}]?)")
_JOINED = re.compile(rf"[{HAN}]{{2}}[和与及][{HAN}]{{2}}")
_PAIR = re.compile(rf"^([{HAN}]{{2,10}})[和与及]([{HAN}]{{2,10}})$")
# How a definition opens its list (六稳：即稳就业、…; 七种能力：指政治能力、…; 3即瞄定…)
# and how a clause is numbered or set off: （二）…, 2. …, 一是…, ——…
_LEAD_IN = re.compile(
    rf"^(?:[（(][{NUMERALS}\d]{{1,3}}[)）]|\d{{1,2}}[.．]|[{NUMERALS}]是|[—\-－·•]+|\s+)*"
    r"\d*(?:即|是指|指)?"
)
_LEAD_IN_STARTS = frozenset("即是指" + NUMERALS)  # and anything not Han: （, —, 2
# 激励干部担当作为三个重要抓手: the count a list ends with, and what it counts.
_TRAILING_COUNT = re.compile(
    rf"(?:作为|等|这)?(?P<count>[{NUMERALS}]{{1,2}}[{MEASURES}][{HAN}]{{2,6}})$"
)


class Enumeration(NamedTuple):
    """Items written as one list, where they stand, and what stands around them (a
    tuple: a corpus has hundreds of thousands, made in one pass and pickled)."""

    items: tuple[str, ...]
    paragraph: int
    before: str  # what announces it: a clause ending in a colon (三大攻坚战：)
    # What follows its last item: a name (的攻坚战 of …的攻坚战; 三个重要抓手), or what the
    # list is for when its last item runs on (改革 of 放管结合、优化服务改革).
    after: str


def packed(found: Iterable[Enumeration]) -> str:
    """Lists as one string, a line each (items、joined, paragraph, before,
    after, tab-separated): what a document hands the writer, cheap to pickle and store."""
    return "\n".join(f"{'、'.join(e.items)}\t{e.paragraph}\t{e.before}\t{e.after}" for e in found)


def unpacked(lists: str) -> Iterator[tuple[str, int, str, str]]:
    """``packed`` lists as (items、joined, paragraph, before, after)."""
    for line in lists.split("\n") if lists else ():
        joined, paragraph, before, after = line.split("\t")
        yield joined, int(paragraph), before, after


def enumerations(paragraph: int, text: str) -> list[Enumeration]:
    """The lists of one paragraph.

    >>> [e.items for e in enumerations(3, "着力稳就业、稳金融、稳外贸。")]
    [('稳就业', '稳金融', '稳外贸')]
    >>> e = enumerations(3, "坚决打好防范化解重大风险、精准脱贫、污染防治的攻坚战。")[0]
    >>> e.items, e.after
    (('坚决打好防范化解重大风险', '精准脱贫', '污染防治'), '的攻坚战')
    """
    joined = _JOINED.search(text) is not None
    if "、" not in text and not joined:
        return []  # most paragraphs: nothing to split
    found: list[Enumeration] = []
    before = ""  # a clause that a colon ends announces the list after it
    marked = _QUOTED_COUNT.sub(_NAMED_BY, text) if "“" in text else text
    for clause, separator in _CLAUSE.findall(_QUOTE_MARKS.sub("", marked)):
        if "、" in clause:
            found.extend(_listed(paragraph, clause.strip(), before))
        elif joined and len(clause) <= 21 and (pair := _PAIR.match(clause.strip())):
            found.append(Enumeration(pair.groups(), paragraph, before, ""))
        before = clause[-8:].replace(_NAMED_BY, "") if separator in ("：", ":") else ""
    return found


def _listed(paragraph: int, clause: str, before: str) -> list[Enumeration]:
    """The 、-separated items of a clause, the first without its numbering or lead-in
    (（二）, 即, 指) or verb (着力稳就业 -> 稳就业, when the others start alike), the last cut
    where the list ends (``_list_end``). None for a list ended by 等, or one whose items
    run into a clause."""
    items = clause.replace(_NAMED_BY, "").split("、")
    if not 2 <= len(items) <= MAX_ITEMS or not all(items):
        return []
    middle, last, name = items[1:-1], items[-1], ""
    if _NAMED_BY in (tail := clause.rpartition("、")[2]):  # 名诊所“三名”工程, 保证的“三拍”
        last, _, name = tail.rpartition(_NAMED_BY)
        last = _CONNECTIVE.sub("", last.replace(_NAMED_BY, ""))
    if middle and max(map(len, middle)) > MAX_ITEM:
        return []
    head = items[0]
    if head[0] in _LEAD_IN_STARTS or not _HAN_CHAR.match(head):
        head = _LEAD_IN.sub("", head)
    starts = [item[0] for item in items[1:]]
    common = max(set(starts), key=starts.count)
    if not head:
        return []
    if head[0] != common and common in head and starts.count(common) >= min(2, len(starts)):
        head = head[head.rindex(common) :]  # 推进扶贫产品进机关… -> 进机关…, beside 进学校
    if name:  # a quoted count names it
        after = name
    elif (ended := _list_end(last, items)) is None:
        return []
    else:
        last, after = ended
    if "的" in head[1:-1] and not any("的" in item for item in (*middle, last)):
        head = head[head.rindex("的", 1, -1) + 1 :]  # 分别对应划定的城镇开发边界 -> 城镇开发边界
    lengths = {len(head), *map(len, middle)}
    if len(lengths) == 1 and len(last) >= (width := lengths.pop()) + 2 and not after:
        # The others are alike in length: the rest is what the list is for (碳达峰、碳中和
        # 工作; 放管结合、优化服务改革) when two characters or more run on (名诊所 beside
        # 名医、名院 is one item).
        last, after = last[:width], last[width:]
    if not head or not last or len(head) > MAX_ITEM or len(last) > MAX_ITEM:
        return []
    if not middle and abs(len(head) - len(last)) > PAIR_SKEW:
        return []
    peers = [len(head), *map(len, middle)]
    # A last item longer than peers alike in length is cut to theirs (``tidy``).
    lengths = peers[1:] if middle and len(set(peers)) == 1 else [*peers[1:], len(last)]
    if lengths and max(lengths) > UNEVEN and max(lengths) > 3 * min(*peers, len(last)):
        return []
    return [Enumeration((head, *middle, last), paragraph, before[-8:], after[:AFTER])]


def _list_end(last: str, items: list[str]) -> tuple[str, str] | None:
    """The last item where the list ends, and what follows it: the count that names it
    (…作为三个重要抓手), or 的 and what it qualifies (…的攻坚战); None for a list ended by
    等, which names only some of its items."""
    counted = _TRAILING_COUNT.search(last) if _NUMERAL_SET.intersection(last) else None
    if counted and not any(_COUNTED.search(item) for item in items[:-1]):
        return last[: counted.start()], counted.group("count")
    if "等" in last[1:]:
        return None
    if "的" in last[1:]:
        item, _, rest = last.partition("的")
        return item, "的" + rest
    return last, ""


def tidy(
    items: tuple[str, ...], cut: Callable[[str], Iterable[tuple[str, int, int]]]
) -> tuple[str, ...]:
    """The items as a reader lists them: without the words the clause opens with, when
    the first item is longer than the others and they do not share them (用好科技创新、
    改革开放 -> 科技创新; 深入推进简政放权 -> 简政放权: up to two two-character words, ``cut``
    finding them; not a word the others open alike: 北部… beside 中部…), and the last cut to the others' common length (优化服务改革 -> 优化服务).

    >>> tidy(("深入推进简政放权", "放管结合", "优化服务改革"), lambda t: [(t[:2], 0, 2)])
    ('简政放权', '放管结合', '优化服务')
    """
    first, *rest = items
    middle = rest[:-1] or rest
    widest, shortest = max(map(len, middle)), min(map(len, rest))
    for _ in range(2):
        if len(first) <= widest or len(first) - 2 < shortest or _alike(first, rest):
            break
        word = next(iter(cut(first)), None)
        if word is None or word[1:] != (0, 2):
            break
        first = first[2:]
    lengths = {len(first), *map(len, rest[:-1])}
    last = rest[-1]
    if len(rest) > 1 and len(lengths) == 1 and len(last) >= (width := lengths.pop()) + 2:
        last = last[:width]
    return (first, *rest[:-1], last)


def _alike(item: str, others: list[str]) -> bool:
    """Whether ``item`` opens as another item does (北部… beside 中部…、南部…)."""
    return any(item[0] == other[0] or item[1:2] == other[1:2] for other in others)


def mentions(
    text: str, cut: Callable[[str], Iterable[tuple[str, int, int]]] | None = None
) -> list[tuple[str, bool]]:
    """Abbreviations the text uses: quoted numeral shapes and acronyms (“六稳”,
    “三去一降一补”, “放管服”: three or four characters), and unquoted counted terms (两个
    确保, 三大攻坚战) and compound numerals (三去一降一补) that end where a word does
    (``cut``: the segmenter's words with their offsets, asked only of a text that has a
    count in it; without it, any length).

    >>> mentions("做好“六稳”工作，打好三大攻坚战，推进“放管服”和三去一降一补。")
    [('六稳', True), ('放管服', True), ('三大攻坚战', False), ('三去一降一补', False)]
    """
    found = [
        q
        for q in (_QUOTED.findall(text) if "“" in text else ())
        if is_numeral_shape(q) or (3 <= len(q) <= 4 and not set(q) & _NUMERAL_SET)
    ]
    counted: list[str] = []
    for pattern, shortest in ((_COUNTED, 4), (_COMPOUND, 4)):
        for match in _counts(pattern, text):
            start, term = match.start(), match.group()
            # Where words end, from the term and a little of what follows it (cutting a
            # window, not the paragraph: most paragraphs hold no count at all).
            window = text[start : match.end() + WINDOW]
            ends = None if cut is None else {start + end for _, _, end in cut(window)}
            counted.extend(
                term[:n]
                for n in range(shortest, len(term) + 1)
                if (ends is None or start + n in ends)
                and (pattern is _COUNTED or counted_parts(term[:n]))
            )
    if not counted:
        return [(t, True) for t in dict.fromkeys(found)]
    quoted = set(found)
    unquoted = [t for t in _longest(counted) if t not in quoted]
    return [(t, True) for t in dict.fromkeys(found)] + [(t, False) for t in dict.fromkeys(unquoted)]


def _counts(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Matches of ``pattern`` that do not follow a numeral (二十三大… is not 三大…) or 第
    (第二条本市… is an article number)."""
    match = pattern.search(text)
    while match:
        start = match.start()
        if start and text[start - 1] in _NOT_BEFORE_COUNT:
            match = pattern.search(text, start + 1)
        else:
            yield match
            match = pattern.search(text, match.end())


def _longest(terms: list[str]) -> list[str]:
    """Of candidates one match gave (三大攻坚, 三大攻坚战), the longest."""
    return [t for t in terms if not any(o != t and o.startswith(t) for o in terms)]


def is_numeral_shape(term: str) -> bool:
    return bool(_NUMERAL_SHAPE.match(term)) or bool(counted_parts(term))


def counted_parts(term: str) -> list[tuple[str, str]]:
    """A compound numeral term as (numeral, what it counts): 三去一降一补 ->
    [(三, 去), (一, 降), (一, 补)]; empty for anything else."""
    parts = re.findall(rf"([{NUMERALS}]+)([^{NUMERALS}]+)", term)
    if len(parts) < 2 or "".join(n + b for n, b in parts) != term:
        return []
    return parts
