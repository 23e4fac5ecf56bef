"""The sample reading list shown on first run: ICLR 2020/2021 papers with tags and summaries."""

from __future__ import annotations

import json
from pathlib import Path

from reader.library import CaptionRecord, Library, PaperFields, Status
from reader.paths import resources_dir


def sample_path() -> Path:
    return resources_dir() / "sample-reading-list.json"


def load_sample(library: Library, path: Path | None = None) -> list[int]:
    """Add the sample papers; papers whose title is already in the library are skipped."""
    data = json.loads((path or sample_path()).read_text(encoding="utf-8"))
    existing = {row.title.casefold() for row in library.paper_rows(library.query_ids())}
    added = []
    for entry in data["papers"]:
        if entry["title"].casefold() in existing:
            continue
        fields = PaperFields(
            title=entry["title"],
            authors=tuple(entry.get("authors", ())),
            year=entry.get("year"),
            venue=entry.get("venue", ""),
            summary=entry.get("summary", ""),
            doi=entry.get("doi", ""),
            arxiv_id=entry.get("arxiv_id", ""),
            url=entry.get("url", ""),
            code_url=entry.get("code_url", ""),
            status=Status.parse(entry.get("status", "to_read")),
            tags=tuple(entry.get("tags", ())),
        )
        captions = [
            CaptionRecord(c.get("label", ""), c.get("kind", "figure"), c.get("number", ""), c["text"],
                          int(c.get("page", 0)))
            for c in entry.get("captions", ())
        ]
        added.append(library.add_paper(fields, captions=captions))
    return added
