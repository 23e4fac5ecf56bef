"""The command line: the same library façade as the window, for scripts and quick edits.

Every error is one line on stderr and a non-zero exit; ``--json`` output is the
stable shape documented in the README.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from reader import __version__
from reader.errors import ReaderError

COMMANDS = (
    "add", "list", "search", "show", "tag", "untag", "note", "status", "trash", "restore", "empty-trash",
    "load-sample", "extract", "captions", "install-desktop", "uninstall-desktop",
    "check", "backup", "restore-backup", "rebuild",
    "export", "import", "index-text", "add-id", "fetch",
)
EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="reading-list", description="Reading List: papers, tags, notes and captions.")
    parser.add_argument("--version", action="version", version=f"reading-list {__version__}")
    parser.add_argument("--library", metavar="DIR", help="library folder (default: READING_LIST_HOME or the user data dir)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("add", help="add PDF files; prints the new paper ids")
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--tag", action="append", default=[], help="tag to give every added paper (repeatable)")

    p = sub.add_parser("list", help="list papers")
    p.add_argument("--tag")
    p.add_argument("--status", choices=["to-read", "reading", "read"])
    p.add_argument("--trash", action="store_true", help="list the Trash instead")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("search", help="full-text search over titles, authors, summaries, tags, notes, captions,"
                                      " annotations and the papers' own text")
    p.add_argument("query")
    p.add_argument("--json", action="store_true")

    sub.add_parser("index-text", help="read the text of every PDF not yet in the full-text index (the window does"
                                      " this in the background; this does it now, with progress)")

    p = sub.add_parser("show", help="show one paper with its notes and captions")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("tag", help="add tags to a paper")
    p.add_argument("id", type=int)
    p.add_argument("tags", nargs="+")

    p = sub.add_parser("untag", help="remove tags from a paper")
    p.add_argument("id", type=int)
    p.add_argument("tags", nargs="+")

    p = sub.add_parser("note", help="add a Markdown note to a paper")
    p.add_argument("id", type=int)
    p.add_argument("text")

    p = sub.add_parser("status", help="set the reading status")
    p.add_argument("id", type=int)
    p.add_argument("status", choices=["to-read", "reading", "read"])

    p = sub.add_parser("trash", help="move papers to the Trash")
    p.add_argument("ids", nargs="+", type=int)
    p = sub.add_parser("restore", help="bring papers back from the Trash")
    p.add_argument("ids", nargs="+", type=int)
    sub.add_parser("empty-trash", help="delete the papers in the Trash for good")
    sub.add_parser("load-sample", help="add the sample ICLR reading list")

    p = sub.add_parser("extract", help="print a PDF's metadata and captions without adding it")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("captions", help="list a paper's figure and table captions")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")

    sub.add_parser("install-desktop", help="add Reading List to the desktop's application menu")
    sub.add_parser("uninstall-desktop", help="remove what install-desktop added")

    p = sub.add_parser("check", help="check the library for damage, missing PDFs and stale files")
    p.add_argument("--fix", action="store_true", help="repair what is safe to repair; report the rest")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("backup", help="back up the library database now; prints the backup's path")
    p.add_argument("--list", action="store_true", help="list the backups instead, newest first")
    p = sub.add_parser("restore-backup", help="replace the library database with a backup")
    p.add_argument("backup", type=Path)
    p = sub.add_parser("rebuild", help="rebuild the library database from the sidecar files")
    p.add_argument("--from-sidecars", action="store_true", required=True)
    _add_export_import_parsers(sub)
    _add_online_parsers(sub)
    return parser


def _add_online_parsers(sub) -> None:
    """``add-id`` and ``fetch`` (reader.online)."""
    p = sub.add_parser("add-id", help="add papers by arXiv id, DOI, OpenReview, ACL Anthology or web page link, "
                                      "with their details and PDF")
    p.add_argument("ids", nargs="+", metavar="ID-OR-URL")
    p.add_argument("--tag", action="append", default=[], help="tag to give every added paper (repeatable)")
    p = sub.add_parser("fetch", help="fetch the PDF and details of papers marked to fetch later, or of the given ids")
    p.add_argument("ids", nargs="*", type=int, metavar="ID")
    p.add_argument("--metadata", action="store_true",
                   help="also update their details from the web, keeping the fields you typed")


def _add_export_import_parsers(sub) -> None:
    """``export markdown|bibtex`` and ``import FILE`` (reader.export, reader.importers)."""
    p = sub.add_parser("export", help="export papers as Markdown notes, BibTeX, biblatex, RIS or CSL-JSON")
    formats = p.add_subparsers(dest="format", metavar="FORMAT", parser_class=_Parser, required=True)
    for name, helptext in (("markdown", "one .md note per paper, with figures and annotations"),
                           ("bibtex", "a .bib file for BibTeX (stdout without --out)"),
                           ("biblatex", "a .bib file for biblatex and biber, UTF-8 (stdout without --out)"),
                           ("ris", "a .ris file for EndNote, Zotero, Mendeley (stdout without --out)"),
                           ("csljson", "CSL-JSON for Pandoc and Zotero (stdout without --out)")):
        f = formats.add_parser(name, help=helptext)
        f.add_argument("--out", type=Path, required=name == "markdown",
                       metavar="DIR" if name == "markdown" else "FILE")
        f.add_argument("--tag", help="only papers with this tag")
        f.add_argument("--paper", type=int, action="append", default=[], metavar="ID",
                       help="only this paper (repeatable)")
    p = sub.add_parser("import", help="import BibTeX/biblatex, RIS, CSL-JSON, Better BibTeX JSON or a plain list "
                                      "of papers (the format is read from the content)")
    p.add_argument("file", type=Path)
    p.add_argument("--tag", action="append", default=[], help="tag to give every imported paper (repeatable)")
    p.add_argument("--link-files-anywhere", action="store_true",
                   help="also copy PDFs that file = fields name outside the .bib file's folder")


# Qt's own command-line options (QGuiApplication and QApplication), which belong to Qt
# and not to us: "-platform xcb" must reach Qt rather than read as a command "xcb".
# Qt also takes them with two dashes, and "-style=fusion" in one word.
QT_OPTIONS_WITH_VALUE = frozenset({
    "-platform", "-platformpluginpath", "-platformtheme", "-plugin", "-qmljsdebugger",
    "-qwindowgeometry", "-geometry", "-qwindowicon", "-icon", "-qwindowtitle", "-title",
    "-style", "-stylesheet", "-session", "-display", "-name", "-font", "-fn", "-bg", "-background",
    "-fg", "-foreground", "-btn", "-button", "-visual", "-ncols", "-cmap", "-im", "-inputstyle",
})
QT_FLAGS = frozenset({"-reverse", "-nograb", "-dograb", "-sync", "-widgetcount", "-testability"})


def split_qt_options(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """Separate Qt's options (with their values) from ours: ``(qt_options, the_rest)``."""
    qt_options: list[str] = []
    rest: list[str] = []
    args = list(argv)
    index = 0
    while index < len(args):
        arg = args[index]
        name = arg[1:] if arg.startswith("--") else arg
        name = name.split("=", 1)[0]
        if name in QT_FLAGS or (name in QT_OPTIONS_WITH_VALUE and "=" in arg):
            qt_options.append(arg)
        elif name in QT_OPTIONS_WITH_VALUE:
            qt_options.extend(args[index:index + 2])
            index += 1
        else:
            rest.append(arg)
        index += 1
    return qt_options, rest


