"""Hostile PDFs through every PDF path of the app: add, extract, annotation import, first page.

Run: ``python benchmarks/hostile_pdfs.py [--quick] [NAME...]``. Every PDF of
``../shared/corpus/hostile/`` (116 files from PyMuPDF's own test suite), plus the
issue's generated ones (a 14,400 pt page, a page with /UserUnit 1000, 5,000
annotations in 900 KB), goes through:

- ``reading-list add FILE`` and ``reading-list extract FILE --json``, as real
  processes (extraction, thumbnails and annotation import included in add);
- the window's annotation import (:class:`ExtractionPool`.annotations);
- the viewer's first page: the render client opens the file and draws page 1 at
  fit width in a 1000 px wide tab.

Each step must end in a result or a one-line message, within its limit: no
crash, no hang, no traceback. It prints the counts and the worst times and
memory (peak resident memory of the process that read the PDF). Takes about
10 minutes on the 2-core reference machine; ``--quick`` takes the first 20 files.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.reliability.pdf_makers import many_annotations  # noqa: E402

HOSTILE = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "hostile"
HANG_GUARD_S = 200.0  # far past every limit of the app: reaching it means a hang
RUNNER = """
import resource, subprocess, sys, time
started = time.monotonic()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, errors="replace")
elapsed = time.monotonic() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stdout.write(f"{done.returncode} {elapsed:.3f} {peak}\\n" + done.stderr)
"""


@dataclass
class Step:
    name: str
    outcomes: dict[str, int] = field(default_factory=dict)  # "ok" ("ok, with a note") / "message" / "limit" / "FAILED"
    times: list[tuple[float, str]] = field(default_factory=list)
    memory: list[tuple[float, str]] = field(default_factory=list)  # MB
    failures: list[str] = field(default_factory=list)
    limits: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def record(self, file: str, outcome: str, seconds: float, peak_mb: float, detail: str = "") -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        self.times.append((seconds, file))
        if peak_mb == peak_mb:  # not NaN
            self.memory.append((peak_mb, file))
        if outcome == "FAILED":
            self.failures.append(f"{file}: {detail}")
        elif outcome == "limit":
            self.limits.append(f"{file}: {detail}")
        elif outcome == "ok, with a note":
            self.notes.append(f"{file}: {detail}")

    def report(self) -> None:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items()))
        worst = ", ".join(f"{s:.1f} s {f}" for s, f in sorted(self.times, reverse=True)[:3])
        heavy = ", ".join(f"{m:.0f} MB {f}" for m, f in sorted(self.memory, reverse=True)[:3])
        median = sorted(s for s, _ in self.times)[len(self.times) // 2] if self.times else float("nan")
        print(f"== {self.name}: {len(self.times)} files: {counts}")
        print(f"   time: median {median:.2f} s; worst {worst}")
        if heavy:
            print(f"   peak memory: {heavy}")
        for line in self.limits:
            print(f"   limit hit  {line}")
        for line in self.notes:
            print(f"   note       {line}")
        for line in self.failures:
            print(f"   FAILED     {line}")


def one_line(text: str) -> bool:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return bool(lines) and all(line.startswith("reading-list: ") for line in lines) and "Traceback" not in text


LIMIT_WORDS = ("took more than", "took longer than", "memory the app allows", "only some of the annotations")


def run_cli(args: list[str], library: Path) -> tuple[str, float, float, str]:
    """One command as a real process: (outcome, seconds, peak MB of it and its children, stderr)."""
    command = [sys.executable, "-c", RUNNER, sys.executable, "-m", "reader", "--library", str(library), *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=HANG_GUARD_S, errors="replace")
    except subprocess.TimeoutExpired:
        return "FAILED", HANG_GUARD_S, float("nan"), "hang"
    head, _, stderr = done.stdout.partition("\n")
    code, seconds, peak_kb = head.split()
    code = int(code)
    if code < 0:
        return "FAILED", float(seconds), int(peak_kb) / 1024, f"killed by signal {-code}"
    if "Traceback" in stderr or (stderr.strip() and not one_line(stderr)) or code not in (0, 1):
        return "FAILED", float(seconds), int(peak_kb) / 1024, stderr.strip()[-300:]
    if any(word in stderr for word in LIMIT_WORDS):
        return "limit", float(seconds), int(peak_kb) / 1024, stderr.strip()
    if code == 0 and stderr.strip():  # added, and said something: a figure not drawn, no text layer...
        return "ok, with a note", float(seconds), int(peak_kb) / 1024, stderr.strip()
    return ("ok" if code == 0 else "message"), float(seconds), int(peak_kb) / 1024, stderr.strip()


def peak_mb(pid: int | None) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, TypeError):
        pass
    return float("nan")


def reset_peak(pid: int | None) -> None:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current resident size
    except (OSError, TypeError):
        pass


def annotation_import(pool, path: Path) -> tuple[str, float, float, str]:
    from reader.errors import ReaderError

    pool.warm_up()
    pid = next(iter(getattr(pool._pool(), "_processes", {}) or {}), None)
    reset_peak(pid)
    started = time.monotonic()
    try:
        marks = pool.annotations(path)
        outcome, detail = ("limit", marks.cut_short) if getattr(marks, "cut_short", "") else ("ok", f"{len(marks)}")
    except ReaderError as exc:
        text = str(exc)
        outcome = "limit" if any(w in text for w in LIMIT_WORDS) else "message"
        detail = text if "\n" not in text else "FAILED"
        if detail == "FAILED":
            outcome = "FAILED"
    except Exception as exc:  # anything else is a failure of the app
        outcome, detail = "FAILED", f"{type(exc).__name__}: {exc}"
    return outcome, time.monotonic() - started, peak_mb(pid), detail


def first_page(app, client, path: Path) -> tuple[str, float, float, str]:
    """The viewer's opening step: open, then page 1 at fit width in a 1000 px wide tab."""
    from PySide6.QtCore import QEventLoop, QTimer

    from reader.pdf.geometry import RenderKey, bucket_scale

    result: dict[str, object] = {}
    state: dict[str, int] = {}

    def opened(doc_id, info):
        if doc_id == state.get("doc"):
            width = max(1.0, info["page_sizes"][0][0])
            key = RenderKey(doc_id, 0, bucket_scale(1000 / width))
            state["key"] = key
            client.request_pages(app, [key])

    def rendered(key, image):
        if key == state.get("key"):
            result["outcome"] = ("ok", f"{image.width()}x{image.height()}")

    def page_failed(key, text):
        if key == state.get("key"):
            result["outcome"] = ("limit" if any(w in text for w in LIMIT_WORDS) else "message", text)

    def doc_failed(doc_id, _kind, text):
        if doc_id == state.get("doc"):
            result["outcome"] = ("limit" if any(w in text for w in LIMIT_WORDS) else "message", text)

    client.document_opened.connect(opened)
    client.page_rendered.connect(rendered)
    client.page_failed.connect(page_failed)
    client.document_failed.connect(doc_failed)
    reset_peak(client.pid)
    started = time.monotonic()
    state["doc"] = client.open_document(path)
    loop = QEventLoop()
    check = QTimer(interval=5, timeout=lambda: loop.quit() if result or time.monotonic() - started > HANG_GUARD_S else None)
    check.start()
    loop.exec()
    check.stop()
    elapsed = time.monotonic() - started
    memory = peak_mb(client.pid)
    for signal, slot in ((client.document_opened, opened), (client.page_rendered, rendered),
                         (client.page_failed, page_failed), (client.document_failed, doc_failed)):
        signal.disconnect(slot)
    client.forget(app)
    client.close_document(state["doc"])
    client.cache.clear()
    outcome, detail = result.get("outcome", ("FAILED", "hang"))  # type: ignore[misc]
    if "\n" in detail or "Traceback" in detail:
        outcome = "FAILED"
    return outcome, elapsed, memory, detail


