"""Export papers as Markdown notes: one ``.md`` per paper, with its figures and marks.

The note is meant to live in the user's vault (Obsidian, Logseq, a git repo), so
it is deterministic (same library, same bytes: clean diffs), re-exporting only
rewrites the app's anchored blocks (``merge.py``), and a note is found again by
the ``reading_list_id`` in its front matter even after the user renames it.
Images go to ``assets/`` beside the notes so the folder can be moved as a whole.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from reader.export.atomic import ExportError, ensure_folder, write_atomic
from reader.export.bibstore import load_entry
from reader.export.escape import markdown_text, web_links
from reader.export.filenames import paper_slug
from reader.export.frontmatter import emit, read_int, split_front_matter, unquote
from reader.export.merge import merge_body, merge_front
from reader.export.template import Segment, TemplateError, parse, render
from reader.library import Library, PaperDetail
from reader.library.inside import inside_library
from reader.links import doi_link, web_link

TEMPLATE_NAME = "markdown-template.md"
ASSETS = "assets"
PDF_DIR, THUMBNAIL_DIR = "pdfs", "thumbnails"
ID_KEY = "reading_list_id"
OWNED_KEYS = {ID_KEY, "title", "authors", "year", "venue", "doi", "arxiv", "url", "urls", "code_url", "tags",
              "status", "added", "updated", "aliases"}
USER_WINS = {"aliases"}  # a note whose aliases the user changed keeps theirs on re-export
Progress = Callable[[int, int, str], None]


@dataclass
class MarkdownReport:
    written: list[Path] = field(default_factory=list)  # created or changed
    unchanged: list[Path] = field(default_factory=list)
    cancelled: bool = False
    skipped: list[str] = field(default_factory=list)  # why a note was not written, one sentence each

    def describe(self) -> str:
        total = len(self.written) + len(self.unchanged)
        text = f"Exported {total} note{'s' if total != 1 else ''} ({len(self.written)} changed)."
        text += "".join(f" {why}" for why in self.skipped)
        return text + (" Cancelled before the end." if self.cancelled else "")


def default_template_text() -> str:
    return resources.files("reader.export").joinpath("default_template.md").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Template:
    nodes: list
    origin: str  # named in error messages


def load_template(path: Path | None = None) -> Template:
    """The user's template (``config_dir()/markdown-template.md``) if present, else the shipped one."""
    if path is None:
        from reader.paths import config_dir

        candidate = config_dir() / TEMPLATE_NAME
        path = candidate if candidate.is_file() else None
    if path is None:
        origin = "the default Markdown template"
        return Template(parse(default_template_text(), origin), origin)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"The Markdown template {path} cannot be read: {exc}.") from exc
    return Template(parse(text, str(path)), str(path))


def _pdf_uri(library: Library, paper: PaperDetail, page: int | None = None) -> str:
    pdf = inside_library(library.home, paper.pdf_path, PDF_DIR) if paper.pdf_path else None
    if pdf is None:
        return ""
    uri = pdf.as_uri()
    return f"{uri}#page={page}" if page else uri


def _web_only(url: str) -> str:
    """The stored address when it is an http(s) one; a javascript: or file: "URL" is left out."""
    return url.strip() if web_link(url) else ""


def _quote_block(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.strip("\n").splitlines())


def _day(moment) -> str | None:
    """The date of ``moment``, or ``None`` (null in front matter) for a time the library could not read."""
    return moment.date().isoformat() if moment else None


def vault_tag(tag: str) -> str:
    """``tag`` as a tag Obsidian and Logseq accept: ``machine learning`` -> ``machine-learning``.

    Obsidian tags hold letters, digits, ``_``, ``-`` and ``/`` (nesting) and need one
    character that is not a digit. So white space and every other character become
    ``-`` (runs of them one ``-``, none at either end), ``//`` becomes ``/``, and a
    tag of digits alone gets a leading ``_`` (``2020`` -> ``_2020``). "" when nothing is left.
    """
    text = unicodedata.normalize("NFC", tag or "")
    text = "".join(ch if ch.isalnum() or ch in "_/" else "-" for ch in text)
    text = re.sub(r"-{2,}", "-", re.sub(r"/{2,}", "/", text))
    text = "/".join(part.strip("-") for part in text.split("/"))
    text = re.sub(r"/{2,}", "/", text).strip("/-")
    if text and not any(not ch.isdigit() for ch in text):
        text = "_" + text
    return text