def is_command(argv: Sequence[str]) -> bool:
    """True when the arguments ask for the command line rather than the window."""
    _qt_options, argv = split_qt_options(argv)
    skip_next = False
    for arg in argv:
        if skip_next:
            skip_next = False
            continue
        if arg == "--library":
            skip_next = True
            continue
        if arg in ("--version", "-h", "--help"):
            return True
        if arg.startswith("-"):
            continue
        if arg in COMMANDS:
            return True
        # A word that is neither a command nor something the window can open is a
        # mistyped command: let the parser say so instead of opening a window.
        return not _openable(arg)
    return False


def _openable(arg: str) -> bool:
    return arg.startswith("reading-list://") or Path(arg).suffix.lower() in (".pdf", ".bib") or Path(arg).exists()


def printable(text: object, *, multiline: bool = False) -> str:
    """``text`` with control characters shown as escapes, fit for a terminal.

    Titles, captions and notes come from PDFs and BibTeX files written by anyone: a raw
    ESC would drive the terminal (colours, cursor moves, a changed window title), BEL
    rings, NUL hides the rest. Undecodable bytes (lone surrogates) would make the print
    itself fail. Newlines and tabs stay where a field may hold paragraphs.
    """
    kept = "\n\t" if multiline else ""
    out = []
    for ch in str(text):
        if ch in kept or unicodedata.category(ch) not in ("Cc", "Cs"):
            out.append(ch)
        elif 0xDC80 <= ord(ch) <= 0xDCFF:  # a byte that was not valid UTF-8
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(f"\\u{ord(ch):04x}")
    return "".join(out)


