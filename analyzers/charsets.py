"""Character classes every stage shares, so that "Chinese" and "full-width" mean the same
thing to the segmenter, the cleaner, the metadata and glossary readers and the file
sniffer.

>>> import re
>>> re.findall(f"[{HAN}]+", "长三角 ａ 㐀𠀀 abc")
['长三角', '㐀𠀀']
>>> chr(ord("５") - FULLWIDTH_SHIFT), chr(ord("%") + FULLWIDTH_SHIFT)
('5', '％')
"""

from __future__ import annotations

# Han characters: CJK extension A, the unified block, compatibility ideographs, planes 2-3.
HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F))
HAN = "".join(f"{chr(first)}-{chr(last)}" for first, last in HAN_RANGES)  # a class's body
# Full-width ASCII forms (！ to ～) sit this far above the ASCII characters they stand for.
FULLWIDTH_ASCII = range(0xFF01, 0xFF5F)
FULLWIDTH_SHIFT = 0xFEE0
# What ends a sentence, full-width and ASCII (the cleaner also ends a line at … and ：).
SENTENCE_END = "。！？!?"