def findings(app, client, folder: Path) -> None:
    """The issue's findings in the viewer: the slow page and the huge pages, at the zooms that hurt."""
    from PySide6.QtCore import QEventLoop, QTimer

    from reader.pdf.geometry import RenderKey

    cases = [(HOSTILE / "mu__test_4435.pdf", 2, 1.5, "test_4435.pdf page 3 at 150 % (memory cap)"),
             (HOSTILE / "mu__test_4435.pdf", 2, 0.25, "test_4435.pdf page 3 at 25 % (time limit)"),
             (folder / "gen__page-14400pt.pdf", 0, 4.0, "14,400 pt page at 400 %"),
             (folder / "gen__userunit-1000.pdf", 0, 1.0, "/UserUnit 1000 page at 100 %")]
    print("\n== the issue's findings in the viewer (another document's page asked for at the same time)")
    for path, page, scale, label in cases:
        got: dict[str, tuple] = {}
        started = time.monotonic()
        slow = client.open_document(path, first_page=page)
        other = client.open_document(HOSTILE / "mu__1.pdf")
        keys = {slow: RenderKey(slow, page, scale), other: RenderKey(other, 0, 1.5)}
        opened = lambda doc_id, _info: doc_id in keys and client.request_pages(doc_id, [keys[doc_id]])  # noqa: E731
        drawn = lambda key, image: key in keys.values() and got.setdefault(  # noqa: E731
            "slow" if key.doc_id == slow else "other", (f"drawn {image.width()}x{image.height()}", time.monotonic() - started))
        failed = lambda key, text: key in keys.values() and got.setdefault(  # noqa: E731
            "slow" if key.doc_id == slow else "other", (text, time.monotonic() - started))
        slots = ((client.document_opened, opened), (client.page_rendered, drawn), (client.page_failed, failed))
        for signal, slot in slots:
            signal.connect(slot)
        reset_peak(client.pid)
        loop = QEventLoop()
        check = QTimer(interval=5, timeout=lambda: loop.quit() if len(got) == 2 or time.monotonic() - started > 60 else None)
        check.start()
        loop.exec()
        check.stop()
        memory = peak_mb(client.pid)
        for signal, slot in slots:
            signal.disconnect(slot)
        for doc_id in keys:
            client.forget(doc_id)
            client.close_document(doc_id)
        client.cache.clear()
        slow_outcome, slow_s = got.get("slow", ("HANG", float("nan")))
        other_outcome, other_s = got.get("other", ("HANG", float("nan")))
        print(f"   {label}: {slow_outcome} after {slow_s:.1f} s; the other document's page {other_outcome.split()[0]} "
              f"after {other_s:.1f} s; render process peak {memory:.0f} MB")


