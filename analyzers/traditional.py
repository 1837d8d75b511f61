"""Traditional to simplified characters, one character for one character.

OpenCC's t2s also converts phrases, which can change a text's length and would make the
same string fold differently in different contexts. Folding character by character
keeps offsets valid and keeps literal matching exact: whatever a text contains, its
folded form contains the folded query. The table is OpenCC's, kept as data in
``analyzers/t2s_chars.py`` (building it from OpenCC cost every process 15 ms before its
first fold); ``python -m analyzers.traditional`` writes it again after an OpenCC
upgrade, and a test holds it equal to OpenCC's conversion of each character.

>>> "營商環境三個一批".translate(t2s_table())
'营商环境三个一批'
"""

from __future__ import annotations

from functools import cache

from analyzers.t2s_chars import SIMPLIFIED, TRADITIONAL

_CJK_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))
_PER_LINE = 30  # characters per line of the data file


@cache
def t2s_table() -> dict[int, int]:
    """Code point of each traditional character to that of its simplified form."""
    return str.maketrans(TRADITIONAL, SIMPLIFIED)


def opencc_table() -> dict[int, int]:
    """The table as OpenCC gives it: every character converted on its own line of one
    text, in one call (no phrase spans a line break; 28,096 calls of one character each
    took 0.07 s, one call 0.01 s)."""
    import opencc

    codes = [code for low, high in _CJK_RANGES for code in range(low, high)]
    converted = opencc.OpenCC("t2s").convert("\n".join(map(chr, codes))).split("\n")
    return {
        code: ord(simplified)
        for code, simplified in zip(codes, converted, strict=True)
        if len(simplified) == 1 and simplified != chr(code)
    }


def _literal(name: str, chars: str) -> str:
    lines = [chars[i : i + _PER_LINE] for i in range(0, len(chars), _PER_LINE)]
    return f"{name} = (\n" + "".join(f'    "{line}"\n' for line in lines) + ")\n"


if __name__ == "__main__":
    from pathlib import Path

    table = opencc_table()
    Path(__file__).with_name("t2s_chars.py").write_text(
        '"""OpenCC\'s t2s, one character for one character: written by `python -m '
        'analyzers.traditional`."""\n\n'
        + _literal("TRADITIONAL", "".join(map(chr, table)))
        + _literal("SIMPLIFIED", "".join(map(chr, table.values()))),
        encoding="utf-8",
    )
