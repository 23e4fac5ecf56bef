"""Which bibliography format a file is, read from its content rather than its name.

A ``.txt`` can be RIS, a ``.json`` can be CSL-JSON or Better BibTeX's Zotero items, and
a ``.bib`` can be saved as ``refs.txt``. Before this, any file not named ``.bib`` went to
the plain-list importer, which turned every line of a RIS file ("TY  - BOOK") into a
junk paper. So: look at the content; when it is none of the formats we read, refuse it
with one sentence and create nothing.

Also here: reading a file's text in whatever encoding it was saved in (charset-normalizer
guesses when it is not UTF-8; the guess is reported, never silent). Qt-free.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from reader.errors import ReaderError

BIBTEX, RIS, CSL_JSON, ZOTERO_JSON, PLAIN_LIST = "BibTeX", "RIS", "CSL-JSON", "Better BibTeX JSON", "list"

_BIB_ENTRY = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
_RIS_TAG = re.compile(r"^[A-Z][A-Z0-9]  -( |$)", re.MULTILINE)
_RIS_START = re.compile(r"^TY  - ", re.MULTILINE)
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


class UnknownFormatError(ReaderError):
    """The file is no bibliography format we read; nothing was imported."""


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # "utf-8", or the guessed one
    guessed: bool  # True when the file was not UTF-8 and the encoding is charset-normalizer's guess


def read_text(path: Path | str) -> DecodedText:
    """The file's text: UTF-8 (with or without BOM, or UTF-16 with one), else the likeliest encoding.

    A GBK file read as Latin-1 turned its Chinese titles into mojibake without a word.
    charset-normalizer ranks the candidates; on a short CJK file it ties Korean cp949 with
    Chinese gb18030 (both decode cleanly), and we then take gb18030: bibliography exports
    in legacy CJK encodings are mostly Chinese (CNKI, Wanfang, NoteExpress).
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReaderError(f"{path} cannot be read: {exc.strerror or exc}.") from exc
    return decode_bytes(data)


def decode_bytes(data: bytes) -> DecodedText:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return DecodedText(data.decode("utf-16"), "utf-16", False)
    try:
        return DecodedText(data.decode("utf-8-sig"), "utf-8", False)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    results = list(from_bytes(data))
    if not results:
        return DecodedText(data.decode("cp1252", errors="replace"), "cp1252", True)
    best = results[0]
    chinese = next((r for r in results if "gb18030" in r.could_be_from_charset), None)
    if chinese is not None and best.encoding in ("cp949", "euc_kr", "johab") and chinese.chaos - best.chaos <= 0.1:
        best = chinese
    return DecodedText(str(best), best.encoding, True)


def detect_format(text: str) -> str | None:
    """``BIBTEX``, ``RIS``, ``CSL_JSON``, ``ZOTERO_JSON``, ``PLAIN_LIST``, or None for anything else."""
    body = text.lstrip("\ufeff \t\r\n")
    if not body:
        return None
    if body[0] in "[{":
        return _json_format(body)
    if _BINARY.search(body[:4096]):
        return None
    lines = [line for line in body.splitlines() if line.strip()]
    tagged = len(_RIS_TAG.findall(body))
    if (_RIS_START.search(body) and tagged >= 2) or (tagged >= 3 and tagged * 2 >= len(lines)):
        return RIS  # the second case is RIS without its TY lines: refused by the RIS importer, not a list
    if _BIB_ENTRY.search(body):
        return BIBTEX
    return PLAIN_LIST if _looks_like_list(body) else None


def _json_format(body: str) -> str | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        return ZOTERO_JSON
    items = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    if items and all(isinstance(i, dict) for i in items):
        if any("itemType" in i for i in items):
            return ZOTERO_JSON
        if any(k in i for i in items for k in ("title", "author", "DOI", "issued", "type")):
            return CSL_JSON
    return None


_LIST_ITEM = re.compile(r"^\s{0,3}(?:\d{1,3}[.)]|[-*+])\s+\S")
_IDENTIFIER = re.compile(r"\b10\.\d{4,9}/\S+|arxiv[:\s/]*\d{4}\.\d{4,5}|^\s*\d{4}\.\d{4,5}(v\d+)?\s*$|https?://\S+",
                         re.IGNORECASE)
_CODE = re.compile(r"[{};=<>|\\]|\s#\s|^\s*(?:def|class|import|from|return|if|for|while|#!|//|/\*)\b|\S:\S")


def _paper_like(line: str) -> bool:
    """A title, DOI, arXiv id or link, rather than a line of code, configuration or a log."""
    if _IDENTIFIER.search(line):
        return True
    text = _LIST_ITEM.sub("", line).strip()
    words = text.split()
    if not 2 <= len(words) <= 40 or _CODE.search(text):
        return False
    letters = sum(ch.isalpha() or ch.isspace() for ch in text)
    return letters >= 0.75 * len(text)


def _looks_like_list(body: str) -> bool:
    """Titles, DOIs, arXiv ids or links, one a line, or a post with a list of them.

    Source code, /etc/passwd or a CSV would otherwise each become a paper per line: most of
    the lines that could be items (headings and long prose aside) must look like papers.
    """
    lines = [line for line in body.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    candidates = [line for line in lines if len(line) <= 300]
    if not candidates:
        return False
    items = [line for line in candidates if _LIST_ITEM.match(line)]
    pool = items if len(items) >= 2 else candidates  # a post: only its list items need to be papers
    return sum(map(_paper_like, pool)) * 10 >= len(pool) * 6


def sniff(path: Path | str) -> tuple[str, DecodedText]:
    """The file's format and text; ``UnknownFormatError`` with one clear sentence when it is none we read."""
    decoded = read_text(path)
    found = detect_format(decoded.text)
    if found is None:
        raise UnknownFormatError(
            f"{Path(path).name} is not a bibliography we can read (BibTeX or biblatex, RIS, CSL-JSON, "
            "Better BibTeX JSON, or a list of titles, DOIs, arXiv ids or links); nothing was imported.")
    return found, decoded