def vault_tags(tags) -> list[str]:
    return list(dict.fromkeys(t for t in (vault_tag(tag) for tag in sorted(tags, key=str.casefold)) if t))


def short_title(title: str, stored_short: str = "") -> str:
    """The imported entry's ``shorttitle``, else a name before a colon ("BERT: Pre-training…" -> "BERT").

    Only a name-like head counts (a capital past a word's first letter, or a digit: BERT,
    S2ORC, GPT-3), so "Attention: …" does not make every ``[[Attention]]`` link this paper.
    """
    if stored_short.strip():
        return " ".join(stored_short.split())
    head, colon, rest = " ".join(title.split()).partition(": ")
    name_like = any(any(c.isupper() or c.isdigit() for c in word[1:]) for word in head.split())
    if colon and rest and 1 <= len(head.split()) <= 3 and len(head) <= 40 and name_like:
        return head
    return ""


def aliases(paper: PaperDetail, stored_short: str = "") -> list[str]:
    return title_aliases(paper.title, stored_short)


def title_aliases(title: str, stored_short: str = "") -> list[str]:
    title = " ".join(title.split())
    return list(dict.fromkeys(a for a in (title, short_title(title, stored_short)) if a))


def aliases_are_ours(old_text: str, stored_short: str = "") -> bool:
    """True when a note's ``aliases`` are the ones export wrote for its title then (so a renamed
    paper gets new ones); False when the user changed them, which re-export then keeps."""
    split = split_front_matter(old_text.replace("\r\n", "\n"))
    if split is None:
        return True
    raw = {key: text for key, text in reversed(split[0])}
    written = [text for key, text in split[0] if key == "aliases"]
    if not written:
        return True
    if len(written) > 1:  # the user added their own below ours
        return False
    try:
        old_title = unquote(raw.get("title", "").split(":", 1)[1].strip())
    except (IndexError, ValueError, KeyError):
        return False
    return raw["aliases"] == emit([("aliases", title_aliases(old_title, stored_short))])


def front_matter(paper: PaperDetail, stored_short: str = "") -> str:
    links = web_links(paper.url)
    return "---\n" + emit([
        (ID_KEY, paper.id), ("title", paper.title), ("aliases", aliases(paper, stored_short)),
        ("authors", list(paper.authors)), ("year", paper.year),
        ("venue", paper.venue), ("doi", paper.doi), ("arxiv", paper.arxiv_id), ("url", links[0] if links else ""),
        *([("urls", links)] if len(links) > 1 else []),
        ("code_url", _web_only(paper.code_url)), ("tags", vault_tags(paper.tags)),
        ("status", paper.status.value.replace("_", "-")),
        ("added", paper.added_at.date() if paper.added_at else None),
        ("updated", paper.updated_at.date() if paper.updated_at else None),
    ]) + "\n---\n"


def _stored_short_title(library: Library, paper: PaperDetail) -> str:
    stored = load_entry(library, paper)
    raw = dict(stored.fields).get("shorttitle", "") if stored else ""
    from reader.export.reference import plain_text

    return plain_text(raw) if raw else ""


