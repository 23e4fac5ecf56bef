"""The main window's commands that move papers in and out of the library.

Adding PDFs and papers, importing lists and BibTeX, export, re-extraction,
backups and the integrity check. A mixin of :class:`reader.ui.main_window.MainWindow`;
every command hands its work to the window's task runner and reports back on the
GUI thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from reader.ui.dialogs.add_paper import AddPaperDialog


class LibraryCommands:
    def add_pdfs_dialog(self) -> None:
        start = str(self.settings.value("paths/last_pdf_dir", str(Path.home())))
        files, _ = QFileDialog.getOpenFileNames(self, "Add PDF", start, "PDF files (*.pdf);;All files (*)")
        if files:
            self.settings.setValue("paths/last_pdf_dir", str(Path(files[0]).parent))
            self.add_pdfs([Path(f) for f in files])

    def add_pdfs(self, paths: list[Path]) -> None:
        if self.import_job.running:
            self.statusBar().showMessage("Wait for the current import to finish, or cancel it.", 4000)
            return
        view, tag = self.sidebar.current_filter()
        self.progress.begin(len(paths))
        self.import_job.start(paths, [tag] if tag else [])

    def _on_import_progress(self, done: int, total: int, outcome) -> None:
        self.progress.step(done, total, outcome)
        if outcome.ok:
            self.refresh()
            if total == 1 or outcome.created:
                self.table.select_paper(outcome.paper_id)

    def _on_import_finished(self, outcomes: list, cancelled: bool) -> None:
        self.progress.hide()
        self.refresh()
        added = [o for o in outcomes if o.created]
        known = [o for o in outcomes if o.ok and not o.created]
        failed = [o for o in outcomes if not o.ok]
        if known and not added:
            self.show_paper_in_table(known[-1].paper_id)
        parts = [f"Added {len(added)} paper{'s' if len(added) != 1 else ''}"] if added or not known else []
        if len(known) == 1:
            title = self.library.paper(known[0].paper_id).title or known[0].path.name
            parts.append(f"{'already' if parts else 'Already'} in your library: {title}")
        elif known:
            parts.append(f"{len(known)} were already in your library")
        if cancelled:
            parts.append("cancelled")
        scanned = [o.path.name for o in added if "no text layer" in o.warnings]
        if scanned:
            parts.append(f"{', '.join(scanned)}: no text layer (a scan?), so no title or captions were found")
        self.notify(", ".join(parts) + ".")
        if failed:
            self.warn("Some files were not added",
                                "\n".join(o.error for o in failed[:20]) +
                                (f"\n… and {len(failed) - 20} more." if len(failed) > 20 else ""))

    def export(self, paper_ids: list[int] | None = None, fmt: str | None = None) -> None:
        from reader.ui.dialogs.export import open_export_dialog

        _view, tag = self.sidebar.current_filter()
        if paper_ids is None:
            # In a paper's tab, "this paper" is the one being read, not the table's selection.
            reading = getattr(self.tabs.currentWidget(), "paper_id", None)
            paper_ids = [reading] if reading is not None else self.table.selected_paper_ids()
        self.export_dialog = open_export_dialog(
            self, self.library, self.runner, self.settings, selected_ids=paper_ids,
            current_tag=tag or None, fmt=fmt)

    def import_lists(self, paths: list[Path] | None = None) -> None:
        """*File → Import…* (no ``paths``): choose files, then the same preview a drop shows.
        With ``paths`` (the preview answered Import): import them now."""
        from reader.ui.dialogs.export import choose_import_files

        if paths:
            self.import_now(paths)
            return
        chosen = choose_import_files(self, self.settings)
        if chosen:
            self.ask_to_import(chosen)

    def ask_to_import(self, paths: list[Path]) -> None:
        """Read the files against the library (nothing written), then ask: entries found, new,
        duplicates and problems by line, PDFs to copy; import only after Import."""
        from reader.ui.dialogs.import_preview import (
            ImportPreviewQuestion,
            read_previews,
        )

        library = self.library

        def ask(previews) -> None:
            self.import_question = ImportPreviewQuestion(self, paths, previews, self.import_now)
            self.import_question.open()

        self.statusBar().showMessage(f"Reading {', '.join(p.name for p in paths)}…")
        self.runner.run(lambda: read_previews(paths, library), ask,
                        lambda exc: self.warn("Reading List", str(exc)), lane="work")

    def import_now(self, paths: list[Path], link_files_anywhere: bool = False) -> None:
        """Import in the background with progress and Cancel in the status bar; the report at the end."""
        from reader.ui.import_job import ImportProgress, ListImportJob

        job = getattr(self, "list_import_job", None)
        if job is not None and job.running:
            self.statusBar().showMessage("Wait for the current import to finish, or cancel it.", 4000)
            return
        if job is None:
            self.list_import_job = job = ListImportJob(self.library, self.runner, self.extraction_pool, self)
            self.list_import_progress = ImportProgress(self)
            self.statusBar().addPermanentWidget(self.list_import_progress)
            self.list_import_progress.cancel_requested.connect(job.cancel)
            job.progress.connect(self.list_import_progress.show_label)
            job.finished.connect(self._list_import_finished)
        self.list_import_progress.begin(0, f"Importing {', '.join(p.name for p in paths)}…")
        job.start(list(paths), link_files_anywhere=link_files_anywhere)

    def _list_import_finished(self, reports: list, cancelled: bool) -> None:
        self.list_import_progress.hide()
        self._lists_imported(reports)
        if cancelled:
            self.statusBar().showMessage("Import cancelled; the file being read added nothing.", 8000)

    def _lists_imported(self, reports: list) -> None:
        from reader.ui.dialogs.export import show_import_reports

        self.refresh()
        show_import_reports(self, reports)

    def reextract_selected(self) -> None:
        from reader.importers.pdf_files import reextract

        ids = self.table.selected_paper_ids()
        if not ids:
            return
        self.statusBar().showMessage(f"Reading {len(ids)} PDF{'s' if len(ids) != 1 else ''} again…")

        def work() -> int:
            return sum(bool(reextract(self.library, pid, self.extraction_pool.extract,
                                      self.extraction_pool.thumbnails)) for pid in ids)

        def done(n: int) -> None:
            self.refresh()
            for tab in self.viewer_tabs():
                if getattr(tab, "paper_id", None) in ids:
                    tab.captions_changed()
            self.statusBar().showMessage(f"Re-extracted {n} of {len(ids)} papers.", 6000)

        self.runner.run(work, done, lambda exc: (self.refresh(), self.warn("Re-extract", str(exc))), lane="work")

    def back_up_now(self) -> None:
        self.runner.run(self.library.backup_now,
                        lambda path: self.statusBar().showMessage(f"Backed up to {path}", 8000),
                        lambda exc: self.warn("Back Up Now", str(exc)), lane="work")

    def restore_from_backup(self) -> None:
        from reader.library.backup import backup_dir

        path, _ = QFileDialog.getOpenFileName(self, "Restore from Backup", str(backup_dir(self.library.home)),
                                              "Library backups (*.sqlite3)")
        if not path:
            return
        answer = QMessageBox.question(
            self, "Restore from Backup",
            f"Replace the library with the backup {Path(path).name}? Changes made since it was taken will be "
            "set aside (the current database is kept in the backups folder). Reading List restarts.",
            QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Ok, QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Ok:
            self.restore_on_exit = Path(path)
            self.close()

    def add_paper_dialog(self) -> None:
        dialog = AddPaperDialog(self.library.tag_names(), self)
        if dialog.exec():
            fields = dialog.fields()
            self.write(lambda: self.library.add_paper(fields), self._after_add, "The new paper")

    def _after_add(self, paper_id: int) -> None:
        self.sidebar.select_view("all")
        self.search.clear()
        self.refresh()
        self.table.select_paper(paper_id)

    def load_sample(self) -> None:
        from reader.importers.sample import load_sample

        self.statusBar().showMessage("Loading the sample reading list…")
        pool = self.extraction_pool  # the shipped PDFs are read in the extraction process, as any added PDF
        self.write(lambda: load_sample(self.library, extractor=pool.extract, thumbnailer=pool.thumbnails),
                   self._sample_loaded, "The sample reading list")

    def _sample_loaded(self, result) -> None:
        self.refresh()
        if result.first is not None:
            self.show_paper_in_table(result.first)
            if self.tabs.currentIndex() == 0:  # the welcome page and its button are gone: the list takes the keys
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.notify(result.describe())

    def show_paper_in_table(self, paper_id: int) -> None:
        """Select a paper, first showing all papers if the current view or search hides it."""
        if not self.table.select_paper(paper_id):
            if self.search.text():
                self.search.clear()
                self._search_timer.stop()  # the search is re-run here, not later over this selection
            self.sidebar.select_view("trash" if self.library.paper(paper_id).trashed else "all")
            self._run_search()
            self.table.select_paper(paper_id)

    def ask_user_name(self) -> None:
        """Edit → Your Name…: the author other viewers show on marks in an annotated copy."""
        from PySide6.QtWidgets import QInputDialog

        from reader.settings import user_name

        dialog = QInputDialog(self)
        dialog.setWindowTitle("Your Name")
        dialog.setLabelText("Annotated copies name you as the author of your marks.\n"
                            "Leave it empty to use your account's name.")
        dialog.setTextValue(user_name())
        dialog.textValueSelected.connect(self._set_user_name)
        dialog.finished.connect(dialog.deleteLater)
        self.name_dialog = dialog
        dialog.open()

    def _set_user_name(self, name: str) -> None:
        from reader.settings import set_user_name, user_name

        try:
            set_user_name(name)
        except OSError as exc:
            self.warn("Reading List", f"Your name could not be saved: {exc.strerror or exc}.")
            return
        self.notify(f"Marks in annotated copies will name {user_name()}.")

    def verify_library(self) -> None:
        """The full integrity check, off the GUI thread; on damage, offer the newest good backup."""
        self.runner.run(self.library.verify_integrity, self._on_verified, lambda _e: None, lane="work")

    def _on_verified(self, problem: str | None) -> None:
        if problem is None:
            return
        from reader.library.backup import newest_good_backup

        good = newest_good_backup(self.library.home)
        box = QMessageBox(QMessageBox.Icon.Critical, "The library is damaged",
                          problem + "\n\nNothing more will be written to it.", QMessageBox.StandardButton.NoButton,
                          self)
        restore = box.addButton("Restore Backup and Restart", QMessageBox.ButtonRole.AcceptRole) if good else None
        box.addButton("Continue Read-Only", QMessageBox.ButtonRole.RejectRole)
        self.last_warning = problem

        def chosen(_result) -> None:
            if restore is not None and box.clickedButton() is restore:
                self.restore_on_exit = good.path
                self.close()

        box.finished.connect(chosen)
        box.open()
