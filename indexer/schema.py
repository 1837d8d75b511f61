"""The Whoosh schema: one index holds paragraphs, document records and the user dictionary.

Each paragraph is indexed two ways: ``text`` (jieba words, for BM25F ranking and
phrases) and ``grams`` (bigrams of the match key, for grep-like literal matching; one
character is a prefix of the grams it starts). Document records
(``kind="document"``) carry the metadata and the content hash that makes re-indexing
incremental, and a ``kind="words"`` record beside each holds its word counts (read
only when the document changes); glossary entries (``kind="glossary"``) carry term,
aliases and definition; one ``kind="word-totals"`` record sums every document's counts
(read only by indexing), one ``kind="lexicon"`` record holds the words worth a pinyin
lookup with their pinyin, and one ``kind="dictionary"`` record holds the user
dictionary, so it is committed atomically with the paragraphs it segmented.
"""

from __future__ import annotations

from whoosh.fields import BOOLEAN, ID, NUMERIC, STORED, TEXT, Schema

from analyzers.chains import bigram_analyzer, word_analyzer

PARAGRAPH, DOCUMENT, GLOSSARY_ENTRY = "paragraph", "document", "glossary"
WORD_COUNTS = "words"  # a document's word counts, subtracted from the lexicon when it changes
DICTIONARY, DICTIONARY_ID = "dictionary", "__dictionary__"
LEXICON, LEXICON_ID = "lexicon", "__lexicon__"  # the words worth a pinyin lookup
# Every word and word pair counted in the corpus, read only by indexing: most pairs occur
# once, and loading them all made a 200 MB corpus's first pinyin query take 11 s and 900 MB.
WORD_TOTALS, WORD_TOTALS_ID = "word-totals", "__word_totals__"
SCHEMA_VERSION = 4


def build_schema() -> Schema:
    words = word_analyzer()
    return Schema(
        id=ID(unique=True, stored=True),
        kind=ID(stored=True),
        doc=ID(stored=True, sortable=True),
        n=NUMERIC(int, stored=True, sortable=True),
        heading=BOOLEAN(stored=True),
        title=TEXT(analyzer=words, stored=True),
        section=TEXT(analyzer=words, stored=True),
        text=TEXT(analyzer=words, stored=True),
        grams=TEXT(analyzer=bigram_analyzer()),
        region=ID(stored=True, sortable=True),
        year=NUMERIC(int, stored=True, sortable=True),
        date=ID(stored=True),
        data=STORED,  # the rest of a document's metadata, a glossary entry, the dictionary
    )
