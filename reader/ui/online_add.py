"""Adding papers by identifier in the window: the dialog, Ctrl+V, dropped links, Fetch PDF, Update Details.

All of it runs :mod:`reader.online` on the work lane, one paper at a time, with the
dialog showing each paper's line as it finishes and a Cancel that stops within a
tenth of a second (between two reads of a download, or during a back-off wait).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from reader.online.identifiers import (
    NotAnIdentifier,
    parse_identifier,
    split_identifiers,
)

if TYPE_CHECKING:  # the rest waits for the first use: httpx and the library's façade are not for the first paint
    from reader.importers.extraction_pool import ExtractionPool
    from reader.library import Library
    from reader.online.adding import OnlineResult
    from reader.online.http import OnlineClient
    from reader.ui.tasks import TaskRunner

    Work = Callable[[OnlineClient, Callable[[int, int, OnlineResult], None]], object]

EXAMPLES = "2101.05225\n10.18653/v1/2020.acl-main.447\nhttps://openreview.net/forum?id=B1e9Y2NYvS"


class OnlineJob(QObject):
    """Signals: ``progress(done, total, result)``, ``finished(results, cancelled, error)``."""

    progress = Signal(int, int, object)
    finished = Signal(list, bool, str)

    def __init__(self, library: Library, runner: TaskRunner, pool: ExtractionPool, parent=None) -> None:
        super().__init__(parent)
        self._library = library
        self._runner = runner
        self._pool = pool
        self._cancel = threading.Event()
        self.running = False
        self.client_factory: Callable[[Callable[[], bool]], OnlineClient] = _default_client

    def add(self, texts: Sequence[str], tags: Sequence[str] = ()) -> None:
        from reader.online.adding import add_identifiers

        self._run(lambda client, step: add_identifiers(
            self._library, texts, client, tags=tags, extractor=self._pool.extract,
            thumbnailer=self._pool.thumbnails, progress=step))

    def fetch(self, paper_ids: Sequence[int], *, refresh_metadata: bool = False) -> None:
        from reader.online.adding import fetch_papers

        self._run(lambda client, step: fetch_papers(
            self._library, list(paper_ids), client, refresh_metadata=refresh_metadata,
            extractor=self._pool.extract, thumbnailer=self._pool.thumbnails, progress=step))

    def cancel(self) -> None:
        self._cancel.set()

    def _run(self, work: Work) -> None:
        from reader.online.http import Cancelled

        self.running = True
        self._cancel.clear()
        results: list[OnlineResult] = []

        def step(done: int, total: int, result: OnlineResult) -> None:
            results.append(result)
            self.progress.emit(done, total, result)

        def job() -> bool:
            client = self.client_factory(self._cancel.is_set)
            try:
                work(client, step)
            except Cancelled:
                return True
            finally:
                client.close()
            return self._cancel.is_set()

        def done(cancelled: bool) -> None:
            self.running = False
            self.finished.emit(results, cancelled, "")

        def failed(exc: BaseException) -> None:
            self.running = False
            self.finished.emit(results, False, str(exc) or type(exc).__name__)

        self._runner.run(job, done, failed, lane="work")


def _default_client(cancelled: Callable[[], bool]) -> OnlineClient:
    from reader.online.http import OnlineClient
    from reader.online.settings import load_online_settings

    return OnlineClient(load_online_settings(), is_cancelled=cancelled)


def summary(results: Sequence[OnlineResult], cancelled: bool = False) -> str:
    from reader.online.adding import ADDED, DUPLICATE, FAILED, UNCHANGED, UPDATED, WITHOUT_PDF

    counts = {status: sum(r.status == status for r in results)
              for status in (ADDED, UPDATED, UNCHANGED, WITHOUT_PDF, DUPLICATE, FAILED)}
    parts = []
    if counts[ADDED]:
        parts.append(f"{counts[ADDED]} with their PDF")
    if counts[UPDATED]:
        parts.append(f"{counts[UPDATED]} with their details updated")
    if counts[UNCHANGED]:
        parts.append(f"{counts[UNCHANGED]} had their PDF already")
    if counts[WITHOUT_PDF]:
        later = sum(r.later for r in results)
        parts.append(f"{counts[WITHOUT_PDF]} without PDF" + (f" ({later} to fetch later)" if later else ""))
    if counts[DUPLICATE]:
        parts.append(f"{counts[DUPLICATE]} already in the library")
    if counts[FAILED]:
        parts.append(f"{counts[FAILED]} not added")
    text = ("Done: " + ", ".join(parts) + ".") if parts else "Nothing was done."
    return text + (" Cancelled before the end." if cancelled else "")


class AddByIdentifierDialog(QDialog):
    """Paste ids or links, press Add; each paper's line appears as it is done.

    Not modal, so the person keeps reading and sorting while a batch downloads; closing
    it while papers are still being fetched cancels them.
    """

    def __init__(self, job: OnlineJob, parent: QWidget | None = None, *, text: str = "",
                 fetch_ids: Sequence[int] = (), refresh_metadata: bool = False) -> None:
        super().__init__(parent)
        self.job = job
        self.results: list[OnlineResult] = []
        self._fetching = bool(fetch_ids)
        self.setWindowTitle("Fetch from the Web" if self._fetching else "Add by Identifier")
        self.intro = QLabel(
            "Paste arXiv ids, DOIs, or links to arXiv, OpenReview, the ACL Anthology or a paper’s web page, "
            "one per line. Each paper comes with its details and, where it is open access, its PDF.")
        self.intro.setWordWrap(True)
        self.edit = QPlainTextEdit()
        self.edit.setPlaceholderText(EXAMPLES)
        self.edit.setPlainText(text)
        self.ids_label = QLabel("&Identifiers or links:")
        self.ids_label.setBuddy(self.edit)
        self.tags = QLineEdit(placeholderText="Optional, separated by commas")
        self.tags_label = QLabel("&Tags:")
        self.tags_label.setBuddy(self.tags)
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.add_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.add_button.setText("&Add")
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self._cancel_or_close)
        layout = QVBoxLayout(self)
        for widget in (self.intro, self.ids_label, self.edit, self.tags_label, self.tags, self.bar, self.status,
                       self.list, self.buttons):
            layout.addWidget(widget)
        self.bar.hide()
        self.list.hide()
        job.progress.connect(self._step)
        job.finished.connect(self._finished)
        self.resize(560, 420)
        if self._fetching:
            for widget in (self.intro, self.ids_label, self.edit, self.tags_label, self.tags, self.add_button):
                widget.hide()
            self._begin(len(fetch_ids), f"Fetching {len(fetch_ids)} paper{'s' if len(fetch_ids) != 1 else ''}…")
            job.fetch(fetch_ids, refresh_metadata=refresh_metadata)

    def items(self) -> list[str]:
        return split_identifiers(self.edit.toPlainText())

    def start(self) -> None:
        items = self.items()
        if not items:
            self.status.setText("Paste at least one arXiv id, DOI or link.")
            self.edit.setFocus()
            return
        if self.job.running:
            self.status.setText("Another download is still running; try again when it is done.")
            return
        tags = [t.strip() for t in self.tags.text().split(",") if t.strip()]
        self._begin(len(items), f"Adding {len(items)} paper{'s' if len(items) != 1 else ''}…")
        self.job.add(items, tags)

    def _begin(self, total: int, text: str) -> None:
        self.results = []
        self.list.clear()
        self.bar.setRange(0, total)
        self.bar.setValue(0)
        self.bar.show()
        self.status.setText(text)
        self.add_button.setEnabled(False)
        self.edit.setReadOnly(True)
        self.cancel_button.setText("Cancel")
        self.cancel_button.setEnabled(True)

    def _step(self, done: int, total: int, result: OnlineResult) -> None:
        self.results.append(result)
        self.bar.setRange(0, total)
        self.bar.setValue(done)
        self.list.show()
        self.list.addItem(result.line())
        self.list.scrollToBottom()

    def _finished(self, results: list, cancelled: bool, error: str) -> None:
        self.bar.hide()
        self.status.setText(f"Stopped: {error}" if error else summary(results, cancelled))
        self.edit.setReadOnly(False)
        self.add_button.setEnabled(True)
        self.cancel_button.setText("Close")
        self.cancel_button.setEnabled(True)
        self.cancel_button.setFocus()

    def closeEvent(self, event) -> None:  # the title bar's close button: stop what is running
        if self.job.running:
            self.job.cancel()
        super().closeEvent(event)

    def reject(self) -> None:  # Esc: while papers are being fetched it cancels them, else it closes
        if self.job.running:
            self._cancel_or_close()
        else:
            super().reject()

    def _cancel_or_close(self) -> None:
        if self.job.running:
            self.job.cancel()
            self.status.setText("Cancelling…")
            self.cancel_button.setEnabled(False)
        else:
            self.reject()


class OnlineAdding(QObject):
    """The window's actions for adding and fetching from the web; the window keeps one."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.job = OnlineJob(window.library, window.runner, window.extraction_pool, window)
        self.job.finished.connect(self._job_finished)
        self.dialog: AddByIdentifierDialog | None = None
        self._quiet = False  # the batch running was started without a dialog (papers added from references)
        self._quiet_queue: list[int] = []
        self.add_action = window._action("Add by I&dentifier…", lambda: self.open_dialog(), "Ctrl+Shift+N",
                                         "Add papers by arXiv id, DOI or link, with their details and PDF")
        self.paste_action = window._action("&Paste Identifier or Link", self.paste, QKeySequence.StandardKey.Paste,
                                           "Add the papers whose ids or links are on the clipboard")
        self.paste_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.fetch_action = window._action("Fetch &PDF", lambda: self.fetch_selected(), tip=(
            "Download the PDF of the selected papers from their arXiv id, DOI or link"))
        self.update_action = window._action("&Update Details from the Web", lambda: self.fetch_selected(True), tip=(
            "Fetch title, authors, year and venue again; fields you edited and your summary are kept"))

    def install(self, file_menu: QMenu, edit_menu: QMenu, paper_menu: QMenu, *, after_add: QAction,
                before_trash: QAction) -> None:
        actions = file_menu.actions()
        following = actions[actions.index(after_add) + 1] if after_add in actions[:-1] else None
        file_menu.insertAction(following, self.add_action)
        edit_menu.insertAction(before_trash, self.paste_action)
        edit_menu.insertSeparator(before_trash)
        paper_menu.addSeparator()
        paper_menu.addAction(self.fetch_action)
        paper_menu.addAction(self.update_action)
        QWidget.addAction(self.window.table, self.paste_action)

    # Entry points ---------------------------------------------------------------------

    def open_dialog(self, text: str = "", *, start: bool = False) -> AddByIdentifierDialog:
        if self.dialog is not None and self.job.running:  # one batch at a time: show the one running
            self.dialog.show()
            self.dialog.raise_()
            return self.dialog
        self.dialog = AddByIdentifierDialog(self.job, self.window, text=text)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.destroyed.connect(lambda *_: setattr(self, "dialog", None))
        self.dialog.show()  # not modal: the library stays usable while papers arrive
        if start:
            self.dialog.start()
        return self.dialog

    def add_texts(self, texts: Sequence[str]) -> None:
        """Pasted or dropped ids and links: straight to adding, in the dialog that shows how it goes."""
        self.open_dialog("\n".join(texts), start=True)

    def paste(self) -> None:
        texts = identifiers_in(QGuiApplication.clipboard().text())
        if texts:
            self.add_texts(texts)
        else:
            self.window.notify("The clipboard holds no arXiv id, DOI or web link to add.")

    def fetch_selected(self, refresh_metadata: bool = False) -> None:
        ids = self.window.table.selected_paper_ids()
        if not ids:
            self.window.notify("Select the papers to fetch first.")
            return
        if self.job.running:
            self.window.notify("A download is already running; wait for it, or cancel it.")
            return
        self.dialog = AddByIdentifierDialog(self.job, self.window, fetch_ids=ids, refresh_metadata=refresh_metadata)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.destroyed.connect(lambda *_: setattr(self, "dialog", None))
        self.dialog.show()  # not modal: the library stays usable while papers arrive

    def fetch_in_background(self, paper_ids: Sequence[int]) -> None:
        """Papers added from a reference: their details and PDF fetched now, without a dialog, when they
        are marked to fetch; the status bar says how it went. Busy or offline, they stay marked for later."""
        marked = self.window.library.fetch_later()
        self._quiet_queue += [i for i in paper_ids if i in marked]
        if self._quiet_queue and not self.job.running:  # several added at once go in one batch
            QTimer.singleShot(0, self._start_quiet_fetch)

    def _start_quiet_fetch(self) -> None:
        wanted, self._quiet_queue = self._quiet_queue, []
        if not wanted:
            return
        if self.job.running:  # the user started one meanwhile: these stay marked to fetch later
            return
        self._quiet = True
        self.job.fetch(wanted)

    # Dropped links ----------------------------------------------------------------------

    def dropped_links(self, mime) -> list[str]:
        """Web links (or ids as text) dragged from a browser; local files are left to the PDF drop."""
        urls = mime.urls() if mime.hasUrls() else []
        if any(u.isLocalFile() for u in urls):
            return []
        links = [u.toString() for u in urls if u.scheme() in ("http", "https")]
        if links:
            return links
        return identifiers_in(mime.text()) if mime.hasText() else []

    def _job_finished(self, results: list, cancelled: bool, _error: str) -> None:
        from reader.online.adding import FAILED

        window = self.window
        window.refresh()
        touched = [r.paper_id for r in results if r.paper_id is not None and r.status != FAILED]
        if touched and window.tabs.currentIndex() == 0:
            window.table.select_paper(touched[0])
        for tab in window.viewer_tabs():
            if getattr(tab, "paper_id", None) in touched:
                tab.captions_changed()
        window.body_indexer.start()
        if self._quiet:  # no dialog showed this batch: one line says how it went
            self._quiet = False
            text = results[0].line() if len(results) == 1 else summary(results, cancelled)
            window.notify(f"Fetching cited papers: {text}", 10_000)
        if self._quiet_queue:  # added while this batch ran
            QTimer.singleShot(0, self._start_quiet_fetch)


def identifiers_in(text: str) -> list[str]:
    """The pieces of ``text`` that name papers, when every piece does; else none (it is prose)."""
    pieces = split_identifiers(text or "")
    if not pieces or len(pieces) > 200:
        return []
    try:
        for piece in pieces:
            parse_identifier(piece)
    except NotAnIdentifier:
        return []
    return pieces
