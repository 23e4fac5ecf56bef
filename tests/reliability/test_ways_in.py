"""Issue 13, "Nothing lost, nobody let in": the ways in from outside the app.

Each test is the attack as it was met: a crafted note, backup, BibTeX entry, link or
socket, against the real window, the real library files and real processes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(180)


# --- Notes preview: links from quoted PDF text and sidecars ------------------------------------

def _desktop_stand_in():
    """Takes the place of the desktop's handler for a URL scheme (QDesktopServices.setUrlHandler):
    ``.opened`` lists what the app handed to the desktop."""
    from PySide6.QtCore import QObject, Slot

    class Desktop(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.opened: list[str] = []

        @Slot("QUrl")
        def open(self, url) -> None:
            self.opened.append(url.toString())

    return Desktop()


def _click_anchor(qtbot, browser, text: str) -> None:
    """Click the middle of the visible link text ``text`` in a QTextBrowser, as the user would."""
    from PySide6.QtCore import QPoint, Qt

    cursor = browser.document().find(text)
    assert not cursor.isNull(), f"{text!r} is not in the preview"
    start = browser.cursorRect(cursor).center()
    cursor.setPosition(cursor.selectionStart() + 1)
    at = browser.cursorRect(cursor).center()
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(at.x(), start.y()))


def test_notes_preview_opens_only_web_and_mail_links(qtbot, tmp_path):
    from PySide6.QtGui import QDesktopServices

    from reader.library import NoteRecord
    from reader.ui.detail.notes import NotesEditor

    secret = tmp_path / "hostname"
    secret.write_text("secret-host-name\n")
    body = (f"Quoted from a PDF:\n\n[share](smb://evil.example/share)\n\n[local]({secret.as_uri()})\n\n"
            "[script](javascript:alert(1))\n\n[site](https://example.org/paper)\n")
    desktop = _desktop_stand_in()
    for scheme in ("smb", "file", "javascript", "https"):
        QDesktopServices.setUrlHandler(scheme, desktop, "open")
    editor = NotesEditor()
    qtbot.addWidget(editor)
    editor.resize(600, 500)
    editor.show()
    try:
        editor.set_notes([NoteRecord(id=1, paper_id=1, body=body, created_at=None, updated_at=None)])
        editor.tabs.setCurrentWidget(editor.preview)
        qtbot.waitExposed(editor.preview)
        for label in ("share", "local", "script"):
            _click_anchor(qtbot, editor.preview, label)
            qtbot.wait(50)
            assert desktop.opened == [], f"the {label!r} link reached the desktop"
            shown = editor.preview.toPlainText()
            assert "secret-host-name" not in shown and "Quoted from a PDF" in shown, f"{label!r} replaced the note"
            assert "Link not opened" in editor.saved_label.text()
        _click_anchor(qtbot, editor.preview, "site")
        qtbot.waitUntil(lambda: desktop.opened == ["https://example.org/paper"], timeout=3000)
    finally:
        for scheme in ("smb", "file", "javascript", "https"):
            QDesktopServices.unsetUrlHandler(scheme)


# --- Paths from a restored backup --------------------------------------------------------------

def _cli(home: Path, *args: str):
    """``reading-list --library home ...`` as its own process."""
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "reader", "--library", str(home), *args],
                          capture_output=True, text=True, timeout=120, cwd=home.parent)


def _crafted_backup(tmp_path: Path, pdf_path: str, thumbnail: str) -> Path:
    """A sound backup whose one trashed paper names files outside any library."""
    from reader.library import CaptionRecord, Library, PaperFields
    from reader.library.backup import backup_now

    attacker = tmp_path / "attacker-library"
    with Library.open(attacker) as lib:
        paper_id = lib.add_paper(PaperFields(title="Crafted"), pdf_path=pdf_path, pdf_hash="0" * 64,
                                 captions=[CaptionRecord(label="Figure 1", kind="figure", number="1",
                                                         text="Figure 1: bait", page=1, thumbnail=thumbnail)])
        lib.trash([paper_id])
    return backup_now(attacker)


def test_empty_trash_after_restoring_a_crafted_backup_deletes_nothing_outside_the_library(library_home, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    thesis, its_notes = elsewhere / "thesis.pdf", elsewhere / "thesis.json"
    thesis.write_bytes(b"%PDF-1.7 my only copy")
    its_notes.write_text("{}")
    assert _cli(library_home, "list").returncode == 0  # an ordinary library to restore into
    backup = _crafted_backup(tmp_path, "../elsewhere/thesis.pdf", "")
    restored = _cli(library_home, "restore-backup", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "outside the library" in restored.stderr and "../elsewhere/thesis.pdf" in restored.stderr
    emptied = _cli(library_home, "empty-trash")
    assert emptied.returncode == 0, emptied.stderr
    assert thesis.read_bytes() == b"%PDF-1.7 my only copy" and its_notes.exists(), "files outside were deleted"
    assert _cli(library_home, "list", "--trash", "--json").stdout.strip() == "[]", "the paper itself is gone"


def test_a_pdf_path_through_a_symlink_out_of_the_library_is_neither_handed_out_nor_deleted(library_home, tmp_path):
    import os

    from reader.library import Library, PaperFields

    victim = tmp_path / "elsewhere.pdf"
    victim.write_bytes(b"%PDF-1.7 kept")
    with Library.open(library_home) as lib:
        os.symlink(victim, library_home / "pdfs" / "link.pdf")
        paper_id = lib.add_paper(PaperFields(title="Linked"), pdf_path="pdfs/link.pdf")
        assert lib.pdf_file(paper_id) is None, "a PDF path that leads out of the library is not handed out"
        lib.trash([paper_id])
        assert lib.empty_trash() == 1
    assert victim.read_bytes() == b"%PDF-1.7 kept"


def test_markdown_export_copies_no_file_from_outside_the_library_into_the_vault(library_home, tmp_path):
    secret = tmp_path / "elsewhere" / "secret.png"
    secret.parent.mkdir()
    secret.write_bytes(b"\x89PNG private photo")
    assert _cli(library_home, "list").returncode == 0
    backup = _crafted_backup(tmp_path, "../elsewhere/secret.pdf", "../elsewhere/secret.png")
    assert _cli(library_home, "restore-backup", str(backup)).returncode == 0
    assert _cli(library_home, "restore", "1").returncode == 0  # out of the Trash, so it is exported
    vault = tmp_path / "vault"
    exported = _cli(library_home, "export", "markdown", "--out", str(vault))
    assert exported.returncode == 0, exported.stderr
    copied = list((vault / "assets").rglob("*")) if (vault / "assets").exists() else []
    assert all(p.read_bytes() != secret.read_bytes() for p in copied), "a file from outside reached assets/"
    note = next(vault.glob("*.md")).read_text(encoding="utf-8")
    assert "elsewhere" not in note, "the note links to a file outside the library"
    assert "bait" in note, "the caption itself is still exported"


# --- Markdown export of a hostile BibTeX entry -------------------------------------------------

HOSTILE_BIB = r"""@article{trap2024,
  title = {Attention <img src=x onerror=alert(1)> ![pixel](https://tracker.example/p.png) [click](javascript:alert(2))},
  author = {Mallory, Eve},
  year = {2024},
  journal = {Journal of <b>Bold</b> Claims},
  abstract = {Benign start. <script>alert(3)</script> ![](https://tracker.example/abstract.png)
[a link](javascript:alert(4)) <!-- rl:summary --> end.},
  url = {javascript:alert(5)},
  code = {file:///etc/passwd},
  doi = {10.1000/x)](javascript:alert(6)},
}
"""


def test_markdown_export_of_a_hostile_bibtex_entry_has_no_html_no_remote_image_and_no_script_link(
        qapp, library_home, tmp_path):
    import yaml
    from PySide6.QtGui import QTextDocument

    bib = tmp_path / "hostile.bib"
    bib.write_text(HOSTILE_BIB, encoding="utf-8")
    imported = _cli(library_home, "import", str(bib))
    assert imported.returncode == 0, imported.stderr
    vault = tmp_path / "vault"
    assert _cli(library_home, "export", "markdown", "--out", str(vault)).returncode == 0
    note = next(vault.glob("*.md")).read_text(encoding="utf-8")

    front = yaml.safe_load(note.split("---\n")[1])
    assert front["title"].startswith("Attention <img src=x"), "front matter keeps the title as data"
    assert front["url"] == "" and front["code_url"] == "", "non-web addresses are left out of the front matter"

    body = note.split("---\n", 2)[2]
    document = QTextDocument()
    document.setMarkdown(body)  # Qt's CommonMark reader (md4c) parses the note as a vault would
    html = document.toHtml()
    assert "<img" not in html, "an image (a local tag or a remote fetch) reached the rendered note"
    assert "<b>Bold" not in body and "<script>" not in body, "HTML from the entry stands in the note as markup"
    hrefs = [part.split('"')[1] for part in html.split("href=")[1:]]
    assert hrefs and all(h.startswith(("reading-list://", "https://")) for h in hrefs), hrefs
    assert any(h.startswith("https://doi.org/10.1000/x") for h in hrefs), "the DOI links through doi.org"
    shown = document.toPlainText()
    assert "Attention <img src=x onerror=alert(1)> ![pixel]" in shown, "the title reads as it was written"
    assert "Journal of <b>Bold</b> Claims" in shown
    assert body.count("<!-- rl:summary -->") == 1, "the abstract cannot forge the note's own block markers"


@pytest.mark.timeout(300)
def test_any_title_is_shown_as_written_and_never_becomes_markup(qapp):
    """Escaped text, read by a CommonMark reader, is exactly the words in: no tag, image or code, and
    no link but a bare web address (which Qt's reader, like GitHub's, links by itself)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from PySide6.QtGui import QTextDocument

    from reader.export.escape import markdown_text

    pieces = st.sampled_from(["<img src=x>", "![i](https://e.example/i.png)", "[a](javascript:x)", "<b>", "\\",
                              "`code`", "<https://e.example>", "]", "[", "&amp;", "word", " ", "!", "(", ")"])

    @settings(max_examples=200, deadline=None)
    @given(st.lists(pieces, min_size=1, max_size=12))
    def check(parts):
        title = "".join(parts).strip()
        document = QTextDocument()
        document.setMarkdown("# " + markdown_text(title))
        html = document.toHtml()
        hrefs = [part.split('"')[1] for part in html.split("href=")[1:]]
        assert "<img" not in html, title
        assert all(h.startswith("https://e.example") for h in hrefs), (title, hrefs)  # a bare web address links
        assert document.toPlainText().strip() == title.replace("&amp;", "&"), title

    check()


# --- The single-instance socket ----------------------------------------------------------------

# Another local user's process: binds the given socket paths (as root, standing in for a user who
# got there first), becomes uid 65534 (nobody) before listening, so that is who answers, then
# acknowledges and prints whatever arrives.
SQUATTER = r"""
import os, select, socket, sys
socks = []
for path in sys.argv[1:]:
    s = socket.socket(socket.AF_UNIX)
    s.bind(path)
    os.chmod(path, 0o777)
    socks.append(s)
os.setgid(65534)
os.setuid(65534)
for s in socks:
    s.listen(4)
print("squatting", flush=True)
while True:
    for s in select.select(socks, [], [])[0]:
        conn, _ = s.accept()
        conn.settimeout(5)
        data = b""
        try:
            while not data.endswith(b"\n"):
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            conn.sendall(b"ok\n")
        except OSError:
            pass
        print("received", data.decode("utf-8", "replace").strip(), flush=True)
        conn.close()
"""


def _predictable_socket_name(home: Path) -> str:
    import getpass
    import hashlib

    key = f"{getpass.getuser()}\0{home.resolve()}"
    return "reading-list-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


@pytest.fixture
def short_tmp():
    """A world-writable temp folder like /tmp, with a short path (Unix socket paths stop near 100 bytes)."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="rl-", dir="/tmp"))
    folder.chmod(0o1777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("where", ["tmp", "runtime"])
def test_another_users_socket_neither_stops_the_window_nor_receives_the_file(where, library_home, pdf_factory,
                                                                            short_tmp):
    """tmp: XDG_RUNTIME_DIR unset, and another user listens first under the predictable names in /tmp
    (straight in it, and in the per-user folder, made by them). runtime: a foreign process answers at
    the socket's own place; only the peer's user id gives it away."""
    import os
    import subprocess
    import sys

    if os.geteuid() != 0:
        pytest.skip("playing another local user needs root")
    name = _predictable_socket_name(library_home)
    env = {k: v for k, v in os.environ.items() if not k.startswith("READING_LIST_") and k != "XDG_RUNTIME_DIR"}
    env.update(QT_QPA_PLATFORM="offscreen", TMPDIR=str(short_tmp))
    if where == "tmp":
        theirs = short_tmp / f"reading-list-{os.getuid()}"
        theirs.mkdir()
        theirs.chmod(0o777)
        os.chown(theirs, 65534, 65534)
        squatted = [short_tmp / name, theirs / name]
    else:
        runtime = short_tmp / "run"
        runtime.mkdir(mode=0o700)
        env["XDG_RUNTIME_DIR"] = str(runtime)
        squatted = [runtime / name]
    squatter = subprocess.Popen([sys.executable, "-c", SQUATTER, *map(str, squatted)], stdout=subprocess.PIPE,
                                text=True)
    try:
        assert squatter.stdout.readline().strip() == "squatting"
        pdf = pdf_factory("Private Draft", pages=2)
        launch = subprocess.run([sys.executable, "-m", "reader", "--library", str(library_home), str(pdf)],
                                env={**env, "READING_LIST_SMOKE_TEST": "1"}, cwd=pdf.parent,
                                capture_output=True, text=True, timeout=120)
    finally:
        squatter.kill()
        received = squatter.communicate(timeout=30)[0]
    requests = [line for line in received.splitlines() if line.startswith("received") and line.strip() != "received"]
    assert requests == [], f"another user's process got the request: {requests}"
    assert launch.returncode == 0 and "smoke-ok" in launch.stdout, (
        f"the window did not open on its own: {launch.stdout!r} {launch.stderr[-1500:]}")


def test_a_socket_folder_that_others_may_enter_is_not_used(qapp, library_home, short_tmp, monkeypatch):
    import os
    import stat
    import tempfile

    from reader.ui.single_instance import SingleInstance

    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("TMPDIR", str(short_tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)  # so that TMPDIR is read again
    instance = SingleInstance(library_home)
    try:
        assert instance.listen()
        socket_path = Path(instance.server_name)
        folder = os.lstat(socket_path.parent)
        assert folder.st_uid == os.getuid() and stat.S_IMODE(folder.st_mode) == 0o700, (
            f"the socket sits in {socket_path.parent}, mode {oct(folder.st_mode)}")
    finally:
        instance.close()
    socket_path.parent.chmod(0o777)  # as if made by someone else, or opened up
    exposed = SingleInstance(library_home)
    try:
        assert not exposed.listen(), "a socket was put where other users can reach it"
        assert not any(socket_path.parent.iterdir())
    finally:
        exposed.close()


# --- Requests from outside: a .bib handed to the window, a reading-list:// link -----------------

def _bib_linking(folder: Path, pdf: Path, entries: int = 2) -> Path:
    """A .bib whose first entry's file field names ``pdf`` by its absolute path."""
    folder.mkdir(exist_ok=True)
    text = f"@article{{first, title = {{Harmless Looking}}, year = 2024, file = {{:{pdf}:PDF}}}}\n"
    text += "".join(f"@article{{more{i}, title = {{Entry {i}}}, year = 2024}}\n" for i in range(1, entries))
    bib = folder / "refs.bib"
    bib.write_text(text, encoding="utf-8")
    return bib


def _pdfs_in(home: Path) -> list[Path]:
    return sorted((home / "pdfs").glob("*.pdf")) if (home / "pdfs").is_dir() else []


def test_cli_import_reports_a_pdf_outside_the_bib_folder_instead_of_copying_it(library_home, tmp_path, pdf_factory):
    private = pdf_factory("Private Draft")
    bib = _bib_linking(tmp_path / "downloads", private)
    imported = _cli(library_home, "import", str(bib))
    assert imported.returncode == 0, imported.stderr
    assert len(imported.stdout.split()) == 2, "both entries are added"
    assert _pdfs_in(library_home) == [], "a PDF named by an absolute path was copied into the library"
    assert str(private) in imported.stderr and "--link-files-anywhere" in imported.stderr
    again = _cli(tmp_path / "second-library", "import", str(bib), "--link-files-anywhere")
    assert again.returncode == 0, again.stderr
    assert [p.read_bytes() for p in _pdfs_in(tmp_path / "second-library")] == [private.read_bytes()]


def test_a_bib_handed_to_the_window_is_imported_only_after_the_user_says_so(open_window, qtbot, tmp_path,
                                                                           pdf_factory, library_home):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    window = open_window()
    private = pdf_factory("Private Draft")
    bib = _bib_linking(tmp_path / "downloads", private, entries=3)

    window.receive_arguments([str(bib)])  # what a file manager's "Open with" or a second launch does
    qtbot.waitUntil(lambda: getattr(window, "import_question", None) is not None
                    and window.import_question.isVisible(), timeout=15000)
    question = window.import_question
    assert question.text() == "Import 3 new entries into your library?"
    assert bib.name in question.informativeText() and "outside its folder" in question.informativeText()
    assert str(private) in question.detailedText()
    assert question.copy_outside is not None and not question.copy_outside.isChecked()
    assert window.library.count() == 0, "nothing is imported while the question is open"
    qtbot.mouseClick(question.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    qtbot.wait(300)
    assert window.library.count() == 0, "Cancel imported something"

    window.receive_arguments([str(bib)])
    qtbot.waitUntil(lambda: window.import_question is not question and window.import_question.isVisible(),
                    timeout=15000)
    window.import_question.import_button.click()
    qtbot.waitUntil(lambda: window.library.count() == 3, timeout=30000)
    assert _pdfs_in(library_home) == [], "the PDF outside the .bib file's folder was copied without a yes"


def test_a_link_only_shows_the_page_and_changes_nothing(open_window, qtbot, library_home, pdf_factory):
    import json

    from reader.importers.pdf_files import import_pdfs
    from reader.library import Library, Status

    with Library.open(library_home) as lib:
        [outcome] = import_pdfs(lib, [pdf_factory("Linked From A Web Page", pages=4)], thumbnailer=None)
        paper_id = outcome.paper_id
        sidecar = library_home / Path(lib.paper(paper_id).pdf_path).with_suffix(".json")
    before = sidecar.read_bytes()
    window = open_window()
    stored = window.library.paper(paper_id)
    assert stored.status is Status.TO_READ

    window.receive_arguments([f"reading-list://open?paper={paper_id}&page=3"])  # any web page can fire this
    tab = next(t for t in window.viewer_tabs() if t.paper_id == paper_id)
    qtbot.waitUntil(tab.is_loaded, timeout=30000)
    qtbot.waitUntil(lambda: tab.current_page() == 2, timeout=10000)
    qtbot.wait(1500)  # longer than the viewer takes to settle and report its position
    window.runner.wait()
    after = window.library.paper(paper_id)
    assert after.status is Status.TO_READ, "a link changed the paper's status"
    assert (after.last_opened_at, after.last_page, after.updated_at) == (
        stored.last_opened_at, stored.last_page, stored.updated_at), "a link wrote to the library"
    assert json.loads(sidecar.read_bytes()) == json.loads(before)
