"""Commands that change a corpus: add, new-source, init, schema (see issue: extending the corpus)."""
