"""End-to-end: the installed ``reading-list`` program on a real X server, started as a user starts it.

The other GUI tests build the window inside the test process on Qt's offscreen platform.
These start the program pip installed (the gui-script beside this Python, not
``python -m reader``) as a separate process on Xvfb with Qt's xcb platform, the one a
double-click on an X11 desktop uses: by its own command line, and through the ``Exec=``
line of the desktop entry that ``reading-list install-desktop`` writes, expanded as a
launcher expands it for a PDF from a file manager and for a ``reading-list://`` link
from an exported note.

What the window shows is observed from outside with the app's own hook,
READING_LIST_SMOKE_TEST=1 (the one packaging/smoke_test.py uses on the self-contained
build; the launching and observing code is shared, in packaging/app_launch.py): once
the page the PDF opened at has been rendered by the render process and painted in the
window, and the extraction pool has read the file, the app prints which file, paper and
page it shows and quits by itself through its normal shutdown.

Skipped when Xvfb is not installed (``apt-get install xvfb``), except under CI, where
that fails.
"""

from __future__ import annotations

import configparser
import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pytest

from reader import desktop

REPO = Path(__file__).resolve().parent.parent
PROGRAM = Path(sys.executable).parent / ("reading-list.exe" if os.name == "nt" else "reading-list")
GUI_TIMEOUT_S = 90  # the app's hook gives up by itself after 60 s
CLI_TIMEOUT_S = 60
# The smallest real paper of the shared corpus with more than a few pages (8), so that a link
# can open it at a page other than the first.
PAPER = "sp__mooney05.pdf"


