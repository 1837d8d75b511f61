"""The Whoosh schema: one index holds paragraphs, document records and the user dictionary.

Each paragraph is indexed for two jobs. Matching, exact like grep: ``chars`` and
``bigrams`` hold the sets of its match key's characters and bigrams (document-level
postings, no positions), and the ``key`` column holds the match key itself (UTF-8), to
check a longer literal's candidates in place. Ranking: ``text``, ``section`` and
``title`` hold jieba words with their frequencies (BM25F), the ``boost`` column the
paragraph's weight (glossary definitions), the ``shape`` column whether it is content, a
fragment or a heading, the ``same`` column a hash of its match key, which paragraphs
printed in several documents share (one hit names them all), and the ``lead`` column
where its match key's first sentence ends. Nothing keeps positions: the
query path reads whole posting lists into numpy (``indexer.bulk``). Document records
(``kind="document"``) carry the metadata and the content hash that makes re-indexing
incremental; glossary entries (``kind="glossary"``) carry term, aliases and definition,
and index the match keys they are found by (``glossary_keys``: a lookup reads the
entries it finds, and opening the index reads none);
one ``kind="word-totals"`` record sums every document's word counts (read only by
indexing: a changed document's own are recounted from its stored paragraphs), one ``kind="lexicon"`` record holds the words worth a pinyin
lookup with their pinyin and the Han bigrams with their paragraph counts, one ``kind="abbreviations"``
record the abbreviations the corpus pairs with their full forms, and one ``kind="dictionary"`` record holds the user
dictionary, so it is committed atomically with the paragraphs it segmented.
"""

from __future__ import annotations

from whoosh.analysis import Analyzer, RegexTokenizer
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.fields import BOOLEAN, COLUMN, ID, NUMERIC, STORED, TEXT, Schema

from analyzers.chains import bigram_analyzer, char_analyzer, word_analyzer

PARAGRAPH, DOCUMENT, GLOSSARY_ENTRY = "paragraph", "document", "glossary"
DICTIONARY, DICTIONARY_ID = "dictionary", "__dictionary__"
LEXICON, LEXICON_ID = "lexicon", "__lexicon__"  # words worth a pinyin lookup, Han bigrams
# Every word and word pair counted in the corpus, read only by indexing: most pairs occur
# once, and loading them all made a 200 MB corpus's first pinyin query take 11 s and 900 MB.
WORD_TOTALS, WORD_TOTALS_ID = "word-totals", "__word_totals__"
# Every document's lists and the abbreviations it uses (read only by indexing), and the
# abbreviations resolved to the lists they stand for (六稳 -> 稳就业、稳金融、…).
LISTS, LISTS_ID = "lists", "__lists__"
EXPANSIONS, EXPANSIONS_ID = "expansions", "__expansions__"
# Abbreviations paired with their full forms (电商 ↔ 电子商务), learned from the word totals.
ABBREVIATIONS, ABBREVIATIONS_ID = "abbreviations", "__abbreviations__"
GLOSSARY_KEYS = "glossary_keys"
SCHEMA_VERSION = 10  # 9: the lists and expansions records; 10: glossary_keys
BOOST_TYPECODE = "f"  # the ``boost`` column: one float per record
SHAPE_TYPECODE = "B"  # the ``shape`` column: content, fragment or heading
SAME_TYPECODE = "Q"  # the ``same`` column: 64 bits of the match key's hash
LEAD_TYPECODE = "H"  # the ``lead`` column: UTF-8 bytes of the match key's first sentence


def document_id(doc: str) -> str:
    """The ``id`` of a report's document record."""
    return f"{doc}#doc"


def _document_terms(analyzer: Analyzer) -> ID:
    """A field of document-level terms (format ``Existence``: no frequencies, no
    positions) that keeps a length column anyway: Whoosh's writer reads each posting's
    field length, and where a field has no length column it asks the file system
    whether one exists, once per posting (a 1 MB build spent 8 of its 50 s in stat)."""
    field = ID(analyzer=analyzer)
    field.scorable = True
    return field


def build_schema() -> Schema:
    words = word_analyzer()
    return Schema(
        id=ID(unique=True, stored=True),
        kind=ID(stored=True),
        doc=ID(stored=True, sortable=True),
        n=NUMERIC(int, stored=True, sortable=True),
        heading=BOOLEAN(stored=True),
        title=TEXT(analyzer=words, stored=True, phrase=False),
        section=TEXT(analyzer=words, stored=True, phrase=False),
        text=TEXT(analyzer=words, stored=True, phrase=False),
        chars=_document_terms(char_analyzer()),
        bigrams=_document_terms(bigram_analyzer()),
        key=COLUMN(VarBytesColumn()),
        boost=COLUMN(NumericColumn(BOOST_TYPECODE, default=1.0)),
        shape=COLUMN(NumericColumn(SHAPE_TYPECODE, default=0)),
        same=COLUMN(NumericColumn(SAME_TYPECODE, default=0)),
        lead=COLUMN(NumericColumn(LEAD_TYPECODE, default=0)),
        region=ID(stored=True, sortable=True),
        year=NUMERIC(int, stored=True, sortable=True),
        date=ID(stored=True),
        data=STORED,  # the rest of a document's metadata, a glossary entry, the dictionary
        # A glossary entry's match keys, one a line: each a term of its own.
        **{GLOSSARY_KEYS: ID(analyzer=RegexTokenizer(r"[^\n]+"))},
    )
