"""Reading RIS files (EndNote, Scopus, Web of Science, ScienceDirect, PubMed exports).

Parsing is rispy's (maintained, knows every tag RIS defines); this module only maps
its fields to a paper. A RIS file where no record starts with ``TY`` has nothing to
import and is refused as a whole, so no line becomes a junk paper. Qt-free.
"""

from __future__ import annotations

import re
from dataclasses import replace

from reader.importers.dedupe import arxiv_from_text, clean_doi, exact_arxiv
from reader.importers.records import ImportedRecord, display_name, stand_in_title
from reader.library import PaperFields

_RECORD_START = re.compile(r"^TY  - ", re.MULTILINE)
_VENUE_TAGS = ("journal_name", "alternate_title3", "alternate_title2", "alternate_title1", "secondary_title")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def parse_ris(text: str) -> tuple[list[ImportedRecord], list[str]]:
    """The papers of a RIS file, each with the line its ``TY`` is on, and a note per record skipped."""
    import rispy

    text = text.lstrip("\ufeff")
    starts = [text.count("\n", 0, m.start()) + 1 for m in _RECORD_START.finditer(text)]
    if not starts:
        return [], ["no record starts with a TY line, so the file holds no RIS records."]
    try:
        parsed = rispy.loads(_joined_continuations(text), list_tags=[*rispy.LIST_TYPE_TAGS, "L1"])
    except Exception as exc:  # rispy raises plain IOError/ValueError on a broken file
        return [], [f"the RIS file cannot be read: {exc}."]
    records, problems = [], []
    for number, item in enumerate(parsed):
        line = starts[number] if number < len(starts) else starts[-1]
        fields = ris_to_fields(item)
        if not fields.title:
            if not any(str(v).strip() for k, v in item.items() if k not in ("type_of_reference", "id") and v):
                problems.append(f"line {line}: the record is empty and was skipped.")
                continue
            details = (fields.venue or _first(item, "publisher"), fields.year)
            fields = replace(fields, title=stand_in_title(*details) if any(details) else
                             stand_in_title(_ris_type(item)))
            problems.append(f"line {line}: the record has no title; it was added as {fields.title!r}.")
        records.append(ImportedRecord(line, str(item.get("id", "") or ""), fields, _ris_type(item),
                                      files=tuple(_attachments(item))))
    return records, problems


_TAG_LINE = re.compile(r"^[A-Z][A-Z0-9]  -(?: |$)")


def _joined_continuations(text: str) -> str:
    """A line without a tag continues the line before it, as JabRef and EndNote read it.

    rispy makes such a line a value of its own in list tags, so ``A1  - Harrison, Warren``
    followed by ``Levenshtein`` gave an author "Levenshtein" (JabRef's RisImporterTest1.ris).
    """
    lines: list[str] = []
    for line in text.splitlines():
        if line.strip() and not _TAG_LINE.match(line) and lines and _TAG_LINE.match(lines[-1]) \
                and not lines[-1].startswith("ER  -"):
            lines[-1] = f"{lines[-1].rstrip()} {line.strip()}"
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def _first(item: dict, *keys: str) -> str:
    for key in keys:
        value = item.get(key)
        if isinstance(value, list):
            value = next((v for v in value if str(v).strip()), "")
        if value and str(value).strip():
            return " ".join(str(value).split())
    return ""


def _values(item: dict, key: str) -> list[str]:
    value = item.get(key)
    return [str(v) for v in value] if isinstance(value, list) else [str(value)] if value else []


def _attachments(item: dict) -> list[str]:
    """``L1`` file attachments: one per line, or several in one line separated by ``;`` (Mendeley)."""
    return [part.strip() for value in _values(item, "file_attachments1") for part in value.split(";") if part.strip()]


def _ris_type(item: dict) -> str:
    return str(item.get("type_of_reference", "") or "").strip()


def ris_to_fields(item: dict) -> PaperFields:
    """rispy's dict -> our fields: AU then A1 as authors, the first year found in PY/Y1/DA."""
    authors = [display_name(a) for key in ("authors", "first_authors") for a in item.get(key) or [] if a.strip()]
    year = next((m for key in ("year", "publication_year", "date") for value in _values(item, key)
                 if (m := _YEAR.search(value))), None)  # JabRef's test file gives PY - 99 before PY - 2001
    doi = clean_doi(_first(item, "doi"))
    urls = [u for u in item.get("urls") or [] if u.strip()]
    if not doi:
        doi = next((clean_doi(u) for u in urls if clean_doi(u)), "")
    url = next((u for u in urls if u.startswith(("http://", "https://"))), "")
    keywords = [k.strip() for k in item.get("keywords") or [] if k.strip()]
    return PaperFields(
        title=_first(item, "title", "primary_title", "translated_title", "short_title"),
        authors=tuple(authors),
        year=int(year.group(1)) if year else None,
        venue=_first(item, *_VENUE_TAGS),
        summary=_first(item, "abstract", "notes_abstract"),
        doi=doi,
        arxiv_id=exact_arxiv(_first(item, "accession_number"))
        or next((arxiv_from_text(u) for u in urls if arxiv_from_text(u)), ""),
        url=url,
        tags=tuple(dict.fromkeys(keywords)),
    )
