"""The citation index of a library PDF, kept as JSON beside the library so a paper is read once.

A file per PDF content hash in ``<library>/citations/``, not a table: the index
is derived data that the PDF can always give again, it changes shape with the
parser (:data:`~reader.pdf.citations.model.FORMAT`; an older file is simply read
again), and a file needs no schema migration. Written atomically; a damaged or
foreign file is ignored and replaced. Plain Python: the UI reads and writes it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from reader.atomic import replacing
from reader.pdf.citations.model import CitationIndex

FOLDER = "citations"
_HASH = re.compile(r"^[0-9a-f]{16,128}$")


def cache_file(home: Path | str, pdf_hash: str) -> Path | None:
    """Where the index of the PDF with this hash lives; None for a hash that is not one."""
    if not _HASH.match(pdf_hash or ""):
        return None
    return Path(home) / FOLDER / f"{pdf_hash}.json"


def load(home: Path | str, pdf_hash: str) -> CitationIndex | None:
    path = cache_file(home, pdf_hash)
    if path is None:
        return None
    try:
        return CitationIndex.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def save(home: Path | str, pdf_hash: str, index: CitationIndex) -> bool:
    """False when it could not be written (a read-only library): the index is then read again next time."""
    path = cache_file(home, pdf_hash)
    if path is None:
        return False
    try:
        with replacing(path) as temporary:
            temporary.write_text(json.dumps(index.to_dict(), ensure_ascii=False), encoding="utf-8")
    except OSError:
        return False
    return True
