"""Documents in, parsed documents out, without Whoosh: readers per format, the cleaning of
PDF artifacts, paragraphs with their sections, metadata (and its corrections), glossary
entries and the jargon they teach the segmenter. ``document.parse_document`` runs it all."""
