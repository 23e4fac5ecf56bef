"""File > Export…: Markdown notes, BibTeX, biblatex, RIS or CSL-JSON for a selection, a tag or the library.

The export itself (``reader.export``) runs on the ``work`` lane of the
:class:`TaskRunner`, so a large library never freezes the window; the dialog
shows progress and its Cancel stops between papers (every file already written
is complete: writes are atomic). The last folder and file are remembered in the
``QSettings`` the caller passes in, so tests and the app never share state.

Also here, for the lead to wire into menus and drag-and-drop: importing ``.bib``
files and plain lists in the background (:func:`import_lists`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from reader.export import ExportScope, resolve_scope
from reader.export.formats import FILE_TYPES
from reader.library import Library
from reader.ui.tasks import TaskRunner

MARKDOWN, BIBTEX = "markdown", "bibtex"
# Dropped files with these names are offered to the importer, which reads the format from the content.
IMPORTABLE = (".bib", ".bibtex", ".ris", ".json", ".txt", ".md")
_KEYS = {MARKDOWN: "export/markdown_dir", BIBTEX: "export/bibtex_file",
         **{fmt: f"export/{fmt}_file" for fmt in FILE_TYPES if fmt != BIBTEX}}


class ExportDialog(QDialog):
    """Signals: ``progressed(done, total)``, ``exported(report)`` on success, ``failed(message)``."""

    progressed = Signal(int, int)
    exported = Signal(object)
    failed = Signal(str)
    _step = Signal(int, int, str)  # from the worker thread; queued to the GUI thread

    def __init__(self, library: Library, runner: TaskRunner, settings: QSettings, *,
                 selected_ids: Sequence[int] = (), tags: Sequence[str] = (), current_tag: str | None = None,
                 fmt: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.setMinimumWidth(520)
        self._library, self._runner, self._settings = library, runner, settings
        self._selected = tuple(selected_ids)
        self._cancel = threading.Event()
        self.running = False

        self.markdown_radio = QRadioButton("&Markdown notes (one .md per paper, with figures and annotations)")
        self.format_radios = {MARKDOWN: self.markdown_radio,
                              **{fmt: QRadioButton(label) for fmt, (label, _, _) in FILE_TYPES.items()}}
        self.bibtex_radio = self.format_radios[BIBTEX]
        self._format_group = QButtonGroup(self)
        for button in self.format_radios.values():
            self._format_group.addButton(button)
        self.selection_radio = QRadioButton(f"&Selected papers ({len(self._selected)})")
        self.selection_radio.setEnabled(bool(self._selected))
        self.tag_radio = QRadioButton("Papers with the &tag")
        self.tag_combo = QComboBox()
        self.tag_combo.addItems(list(tags))
        self.tag_radio.setEnabled(bool(tags))
        self.library_radio = QRadioButton("The whole &library")
        self._scope_group = QButtonGroup(self)
        for button in (self.selection_radio, self.tag_radio, self.library_radio):
            self._scope_group.addButton(button)
        if current_tag and current_tag in tags:
            self.tag_combo.setCurrentText(current_tag)
        (self.selection_radio if self._selected else self.tag_radio if current_tag in tags and current_tag
         else self.library_radio).setChecked(True)

        self.target_edit = QLineEdit()
        self.browse_button = QPushButton("&Choose…")
        self.browse_button.clicked.connect(self._browse)
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_bar.hide()
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.export_button = QPushButton("&Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")  # Esc, as in every dialog
        self.cancel_button.clicked.connect(self._cancel_or_close)

        form = QFormLayout()
        formats = QVBoxLayout()
        for button in self.format_radios.values():
            formats.addWidget(button)
        form.addRow("Format:", formats)  # the radio buttons carry their own mnemonics
        scope = QVBoxLayout()
        scope.addWidget(self.selection_radio)
        tag_row = QHBoxLayout()
        tag_row.addWidget(self.tag_radio)
        tag_row.addWidget(self.tag_combo, 1)
        scope.addLayout(tag_row)
        scope.addWidget(self.library_radio)
        form.addRow("Papers:", scope)
        self.target_label = QLabel()
        self.target_label.setBuddy(self.target_edit)  # Alt+F reaches the path without Choose…
        target = QHBoxLayout()
        target.addWidget(self.target_edit, 1)
        target.addWidget(self.browse_button)
        form.addRow(self.target_label, target)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)

        self._step.connect(self._on_step)
        for button in self.format_radios.values():
            button.toggled.connect(lambda checked: checked and self._format_changed())
        start_format = fmt or str(settings.value("export/format", MARKDOWN))
        self.format_radios.get(start_format, self.markdown_radio).setChecked(True)
        self._format_changed()

    # State -----------------------------------------------------------------

    def format(self) -> str:
        return next((fmt for fmt, button in self.format_radios.items() if button.isChecked()), MARKDOWN)

    def scope(self) -> ExportScope:
        if self.selection_radio.isChecked():
            return ExportScope(paper_ids=self._selected)
        if self.tag_radio.isChecked():
            return ExportScope(tag=self.tag_combo.currentText())
        return ExportScope()

    def _format_changed(self, *_args) -> None:
        fmt = self.format()
        self.target_label.setText("&Folder:" if fmt == MARKDOWN else "&File:")
        self.target_edit.setToolTip("Type a path, or Choose…; a folder that does not exist yet is created"
                                    if fmt == MARKDOWN else "Type a path, or Choose…")
        remembered = str(self._settings.value(_KEYS[fmt], "") or "")
        if not remembered:
            home = Path.home()
            remembered = (str(home / "Reading List notes") if fmt == MARKDOWN
                          else str(home / f"reading-list{FILE_TYPES[fmt][1]}"))
        self.target_edit.setText(remembered)

    def _browse(self) -> None:
        text = self.target_edit.text()
        if self.format() == MARKDOWN:
            chosen = QFileDialog.getExistingDirectory(self, "Export notes to folder", _nearest_existing(text))
        else:
            _, suffix, file_filter = FILE_TYPES[self.format()]
            typed = Path(text.strip() or f"reading-list{suffix}")
            start = str(Path(_nearest_existing(str(typed.parent))) / typed.name)
            chosen, _ = QFileDialog.getSaveFileName(self, f"Export {file_filter.split(' (')[0]}", start, file_filter)
        if chosen:
            self.target_edit.setText(chosen)

    # Running ---------------------------------------------------------------

    def start(self) -> None:
        """Run the export on the work lane; the dialog stays responsive and cancellable."""
        if self.running:
            return
        target_text = self.target_edit.text().strip()
        if not target_text:
            self.status_label.setText("Choose where to export to.")
            return
        target = Path(target_text).expanduser()
        fmt, scope = self.format(), self.scope()
        self._settings.setValue(_KEYS[fmt], str(target))
        self._settings.setValue("export/format", fmt)
        self._cancel.clear()
        self._set_running(True)
        self.status_label.setText(f"Exporting {scope.describe()}…")
        library, cancelled, step = self._library, self._cancel.is_set, self._step.emit

        def work():
            ids = resolve_scope(library, scope)
            if fmt == MARKDOWN:
                from reader.export.markdown import export_markdown

                return export_markdown(library, ids, target, progress=step, is_cancelled=cancelled)
            from reader.export.formats import EXPORTERS

            return EXPORTERS[fmt](library, ids, target, progress=step, is_cancelled=cancelled)

        self._runner.run(work, self._done, self._error, lane="work")

    def cancel(self) -> None:
        self._cancel.set()
        self.status_label.setText("Cancelling…")

    def _cancel_or_close(self) -> None:
        if self.running:
            self.cancel()
        else:
            self.reject()

    def _set_running(self, running: bool) -> None:
        self.running = running
        for widget in (self.export_button, self.browse_button, self.target_edit, *self.format_radios.values(),
                       self.selection_radio, self.tag_radio, self.library_radio, self.tag_combo):
            widget.setEnabled(not running)
        if not running:
            self.selection_radio.setEnabled(bool(self._selected))
            self.tag_radio.setEnabled(self.tag_combo.count() > 0)
        self.cancel_button.setText("Cancel" if running else "Close")
        self.progress_bar.setVisible(running)
        if running:
            self.progress_bar.setRange(0, 0)

    def _on_step(self, done: int, total: int, name: str) -> None:
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(done)
        self.status_label.setText(f"{done} of {total}: {name}")
        self.progressed.emit(done, total)

    def _done(self, report) -> None:
        self._set_running(False)
        self.status_label.setText(report.describe())
        self.exported.emit(report)

    def _error(self, exc: BaseException) -> None:
        self._set_running(False)
        message = str(exc) if str(exc) else type(exc).__name__
        self.status_label.setText(message)
        self.failed.emit(message)

    def reject(self) -> None:
        if self.running:  # closing mid-export: stop at the next paper, files so far are whole
            self.cancel()
        super().reject()


def _nearest_existing(text: str) -> str:
    """The typed path, or its closest folder that exists: the choosers cannot start in a missing one."""
    path = Path(text.strip() or str(Path.home())).expanduser()
    while not path.exists() and path != path.parent:
        path = path.parent
    return str(path)


def open_export_dialog(parent: QWidget, library: Library, runner: TaskRunner, settings: QSettings, *,
                       selected_ids: Sequence[int] = (), current_tag: str | None = None,
                       fmt: str | None = None) -> ExportDialog:
    """Show the export dialog (non-modal) with the window's selection and tag filled in."""
    dialog = ExportDialog(library, runner, settings, selected_ids=selected_ids, tags=library.tag_names(),
                          current_tag=current_tag, fmt=fmt, parent=parent)
    dialog.show()
    return dialog


