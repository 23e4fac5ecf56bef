"""SIGKILL at random moments never loses a change that was reported as saved.

Real writer processes (``crash_harness.py``) run the façade's real writes; the
parent kills them mid-flight again and again and, after every kill, opens the
library, runs ``PRAGMA quick_check`` and checks each reported change. The run is
bounded at about 30 seconds; ``benchmarks/crash_safety.py`` runs longer.
"""

from __future__ import annotations

import pytest

from reader.library.check import check_library
from tests.reliability.crash_harness import run_kills

BUDGET_S = 28


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_killed_writers_never_lose_a_saved_change(tmp_path):
    home = tmp_path / "library"
    stats = run_kills(home, tmp_path / "scratch", budget_s=BUDGET_S, seed=8)
    print(f"\nkills survived: {stats.kills}, saved changes checked: {stats.saved_changes}, "
          f"value checks: {stats.checked_values}")
    assert not stats.failures, "\n".join(stats.failures)
    assert stats.kills >= 10 and stats.saved_changes >= 20

    # What a kill can leave behind is repairable: stale sidecars and temp files are
    # fixed; at most PDFs copied in just before the kill are left for a person.
    check_library(home, fix=True)
    after = check_library(home)
    assert {p.kind for p in after.unresolved} <= {"orphan-file"}, [p.message for p in after.unresolved]
