"""The question asked before dropped bibliographies are imported: what each file holds.

A drop is easy to make by mistake, and a dropped file is read by its content, so its
name says little: ``refs.txt`` may be RIS, ``export.json`` CSL-JSON or a settings file.
The files are read first (on the work lane, nothing written), then one box names each
file with its format and number of entries, or why it will be skipped, and waits for
Import or Cancel.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from reader.importers.any_format import FilePreview


def describe(preview: FilePreview | str, path: Path) -> str:
    """``refs.ris: 11 RIS entries`` or ``notes.json: not a bibliography …; skipped``."""
    if isinstance(preview, str):
        reason = preview.removeprefix(path.name + " ").rstrip(".").removesuffix("; nothing was imported")
        return f"{path.name}: {reason}; it will be skipped."
    if not preview.entries:
        return f"{path.name}: {preview.format}, but no entry we could import; it will be skipped."
    kind = "" if preview.format == "list" else f"{preview.format} "
    noun = ("paper" if preview.format == "list" else "entry") if preview.entries == 1 else \
        ("papers" if preview.format == "list" else "entries")
    text = f"{path.name}: {preview.entries} {kind}{noun}"
    if preview.problems:
        text += f" ({len(preview.problems)} with a problem, listed after the import)"
    return text


class ImportPreviewQuestion(QMessageBox):
    """Calls ``on_import(paths)`` with the importable files after Import; nothing after Cancel."""

    def __init__(self, parent: QWidget | None, paths: Sequence[Path], previews: Sequence[FilePreview | str],
                 on_import: Callable[[list[Path]], None]) -> None:
        super().__init__(parent)
        self._on_import = on_import
        self.importable = [p for p, preview in zip(paths, previews) if isinstance(preview, FilePreview)
                           and preview.entries]
        lines = [describe(preview, Path(path)) for path, preview in zip(paths, previews)]
        self.setWindowTitle("Import?")
        self.setIcon(QMessageBox.Icon.Question if self.importable else QMessageBox.Icon.Information)
        if self.importable:
            count = sum(p.entries for p in previews if isinstance(p, FilePreview))
            self.setText(f"Import {count} entr{'ies' if count != 1 else 'y'} into your library?")
        else:
            self.setText("Nothing here can be imported.")
        self.setInformativeText("\n".join(lines))
        self.import_button = self.addButton("&Import", QMessageBox.ButtonRole.AcceptRole) if self.importable \
            else None
        self.cancel_button = self.addButton(QMessageBox.StandardButton.Cancel if self.importable
                                            else QMessageBox.StandardButton.Close)
        self.setDefaultButton(self.import_button or self.cancel_button)
        self.setEscapeButton(self.cancel_button)
        self.buttonClicked.connect(self._answered)

    def _answered(self, button) -> None:
        if self.import_button is not None and button is self.import_button:
            self._on_import(list(self.importable))


def read_previews(paths: Sequence[Path]) -> list[FilePreview | str]:
    """Each file's preview, or the sentence saying why it cannot be imported (for the work lane)."""
    from reader.errors import ReaderError
    from reader.importers.any_format import preview_file

    previews: list[FilePreview | str] = []
    for path in paths:
        try:
            previews.append(preview_file(path))
        except ReaderError as exc:
            previews.append(str(exc))
    return previews