def is_importable_list(path: Path | str) -> bool:
    """For drag-and-drop: a bibliography (BibTeX, RIS, CSL-JSON, Better BibTeX JSON) or a plain list."""
    return Path(path).suffix.lower() in IMPORTABLE


def choose_import_files(parent: QWidget, settings: QSettings) -> list[Path]:
    start = str(settings.value("import/last_dir", "") or Path.home())
    files, _ = QFileDialog.getOpenFileNames(parent, "Import a bibliography or a list of papers", start,
                                            "Bibliographies and lists (*.bib *.bibtex *.ris *.json *.txt *.md);;"
                                            "All files (*)")
    if files:
        settings.setValue("import/last_dir", str(Path(files[0]).parent))
    return [Path(f) for f in files]


def import_lists(library: Library, runner: TaskRunner, paths: Sequence[Path], *,
                 on_done: Callable[[list], None], tags: Sequence[str] = (),
                 link_files_anywhere: bool = False, pool=None) -> None:
    """Import bibliographies and plain lists on the work lane; ``on_done(reports)`` on the GUI thread.

    Each file's format is read from its content (``reader.importers.any_format``), whatever its
    name. A file that cannot be read, or is no bibliography, gives a report whose only line says
    so and adds nothing; the others still import.
    PDFs linked from outside a ``.bib`` file's folder are copied only with ``link_files_anywhere``.
    Linked PDFs are read and drawn in ``pool`` (the window's extraction process), within its
    time and memory limits, never in this process.
    """
    from reader.errors import ReaderError
    from reader.importers.any_format import import_file
    from reader.importers.dedupe import ImportReport

    def work() -> list:
        reports = []
        for path in paths:
            try:
                in_pool = {"extractor": pool.extract, "thumbnailer": pool.thumbnails} if pool is not None else {}
                reports.append(import_file(library, path, tags=tags, link_files_anywhere=link_files_anywhere,
                                           **in_pool))
            except ReaderError as exc:
                reports.append(ImportReport(source=Path(path), problems=[str(exc)]))
        return reports

    runner.run(work, on_done, lambda exc: on_done([ImportReport(problems=[str(exc)])]), lane="work")


def show_import_reports(parent: QWidget, reports: list) -> None:
    """One message box: the summary of each file, the details (duplicates, skipped lines) expandable."""
    box = QMessageBox(parent)
    box.setWindowTitle("Import")
    box.setText("\n".join(f"{r.source.name if r.source else 'Import'}: {r.summary()}" for r in reports))
    details = [line for r in reports for line in [*r.notes, *r.duplicates, *r.problems]]  # notes: a guessed encoding
    if details:
        box.setDetailedText("\n".join(details))
    box.open()
