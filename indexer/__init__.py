"""Documents in, index out: reading, cleaning, paragraphs and metadata, the Whoosh index,
and the query side. ``indexer.api.PolicyIndex`` is what the CLI and the web app call."""
