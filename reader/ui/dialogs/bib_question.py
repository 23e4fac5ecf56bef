"""The question asked before a ``.bib`` file that arrived from outside is imported.

A file manager's "Open with", a second launch or a desktop's open event hands the
window a path that the user may not have looked at: importing it at once added its
entries and copied any PDF its ``file =`` fields named. So the window first says
which file, how many entries, and which linked PDFs lie outside the file's folder
(those are copied only if the box is ticked), and waits for Import or Cancel.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QMessageBox, QWidget

from reader.importers.bibtex import BibPreview

SHOWN_PDFS = 5


class BibImportQuestion(QMessageBox):
    """Calls ``on_import(link_files_anywhere)`` after Import; nothing after Cancel."""

    def __init__(self, parent: QWidget | None, preview: BibPreview,
                 on_import: Callable[[bool], None]) -> None:
        super().__init__(parent)
        self.preview = preview
        self._on_import = on_import
        n = preview.entries
        self.setWindowTitle("Import BibTeX?")
        self.setIcon(QMessageBox.Icon.Question)
        self.setText(f"Import {n} entr{'ies' if n != 1 else 'y'} from {preview.path} into your library?")
        details = []
        if preview.problems:
            details.append(f"{preview.problems} malformed entr{'ies' if preview.problems != 1 else 'y'} "
                           "will be skipped.")
        self.copy_outside = None
        if preview.outside_pdfs:
            count = len(preview.outside_pdfs)
            names = "\n".join(f"  {p}" for p in preview.outside_pdfs[:SHOWN_PDFS])
            more = f"\n  … and {count - SHOWN_PDFS} more" if count > SHOWN_PDFS else ""
            details.append(f"{count} linked PDF{'s are' if count != 1 else ' is'} outside the file's folder and "
                           f"will not be copied into the library unless you tick the box:\n{names}{more}")
            self.copy_outside = QCheckBox("Also &copy the PDFs from outside the file's folder")
            self.setCheckBox(self.copy_outside)
        self.setInformativeText("\n\n".join(details))
        self.import_button = self.addButton("&Import", QMessageBox.ButtonRole.AcceptRole)
        self.cancel_button = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self.cancel_button)
        self.setEscapeButton(self.cancel_button)
        self.buttonClicked.connect(self._answered)

    def _answered(self, button) -> None:
        if button is self.import_button:
            self._on_import(bool(self.copy_outside and self.copy_outside.isChecked()))
