"""The Whoosh schema: one index holds paragraphs, document records and the user dictionary.

Each paragraph is indexed for two jobs. Matching, exact like grep: the ``key`` column
holds its match key (UTF-8), whose characters and pairs of characters each segment's
writer lists with their records in a file of its own (``indexer.grams``), and against
which a longer literal's candidates are checked in place; a paragraph's record stores little more
than what its match key leaves out (``indexer.paragraph_record``). Ranking: ``text``,
``section`` and ``title`` hold jieba words with their frequencies (BM25F), the
``boost`` column the paragraph's weight (glossary definitions), the ``shape`` column
whether it is content, a fragment or a heading, the ``same`` column a hash of its match
key, which paragraphs printed in several documents share (one hit names them all), and
the ``lead`` column where its match key's first sentence ends. Nothing keeps positions:
the query path reads whole posting lists into numpy (``indexer.bulk``). Document records
(``kind="document"``) carry the metadata and the content hash that makes re-indexing
incremental; glossary entries (``kind="glossary"``) carry term, aliases and definition,
and index the match keys they are found by (``glossary_keys``: a lookup reads the
entries it finds, and opening the index reads none);
one ``kind="ledger"`` record names the run files of the corpus's tables (word counts,
bigrams, lexicon, abbreviation contexts: ``indexer.ledger``; a changed document's own
counts are recounted from its stored paragraphs), one ``kind="abbreviations"`` record
holds the abbreviations the corpus pairs with their full forms, and one
``kind="dictionary"`` record the user dictionary, so each is committed atomically with
the paragraphs it describes.
"""

from __future__ import annotations

from whoosh.analysis import RegexTokenizer
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.fields import BOOLEAN, COLUMN, ID, NUMERIC, STORED, TEXT, Schema

from analyzers.chains import word_analyzer
from indexer.ledger import Kind

PARAGRAPH, DOCUMENT, GLOSSARY_ENTRY = "paragraph", "document", "glossary"
DICTIONARY, DICTIONARY_ID = "dictionary", "__dictionary__"
# The corpus's tables, kept as runs of deltas (``indexer.ledger``) that one record names:
# every word and word pair counted (read only by indexing: most pairs occur once), every
# Han bigram's paragraphs, the lexicon (words worth a pinyin lookup, with their pinyin),
# and what abbreviations are learned from (each form's neighbouring words; full forms
# under their abbreviations' shapes).
LEDGER, LEDGER_ID = "ledger", "__ledger__"
WORD_TOTALS, BIGRAM_TOTALS, LEXICON_WORDS = "words", "bigrams", "lexicon"
CONTEXTS, SHAPES = "contexts", "shapes"
LISTS, MENTIONS, PLACES, DEFINED = "lists", "mentions", "places", "defined"
TABLES = {
    WORD_TOTALS: Kind(additive=True, dtype="<i4"),
    BIGRAM_TOTALS: Kind(additive=True, dtype="<i4"),
    LEXICON_WORDS: Kind(additive=False, dtype="<i4", payloads=True),
    CONTEXTS: Kind(additive=True, dtype="<i1"),
    SHAPES: Kind(additive=True, dtype="<i1", payloads=True),
    LISTS: Kind(additive=False, dtype="<i1", payloads=True),
    MENTIONS: Kind(additive=False, dtype="<i1", payloads=True),
    PLACES: Kind(additive=False, dtype="<i1", payloads=True),
    DEFINED: Kind(additive=True, dtype="<i4"),
}
# The abbreviations resolved to the lists they stand for (六稳 -> 稳就业、稳金融、…), and
# what resolving them again needs (read only by indexing): each resolved term's keys,
# uses and lists found, and, in the ledger, every document's lists and the abbreviations
# it uses, each term's uses, each list under the keys terms ask for, the keys defined.
EXPANSIONS, EXPANSIONS_ID = "expansions", "__expansions__"
RESOLVED, RESOLVED_ID = "resolved", "__resolved__"
# Abbreviations paired with their full forms (电商 ↔ 电子商务), learned from the word totals.
ABBREVIATIONS, ABBREVIATIONS_ID = "abbreviations", "__abbreviations__"
GLOSSARY_KEYS = "glossary_keys"
# 9: the lists and expansions records; 10: glossary_keys; 11: the ledger; 12: its lists
# table's records in base64; 13: each segment's codes file, runs in ``indexer.mapped``'s
# layout; 14: each segment's first years of its words (``indexer.firsts``); 15: slim
# paragraph records without ``id`` terms (``indexer.paragraph_record``); 16: characters
# and pairs in each segment's grams file (``indexer.grams``), not as fields.
SCHEMA_VERSION = 16
BOOST_TYPECODE = "f"  # the ``boost`` column: one float per record
SHAPE_TYPECODE = "B"  # the ``shape`` column: content, fragment or heading
SAME_TYPECODE = "Q"  # the ``same`` column: 64 bits of the match key's hash
LEAD_TYPECODE = "H"  # the ``lead`` column: UTF-8 bytes of the match key's first sentence


def document_id(doc: str) -> str:
    """The ``id`` of a report's document record."""
    return f"{doc}#doc"


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
