"""The file formats a bibliography export can write, by the name the CLI and the dialog use.

Each exporter takes (library, paper ids, out=None, progress=, is_cancelled=) and returns
a report whose ``text`` is the whole file, written atomically to ``out`` when given.
"""

from __future__ import annotations

from collections.abc import Callable


def _bibtex(*args, **kwargs):
    from reader.export.bibtex import export_bibtex

    return export_bibtex(*args, **kwargs)


def _biblatex(*args, **kwargs):
    from reader.export.biblatex import export_biblatex

    return export_biblatex(*args, **kwargs)


def _ris(*args, **kwargs):
    from reader.export.ris import export_ris

    return export_ris(*args, **kwargs)


def _csljson(*args, **kwargs):
    from reader.export.csljson import export_csljson

    return export_csljson(*args, **kwargs)


EXPORTERS: dict[str, Callable] = {"bibtex": _bibtex, "biblatex": _biblatex, "ris": _ris, "csljson": _csljson}
# (label in the dialog, file suffix, file-chooser filter)
FILE_TYPES = {"bibtex": ("&BibTeX (.bib)", ".bib", "BibTeX (*.bib)"),
              "biblatex": ("biblate&x for biber (.bib, UTF-8)", ".bib", "biblatex (*.bib)"),
              "ris": ("&RIS (.ris: EndNote, Zotero, Mendeley)", ".ris", "RIS (*.ris)"),
              "csljson": ("CSL-&JSON (.json: Pandoc, Zotero)", ".json", "CSL-JSON (*.json)")}
