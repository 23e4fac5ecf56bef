"""The question asked before bibliographies are imported, from *File → Import…* or a drop.

A drop is easy to make by mistake, and a file is read by its content, so its name
says little: ``refs.txt`` may be RIS, ``export.json`` CSL-JSON or a settings file.
The files are read first against the library (on the work lane, nothing written):
one box names each file with its format, how many of its entries are new, already
in the library or have a problem, and how many linked PDFs would be copied in; the
details list the duplicates and problems by line. Linked PDFs outside the files'
folders are copied only if the box is ticked. Nothing happens before Import.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QLabel, QMessageBox, QWidget

from reader.importers.any_format import FilePreview

MIN_WIDTH = 560


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def describe(preview: FilePreview | str, path: Path) -> str:
    """``refs.ris: 11 RIS entries: 9 new, 2 already in your library`` or why the file will be skipped."""
    if isinstance(preview, str):
        reason = preview.removeprefix(path.name + " ").rstrip(".").removesuffix("; nothing was imported")
        return f"{path.name}: {reason}; it will be skipped."
    if not preview.entries:
        return f"{path.name}: {preview.format}, but no entry we could import; it will be skipped."
    is_list = preview.format == "list"
    text = f"{path.name}: " + _plural(preview.entries, "paper" if is_list else f"{preview.format} entry",
                                      "papers" if is_list else f"{preview.format} entries")
    parts = []
    if preview.new is not None:
        parts.append(f"{preview.new} new")
        known = sum("is already in the library" in line for line in preview.duplicates)
        if known:
            parts.append(f"{known} already in your library")
        if len(preview.duplicates) > known:
            parts.append(_plural(len(preview.duplicates) - known, "repeated in the file", "repeated in the file"))
    if preview.problems:
        parts.append(_plural(len(preview.problems), "problem", "problems") + " (see details)")
    if preview.pdfs:
        parts.append(_plural(preview.pdfs, "PDF", "PDFs") + " will be copied")
    if preview.outside_pdfs:
        parts.append(_plural(len(preview.outside_pdfs), "linked PDF", "linked PDFs") + " outside its folder")
    return text + (": " + ", ".join(parts) if parts else "")


def details(paths: Sequence[Path], previews: Sequence[FilePreview | str]) -> str:
    """Each file's duplicates and problems, by line, for the box's "Show Details…"."""
    blocks = []
    for path, preview in zip(paths, previews):
        if not isinstance(preview, FilePreview):
            continue
        lines = [*preview.duplicates, *preview.problems]
        lines += [f"linked PDF outside the file's folder: {pdf}" for pdf in preview.outside_pdfs]
        if lines:
            blocks.append("\n".join([f"{Path(path).name}:", *(f"  {line}" for line in lines)]))
    return "\n\n".join(blocks)


class ImportPreviewQuestion(QMessageBox):
    """Calls ``on_import(paths, link_files_anywhere)`` with the importable files after Import; nothing after
    Cancel. A callback taking only the paths is called so too (the PDFs outside then stay out)."""

    def __init__(self, parent: QWidget | None, paths: Sequence[Path], previews: Sequence[FilePreview | str],
                 on_import: Callable[..., None]) -> None:
        super().__init__(parent)
        self._on_import = on_import
        self.importable = [p for p, preview in zip(paths, previews) if isinstance(preview, FilePreview)
                           and preview.entries]
        lines = [describe(preview, Path(path)) for path, preview in zip(paths, previews)]
        self.setWindowTitle("Import?")
        self.setIcon(QMessageBox.Icon.Question if self.importable else QMessageBox.Icon.Information)
        shown = [p for p in previews if isinstance(p, FilePreview)]
        if self.importable:
            known = all(p.new is not None for p in shown)
            count = sum(p.new for p in shown) if known else sum(p.entries for p in shown)
            self.setText(f"Import {count} {'new ' if known else ''}entr{'ies' if count != 1 else 'y'} "
                         "into your library?")
        else:
            self.setText("Nothing here can be imported.")
        self.setInformativeText("\n\n".join(lines))  # a paragraph per file: they wrap
        label = self.findChild(QLabel, "qt_msgbox_informativelabel")
        if label is not None:  # QMessageBox is narrow by default; file names and counts need room
            label.setMinimumWidth(MIN_WIDTH)
        more = details(paths, previews)
        if more:
            self.setDetailedText(more)
        outside = [pdf for p in shown for pdf in p.outside_pdfs]
        self.copy_outside = None
        if self.importable and outside:
            self.copy_outside = QCheckBox(f"Also &copy the {_plural(len(outside), 'linked PDF', 'linked PDFs')} "
                                          "from outside the files' folders")
            self.setCheckBox(self.copy_outside)
        self.import_button = self.addButton("&Import", QMessageBox.ButtonRole.AcceptRole) if self.importable \
            else None
        self.cancel_button = self.addButton(QMessageBox.StandardButton.Cancel if self.importable
                                            else QMessageBox.StandardButton.Close)
        self.setDefaultButton(self.import_button or self.cancel_button)
        self.setEscapeButton(self.cancel_button)
        self.buttonClicked.connect(self._answered)

    def _answered(self, button) -> None:
        if self.import_button is None or button is not self.import_button:
            return
        anywhere = bool(self.copy_outside and self.copy_outside.isChecked())
        if len(inspect.signature(self._on_import).parameters) >= 2:
            self._on_import(list(self.importable), anywhere)
        else:  # a caller that takes the paths alone
            self._on_import(list(self.importable))


def read_previews(paths: Sequence[Path], library=None) -> list[FilePreview | str]:
    """Each file's preview (against ``library`` when given), or the sentence saying why it cannot be
    imported. For the work lane: reading only."""
    from reader.errors import ReaderError
    from reader.importers.any_format import preview_file, preview_import

    previews: list[FilePreview | str] = []
    for path in paths:
        try:
            previews.append(preview_import(library, path) if library is not None else preview_file(path))
        except ReaderError as exc:
            previews.append(str(exc))
        except (OSError, ValueError) as exc:  # a file that vanished, or JSON that is not what it seemed
            previews.append(f"{Path(path).name} cannot be read ({exc}).")
    return previews
