"""The floor for the app's first paint: a minimal PySide6 window with a 200-row table read
with the ``sqlite3`` module from the same library database, nothing else.

Started by ``benchmarks/library_scale.py`` in the same way as the app, interleaved with it,
so the ratio of the two is measured under the same load. Prints the same
``first-paint-epoch`` line as the app's start-up probe.

    python benchmarks/first_paint_floor.py LIBRARY_DIR
"""

from __future__ import annotations

import resource
import sqlite3
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableWidget, QTableWidgetItem

COLUMNS = ("Title", "Authors", "Year", "Venue", "Status", "Added")


def main() -> None:
    home = Path(sys.argv[1])
    app = QApplication([sys.argv[0]])
    conn = sqlite3.connect(f"file:{home / 'library.sqlite3'}?mode=ro", uri=True)
    rows = conn.execute("SELECT title, authors_display, year, venue, status, added_at FROM paper"
                        " WHERE trashed_at IS NULL ORDER BY id DESC LIMIT 200").fetchall()
    conn.close()
    window = QMainWindow()
    table = QTableWidget(len(rows), len(COLUMNS))
    table.setHorizontalHeaderLabels(COLUMNS)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem("" if value is None else str(value)))
    window.setCentralWidget(table)
    window.resize(1200, 760)
    window.show()

    def report() -> None:
        window.repaint()
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"first-paint-epoch {time.time():.6f} peak-rss-mb {rss_mb:.1f} rows {table.rowCount()}", flush=True)
        app.quit()

    QTimer.singleShot(0, report)
    app.exec()


if __name__ == "__main__":
    main()
