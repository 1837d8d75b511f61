"""Readers for every format, with fixtures built in code, and a junk folder end to end."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from indexer.api import PolicyIndex
from indexer.errors import ReaderError
from indexer.ingest.readers import read_document, read_with_meta
from indexer.ingest.readers.text import decode

SIMPLIFIED = "政府工作报告\n推进“三个一批”项目建设，持续优化营商环境。\n"
TRADITIONAL = "政府工作報告\n推進「三個一批」項目建設，持續優化營商環境。\n"


def make_pdf(path: Path, lines: list[str], encrypt: str | None = None) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # built in: no font file needed
    pdf = canvas.Canvas(str(path), encrypt=encrypt)
    pdf.setFont("STSong-Light", 12)
    for i, line in enumerate(lines):
        pdf.drawString(72, 760 - 20 * i, line)
    if not lines:
        pdf.rect(72, 600, 200, 100)  # a page with a drawing and no text
    pdf.showPage()
    pdf.save()
    return path


def make_docx(path: Path) -> Path:
    from docx import Document

    document = Document()
    document.core_properties.title = "关于做好项目建设的通知"
    document.add_heading("一、总体要求", level=1)
    document.add_paragraph("全面推进“三个一批”活动，确保项目落地。")
    table = document.add_table(rows=2, cols=2)
    for (r, c), text in {
        (0, 0): "项目名称",
        (0, 1): "总投资",
        (1, 0): "智能制造产业园",
        (1, 1): "12亿元",
    }.items():
        table.cell(r, c).text = text
    document.add_paragraph("表后说明段落。")
    document.save(str(path))
    return path


PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>某市人民政府 关于优化营商环境的通知</title>
<meta name="PubDate" content="2023-05-06 10:00"><meta name="ContentSource" content="某市人民政府办公室">
<style>.x{color:red}</style><script>var nav = "不应出现的脚本文字";</script></head>
<body><header>网站首页 | 政务公开</header><nav><a href="/">导航链接文字</a></nav>
<div class="TRS_Editor"><p>各区人民政府：</p><p>为持续优化营商环境，现就有关事项通知如下。</p>
<p>一、全面推行“一网通办”，让数据多跑路、群众少跑腿。</p><p>二、落实“放管服”改革各项举措，确保取得实效。</p></div>
<aside>相关文章推荐</aside><footer>版权所有 某市人民政府</footer></body></html>"""


def test_pdf_text_layer(tmp_path):
    path = make_pdf(tmp_path / "a.pdf", ["政府工作报告", "推进“三个一批”项目建设，优化营商环境。"])
    assert read_document(path) == "政府工作报告\n推进“三个一批”项目建设，优化营商环境。"


@pytest.mark.parametrize(
    "kind, reason",
    [
        ("scan", "no text layer (scanned image?)"),
        ("encrypted", "encrypted PDF (password required)"),
        ("truncated", "cannot open PDF"),
    ],
)
def test_pdf_failures_are_one_line(tmp_path, kind, reason):
    path = tmp_path / f"{kind}.pdf"
    if kind == "scan":
        make_pdf(path, [])
    elif kind == "encrypted":
        make_pdf(path, ["机密文件"], encrypt="secret")
    else:
        whole = make_pdf(tmp_path / "whole.pdf", ["完整的文件内容"] * 20).read_bytes()
        path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ReaderError) as info:
        read_document(path)
    assert str(info.value).startswith(reason) and "\n" not in str(info.value)


def test_docx_paragraphs_and_tables_in_order(tmp_path):
    result = read_with_meta(make_docx(tmp_path / "a.docx"))
    assert result.text.splitlines() == [
        "一、总体要求",
        "全面推进“三个一批”活动，确保项目落地。",
        "项目名称 | 总投资",
        "智能制造产业园 | 12亿元",
        "表后说明段落。",
    ]
    assert result.meta == {"title": "关于做好项目建设的通知"}


def test_docx_that_is_not_a_docx(tmp_path):
    path = tmp_path / "fake.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ReaderError, match="cannot open DOCX"):
        read_document(path)


