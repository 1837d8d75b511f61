"""Text in, tokens out: normalization, segmentation and the Whoosh analyzer chains.

Whoosh pickles analyzers into the index schema by the import paths of the classes they
compose: ``analyzers.tokenizer``, ``analyzers.filters`` and ``analyzers.ngrams`` must never
move or be renamed once an index exists (``analyzers.chains`` only composes them).
"""

import analyzers.whoosh_import  # noqa: F401  (before any Whoosh module: see there)
