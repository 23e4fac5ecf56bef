"""How well our exports go out and come back: round trips and biber on the interop corpus.

Every importable file of ``../shared/corpus/interop`` is imported into a fresh library
(as ``reading-list import`` does); those papers are then exported as BibTeX, biblatex,
RIS and CSL-JSON, each export imported into another fresh library, and the papers
compared field by field (``reader.export.roundtrip``). The BibTeX and biblatex exports
also go through ``biber --tool --validate-datamodel``, which checks every entry against
biblatex's data model; its warnings and errors are counted and listed.

Targets (issue 14): no field changed by a round trip, no biber error.

    python benchmarks/interop_export.py [--corpus DIR] [--verbose]

``benchmarks/interop.py`` (the import half) runs this too, as its export section.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CORPUS = REPO.parent / "shared" / "corpus" / "interop"
FORMATS = ("bibtex", "biblatex", "ris", "csljson")


def corpus_files(corpus: Path) -> list[Path]:
    files = sorted((corpus / "bibtex").glob("*.bib")) + sorted((corpus / "bibtex-with-truth").glob("*.bib"))
    files += sorted((corpus / "ris").glob("*.ris")) + sorted((corpus / "csl-json").glob("*.json"))
    return files


def _no_pdfs(pdf):
    raise OSError("PDFs are not read in this benchmark")


def biber_problems(bib: Path) -> list[str]:
    """biber's WARN and ERROR lines for ``bib`` against biblatex's data model, without file names,
    temporary paths or line numbers (so the export's lines compare with the source file's)."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "refs.bib"
        shutil.copyfile(bib, copy)
        result = subprocess.run(["biber", "--tool", "--validate-datamodel", "--output-file", "checked.bib",
                                 "refs.bib"], cwd=folder, capture_output=True, text=True, check=False, timeout=300)
    lines = [line for line in result.stdout.splitlines() if line.startswith(("WARN", "ERROR"))]
    if result.returncode and not any(line.startswith("ERROR") for line in lines):
        lines.append(f"ERROR - biber exited with {result.returncode}")
    return [re.sub(r"/tmp/\S+?, line \d+|line \d+", "line N", line.replace(" (refs.bib)", "")) for line in lines]


def run_export(corpus: Path, verbose: bool = False) -> int:
    from reader.errors import ReaderError
    from reader.export.formats import EXPORTERS
    from reader.export.markdown import vault_tag
    from reader.export.roundtrip import round_trip
    from reader.importers.any_format import import_file
    from reader.library import Library, PaperQuery

    has_biber = shutil.which("biber") is not None
    tag_values = tags_mapped = tags_dropped = 0
    papers = 0
    changed: dict[str, Counter] = {fmt: Counter() for fmt in FORMATS}
    changed_papers: dict[str, set] = {fmt: set() for fmt in FORMATS}
    examples: dict[str, list[str]] = {fmt: [] for fmt in FORMATS}
    lost: Counter = Counter()
    biber: dict[str, list[str]] = {"bibtex": [], "biblatex": []}
    inherited: dict[str, int] = {"bibtex": 0, "biblatex": 0}  # problems the source .bib has as well
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        for number, source in enumerate(corpus_files(corpus)):
            home = Path(work) / f"lib{number}"
            with Library.open(home) as library:
                try:
                    import_file(library, source, extractor=_no_pdfs)
                except ReaderError:
                    continue  # refused by the importer: nothing to send out again
                ids = sorted(library.query_ids(PaperQuery(view="all")))
                if not ids:
                    continue
                papers += len(ids)
                for paper_id in ids:
                    for tag in library.paper(paper_id).tags:
                        tag_values += 1
                        tags_mapped += vault_tag(tag) != tag
                        tags_dropped += not vault_tag(tag)
                for fmt in FORMATS:
                    trip = round_trip(library, ids, fmt, Path(work))
                    lost[fmt] += trip.papers - trip.reimported
                    for paper_id, name, before, after in trip.changes:
                        changed[fmt][name] += 1
                        changed_papers[fmt].add((source.name, paper_id))
                        if verbose or len(examples[fmt]) < 6:
                            examples[fmt].append(f"{source.name} #{paper_id} {name}: {before!r} -> {after!r}")
                if has_biber:
                    before = Counter(biber_problems(source)) if source.suffix == ".bib" else Counter()
                    for fmt in biber:
                        out = Path(work) / f"check{number}" / "refs.bib"
                        out.parent.mkdir()
                        EXPORTERS[fmt](library, ids, out)
                        ours = Counter(biber_problems(out))
                        inherited[fmt] += sum((ours & before).values())
                        biber[fmt] += [f"{source.name}: {line}" for line in (ours - before).elements()]
                        shutil.rmtree(out.parent)
    print(f"Export round trips: {papers} papers from {len(corpus_files(corpus))} corpus files "
          f"({time.perf_counter() - started:.0f} s)")
    print(f"{'format':10} {'papers changed':>15} {'fields changed':>15} {'papers lost':>12}  by field")
    for fmt in FORMATS:
        fields = ", ".join(f"{name} {count}" for name, count in changed[fmt].most_common())
        print(f"{fmt:10} {len(changed_papers[fmt]):>15} {sum(changed[fmt].values()):>15} {lost[fmt]:>12}  "
              f"{fields or '-'}")
    for fmt in FORMATS:
        for line in examples[fmt][: None if verbose else 6]:
            print(f"  {fmt}: {line}")
    print(f"Markdown tags: {tag_values} tag values, {tags_mapped} not valid Obsidian tags as they are "
          f"(written mapped: spaces and other characters to '-'), {tags_dropped} with nothing left (left out)")
    if not has_biber:
        print("biber is not installed (apt-get install biber): the data-model check was not run")
        return 0
    for fmt, lines in biber.items():
        errors = [line for line in lines if ": ERROR" in line]
        print(f"biber --validate-datamodel on the {fmt} export: {len(errors)} errors and "
              f"{len(lines) - len(errors)} warnings that the source file does not have "
              f"({inherited[fmt]} more that it has too)")
        kinds = Counter(re.sub(r"'[^']*'", "'…'", line.split(": ", 1)[1]) for line in lines)
        for text, count in kinds.most_common():
            print(f"  {count:4} × {text}")
        for line in lines[: None if verbose else 10]:
            print(f"    {line}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--verbose", action="store_true", help="list every changed field and biber line")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"interop corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    import logging

    logging.disable(logging.WARNING)
    return run_export(args.corpus, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
