"""Plain text and markdown in the encodings Chinese documents come in.

UTF-8 (with or without BOM) first, then UTF-16 by its BOM, then detection — but only
GB18030 (which covers GBK and GB2312) and Big5 are accepted, and only when the decoded
text reads as Chinese: a wrong guess would index garbage silently.
"""

from __future__ import annotations

import re
from pathlib import Path

from charset_normalizer import from_bytes

from analyzers.charsets import HAN
from indexer.errors import ReaderError
from indexer.ingest.readers.base import ReadResult

_FAMILIES = {
    "gb18030": "gb18030",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "big5": "big5",
    "cp950": "big5",
}
_READABLE = re.compile(rf"[{HAN}\u3000-\u303f\uff00-\uffef\s\x21-\x7e]")
MIN_READABLE = 0.9
UTF8_SHARE = 0.6


def decode(data: bytes) -> str:
    """Bytes of a text document as str, or ReaderError saying why not."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ReaderError("broken UTF-16 text") from None
    if b"\x00" in data[:4096]:
        raise ReaderError("binary data, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if _utf8_share(data) >= UTF8_SHARE:  # UTF-8 with a broken spot, not another encoding
        raise ReaderError(f"not UTF-8 text (byte {utf8_error.start})")
    for name in _candidates(data):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _reads_as_chinese(text):
            return text
    raise ReaderError("unknown text encoding (not UTF-8, UTF-16, GB18030 or Big5)")


def _candidates(data: bytes) -> list[str]:
    """Encodings to try, best guess first: what detection says, then both families."""
    guessed = [_FAMILIES.get((m.encoding or "").lower().replace("_", "")) for m in from_bytes(data)]
    ordered = [g for g in guessed if g] + ["gb18030", "big5"]
    return list(dict.fromkeys(ordered))


def _reads_as_chinese(text: str) -> bool:
    sample = text[:20000]
    if not sample.strip():
        return False
    readable = len(_READABLE.findall(sample)) / len(sample)
    return readable >= MIN_READABLE and bool(re.search(f"[{HAN}]", sample))


def _utf8_share(data: bytes) -> float:
    """The share of non-ASCII bytes that form valid UTF-8 sequences: near 1 for UTF-8
    with a corrupt spot, low for GB18030 or Big5 (their byte pairs are rarely UTF-8)."""
    sample = data[:65536]
    high = sum(b >= 0x80 for b in sample)
    if not high:
        return 1.0
    valid = sample.decode("utf-8", "ignore")
    return sum(len(ch.encode()) for ch in valid if ord(ch) >= 0x80) / high


def read_text(path: Path) -> ReadResult:
    text = decode(path.read_bytes())
    if not text.strip():
        raise ReaderError("empty file")
    return ReadResult(text)