def test_html_keeps_the_article_and_reads_the_hints(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    result = read_with_meta(path)
    for junk in (
        "不应出现的脚本文字",
        "导航链接文字",
        "网站首页",
        "相关文章推荐",
        "版权所有",
        "color:red",
    ):
        assert junk not in result.text
    assert "为持续优化营商环境，现就有关事项通知如下。" in result.text
    assert "一、全面推行“一网通办”" in result.text
    assert result.meta["title"] == "某市人民政府 关于优化营商环境的通知"
    assert (
        result.meta["date"].startswith("2023-05-06")
        and result.meta["authority"] == "某市人民政府办公室"
    )


@pytest.mark.parametrize(
    "encoding, text",
    [
        ("utf-8", SIMPLIFIED),
        ("utf-8-sig", SIMPLIFIED),
        ("utf-16", SIMPLIFIED),
        ("utf-16-be", "\ufeff" + SIMPLIFIED),
        ("gb18030", SIMPLIFIED),
        ("gbk", SIMPLIFIED),
        ("big5", TRADITIONAL),
    ],
)
def test_text_encodings(encoding, text):
    assert decode(text.encode(encoding)).lstrip("\ufeff") == text.lstrip("\ufeff")


def test_longer_gbk_and_big5_reports(seed_files):
    report = seed_files[1].read_text(encoding="utf-8-sig")
    assert decode(report.encode("gb18030")) == report
    traditional = TRADITIONAL * 40
    assert decode(traditional.encode("big5")) == traditional


@pytest.mark.parametrize(
    "data, reason",
    [
        (random.Random(3).randbytes(5000), "binary data, not text"),
        (
            "政府工作报告，推进项目建设。".encode() + b"\xff\xfe\xfd" + "结束。".encode(),
            "not UTF-8 text (byte 42)",
        ),
        (bytes([0x81, 0x30, 0xFF, 0xFF] * 300), "unknown text encoding"),
    ],
)
def test_undecodable_text_is_refused_not_guessed(data, reason):
    with pytest.raises(ReaderError) as info:
        decode(data)
    assert str(info.value).startswith(reason)


def test_size_cap(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_text("政府工作报告。" * 100_000, encoding="utf-8")
    monkeypatch.setenv("POLICY_SEARCH_MAX_FILE_MB", "1")
    with pytest.raises(ReaderError, match=r"file too large \(2\.0 MB > cap 1 MB\)"):
        read_document(path)


def test_every_format_indexed_and_found(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    make_pdf(folder / "report.pdf", ["政府工作报告", "今年要抓好独特短语甲的落实。"])
    make_docx(folder / "notice.docx")
    (folder / "page.html").write_text(PAGE, encoding="utf-8")
    (folder / "gbk.txt").write_bytes(
        "关于独特短语乙的说明\n各位代表：\n独特短语乙已经完成。\n".encode("gbk")
    )
    (folder / "big5.txt").write_bytes(
        "政府工作報告\n各位代表：\n推進獨特短語丙的建設。\n".encode("big5")
    )
    (folder / "utf16.md").write_text("# 规划\n推进独特短语丁。\n", encoding="utf-16")
    index_dir = tmp_path / "index"
    report = PolicyIndex.update(index_dir, [folder], progress=False)
    assert not report.failed and len(report.indexed) == 6
    with PolicyIndex.open(index_dir) as ix:
        for phrase, doc in [
            ("独特短语甲", "report.pdf"),
            ("智能制造产业园", "notice.docx"),
            ("一网通办", "page.html"),
            ("独特短语乙", "gbk.txt"),
            ("独特短语丙", "big5.txt"),  # a simplified query finds the traditional text
            ("獨特短語丁", "utf16.md"),  # and the other way round
        ]:
            found = ix.search(phrase, limit=None).every_paragraph()
            assert {h.doc for _, h in found} == {doc}, phrase
        documents = {d["doc"]: d for d in ix.documents()}
    assert documents["page.html"]["title"] == "某市人民政府 关于优化营商环境的通知"
    assert (documents["page.html"]["date"], documents["page.html"]["authority"]) == (
        "2023-05-06",
        "某市人民政府办公室",
    )
    assert documents["notice.docx"]["title"] == "关于做好项目建设的通知"


def test_junk_folder(tmp_path, runner):
    from indexer.cli import cli

    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.txt").write_text(
        "政府工作报告\n各位代表：\n好文件里的独特内容。\n", encoding="utf-8"
    )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "noise.txt").write_bytes(os.urandom(4096))
    whole = make_pdf(tmp_path / "whole.pdf", ["完整的文件内容"] * 20).read_bytes()
    (folder / "truncated.pdf").write_bytes(whole[: len(whole) // 2])
    (folder / "oneline.txt").write_text("长长的一行没有换行。" * 30000, encoding="utf-8")
    (folder / "picture.png").write_bytes(b"\x89PNG\r\n")
    index_dir = tmp_path / "index"
    result = runner.invoke(cli, ["--index", str(index_dir), "index", str(folder)])
    assert result.exit_code == 3
    skipped = sorted(line for line in result.output.splitlines() if line.startswith("skipped: "))
    assert [Path(line.split(": ")[1]).name for line in skipped] == [
        "empty.txt",
        "noise.txt",
        "picture.png",
        "truncated.pdf",
    ]
    assert "Traceback" not in result.output and "indexed 2 file(s)" in result.output
    with PolicyIndex.open(index_dir) as ix:
        assert ix.search("独特内容").total == 1
        hits = ix.search("长长的一行", limit=None).hits
        assert (
            hits and max(len(h.text) for h in hits) <= 2000
        )  # the one line, cut into readable paragraphs
    again = runner.invoke(cli, ["--index", str(index_dir), "index", str(folder)])
    assert again.exit_code == 3 and "unchanged 2" in again.output


REPORT = "2019年某县政府工作报告\n——2019年2月1日在某县第一届人民代表大会第三次会议上\n县长王明\n各位代表：\n今年要全面完成编码测试项目。\n"
REPORT_TRADITIONAL = "2019年某縣政府工作報告\n——2019年2月1日在某縣第一屆人民代表大會第三次會議上\n縣長王明\n各位代表：\n今年要全面完成編碼測試項目。\n"


def test_the_same_report_in_every_encoding(tmp_path):
    folder = tmp_path / "encodings"
    folder.mkdir()
    for name, text, encoding in [
        ("gbk.txt", REPORT, "gbk"),
        ("gb18030.txt", REPORT, "gb18030"),
        ("utf16.txt", REPORT, "utf-16"),
        ("big5.txt", REPORT_TRADITIONAL, "big5"),
    ]:
        (folder / name).write_bytes(text.encode(encoding))
    PolicyIndex.update(tmp_path / "index", [folder], progress=False)
    with PolicyIndex.open(tmp_path / "index") as ix:
        found = ix.search("编码测试项目", limit=None).every_paragraph()
        assert {h.doc for _, h in found} == {
            "gbk.txt",
            "gb18030.txt",
            "utf16.txt",
            "big5.txt",
        }
        for d in ix.documents():
            assert (d["year"], d["date"], d["speaker"], d["role"]) == (
                2019,
                "2019-02-01",
                "王明",
                "县长",
            ), d["doc"]
            assert d["region"] == "某县"  # read through simplified patterns, one facet value
