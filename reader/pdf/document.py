"""Opening PDFs safely, with one clear message for each way a file can be unusable."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pymupdf

from reader.errors import PdfError, PdfPasswordError

pymupdf.TOOLS.mupdf_display_errors(False)
pymupdf.TOOLS.mupdf_display_warnings(False)

_HEADER_WINDOW = 1024


def open_pdf(path: str | os.PathLike[str], password: str | None = None) -> pymupdf.Document:
    """Open a PDF for reading or raise :class:`PdfError` saying why it cannot be read.

    The header is checked before MuPDF sees the file because MuPDF will happily
    "repair" a text file into an empty document.
    """
    file = Path(path)
    if not file.exists():
        raise PdfError(f"{file} does not exist.")
    if not file.is_file():
        raise PdfError(f"{file} is not a file.")
    try:
        size = file.stat().st_size
        with file.open("rb") as handle:
            head = handle.read(_HEADER_WINDOW)
    except OSError as exc:
        raise PdfError(f"{file} cannot be read: {exc.strerror or exc}.") from exc
    if size == 0:
        raise PdfError(f"{file} is empty (0 bytes).")
    if b"%PDF-" not in head:
        raise PdfError(f"{file} is not a PDF file.")
    try:
        doc = pymupdf.open(file, filetype="pdf")
    except Exception as exc:  # MuPDF raises several types for damaged files
        raise PdfError(f"{file} is damaged and cannot be opened ({exc}).") from exc
    if doc.needs_pass:
        if password is None or not doc.authenticate(password):
            doc.close()
            if password is None:
                raise PdfPasswordError(f"{file} is protected by a password.")
            raise PdfPasswordError(f"The password for {file} is not correct.")
    if doc.page_count == 0:
        doc.close()
        raise PdfError(f"{file} has no pages.")
    return doc


@contextlib.contextmanager
def opened_pdf(path: str | os.PathLike[str], password: str | None = None) -> Iterator[pymupdf.Document]:
    doc = open_pdf(path, password)
    try:
        yield doc
    finally:
        doc.close()
