"""How the library and window behave with 100,000 papers.

Prints: time from process start to the main window painted, and the same for the
floor (benchmarks/first_paint_floor.py: a bare PySide6 window with a 200-row table read
with ``sqlite3``), run in turn, and their ratio; search latency while typing (median
and 95th percentile, query plus table-model reload); and peak resident memory.
Targets (issues 2 and 17, 2-core machine): first paint at most 2.5x the floor, search
p95 at most 20 ms, memory under 300 MB.

    python benchmarks/library_scale.py [--papers 100000] [--keep DIR] [--runs 7] [--no-search]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

WORDS = ("attention transformer graph neural network diffusion model reinforcement learning policy gradient "
         "contrastive representation language vision robust adversarial federated optimization sparse "
         "efficient retrieval generative latent variational bayesian kernel convex stochastic memory "
         "architecture search pruning quantization distillation benchmark dataset").split()
TAGS = ["NLP", "Vision", "Reinforcement learning", "Generative models", "Optimization", "Robustness",
        "Efficiency", "Theory", "Graphs", "Speech"]
TYPED = ["a", "at", "att", "atte", "attention", "attention t", "attention tr", "attention transformer",
         "g", "gr", "gra", "graph", "graph n", "graph neural", "r", "ro", "rob", "robust",
         "tag:NLP dif", "tag:NLP diffusion", "year:>2020 sparse", "smith", "smi", "zzzz"]


def build(home: Path, n: int) -> None:
    from reader.library import Library

    Library.open(home).close()  # schema through the real migrations
    rng = random.Random(7)
    conn = sqlite3.connect(home / "library.sqlite3", isolation_level=None)
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO tag (name) VALUES (?)", [(t,) for t in TAGS])
    now = "2026-01-01 00:00:00"
    rows = []
    for i in range(1, n + 1):
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10))).capitalize()
        authors = "; ".join(f"{rng.choice('ABCDEFGHJKLMN')}. {rng.choice(['Smith', 'Chen', 'Garcia', 'Kim', 'Müller', 'Rossi', 'Singh', 'Ivanova'])}{i % 97}" for _ in range(rng.randint(1, 5)))
        summary = " ".join(rng.choice(WORDS) for _ in range(40))
        rows.append((i, title, authors, 2000 + i % 26, rng.choice(["ICLR", "NeurIPS", "ICML", "ACL", "CVPR"]),
                     summary, rng.choice(["to_read", "reading", "read"]), now, now))
    conn.executemany("INSERT INTO paper (id, title, authors_display, year, venue, summary, status, added_at,"
                     " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.executemany("INSERT INTO paper_tag (paper_id, tag_id) VALUES (?, ?)",
                     [(i, 1 + (i * 7919) % len(TAGS)) for i in range(1, n + 1)])
    conn.execute(
        "INSERT INTO paper_fts (rowid, title, authors, summary, tags, notes, captions)"
        " SELECT p.id, p.title, p.authors_display || ' ' || p.venue, p.summary,"
        " (SELECT group_concat(t.name, ' ') FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id WHERE pt.paper_id = p.id),"
        " '', '' FROM paper p")
    conn.execute("COMMIT")
    conn.close()


def _first_paint(command: list[str], env: dict) -> tuple[float, float]:
    """Seconds from launching ``command`` to the first-paint line it prints, and its peak RSS in MB."""
    start = time.time()
    out = subprocess.run(command, check=False, env=env, capture_output=True, text=True, timeout=60)
    line = next((l for l in out.stdout.splitlines() if l.startswith("first-paint-epoch")), None)
    if line is None:
        raise SystemExit(f"{command} did not report a first paint:\n{out.stdout}\n{out.stderr}")
    parts = line.split()
    return float(parts[1]) - start, float(parts[3])


def probe_env() -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               READING_LIST_STARTUP_PROBE="1", PYTHONPATH=str(REPO))
    # An installed app has its bytecode compiled by pip; do not measure recompiling it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "reader")], env=env, check=False)
    return env


def app_command(home: Path) -> list[str]:
    return [sys.executable, "-m", "reader", "--library", str(home)]


def floor_command(home: Path) -> list[str]:
    return [sys.executable, str(REPO / "benchmarks" / "first_paint_floor.py"), str(home)]


def interleaved(commands: dict[str, list[str]], runs: int) -> dict[str, list[tuple[float, float]]]:
    """First paint of each command, ``runs`` times, in turn (the order rotated every run) so
    all meet the same load on a shared machine; each run starts without saved window state."""
    env = probe_env()
    names = list(commands)
    for name in names:  # warm the disk cache
        _first_paint(commands[name], env)
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for run in range(runs):
        for name in names[run % len(names):] + names[:run % len(names)]:
            for command_home in {Path(a) for a in commands[name] if Path(a).is_dir()}:
                (command_home / "window-state.ini").unlink(missing_ok=True)
            results[name].append(_first_paint(commands[name], env))
    return results


def startup(home: Path, runs: int = 5) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """The app's first paint and the floor's (benchmarks/first_paint_floor.py), run in turn."""
    results = interleaved({"app": app_command(home), "floor": floor_command(home)}, runs)
    return results["app"], results["floor"]


def search_latency(home: Path) -> list[float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from reader.library import Library, PaperQuery
    from reader.ui.papers.model import Column, PaperTableModel

    app = QApplication.instance() or QApplication([])
    timings = []
    with Library.open(home, lock=False) as library:
        model = PaperTableModel(library)
        model.set_query(PaperQuery())
        for _ in range(3):
            for text in TYPED:
                t = time.perf_counter()
                model.set_query(PaperQuery(text=text))
                for row in range(min(40, model.rowCount())):  # what a view paints
                    model.index(row, Column.TITLE).data()
                timings.append((time.perf_counter() - t) * 1000)
    del app
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-search", action="store_true", help="only the start-up figures")
    args = parser.parse_args()
    home = args.keep or Path(tempfile.mkdtemp(prefix="rl-bench-"))
    if not (home / "library.sqlite3").exists():
        t = time.perf_counter()
        build(home, args.papers)
        print(f"built {args.papers} papers in {time.perf_counter() - t:.1f} s at {home}")
    runs, floor_runs = startup(home, args.runs)
    paints = sorted(r[0] * 1000 for r in runs)
    floors = sorted(r[0] * 1000 for r in floor_runs)
    ratios = sorted(a[0] / f[0] for a, f in zip(runs, floor_runs))
    print(f"start-up to first paint ({args.papers} papers, {len(runs)} runs interleaved with the floor): app median"
          f" {statistics.median(paints):.0f} ms (range {paints[0]:.0f}-{paints[-1]:.0f}), floor median"
          f" {statistics.median(floors):.0f} ms (range {floors[0]:.0f}-{floors[-1]:.0f})")
    print(f"first paint / floor: {statistics.median(paints) / statistics.median(floors):.2f} (ratio of medians;"
          f" per pair {ratios[0]:.2f}-{ratios[-1]:.2f}) (target <= 2.5)")
    print(f"peak RSS at first paint: app {max(r[1] for r in runs):.0f} MB, floor {max(r[1] for r in floor_runs):.0f} MB"
          " (target < 300 MB)")
    if args.no_search:
        return
    lat = sorted(search_latency(home))
    p95 = lat[int(len(lat) * 0.95) - 1]
    print(f"search while typing ({len(lat)} keystrokes, query + model reload + 40 rows): median "
          f"{statistics.median(lat):.1f} ms, p95 {p95:.1f} ms, max {lat[-1]:.1f} ms (target p95 <= 20 ms)")


if __name__ == "__main__":
    main()
