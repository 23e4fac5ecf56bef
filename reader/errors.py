"""Errors the user is meant to read.

Every message is a complete sentence naming the file or library involved, so the
CLI can print it as one line and the UI can show it in a dialog unchanged.
"""

from __future__ import annotations


class ReaderError(Exception):
    """Base for every error that carries a message fit for the user."""


class LibraryError(ReaderError):
    """The library folder or database cannot be used as asked."""


class LibraryLockedError(LibraryError):
    """Another running instance holds the library."""


class SchemaTooNewError(LibraryError):
    """The database was written by a newer version of the app; it is left untouched."""


class NotFoundError(LibraryError):
    """A paper, note or tag id that does not exist."""


class PdfError(ReaderError):
    """A PDF cannot be opened or read."""


class PdfPasswordError(PdfError):
    """The PDF is encrypted and needs a password to be read."""
