"""Kill real writer processes with SIGKILL and prove nothing reported as saved is lost.

Run as a script (``python crash_harness.py HOME SCRATCH SEED``) this is the
writer: it opens the library through the façade and loops over real writes
(papers, PDF imports through the real extractor, notes typed and edited,
annotations with images added, edited and deleted, status, tags, backups),
printing one JSON line per change only *after* the call returned. Before an
edit or delete it prints an ``intent`` line, because a kill between COMMIT and
the print may leave that change in place.

Imported, :func:`run_kills` is the parent used by the test and by
``benchmarks/crash_safety.py``: it starts writers, kills them at random moments
(including during start-up, open, backup and import), and after every kill
opens the library, runs ``PRAGMA quick_check`` and checks every reported change.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DELETED = "<deleted>"


# The writer ------------------------------------------------------------------------------------------

def _say(**event) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def writer(home: Path, scratch: Path, seed: int) -> None:
    import pymupdf

    from reader.importers.pdf_files import import_pdfs
    from reader.library import AnnotationFields, Library, PaperFields

    rng = random.Random(seed)
    lib = Library.open(home)
    _say(kind="opened")
    n = 0
    while True:
        n += 1
        token = f"s{seed}n{n}"
        papers = lib.query_ids()
        op = rng.choice(["paper", "pdf", "note", "note", "note-edit", "note-edit", "annotation", "annotation",
                         "annotation-edit", "annotation-delete", "status", "tag", "backup"] if papers else ["paper"])
        if op == "paper":
            pid = lib.add_paper(PaperFields(title=f"Paper {token}", authors=("A. Author",), tags=(f"t-{token}",)))
            _say(kind="saved", key=["paper", pid], value=f"Paper {token}")
        elif op == "pdf":
            path = scratch / f"{token}.pdf"
            doc = pymupdf.open()
            for page_no in range(3):
                doc.new_page().insert_text((72, 100), f"Crash paper {token} page {page_no}", fontsize=14)
            doc.save(path)
            doc.close()
            [outcome] = import_pdfs(lib, [path], thumbnailer=None)
            if outcome.ok:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                _say(kind="saved", key=["pdf", outcome.paper_id], value=digest)
        elif op == "note":
            pid = rng.choice(papers)
            note = lib.add_note(pid, f"Note {token} " + "x" * rng.randint(0, 2000))
            _say(kind="saved", key=["note", note.id], value=note.body)
        elif op == "note-edit":
            notes = [note for pid in rng.sample(papers, min(3, len(papers))) for note in lib.notes(pid)]
            if notes:
                note = rng.choice(notes)
                body = note.body + f" edit {token}"
                _say(kind="intent", key=["note", note.id], value=body)
                lib.update_note(note.id, body)
                _say(kind="saved", key=["note", note.id], value=body)
        elif op == "annotation":
            pid = rng.choice(papers)
            image = os.urandom(rng.randint(16, 4096))
            record = lib.add_annotation(pid, AnnotationFields("area", 1, (10, 10, 100, 100), comment=token,
                                                              image=image))
            _say(kind="saved", key=["annotation", record.id], value=token,
                 image=hashlib.sha256(image).hexdigest())
        elif op in ("annotation-edit", "annotation-delete"):
            marks = [a for pid in rng.sample(papers, min(3, len(papers))) for a in lib.annotations(pid)]
            if marks:
                mark = rng.choice(marks)
                value = DELETED if op == "annotation-delete" else f"{mark.comment} edit {token}"
                _say(kind="intent", key=["annotation", mark.id], value=value)
                if value == DELETED:
                    lib.delete_annotation(mark.id)
                else:
                    lib.update_annotation(mark.id, comment=value)
                _say(kind="saved", key=["annotation", mark.id], value=value)
        elif op == "status":
            pid = rng.choice(papers)
            value = rng.choice(["to_read", "reading", "read"])
            _say(kind="intent", key=["status", pid], value=value)
            lib.set_status([pid], value)
            _say(kind="saved", key=["status", pid], value=value)
        elif op == "tag":
            pid = rng.choice(papers)
            lib.add_tags([pid], [f"tag-{token}"])
            _say(kind="saved", key=["tag", pid, f"tag-{token}"], value=True)
        elif op == "backup":
            _say(kind="saved", key=["backup", str(lib.backup_now())], value=True)


# The parent ------------------------------------------------------------------------------------------

@dataclass
class KillStats:
    kills: int = 0
    saved_changes: int = 0
    checked_values: int = 0
    failures: list[str] = field(default_factory=list)


def _collect(stream, out: list[dict]) -> None:
    for line in stream:
        if line.endswith("\n"):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass


def run_kills(home: Path, scratch: Path, *, budget_s: float, max_kills: int = 10_000, seed: int = 1,
              min_delay: float = 0.1, max_delay: float = 1.6) -> KillStats:
    """Start, kill, verify, repeat until ``budget_s`` or ``max_kills``; every failure is recorded."""
    rng = random.Random(seed)
    history: dict[str, list[dict]] = {}
    stats = KillStats()
    deadline = time.monotonic() + budget_s
    scratch.mkdir(parents=True, exist_ok=True)
    while time.monotonic() < deadline and stats.kills < max_kills:
        proc = subprocess.Popen(
            [sys.executable, __file__, str(home), str(scratch), str(rng.randrange(1 << 30))],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
        events: list[dict] = []
        reader = threading.Thread(target=_collect, args=(proc.stdout, events), daemon=True)
        reader.start()
        time.sleep(rng.uniform(min_delay, max_delay))
        if proc.poll() is not None:
            stats.failures.append(f"writer exited by itself ({proc.returncode}): {proc.stderr.read()[-2000:]}")
            break
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        reader.join(timeout=30)
        proc.stderr.close()
        stats.kills += 1
        for event in events:
            if event.get("kind") in ("intent", "saved"):
                if event.get("image"):  # a new annotation: SQLite may reuse a deleted one's id
                    history[json.dumps(event["key"])] = []
                history.setdefault(json.dumps(event["key"]), []).append(event)
                stats.saved_changes += event["kind"] == "saved"
        stats.failures.extend(verify(home, history, stats))
        if stats.failures:
            break
    return stats


def acceptable(events: list[dict]) -> set | None:
    """Values the store may hold: the last saved one, or any change attempted after it."""
    saved = [i for i, e in enumerate(events) if e["kind"] == "saved"]
    if not saved:
        return None
    last = saved[-1]
    return {json.dumps(events[last]["value"])} | {json.dumps(e["value"]) for e in events[last + 1:]}


def verify(home: Path, history: dict[str, list[dict]], stats: KillStats) -> list[str]:
    from reader.errors import NotFoundError
    from reader.library import Library
    from reader.library.backup import integrity_problem

    failures = []
    try:
        lib = Library.open(home)
    except Exception as exc:  # noqa: BLE001 - any failure to open is the finding
        return [f"after kill {stats.kills}: the library does not open: {exc!r}"]
    try:
        problem = integrity_problem(home / "library.sqlite3")
        if problem:
            failures.append(f"after kill {stats.kills}: quick_check: {problem}")
        for key_text, events in history.items():
            allowed = acceptable(events)
            if allowed is None:
                continue
            key = json.loads(key_text)
            kind = key[0]
            try:
                if kind == "paper":
                    actual = lib.paper(key[1]).title
                elif kind == "pdf":
                    path = lib.pdf_file(key[1])
                    actual = hashlib.sha256(path.read_bytes()).hexdigest() if path and path.exists() else None
                elif kind == "note":
                    actual = next((n.body for n in lib.paper(_note_paper(lib, key[1])).notes if n.id == key[1]),
                                  DELETED)
                elif kind == "annotation":
                    try:
                        record = lib.annotation(key[1])
                        actual = record.comment
                        wanted_image = next((e.get("image") for e in events if e.get("image")), None)
                        image = lib.annotation_image(key[1])
                        same_mark = _fresh_token(actual) == _fresh_token(events[0]["value"])  # see below
                        if same_mark and wanted_image and hashlib.sha256(image or b"").hexdigest() != wanted_image:
                            failures.append(f"after kill {stats.kills}: annotation {key[1]} image differs")
                    except NotFoundError:
                        actual = DELETED
                elif kind == "status":
                    actual = lib.paper(key[1]).status.value
                elif kind == "tag":
                    actual = key[2] in lib.paper(key[1]).tags
                elif kind == "backup":
                    # pruned (only the newest are kept) or whole: never a half backup
                    actual = not Path(key[1]).exists() or integrity_problem(Path(key[1])) is None
                else:
                    continue
            except NotFoundError:
                actual = DELETED
            stats.checked_values += 1
            if kind == "annotation" and actual != DELETED and _fresh_token(actual) != _fresh_token(events[0]["value"]):
                continue  # a later, unreported creation reused the id of a deleted annotation
            if json.dumps(actual) not in allowed:
                failures.append(f"after kill {stats.kills}: {key} is {actual!r}, expected one of {sorted(allowed)}")
    finally:
        lib.close()
    from reader.library.check import check_library

    left = check_library(home, fix=False).unresolved  # the ordinary open above must have healed everything
    failures.extend(f"after kill {stats.kills}: check without --fix: {p.message}" for p in left)
    return failures


def _fresh_token(comment: str) -> str:
    return comment.split(" ", 1)[0]


def _note_paper(lib, note_id: int) -> int:
    with lib._read() as conn:
        row = conn.exec_driver_sql("SELECT paper_id FROM note WHERE id = ?", (note_id,)).first()
    from reader.errors import NotFoundError

    if row is None:
        raise NotFoundError(f"no note {note_id}")
    return row[0]


if __name__ == "__main__":
    writer(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
