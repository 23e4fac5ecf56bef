"""Bringing papers in: PDF files, the sample reading list (and later BibTeX). No Qt."""
