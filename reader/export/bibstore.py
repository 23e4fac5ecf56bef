"""What a BibTeX import knew that the library has no column for, kept beside the library.

The library stores title, authors, year, venue, DOI, arXiv id, URL, abstract and
tags. A ``.bib`` entry also has pages, volume, publisher, month, editor, its entry
type and citation key... To give them back on export (import then export keeps
every standard field), the raw entry is saved as JSON in ``<library>/bibtex/<id>.json``,
with the values the library was given at import: a field the user has since
edited in the app is exported from the library, an untouched one verbatim.
Paper ids can be reused after the Trash is emptied, so each file also records
the paper's ``added_at`` and is ignored if it belongs to an earlier paper.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from reader.export.atomic import write_atomic
from reader.library import Library, PaperDetail

STORE_DIR = "bibtex"


@dataclass(frozen=True)
class StoredEntry:
    entry_type: str
    key: str
    fields: tuple[tuple[str, str], ...]  # (lower-case name, raw value with its braces/quotes), file order
    imported: dict  # library field -> value the importer derived (title, authors, year, ...)
    venue_field: str = ""  # "journal" | "booktitle" | "" : where the venue came from
    # @string macros, so a re-export writes ``journal = jnl`` and ``@string{jnl = …}`` as the file had
    # them: the fields that used a macro, as written (``jnl``, ``jan # " 1"``), the macros they use
    # (name, value with its braces or quotes), and the file's @preamble texts (with their braces).
    unresolved: tuple[tuple[str, str], ...] = ()
    macros: tuple[tuple[str, str], ...] = ()
    preambles: tuple[str, ...] = ()


def _path(library: Library, paper_id: int) -> Path:
    return library.home / STORE_DIR / f"{paper_id}.json"


def _stamp(paper: PaperDetail) -> str:
    return paper.added_at.isoformat() if paper.added_at else ""


def save_entry(library: Library, paper_id: int, entry: StoredEntry) -> None:
    paper = library.paper(paper_id)
    data = {"added_at": _stamp(paper), "type": entry.entry_type, "key": entry.key,
            "fields": [list(f) for f in entry.fields], "imported": entry.imported,
            "venue_field": entry.venue_field}
    if entry.unresolved or entry.macros or entry.preambles:
        data.update(unresolved=[list(f) for f in entry.unresolved], macros=[list(m) for m in entry.macros],
                    preambles=list(entry.preambles))
    write_atomic(_path(library, paper_id), json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n")


def load_entry(library: Library, paper: PaperDetail) -> StoredEntry | None:
    try:
        data = json.loads(_path(library, paper.id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("added_at") != _stamp(paper):
        return None  # left over from a deleted paper whose id was reused
    return StoredEntry(data["type"], data["key"], tuple((k, v) for k, v in data["fields"]),
                       data.get("imported", {}), data.get("venue_field", ""),
                       tuple((k, v) for k, v in data.get("unresolved", [])),
                       tuple((k, v) for k, v in data.get("macros", [])), tuple(data.get("preambles", [])))


_MONTH_MACROS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}


def macro_parts(raw_fields, definitions: dict[str, str]) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """For an importer: (fields that use ``@string`` macros, as written; the macros they use).

    ``raw_fields`` are (name, value as written, before macros are resolved); ``definitions``
    maps a lower-case macro name to its value as written. The month macros (``jan``…) are
    BibTeX's own and need no definition. Pass both to :class:`StoredEntry` (``unresolved``,
    ``macros``) and export writes ``journal = jnl`` and ``@string{jnl = …}`` back.
    """
    unresolved, used = [], {}
    for name, raw in raw_fields:
        names = split_concatenation(raw)
        macros = [n for n in names if n and n[0] not in '{"' and not n.isdigit()]
        if not macros:
            continue
        unresolved.append((name.lower(), raw.strip()))
        for macro in macros:
            key = macro.lower()
            if key in definitions:
                value = definitions[key].strip()
                used[key] = value if value[:1] in ('{', '"') else "{" + value + "}"
            elif key not in _MONTH_MACROS:
                unresolved.pop()  # an undefined macro: the resolved text is the better record
                break
    return tuple(unresolved), tuple(used.items())


def split_concatenation(raw: str) -> list[str]:
    """``dtv # { and Walter de Gruyter}`` -> ``["dtv", "{ and Walter de Gruyter}"]``: ``#`` outside braces, quotes."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(raw):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0 and (i == 0 or raw[i - 1] != "\\"):
            quoted = not quoted
        elif ch == "#" and depth == 0 and not quoted:
            parts.append(raw[start:i].strip())
            start = i + 1
    parts.append(raw[start:].strip())
    return parts
