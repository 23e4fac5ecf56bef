"""Crash-safety run: kill real writer processes with SIGKILL many times and count the survivals.

    python benchmarks/crash_safety.py [--kills 200] [--minutes 10]

Each kill is followed by opening the library, ``PRAGMA quick_check`` and a check of
every change the writers reported as saved (see ``tests/reliability/crash_harness.py``).
Prints the kills survived; exits non-zero on the first lost change or damaged library.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.reliability.crash_harness import run_kills  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="crash-safety-") as tmp:
        home = Path(tmp) / "library"
        stats = run_kills(home, Path(tmp) / "scratch", budget_s=args.minutes * 60, max_kills=args.kills,
                          seed=args.seed)
        from reader.library import Library

        with Library.open(home, lock=False) as lib:
            papers = lib.count()
    print(f"kills survived: {stats.kills - (1 if stats.failures else 0)} of {stats.kills}")
    print(f"changes reported as saved: {stats.saved_changes}; value checks after kills: {stats.checked_values}")
    print(f"papers in the library at the end: {papers}; time: {time.monotonic() - started:.0f} s")
    for failure in stats.failures:
        print(f"FAILURE: {failure}")
    return 1 if stats.failures else 0


if __name__ == "__main__":
    sys.exit(main())
