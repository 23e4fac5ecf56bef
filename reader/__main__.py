"""Allows ``python -m reader``, and is the entry point of the frozen (PyInstaller) app."""

import multiprocessing
import sys

if __name__ == "__main__":
    # The render process and the extraction pool are spawned; in a frozen app the
    # child re-runs this executable, and freeze_support() turns it into the child.
    multiprocessing.freeze_support()

    from reader.app import main

    sys.exit(main())
