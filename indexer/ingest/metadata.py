"""Document metadata from a document's opening and closing lines.

Work reports open with a title, a subtitle "——2022年4月26日在新华区第十一届人民代表大会第一次
会议上" and the speaker "区人民政府区长张伟民". Official documents open with a title such as
"国务院关于印发…规划的通知" and a document number (文号, 国发〔2021〕29号), and close with the
issuing authority and the date of issue. Fields that are not there stay empty rather than
guessed; the title falls back to the file name.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from analyzers.charsets import HAN
from analyzers.traditional import t2s_table
from indexer.ingest.places import divisions

_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_YEAR = re.compile(r"((?:19|20)\d{2})年")
_MEETING = re.compile(r"日在(.+?)上?[)）]?$")
# The subtitle under a report's title, however it is set: ——2024年3月5日在…上, in
# parentheses, or bare (2026年1月14日在…会议上).
_SUBTITLE = re.compile(r"^(?:——|—|[（(])?\d{4}年\d{1,2}月\d{1,2}日(?:在.+会议上?[)）]?)?$|^——")
# The report's first sentence names its government: 我代表河北省人民政府，向大会…
_ON_BEHALF = re.compile(r"我代表(.{2,24}?)人民政府")
_FILE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# The place a meeting is of: what precedes its congress, its term (第十四届) left out.
_PLACE = re.compile(r"^(.+?)(?:人民代表大会|人大|政协)")
_TERM = re.compile(r"第[一二三四五六七八九十百\d]+届")
NATIONAL = "全国"  # the region of the country's own reports (国务院, 全国人民代表大会)
# A resolution or law says when and where it was adopted in parentheses under its title:
# （2024年3月11日第十四届全国人民代表大会第二次会议通过）
_ADOPTED = re.compile(r"^[（(](\d{4})年(\d{1,2})月(\d{1,2})日(.+?)(?:通过|批准)[)）]$")
# Suffixes of units that contain other units: a place name is cut after them.
_PARENT_UNIT = re.compile(r"(?<=..)(?:自治区|特别行政区|省|自治州|市|州|盟|地区)(?=..)")
_SPEAKER = re.compile(
    r"^(?P<org>.*?(?:人民政府|政府|国务院|省|市|区|县|州|盟|旗))?"
    r"(?P<role>代?(?:区长|县长|市长|省长|州长|旗长|盟长|主席|总理))"
    rf"(?P<name>[{HAN}·]{{2,5}})$"
)
_DOC_TYPES = "报告|规划|纲要|通知|意见|决定|办法|方案|条例|规定|细则|公报|讲话|通告|公告|批复|函|决议|指导意见|实施意见"
# A title ends with what the document is, or with a note on it: 政府工作报告（摘要）.
_DOC_TYPE = re.compile(rf"(?:{_DOC_TYPES})(?=(?:[（(][{HAN}]{{1,8}}[)）])?$)")
# 国发〔2021〕29号, 豫政办〔2022〕15号, 国办发[2020]3号, 郑政（2019）1号
_DOC_NUMBER = re.compile(rf"[{HAN}]{{1,10}}[〔\[［(（](?:19|20)\d{{2}}[〕\]］)）]\d{{1,4}}号")
_ABOUT = re.compile(rf"^(?P<org>[{HAN}、]{{2,40}}?)关于")
_AUTHORITY = re.compile(
    rf"^[{HAN}、]{{2,30}}(?:院|厅|委|局|府|会|部|室|办|处|组|中心|政府|委员会|办公室)$"
)
_PLACE_NAME = re.compile(r"(?:省|市|区|县|州|盟|旗)$")
_DATE_LINE = re.compile(r"^[（(]?(\d{4})年(\d{1,2})月(\d{1,2})日[)）]?$")


@dataclass(frozen=True)
class DocMeta:
    """What the header says about a document."""

    doc: str
    title: str
    region: str = ""
    year: int | None = None
    date: str = ""  # YYYY-MM-DD
    speaker: str = ""
    role: str = ""
    meeting: str = ""
    doc_number: str = ""  # 文号
    authority: str = ""  # 发文机关
    doc_type: str = ""  # 通知, 意见, 规划, 报告 … from the title

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def region_of(place: str) -> str:
    """The most specific administrative unit in a place name.

    >>> region_of("洛阳市偃师区"), region_of("红旗区"), region_of("河南省郑州市"), region_of("市中区")
    ('偃师区', '红旗区', '郑州市', '市中区')
    """
    cuts = [m.end() for m in _PARENT_UNIT.finditer(place)]
    unit = place[cuts[-1] :] if cuts else place
    return unit if len(unit) >= 2 else ""  # "区人民政府" names no place


def _region_in_name(stem: str) -> str:
    """As a last resort, the most specific administrative division a file's name spells
    out whole (2020_河北省保定市清苑区_政府工作报告: 清苑区), by the country's list."""
    known = divisions()
    found = [region_of(run) for run in re.findall(rf"[{HAN}]+", _simplified(stem))]
    return next((unit for unit in reversed(found) if unit in known), "")


