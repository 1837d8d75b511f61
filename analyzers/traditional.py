"""Traditional to simplified characters, one character for one character.

OpenCC's t2s also converts phrases, which can change a text's length and would make the
same string fold differently in different contexts. Folding character by character
keeps offsets valid and keeps literal matching exact: whatever a text contains, its
folded form contains the folded query. The table is built once from OpenCC (~40 ms).

>>> "營商環境三個一批".translate(t2s_table())
'营商环境三个一批'
"""

from __future__ import annotations

from functools import cache

import opencc

_CJK_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))


@cache
def t2s_table() -> dict[int, int]:
    """Code point of each traditional character to that of its simplified form."""
    converter = opencc.OpenCC("t2s")
    table: dict[int, int] = {}
    for low, high in _CJK_RANGES:
        for code in range(low, high):
            simplified = converter.convert(chr(code))
            if len(simplified) == 1 and simplified != chr(code):
                table[code] = ord(simplified)
    return table
