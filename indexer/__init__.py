"""Documents in, index out: reading, cleaning, paragraphs and metadata, the Whoosh index,
and the query side. ``indexer.api.PolicyIndex`` is what the CLI and the web app call."""

import analyzers.whoosh_import  # noqa: F401  (before any Whoosh module: see there)