def build_context(library: Library, paper: PaperDetail, stem: str) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Everything a template can name, and the asset files (name -> bytes) the note links to."""
    assets: dict[str, bytes] = {}
    app_link = f"reading-list://open?paper={paper.id}"
    # Every value from the paper is text (escaped) or a web link (checked); see reader/export/escape.py.
    authors = ", ".join(paper.authors)
    links = web_links(paper.url)
    fields = {
        "id": paper.id, "title": markdown_text(" ".join(paper.title.split())), "authors": markdown_text(authors),
        "year": paper.year or "", "venue": markdown_text(paper.venue),
        "doi": markdown_text(paper.doi), "doi_link": doi_link(paper.doi),
        "arxiv": markdown_text(paper.arxiv_id), "url": links[0] if links else "",
        "urls": [{"link": link, "label": "Paper" if n == 1 else f"Paper {n}"} for n, link in enumerate(links, 1)],
        "code_url": web_link(paper.code_url),
        "tags": markdown_text(", ".join(sorted(paper.tags, key=str.casefold))),
        "status": paper.status.label, "added": _day(paper.added_at) or "unknown",
        "updated": _day(paper.updated_at) or "unknown", "app_link": app_link,
        "pdf_link": _pdf_uri(library, paper),
        "byline": markdown_text(" · ".join(str(x) for x in (authors, paper.venue, paper.year) if x)),
    }
    captions = []
    for index, caption in enumerate(paper.captions, start=1):
        image = ""
        # The stored name is data (a restored backup, a sidecar): only a file in thumbnails/ is copied.
        source = inside_library(library.home, caption.thumbnail, THUMBNAIL_DIR) if caption.thumbnail else None
        if source is not None and source.is_file():
            name = f"{stem}-figure-{index}{source.suffix.lower() or '.png'}"
            assets[name] = source.read_bytes()
            image = f"{ASSETS}/{name}"
        label = caption.label or caption.kind.title()
        captions.append({"label": markdown_text(label), "kind": markdown_text(caption.kind),
                         "number": markdown_text(caption.number),
                         "text": markdown_text(caption_body(label, caption.text)),
                         "page": caption.page or "",
                         "image": image})
    annotations = []
    for mark in library.annotations(paper.id):
        image = ""
        if mark.has_image:
            data = library.annotation_image(mark.id)
            if data:
                name = f"{stem}-a{mark.id}.png"
                assets[name] = bytes(data)
                image = f"{ASSETS}/{name}"
        annotations.append({
            "_anchor": f"annotation {mark.id}", "id": mark.id, "kind": mark.kind, "page": mark.page,
            "colour": markdown_text(mark.colour), "quote": markdown_text(mark.quote.strip()),
            "quote_block": _quote_block(markdown_text(mark.quote)),
            "comment": mark.comment.strip(), "image": image, "is_area": mark.kind == "area",
            "app_link": f"{app_link}&page={mark.page}", "pdf_link": _pdf_uri(library, paper, mark.page),
        })
    notes = "\n\n".join(n.body.strip("\n") for n in paper.notes if n.body.strip())
    stored_short = _stored_short_title(library, paper)
    context = dict(fields, front_matter=front_matter(paper, stored_short), paper=fields, _stored_short=stored_short,
                   summary=markdown_text(paper.summary.strip()),
                   captions=captions, figures=bool(captions), notes=notes, annotations=annotations,
                   annotations_heading=bool(annotations))
    return context, assets


def caption_body(label: str, text: str) -> str:
    """The caption without its own label: extracted captions start "Figure 1: ...", and the
    template already prints the label in bold, so the note would say it twice."""
    label = " ".join(label.split())
    if not label:
        return text
    pattern = r"\s*" + r"\s*".join(re.escape(part) for part in label.split()) + r"(?!\w)(?!\s*\d)\s*[:.|\u2014\u2013-]?\s*"
    match = re.match(pattern, text, re.I)
    if match and text[match.end():].strip():
        return text[match.end():]
    return text


def render_note(template: Template, context: dict[str, Any], old_text: str | None) -> str:
    """The note's text: a fresh render, or ``old_text`` with the app's parts brought up to date."""
    segments = render(template.nodes, context, template.origin)
    front = next((s.text for s in segments if s.kind == "front"), None)
    if old_text is None:  # tidy the template's own blank lines, never the content of a block
        text = _join_tidy(segments)
    else:
        old_text = old_text.replace("\r\n", "\n")
        blocks = [s for s in segments if s.kind == "block"]
        if front is not None:
            theirs = set() if aliases_are_ours(old_text, context.get("_stored_short", "")) else USER_WINS
            front, body = merge_front(old_text, front, OWNED_KEYS, theirs)
        else:
            body = old_text
        text = (front or "") + merge_body(body, blocks)
    return text.rstrip("\n") + "\n"


def _join_tidy(segments: list[Segment]) -> str:
    """Join a fresh render, keeping at most one blank line where template text meets anything."""
    out = ""
    for seg in segments:
        piece = seg.text
        if seg.kind == "text":
            piece = re.sub(r"\n{3,}", "\n\n", piece)
            trailing = len(out) - len(out.rstrip("\n")) if out else 2
            lead = len(piece) - len(piece.lstrip("\n"))
            piece = piece[max(0, lead - max(0, 2 - trailing)):]
        out += piece
    return out


def scan_notes(folder: Path) -> tuple[dict[int, Path], set[str]]:
    """Notes already in ``folder``: paper id -> file (by front matter), and every ``.md`` name taken."""
    owners: dict[int, Path] = {}
    taken: set[str] = set()
    if not folder.is_dir():
        return owners, taken
    for path in sorted(folder.glob("*.md")):
        if path.is_symlink():  # not read: it may lead out of the vault (export skips its paper and says so)
            continue
        taken.add(path.name.casefold())
        try:
            with path.open(encoding="utf-8", errors="replace") as handle:
                head = handle.read(4096)
        except OSError:
            continue
        split = split_front_matter(head if "\n---" in head[3:] else head + "\n---\n")
        paper_id = read_int(split[0], ID_KEY) if split else None
        if paper_id is not None and paper_id not in owners:
            owners[paper_id] = path
    return owners, taken


def assign_names(papers: Sequence[PaperDetail], owners: dict[int, Path], taken: set[str]) -> dict[int, str]:
    """A file name per paper: its existing note, else its slug, else slug + ``-<id>`` on a clash."""
    taken = set(taken)
    names: dict[int, str] = {}
    for paper in sorted(papers, key=lambda p: p.id):
        if paper.id in owners:
            names[paper.id] = owners[paper.id].name
            continue
        base = paper_slug(paper.title, paper.authors, paper.year)
        candidate, n = f"{base}.md", 1
        while candidate.casefold() in taken:
            candidate = f"{base}-{paper.id}.md" if n == 1 else f"{base}-{paper.id}-{n}.md"
            n += 1
        taken.add(candidate.casefold())
        names[paper.id] = candidate
    return names


def _clean_assets(assets_dir: Path, stem: str, keep: set[str]) -> None:
    """Remove images of marks deleted in the app; only names this exporter makes are touched."""
    if not assets_dir.is_dir():
        return
    pattern = re.compile(re.escape(stem) + r"-(?:a\d+|figure-\d+)\.(?:png|jpg|jpeg)")
    for path in assets_dir.iterdir():
        if pattern.fullmatch(path.name) and path.name not in keep:
            try:
                path.unlink()
            except OSError:
                pass


def _symlink_in_the_way(note: Path, assets_dir: Path, has_assets: bool) -> Path | None:
    """The link export would follow for this note, if any.

    Following it would read a file from outside the vault into the note, or write and
    delete images wherever the link points.
    """
    if note.is_symlink():
        return note
    if has_assets and assets_dir.is_symlink():
        return assets_dir
    return None


def export_markdown(library: Library, paper_ids: Sequence[int], out_dir: Path | str, *,
                    template_path: Path | None = None, progress: Progress | None = None,
                    is_cancelled: Callable[[], bool] = lambda: False) -> MarkdownReport:
    """Write (or update) one note per paper in ``out_dir``; raises ``ExportError`` if it cannot."""
    out_dir = ensure_folder(Path(out_dir))
    template = load_template(template_path)
    papers = [library.paper(pid) for pid in sorted(set(paper_ids))]
    owners, taken = scan_notes(out_dir)
    names = assign_names(papers, owners, taken)
    report = MarkdownReport()
    for index, paper in enumerate(papers):
        if is_cancelled():
            report.cancelled = True
            break
        target = out_dir / names[paper.id]
        context, assets = build_context(library, paper, target.stem)
        refused = _symlink_in_the_way(target, out_dir / ASSETS, bool(assets))
        if refused:
            report.skipped.append(f"{refused} is a symbolic link, which export does not follow; "
                                  f"the note of paper {paper.id} was not written.")
        else:
            for name, data in sorted(assets.items()):
                write_atomic(out_dir / ASSETS / name, data)
            if not (out_dir / ASSETS).is_symlink():
                _clean_assets(out_dir / ASSETS, target.stem, set(assets))
            old_text = None
            if target.exists():
                try:
                    old_text = target.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    raise ExportError(f"{target} cannot be read to update it: {exc}.") from exc
            text = render_note(template, context, old_text)
            (report.written if write_atomic(target, text) else report.unchanged).append(target)
        if progress:
            progress(index + 1, len(papers), target.name)
    return report


__all__ = ["MarkdownReport", "Segment", "export_markdown", "load_template", "default_template_text"]
