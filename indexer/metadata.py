"""Document metadata from the header lines of a report: title, region, date, speaker, meeting.

Work reports open with a title, a subtitle "——2022年4月26日在新华区第十一届人民代表大会第一次
会议上" and the speaker "区人民政府区长张伟民". Fields that are not there stay empty rather
than guessed; the title falls back to the file name.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_YEAR = re.compile(r"((?:19|20)\d{2})年")
_MEETING = re.compile(r"日在(.+?)上?$")
_PLACE = re.compile(r"^(.+?)(?:第[一二三四五六七八九十百\d]+届)?(?:人民代表大会|人大|政协)")
# Suffixes of units that contain other units: a place name is cut after them.
_PARENT_UNIT = re.compile(r"(?<=..)(?:自治区|特别行政区|省|自治州|市|州|盟|地区)(?=..)")
_SPEAKER = re.compile(
    r"^(?P<org>.*?(?:人民政府|政府))?(?P<role>代?(?:区长|县长|市长|省长|州长|旗长|盟长|主席|总理))"
    r"(?P<name>[\u4e00-\u9fff·]{2,5})$"
)
_TITLE_WORDS = re.compile(r"(?:报告|规划|纲要|通知|意见|决定|办法|方案|条例|公报|讲话|通告|公告)$")


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


def extract_metadata(doc: str, header: list[str]) -> DocMeta:
    """Read title, date, meeting, region and speaker from a document's header lines."""
    title = date = meeting = region = speaker = role = ""
    year: int | None = None
    for line in header:
        text = line.replace(" ", "")
        if not date and (found := _DATE.search(text)) and text.startswith("——"):
            y, m, d = (int(g) for g in found.groups())
            date, year = f"{y:04d}-{m:02d}-{d:02d}", y
            if found_meeting := _MEETING.search(text):
                meeting = found_meeting.group(1)
                if place := _PLACE.match(meeting):
                    region = region_of(place.group(1))
        elif not speaker and (found := _SPEAKER.match(text)):
            speaker, role = found.group("name"), found.group("role")
            if not region and found.group("org"):
                region = region_of(found.group("org").removesuffix("人民政府"))
        elif not title and _TITLE_WORDS.search(text):
            title = text
    if year is None and (found := _YEAR.search(title)):
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
    )
