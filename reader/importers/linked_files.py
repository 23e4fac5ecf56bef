"""PDFs a bibliography links to: BibTeX ``file`` fields, RIS ``L1``, Better BibTeX JSON attachments.

Reference managers export where each paper's PDF lies on the exporting machine:
JabRef ``:papers/x.pdf:PDF``, Mendeley ``{:home/me/x.pdf:pdf}`` (its leading ``/``
eaten), Zotero ``attachments: [{"path": …}]``, EndNote and Mendeley RIS
``L1  - file:///home/me/x.pdf``. A path that exists is copied into the library by
hash, like any added PDF; one that does not is reported and the paper added
without it. A bibliography may come from anywhere, so only PDFs in its own folder
(or below) are copied unless the user says yes to the others (``link_files_anywhere``).
Qt-free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from reader.errors import ReaderError
from reader.importers.dedupe import ImportReport
from reader.importers.pdf_files import (
    Extractor,
    Thumbnailer,
    add_thumbnails,
    captions_from_extraction,
)
from reader.library import Library, PaperFields
from reader.library.identity import sha256_file

NOT_COPIED = "is outside the bibliography's folder and was not copied"  # in the report line of each such PDF


def path_candidates(raw: str, base: Path) -> list[Path]:
    """Where a linked file may be: a ``file://`` URL, an absolute path, or one relative to ``base``."""
    text = raw.strip()
    if not text:
        return []
    if text.lower().startswith("file:"):
        parsed = urlparse(text)
        text = unquote(parsed.path if parsed.netloc in ("", "localhost") else f"//{parsed.netloc}{parsed.path}")
    elif re.match(r"[a-z][a-z0-9+.-]*://", text, re.IGNORECASE):
        return []  # a web address: a link, not a file on this machine
    path = Path(text).expanduser()
    found = [path if path.is_absolute() else base / path]
    if not path.is_absolute() and not re.match(r"[A-Za-z]:", text):
        found.append(Path("/") / path)  # Mendeley: home/me/paper.pdf, its leading / eaten
    return found


def beside(pdf: Path, base: Path) -> bool:
    """True when ``pdf`` lies in the bibliography's folder ``base`` or below it, symlinks followed."""
    try:
        return pdf.resolve().is_relative_to(base.resolve())
    except (OSError, RuntimeError, ValueError):
        return False


@dataclass(frozen=True)
class LinkedPdf:
    """What a record's linked files come to: the PDF to copy, one left outside, or names not found."""

    pdf: Path | None = None  # an existing PDF, beside the bibliography or allowed from anywhere
    outside: Path | None = None  # an existing PDF elsewhere, not copied without the user's yes
    missing: tuple[str, ...] = ()  # linked PDF names with no file behind them


def find_linked_pdf(files: tuple[str, ...] | list[str], base: Path, anywhere: bool = False) -> LinkedPdf:
    missing = []
    for raw in files:
        candidates = [p for p in path_candidates(raw, base) if p.suffix.lower() == ".pdf"]
        existing = next((p for p in candidates if _is_file(p)), None)
        if existing is None:
            if candidates:
                missing.append(raw.strip())
            continue
        if anywhere or beside(existing, base):
            return LinkedPdf(pdf=existing)
        return LinkedPdf(outside=existing)
    return LinkedPdf(missing=tuple(missing))


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def add_with_pdf(library: Library, fields: PaperFields, pdf: Path, where: str, report: ImportReport,
                 extractor: Extractor, thumbnailer: Thumbnailer) -> int | None:
    """Add the paper with ``pdf`` copied in by hash; None when that PDF is already in the library.

    A PDF that cannot be read is reported and the paper added without it: nothing is lost.
    """
    try:
        digest = sha256_file(pdf)
        same = library.find_by_hash(digest)
        if same is not None:
            title = library.paper(same).title
            report.duplicates.append(f"{where}: its PDF {pdf.name} is already in the library as {title!r} (id {same}).")
            return None
        extraction = extractor(pdf)
        outcome = library.add_pdf(pdf, fields, page_count=extraction.page_count,
                                  captions=captions_from_extraction(extraction), sha256=digest,
                                  page_texts=getattr(extraction, "page_texts", None))
    except (ReaderError, OSError) as exc:
        report.problems.append(f"{where}: the PDF {pdf} could not be added ({exc}); the paper was added without it.")
        return library.add_paper(fields)
    try:
        add_thumbnails(library, outcome.paper_id, thumbnailer)
    except (ReaderError, OSError):
        pass  # a figure without its thumbnail still shows its caption
    report.pdfs_linked += 1
    return outcome.paper_id