TEXT_ARGUMENTS = ("text", "tags", "tag")  # what a command stores, or looks up as stored text


def _require_text(args) -> None:
    """Refuse an argument holding bytes that are not UTF-8: SQLite cannot store them, and guessing would change them."""
    for name in TEXT_ARGUMENTS:
        value = getattr(args, name, None)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and any(0xD800 <= ord(ch) <= 0xDFFF for ch in item):
                raise ReaderError(f"The argument \"{printable(item)}\" holds bytes that are not valid UTF-8 text; "
                                  "nothing was changed.")


def run(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    try:
        _require_text(args)
        return _dispatch(args)
    except ReaderError as exc:
        print(f"reading-list: {printable(exc)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("reading-list: interrupted; nothing half-written.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _open(args, *, write: bool):
    from reader.library import Library
    from reader.paths import library_home

    return Library.open(library_home(args.library), lock=write)


def _dispatch(args) -> int:
    command = args.command
    if command in ("extract",):
        return _extract(args)
    if command in ("check", "backup", "restore-backup", "rebuild"):
        return _reliability(args)
    if command in ("install-desktop", "uninstall-desktop"):
        from reader import desktop

        paths = desktop.install_desktop() if command == "install-desktop" else desktop.uninstall_desktop()
        for path in paths:
            print(path)
        return EXIT_OK
    write = command not in ("list", "search", "show", "captions", "export")
    with _open(args, write=write) as library:
        handler = globals()[f"_cmd_{command.replace('-', '_')}"]
        return handler(library, args)


def _cmd_add(library, args) -> int:
    from reader.importers.pdf_files import import_pdfs

    failed = 0
    with _pdf_worker() as pool:  # PyMuPDF runs in a bounded child, as in the window
        outcomes = import_pdfs(library, args.files, tags=args.tag, extractor=pool.extract,
                               thumbnailer=pool.thumbnails, annotation_reader=pool.annotations,
                               lookahead=pool.size)  # the next PDFs are read on the other cores meanwhile
    for outcome in outcomes:
        if outcome.ok:
            print(outcome.paper_id)
            if not outcome.created or outcome.warnings:
                print(f"reading-list: {printable(outcome.describe())}", file=sys.stderr)
        else:
            failed += 1
            print(f"reading-list: {printable(outcome.error)}", file=sys.stderr)
    return EXIT_ERROR if failed else EXIT_OK


def _rows_out(library, ids: list[int], as_json: bool, hits: dict | None = None) -> int:
    """One line per paper; with ``hits`` (a search), a second line with the page its text matched on."""
    from reader.library import paper_json

    rows = library.paper_rows(ids)
    if as_json:
        objects = [paper_json(r) for r in rows]
        if hits is not None:
            for obj in objects:
                hit = hits.get(obj["id"])
                obj["body_hit"] = {"page": hit.page, "snippet": hit.snippet} if hit else None
        print(json.dumps(objects, ensure_ascii=False, indent=2))
        return EXIT_OK
    for r in rows:
        tags = f"  [{', '.join(r.tags)}]" if r.tags else ""
        year = f" ({r.year})" if r.year else ""
        print(printable(f"{r.id:>5}  {r.status.label:<8}  {r.title}{year}{tags}"))
        if hits and r.id in hits:
            print(printable(f"{'':>5}  {hits[r.id].describe()}"))
    return EXIT_OK


def _cmd_list(library, args) -> int:
    from reader.library import PaperQuery

    view = "trash" if args.trash else (args.status.replace("-", "_") if args.status else "all")
    ids = library.query_ids(PaperQuery(view=view, tag=args.tag, sort="added", descending=False))
    return _rows_out(library, ids, args.json)


def _cmd_search(library, args) -> int:
    from reader.library import PaperQuery

    ids = library.query_ids(PaperQuery(text=args.query, sort="added", descending=False))
    return _rows_out(library, ids, args.json, hits=library.body_hits(ids, args.query))


def _cmd_index_text(library, args) -> int:
    from reader.importers.body_index import index_pending

    before = library.index_progress()
    if before.remaining:
        show = sys.stderr.isatty()

        def progress(now) -> None:
            if show:
                print(f"\rreading papers' text: {now.indexed} of {now.papers_with_pdf}", end="", file=sys.stderr,
                      flush=True)

        done = index_pending(library, progress=progress)
        if show:
            print(file=sys.stderr)
    else:
        done = 0
    after = library.index_progress()
    print(f"{after.indexed} of {after.papers_with_pdf} papers with a PDF are in the full-text index"
          f" ({done} read now).")
    if after.remaining:
        print(f"{after.remaining} could not be read now: their PDF files are missing"
              " (`reading-list check` lists them).")
    return EXIT_OK


def _cmd_show(library, args) -> int:
    paper = library.paper(args.id)
    if args.json:
        print(json.dumps(paper.to_json(), ensure_ascii=False, indent=2))
        return EXIT_OK
    lines = [paper.title]
    if paper.authors:
        lines.append(", ".join(paper.authors))
    lines.append(" · ".join(str(x) for x in (paper.venue, paper.year) if x) or "")
    lines.append(f"Status: {paper.status.label}" + (f"   Tags: {', '.join(paper.tags)}" if paper.tags else ""))
    for label, value in (("Paper", paper.url), ("Code", paper.code_url), ("DOI", paper.doi),
                         ("arXiv", paper.arxiv_id), ("PDF", paper.pdf_path and str(library.home / paper.pdf_path))):
        if value:
            lines.append(f"{label}: {value}")
    for line in lines:
        print(printable(line))
    if paper.summary:
        print(f"\n{printable(paper.summary, multiline=True)}")
    for c in paper.captions:
        print(printable(f"\n{c.text} (p. {c.page})" if c.page else f"\n{c.text}", multiline=True))
    for n in paper.notes:
        print(f"\n--- note {n.id} ---\n{printable(n.body, multiline=True)}")
    return EXIT_OK


def _cmd_tag(library, args) -> int:
    library.add_tags([args.id], args.tags)
    return EXIT_OK


def _cmd_untag(library, args) -> int:
    library.remove_tags([args.id], args.tags)
    return EXIT_OK


def _cmd_note(library, args) -> int:
    note = library.add_note(args.id, args.text)
    print(note.id)
    return EXIT_OK


def _cmd_status(library, args) -> int:
    from reader.library import Status

    library.set_status([args.id], Status.parse(args.status))
    return EXIT_OK


def _cmd_trash(library, args) -> int:
    library.trash(args.ids)
    return EXIT_OK


def _cmd_restore(library, args) -> int:
    library.restore(args.ids)
    return EXIT_OK


def _cmd_empty_trash(library, args) -> int:
    print(f"Deleted {library.empty_trash()} papers for good.")
    return EXIT_OK


def _cmd_load_sample(library, args) -> int:
    from reader.importers.sample import load_sample

    with _pdf_worker() as pool:  # the shipped PDFs are read as any other, as the window does
        result = load_sample(library, extractor=pool.extract, thumbnailer=pool.thumbnails)
    print(result.describe())
    return EXIT_OK if not result.failed else EXIT_ERROR


def _cmd_captions(library, args) -> int:
    paper = library.paper(args.id)
    if args.json:
        print(json.dumps(paper.to_json()["captions"], ensure_ascii=False, indent=2))
        return EXIT_OK
    for c in paper.captions:
        print(printable(f"{c.text} (p. {c.page})" if c.page else c.text))
    return EXIT_OK


@contextlib.contextmanager
def _pdf_worker():
    """The window's extraction process: a hostile PDF meets its time and memory limits and costs only it."""
    from reader.importers.extraction_pool import ExtractionPool

    pool = ExtractionPool()
    try:
        yield pool
    finally:
        pool.shutdown(wait=True)  # the idle worker is gone before the interpreter's exit hooks run


def _extract(args) -> int:
    from reader.pdf.extract import extraction_to_json

    if not args.file.is_file():  # said here, without starting the worker
        raise ReaderError(f"{args.file} does not exist." if not args.file.exists() else f"{args.file} is not a file.")
    with _pdf_worker() as pool:
        result = extraction_to_json(pool.extract(args.file))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(printable(result.get("title") or "(no title found)"))
    print(printable(", ".join(result.get("authors") or [])))
    for c in result.get("captions", []):
        print(printable(f"{c['label']} (p. {c['page']}): {c['text']}"))
    return EXIT_OK


def _reliability(args) -> int:
    """check / backup / restore-backup / rebuild: they open (or must not open) the library themselves."""
    from reader.library import backup
    from reader.paths import library_home

    home = library_home(args.library)
    if args.command == "check":
        from reader.library.check import check_library, format_report

        report = check_library(home, fix=args.fix)
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        else:
            print("\n".join(format_report(report)))
        return EXIT_OK if report.ok else EXIT_ERROR
    if args.command == "backup" and args.list:
        for info in backup.list_backups(home):
            print(f"{info.path}\t{info.taken_at:%Y-%m-%d %H:%M:%S}\t{info.size}")
        return EXIT_OK
    if args.command == "backup":
        print(backup.backup_now(home))
        return EXIT_OK
    if args.command == "restore-backup":
        from reader.library.inside import stored_paths_outside

        kept = backup.restore(home, args.backup)
        print(f"Restored {args.backup}; the previous database was kept as {kept}.")
        outside = stored_paths_outside(home, home / backup.DB_NAME)
        if outside:
            print(f"reading-list: the backup names {len(outside)} file(s) outside the library, such as "
                  f"{printable(outside[0])}; they are never opened, exported or deleted.", file=sys.stderr)
        return EXIT_OK
    from reader.library.rebuild import rebuild_from_sidecars

    report = rebuild_from_sidecars(home)
    print("\n".join(report.describe()))
    return EXIT_OK


def _cmd_export(library, args) -> int:
    from reader.export import ExportScope, resolve_scope

    ids = resolve_scope(library, ExportScope(tuple(args.paper), args.tag))
    if args.format == "markdown":
        from reader.export.markdown import export_markdown

        print(printable(export_markdown(library, ids, args.out).describe()), file=sys.stderr)
        return EXIT_OK
    from reader.export.formats import EXPORTERS

    report = EXPORTERS[args.format](library, ids, args.out)
    if args.out is None:
        sys.stdout.write(report.text)
    else:
        print(printable(report.describe()), file=sys.stderr)
    return EXIT_OK


def _cmd_add_id(library, args) -> int:
    from reader.online.adding import add_identifiers

    return _online(library, lambda client, pool: add_identifiers(
        library, args.ids, client, tags=args.tag, extractor=pool.extract, thumbnailer=pool.thumbnails,
        progress=_print_online))


def _cmd_fetch(library, args) -> int:
    from reader.online.adding import fetch_papers

    return _online(library, lambda client, pool: fetch_papers(
        library, args.ids or None, client, refresh_metadata=args.metadata, extractor=pool.extract,
        thumbnailer=pool.thumbnails, progress=_print_online))


def _online(library, work) -> int:
    """One client and one PDF worker for the batch; one line per paper as each finishes."""
    from reader.online.http import OnlineClient
    from reader.online.settings import load_online_settings

    client = OnlineClient(load_online_settings())
    try:
        with _pdf_worker() as pool:
            results = work(client, pool)
    finally:
        client.close()
    if not results:
        print("Nothing to fetch.")
    return EXIT_ERROR if any(not r.ok for r in results) else EXIT_OK


def _print_online(_done: int, _total: int, result) -> None:
    print(printable(result.line()), flush=True)


def _cmd_import(library, args) -> int:
    from reader.importers import detect
    from reader.importers.any_format import import_file
    from reader.importers.bibtex import NOT_COPIED

    if not args.file.is_file():
        raise ReaderError(f"{args.file} does not exist." if not args.file.exists() else f"{args.file} is not a file.")
    fmt, _ = detect.sniff(args.file)  # by content, not by name; refuses (exit 1) anything we cannot read
    if fmt in (detect.BIBTEX, detect.RIS, detect.ZOTERO_JSON):  # the formats that link PDFs
        with _pdf_worker() as pool:  # linked PDFs are read in the bounded child, as by add
            report = import_file(library, args.file, tags=args.tag, extractor=pool.extract,
                                 thumbnailer=pool.thumbnails, link_files_anywhere=args.link_files_anywhere)
    else:
        report = import_file(library, args.file, tags=args.tag)
    for paper_id, _ in report.added:
        print(paper_id)
    for line in report.lines():
        print(f"reading-list: {printable(line)}", file=sys.stderr)
    if any(NOT_COPIED in line for line in report.problems):
        print("reading-list: --link-files-anywhere copies those PDFs too.", file=sys.stderr)
    return EXIT_OK
