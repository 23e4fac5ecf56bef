"""Importing a pasted or saved list of papers: titles, DOIs or arXiv ids, one per line.

Reading-list posts (like those in ``shared/seeds``) are prose with a numbered list
of titles; when a text has Markdown list items ("1. Title", "- Title"), only they
are papers and the prose around them is ignored. Otherwise every line is one.
Each becomes a paper "to fill in": DOIs and arXiv ids go into their fields (no
network lookups), and a "First author: Name" line under an item is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.errors import ReaderError
from reader.importers.dedupe import ImportReport, arxiv_from_text, clean_doi
from reader.importers.records import ImportedRecord, add_records
from reader.library import Library, PaperFields

_NUMBERED = re.compile(r"^\s{0,3}(\d{1,3})[.)]\s*(?=[^\s\d])(.+)$")
_BULLET = re.compile(r"^\s{0,3}[-*+]\s+(?:\[[ xX]\]\s+)?(.+)$")
_FIRST_AUTHOR = re.compile(r"^\s*(?:first author|authors?|by)\s*[:\s]\s*(.+?)\.?\s*$", re.IGNORECASE)
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
MAX_TITLE = 300  # a longer "line" is a paragraph of prose, not a title
Progress = Callable[[int, int, str], None]


class ListImportError(ReaderError):
    """The list file as a whole cannot be read."""


@dataclass(frozen=True)
class ListItem:
    line: int
    text: str  # the line as it was, marker removed
    fields: PaperFields


def _item_fields(text: str, tags: Sequence[str]) -> PaperFields:
    url = ""
    link = _LINK.search(text)
    if link:
        url = link.group(2)
        text = _LINK.sub(lambda m: m.group(1), text)
    text = re.sub(r"[*_`]{1,3}([^*_`]+)[*_`]{1,3}", r"\1", text).strip().strip("\"“”")
    doi = clean_doi(text)
    arxiv = "" if doi else arxiv_from_text(text)
    bare = re.fullmatch(r"\s*(?:doi:?\s*|https?://(?:dx\.)?doi\.org/)?10\.\S+\s*", text, re.IGNORECASE)
    if doi and bare:
        return PaperFields(title=f"DOI {doi}", doi=doi, url=url or f"https://doi.org/{doi}", tags=tuple(tags))
    if arxiv and re.fullmatch(r"\s*(?:arxiv:?\s*|https?://arxiv\.org/(?:abs|pdf)/)?\S+?(?:\.pdf)?\s*",
                              text, re.IGNORECASE):
        return PaperFields(title=f"arXiv {arxiv}", arxiv_id=arxiv, url=url or f"https://arxiv.org/abs/{arxiv}",
                           tags=tuple(tags))
    if re.fullmatch(r"https?://\S+", text):
        return PaperFields(title=text, url=text, tags=tuple(tags))
    year = re.search(r"\((?:19|20)\d{2}\)\s*$", text)
    title = text[:year.start()].strip() if year else text
    return PaperFields(title=" ".join(title.split()), year=int(year.group()[1:5]) if year else None,
                       doi=doi or clean_doi(url), arxiv_id=arxiv or arxiv_from_text(url), url=url, tags=tuple(tags))


def _main_runs(numbered: list[tuple[int, int, str]]) -> tuple[list[tuple[int, str]], list[str]]:
    """Keep the post's list(s) of papers; a much shorter list restarting at 1 is its navigation."""
    runs: list[list[tuple[int, int, str]]] = []
    for item in numbered:
        if not runs or item[1] <= runs[-1][-1][1]:
            runs.append([])
        runs[-1].append(item)
    longest = max((len(r) for r in runs), default=0)
    kept, problems = [], []
    for run in runs:
        if len(run) * 2 >= longest:
            kept.extend((n, text) for n, _, text in run)
        else:
            problems.append(f"lines {run[0][0]}-{run[-1][0]}: a short separate list, taken as navigation; skipped.")
    return kept, problems


def _prose(line: str) -> bool:
    """A sentence of a post rather than a title: long and ending like a sentence."""
    words = line.split()
    return len(words) > 14 and line.rstrip()[-1:] in ".!?:"


def parse_plain_list(text: str, tags: Sequence[str] = ()) -> tuple[list[ListItem], list[str]]:
    """The papers a list names, and a note for each line skipped as not a paper."""
    lines = text.replace("\r\n", "\n").split("\n")
    # Numbered items are the papers of a post; its bullets are then navigation ("other posts").
    numbered = [(n, int(m.group(1)), m.group(2)) for n, line in enumerate(lines, 1) if (m := _NUMBERED.match(line))]
    listed, problems = _main_runs(numbered)
    if not listed:
        listed = [(n, m.group(1)) for n, line in enumerate(lines, 1) if (m := _BULLET.match(line))]
    if not listed:  # a plain list: every non-empty line that is not a heading
        listed = [(n, line.strip()) for n, line in enumerate(lines, 1)
                  if line.strip() and not line.lstrip().startswith("#") and not _prose(line)]
    items: list[ListItem] = []
    positions = [n for n, _ in listed] + [len(lines) + 1]
    for (number, raw), following in zip(listed, positions[1:]):
        raw = raw.strip()
        if len(raw) > MAX_TITLE:
            problems.append(f"line {number}: too long to be a title ({len(raw)} characters); skipped.")
            continue
        fields = _item_fields(raw, tags)
        if not fields.title:
            continue
        for extra in lines[number:following - 1]:  # the lines under this item, up to the next one
            match = _FIRST_AUTHOR.match(extra)
            if match and not fields.authors and len(match.group(1)) < 120:
                names = re.split(r",\s*|\s+and\s+", re.sub(r"\s+et al\.?$", "", match.group(1)))
                fields = PaperFields(**{**fields.__dict__, "authors": tuple(n.strip() for n in names if n.strip())})
        items.append(ListItem(number, raw, fields))
    return items, problems


def import_plain_list(library: Library, source: Path | str, *, tags: Sequence[str] = (), is_text: bool = False,
                      progress: Progress | None = None,
                      is_cancelled: Callable[[], bool] = lambda: False) -> ImportReport:
    """Add each paper a list file (or, with ``is_text``, pasted text) names; duplicates are reported."""
    path = None if is_text else Path(source)
    if path is None:
        text = str(source)
    else:
        try:
            text = path.read_text(encoding="utf-8-sig", errors="replace")
        except OSError as exc:
            raise ListImportError(f"{path} cannot be read: {exc.strerror or exc}.") from exc
    items, problems = parse_plain_list(text, tags)
    report = ImportReport(source=path, format="list", found=len(items), problems=problems)
    records = [ImportedRecord(item.line, "", item.fields) for item in items]
    add_records(library, records, report, progress=progress, is_cancelled=is_cancelled)  # one transaction
    bare = sum(1 for _id, title in report.added if re.fullmatch(r"(?:DOI|arXiv) \S+", title))
    if bare:  # reader.online fills them in
        report.notes.append(f"{bare} of them {'is' if bare == 1 else 'are'} known only by a DOI or arXiv id: "
                            "Paper → Fetch PDF (or `reading-list fetch`) fills in the details and the PDF "
                            "from the web.")
    return report
