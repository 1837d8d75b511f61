"""Text in, tokens out: normalization, segmentation and the Whoosh analyzer chains.

Whoosh pickles analyzers into the index schema by import path, so the chains live in
``analyzers.chains`` and must never move once an index exists.
"""