def _load_app_launch():
    """packaging/app_launch.py, by path: ``packaging`` is also the name of a PyPI package."""
    path = REPO / "packaging" / "app_launch.py"
    if not path.is_file():
        pytest.skip("not running from a source checkout (no packaging/app_launch.py)", allow_module_level=True)
    spec = importlib.util.spec_from_file_location("app_launch", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["app_launch"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


app_launch = _load_app_launch()


@pytest.fixture(scope="module")
def x_display():
    """A fresh Xvfb on a free display for this module's launches."""
    if shutil.which("Xvfb") is None:
        reason = "Xvfb is not installed (apt-get install xvfb): the installed program cannot be started on an X server"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; under CI these tests must run")
        pytest.skip(reason)
    with app_launch.xvfb_display() as display:
        yield display


@pytest.fixture
def session(tmp_path, x_display) -> dict[str, str]:
    """The environment of a desktop session on that display: HOME and XDG folders of its own,
    Qt's xcb platform, a launcher's PATH (the venv's bin is not on it), and the app's hook."""
    if not PROGRAM.is_file():
        pytest.fail(f"the installed program is missing: {PROGRAM} (pip installs it beside {sys.executable})")
    env = app_launch.on_display(app_launch.isolated_env(tmp_path / "session"), x_display)
    env["PATH"] = os.pathsep.join(["/usr/bin", "/bin"])
    env[app_launch.SMOKE_TEST] = "1"
    return env


@pytest.fixture
def paper_copy(corpus, tmp_path) -> Path:
    """A copy of a corpus paper (the corpus is shared and stays untouched)."""
    copy = tmp_path / "in" / PAPER
    copy.parent.mkdir()
    shutil.copyfile(corpus / "papers" / PAPER, copy)
    return copy


def opened(done, env: dict[str, str]):
    """The app's report of what it showed, after checking that it quit cleanly: exit status 0,
    no traceback or loader error on stderr or in its log, no child process left behind."""
    left = app_launch.survivors(done.pid)
    report = app_launch.smoke_report(done.out)
    context = f"exit {done.status} after {done.seconds:.1f} s\nstdout:\n{done.out}\nstderr:\n{done.err[-3000:]}"
    assert done.status == 0, context
    assert report is not None and report.ok, context
    assert "Traceback" not in done.err, context
    assert not [line for line in done.err.splitlines() if app_launch.LOADER_ERRORS.search(line)], context
    log = app_launch.log_file(env)
    assert log.is_file(), f"the app wrote no log at {log}"
    assert "Traceback" not in log.read_text(encoding="utf-8"), log.read_text(encoding="utf-8")[-3000:]
    assert not left, f"processes of the app still ran after it quit: {left}"
    assert report.pages and report.extracted_pages == report.pages, report.line
    return report


def test_installed_program_shows_a_pdf_on_an_x_server_and_quits_cleanly(session, paper_copy, tmp_path):
    """The command a user types: the window paints page 1 of the PDF on the X server, the
    extraction pool reads it, and the app exits 0 with nothing on stderr that says it broke."""
    done = app_launch.launch([str(PROGRAM)], ["--library", str(tmp_path / "library"), str(paper_copy)],
                             session, GUI_TIMEOUT_S, cwd=Path(session["HOME"]))
    report = opened(done, session)
    assert report.file == paper_copy.resolve()
    assert report.page == 1
    assert report.paper is None, "a PDF from outside the library opens as such, without being added"
    assert report.pages == 8


@pytest.fixture
def desktop_entry(session) -> configparser.SectionProxy:
    """The [Desktop Entry] group that ``reading-list install-desktop`` writes into the session's XDG data home."""
    done = app_launch.launch([str(PROGRAM)], ["install-desktop"], session, CLI_TIMEOUT_S)
    assert done.status == 0, done.err
    installed = Path(session["XDG_DATA_HOME"]) / "applications" / desktop.DESKTOP_FILE
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive in desktop entries
    parser.read(installed, encoding="utf-8")
    return parser["Desktop Entry"]


def run_entry(entry: configparser.SectionProxy, target: str, env: dict[str, str]):
    """What a launcher does for "Open with Reading List" or a click on a link: expand Exec= for
    the target and run that argv, without a shell, from the home folder."""
    argv = app_launch.desktop_exec_argv(entry["Exec"], [target], name=entry["Name"], icon=entry.get("Icon", ""))
    assert Path(argv[0]) == PROGRAM, f"the entry must start the installed program: Exec={entry['Exec']}"
    return app_launch.launch(argv, [], env, GUI_TIMEOUT_S, cwd=Path(env["HOME"]))


def test_desktop_entry_opens_a_file_url_whose_path_has_a_space_and_non_ascii(session, desktop_entry, paper_copy,
                                                                           tmp_path):
    """A file manager's "Open with" hands %U a file: URL, percent-encoded; the app must open that very file."""
    folder = tmp_path / "Papers to read" / "Müller — Überblick"
    folder.mkdir(parents=True)
    pdf = folder / "Mooney (2005) café.pdf"
    shutil.copyfile(paper_copy, pdf)
    url = pdf.as_uri()
    assert "%20" in url and "%C3%BC" in url, url  # the launcher's form: no raw space or non-ASCII byte
    env = {**session, "READING_LIST_HOME": str(tmp_path / "library")}  # a launcher passes no --library

    report = opened(run_entry(desktop_entry, url, env), env)
    assert report.file == pdf.resolve()
    assert report.page == 1


def test_desktop_entry_opens_a_reading_list_link_at_its_paper_and_page(session, desktop_entry, paper_copy,
                                                                      tmp_path):
    """A ``reading-list://open?paper=ID&page=N`` link (from an exported note) goes to %U; the app
    must open that library paper scrolled to page N, not page 1."""
    env = {**session, "READING_LIST_HOME": str(tmp_path / "library")}
    added = app_launch.launch([str(PROGRAM)], ["add", str(paper_copy)], env, CLI_TIMEOUT_S)
    assert added.status == 0, added.err
    paper_id = int(added.out.split()[0])

    report = opened(run_entry(desktop_entry, f"reading-list://open?paper={paper_id}&page=3", env), env)
    assert report.paper == paper_id
    assert report.page == 3
    assert report.file.parent == (tmp_path / "library" / "pdfs").resolve(), "the library's copy of the paper"


@pytest.mark.parametrize(("exec_value", "targets", "argv"), [
    ("reading-list %U", ["file:///tmp/a%20b.pdf", "reading-list://add"],
     ["reading-list", "file:///tmp/a%20b.pdf", "reading-list://add"]),
    ("reading-list %u", ["/tmp/a b.pdf", "/tmp/c.pdf"], ["reading-list", "file:///tmp/a%20b.pdf"]),
    ("reading-list %F", ["file:///tmp/caf%C3%A9.pdf", "https://example.org/x.pdf"], ["reading-list", "/tmp/café.pdf"]),
    ('"/opt/Reading List/reading-list" --flag=100%% %f', ["file:///tmp/x.pdf"],
     ["/opt/Reading List/reading-list", "--flag=100%", "/tmp/x.pdf"]),
    (r'"/opt/a \\"quoted\\" \\$HOME" %i %c', [], ["/opt/a \"quoted\" $HOME", "--icon", "reading-list", "Reading List"]),
    (r'"/opt/back\\\\slash"\sreading-list %d', [], ["/opt/back\\slash", "reading-list"]),  # \s: a separator
])
def test_exec_lines_expand_as_the_desktop_entry_spec_says(exec_value, targets, argv):
    """The launcher stand-in must itself be right, or the entry tests above prove nothing:
    quoting, string escapes and field codes by the Desktop Entry Specification."""
    assert app_launch.desktop_exec_argv(exec_value, targets, name="Reading List", icon="reading-list") == argv
