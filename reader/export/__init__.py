"""Getting papers out of the library: Markdown notes for a vault, BibTeX for reference managers.

Qt-free on purpose, so the CLI, the export dialog's worker thread and the tests
all run the same code. Every file is written atomically (``atomic.write_atomic``).
"""

from reader.export.atomic import ExportError, write_atomic
from reader.export.scope import ExportScope, resolve_scope

__all__ = ["ExportError", "ExportScope", "resolve_scope", "write_atomic"]