def generated(folder: Path) -> list[Path]:
    """The issue's findings that the corpus lacks, made here."""
    import pymupdf

    files = []
    doc = pymupdf.open()
    doc.new_page(width=14400, height=14400).insert_text((100, 200), "A 14,400 pt page", fontsize=120)
    files.append(folder / "gen__page-14400pt.pdf")
    doc.save(files[-1])
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "A page with /UserUnit 1000: 8.4 km tall")
    doc.xref_set_key(page.xref, "UserUnit", "1000")
    files.append(folder / "gen__userunit-1000.pdf")
    doc.save(files[-1])
    files.append(many_annotations(folder / "gen__5000-annotations.pdf", 5000))
    return files


def main(argv: list[str]) -> int:
    if not HOSTILE.is_dir():
        print(f"hostile corpus not found at {HOSTILE}")
        return 2
    quick = "--quick" in argv
    names = [a for a in argv if not a.startswith("--")]
    from PySide6.QtWidgets import QApplication

    from reader.importers.extraction_pool import ExtractionPool
    from reader.ui.viewer.render_client import RenderClient

    app = QApplication.instance() or QApplication([])
    steps = [Step("reading-list add"), Step("reading-list extract"), Step("annotation import (window)"),
             Step("viewer: open and draw page 1")]
    with tempfile.TemporaryDirectory() as tmp:
        files = sorted(HOSTILE.glob("*.pdf")) + generated(Path(tmp))
        if names:
            files = [f for f in files if any(n in f.name for n in names)]
        elif quick:
            files = files[:20]
        pool = ExtractionPool()
        client = RenderClient()
        client.start()
        started = time.monotonic()
        try:
            for index, path in enumerate(files, 1):
                library = Path(tmp) / f"library-{index}"
                results = [run_cli(["add", str(path)], library), run_cli(["extract", str(path), "--json"], library),
                           annotation_import(pool, path), first_page(app, client, path)]
                for step, (outcome, seconds, memory, detail) in zip(steps, results):
                    step.record(path.name, outcome, seconds, memory, detail)
                marks = " ".join(f"{r[0]}:{r[1]:.1f}s" for r in results)
                print(f"[{index}/{len(files)}] {path.name}: {marks}", flush=True)
            if not names and not quick:
                findings(app, client, Path(tmp))
        finally:
            pool.shutdown()
            client.shutdown()
    print()
    print(f"{len(files)} files in {time.monotonic() - started:.0f} s; render process restarted "
          f"{client.stuck_requests} times for a stuck request")
    for step in steps:
        step.report()
    failed = sum(step.outcomes.get("FAILED", 0) for step in steps)
    print(f"\n{'no crash, hang or traceback' if not failed else f'{failed} FAILURES'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