def _simplified(line: str) -> str:
    """Patterns are written in simplified characters; a traditional report (縣長, 區)
    yields the same fields, so facets do not split one place in two. Spaces of any width
    go: a name is spaced out to the width of others (国务院总理　李　强)."""
    return _unspaced(line).translate(t2s_table())


def _unspaced(line: str) -> str:
    return re.sub(r"\s+", "", line)


def _region_of_meeting(meeting: str) -> str:
    """The region a congress (or its committee) is of: 全国 for the national one."""
    found = _PLACE.match(_TERM.sub("", meeting))
    if not found:
        return ""
    place = found.group(1)
    return NATIONAL if place == NATIONAL else region_of(place)


def _iso(found: re.Match[str]) -> tuple[str, int]:
    """The date of a match whose first three groups are year, month and day."""
    y, m, d = (int(g) for g in found.groups()[:3])
    return f"{y:04d}-{m:02d}-{d:02d}", y


def extract_metadata(
    doc: str,
    header: list[str],
    closing: list[str] = (),  # type: ignore[assignment]
    opening: list[str] = (),  # type: ignore[assignment]
) -> DocMeta:
    """Read the metadata from a document's header lines, its first paragraphs (a report
    without a header says whom it speaks for: 我代表…人民政府) and its last lines; the
    year and the region, as a last resort, from the file name
    (2019_河北省保定市清苑区_政府工作报告.txt: 2019, 清苑区)."""
    title = date = meeting = region = speaker = role = doc_number = ""
    year: int | None = None
    for line in header:
        raw = _unspaced(line)  # shown as written; matched in simplified form
        text = _simplified(line)
        if not date and (found := _DATE.search(text)) and _SUBTITLE.match(text):
            date, year = _iso(found)
            if found_meeting := _MEETING.search(text):
                meeting = raw[found_meeting.start(1) : found_meeting.end(1)]
                region = _region_of_meeting(found_meeting.group(1))
        elif not date and (found := _ADOPTED.match(text)):
            date, year = _iso(found)
            meeting = raw[found.start(4) : found.end(4)]
            region = region or _region_of_meeting(found.group(4))
        elif not speaker and (found := _SPEAKER.match(text)):
            speaker, role = raw[found.start("name") : found.end("name")], found.group("role")
            org = found.group("org") or ""
            if not region and org == "国务院":
                region = NATIONAL
            elif not region and org:
                region = region_of(org.removesuffix("人民政府"))
        elif not doc_number and (found := _DOC_NUMBER.search(text)):
            doc_number = raw[found.start() : found.end()]
        elif not title and _DOC_TYPE.search(text):
            title = raw
        elif not date and (found := _DATE_LINE.match(text)):
            date, year = _iso(found)  # "（2021年12月12日）" under a title
    authority = found.group("org") if (found := _ABOUT.match(_simplified(title))) else ""
    if not meeting:  # an official document: its signature block names who and when
        authority, date, year = _signature(closing, authority, date, year)
    place = re.sub(r"(?:人民政府|政府|办公厅|办公室|委员会).*$", "", authority)
    if not region and _PLACE_NAME.search(place):  # 国务院 names no place
        region = region_of(place)
    if not region and (found := _ON_BEHALF.search(_simplified("".join(opening[:2])))):
        region = region_of(found.group(1))
    if not region:
        region = _region_in_name(Path(doc).stem)
    if year is None and (
        found := _YEAR.search(title)
        or re.search(r"[〔\[［(（]((?:19|20)\d{2})", doc_number)
        or _FILE_YEAR.search(Path(doc).stem)
    ):
        year = int(found.group(1))
    return DocMeta(
        doc=doc,
        title=title or Path(doc).stem,
        region=region,
        year=year,
        date=date,
        speaker=speaker,
        role=role,
        meeting=meeting,
        doc_number=doc_number,
        authority=authority,
        doc_type=found.group() if (found := _DOC_TYPE.search(title)) else "",
    )


def _signature(
    closing: list[str], authority: str, date: str, year: int | None
) -> tuple[str, str, int | None]:
    """The authority and date of issue from the last lines: "国务院" then "2021年12月12日"."""
    lines = [_simplified(line) for line in closing]
    for i in range(len(lines) - 1, -1, -1):
        if found := _DATE_LINE.match(lines[i]):
            if not date:
                date, year = _iso(found)
            if i > 0 and _AUTHORITY.match(lines[i - 1]) and not authority:
                authority = lines[i - 1]
            break
    return authority, date, year
