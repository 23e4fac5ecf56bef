"""What a paper cites and where: reference entries, in-text markers, and the index of both.

Plain data (no PyMuPDF, no Qt), so the index built in a PDF process crosses the
pipe as a dict, is cached as JSON and is read by the viewer. Boxes are
``(x0, y0, x1, y1)`` in displayed page points, pages 0-based, as the viewer's words.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

Box = tuple[float, float, float, float]
FORMAT = 1  # bumped when the parser changes what it finds: older caches are read again


@dataclass(frozen=True)
class Entry:
    """One reference of the bibliography, as printed and as parsed."""

    number: int  # 1-based position in the bibliography (also its label when it is numbered)
    label: str  # the printed label ("12", "[12]") or "" in an author-year list
    text: str  # the whole entry, lines joined, hyphenation undone
    page: int
    box: Box  # the entry's first line: where a click on a marker goes
    title: str = ""
    authors: tuple[str, ...] = ()
    year: str = ""  # "2020" or "2020a": the letter tells apart one author's papers of a year
    venue: str = ""
    doi: str = ""
    arxiv_id: str = ""

    def first_author_surname(self) -> str:
        return surname(self.authors[0]) if self.authors else ""


@dataclass(frozen=True)
class Marker:
    """An in-text citation: where it is printed and the entries it points to."""

    page: int
    box: Box
    text: str
    entries: tuple[int, ...]  # Entry.number of each
    style: str  # "linked" | "numeric" | "superscript" | "author-year"
    group: int = -1  # markers of one parenthesis "(A, 2019; B, 2020)" share a group
    more: tuple[Box, ...] = ()  # the rest of a marker broken over two lines

    def boxes(self) -> tuple[Box, ...]:
        return (self.box, *self.more)


@dataclass
class CitationIndex:
    """A paper's bibliography and its in-text markers; ``note`` says why it is empty when it is."""

    entries: list[Entry] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    numbered: bool = False
    note: str = ""
    seconds: float = 0.0

    def entry(self, number: int) -> Entry | None:
        if 1 <= number <= len(self.entries) and self.entries[number - 1].number == number:
            return self.entries[number - 1]
        return next((e for e in self.entries if e.number == number), None)

    def markers_on(self, page: int) -> list[Marker]:
        return [m for m in self.markers if m.page == page]

    def marker_at(self, page: int, x: float, y: float, slack: float = 1.5) -> Marker | None:
        """The marker under a point of a page, the smallest if several overlap."""
        best = None
        for marker in self.markers:
            if marker.page != page:
                continue
            for x0, y0, x1, y1 in marker.boxes():
                inside = x0 - slack <= x <= x1 + slack and y0 - slack <= y <= y1 + slack
                if inside and (best is None or _area(marker.box) < _area(best.box)):
                    best = marker
        return best

    def group_of(self, marker: Marker) -> list[Marker]:
        """Every marker of ``marker``'s parenthesis, in reading order (just ``marker`` when alone)."""
        if marker.group < 0:
            return [marker]
        return [m for m in self.markers if m.group == marker.group and m.page == marker.page]

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "numbered": self.numbered, "note": self.note, "seconds": self.seconds,
                "entries": [asdict(e) for e in self.entries], "markers": [asdict(m) for m in self.markers]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CitationIndex:
        """Raises ValueError on anything that is not an index of this format (an old or damaged cache)."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not a citation index of this format")
        try:
            entries = [Entry(**{**e, "box": tuple(e["box"]), "authors": tuple(e["authors"])}) for e in data["entries"]]
            markers = [Marker(**{**m, "box": tuple(m["box"]), "entries": tuple(m["entries"]),
                                 "more": tuple(tuple(b) for b in m.get("more", ()))}) for m in data["markers"]]
        except (KeyError, TypeError) as exc:
            raise ValueError(f"damaged citation index: {exc}") from exc
        return cls(entries, markers, bool(data.get("numbered")), str(data.get("note", "")),
                   float(data.get("seconds", 0.0)))


def surname(name: str) -> str:
    """The family name of "Lan, Z.", "Zhenzhong Lan", "Z. Lan" or "Lan Z": the word a marker prints."""
    name = name.strip().rstrip(".,;")
    if "," in name:
        return name.split(",", 1)[0].strip()
    words = name.split()
    while len(words) > 1 and words[-1].lower().rstrip(".") in {"jr", "sr", "ii", "iii", "iv"}:
        words.pop()
    if len(words) > 1 and words[-1].isupper() and len(words[-1]) <= 3:  # "Lan ZZ" (Vancouver)
        words.pop()
    return words[-1].rstrip(".,") if words else ""


def _area(box: Box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])
