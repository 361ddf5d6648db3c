"""Corpus stage: read raw articles, normalize them, and write immutable versions."""
