"""Markdown export: golden output, determinism, re-export that keeps the user's words."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.export import ExportError
from reader.export.markdown import export_markdown
from reader.library import AnnotationFields
from tests.export.builders import PNG, fix_dates, normalise_paths

GOLDEN = Path(__file__).parent / "golden"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_markdown_matches_golden_files(built, tmp_path):
    library, ids = built
    out = tmp_path / "vault"
    report = export_markdown(library, list(ids.values()), out)
    assert len(report.written) == 3
    tree = _tree(out)
    notes = {name: normalise_paths(data.decode("utf-8"), library) for name, data in tree.items()
             if name.endswith(".md")}
    if os.environ.get("UPDATE_GOLDEN"):
        for name, text in notes.items():
            (GOLDEN / "markdown" / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / "markdown" / name).write_text(text, encoding="utf-8")
    expected = {p.name: p.read_text(encoding="utf-8") for p in (GOLDEN / "markdown").glob("*.md")}
    assert notes == expected
    assets = sorted(name for name in tree if name.startswith("assets/"))
    assert assets == ["assets/vaswani-2017-attention-is-all-you-need-1-cafe-braces-a2.png",
                      "assets/vaswani-2017-attention-is-all-you-need-1-cafe-braces-figure-1.png"]
    assert all(tree[name] == PNG for name in assets)


def test_links_point_back_to_the_app_and_the_pdf_page(built, tmp_path):
    library, ids = built
    export_markdown(library, [ids["rich"]], tmp_path)
    text = next(tmp_path.glob("*.md")).read_text(encoding="utf-8")
    pdf_uri = library.pdf_file(ids["rich"]).absolute().as_uri()
    assert f"reading-list://open?paper={ids['rich']}&page=3" in text
    assert f"({pdf_uri}#page=3)" in text and f"({pdf_uri}#page=2)" in text
    # annotations come in page order whatever order they were made in
    assert text.index("We propose") < text.index("architecture figure") < text.index("Main claim")


def test_same_library_gives_the_same_bytes(built, tmp_path):
    library, ids = built
    export_markdown(library, list(ids.values()), tmp_path / "a")
    export_markdown(library, list(ids.values()), tmp_path / "b")
    again = export_markdown(library, list(ids.values()), tmp_path / "a")
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert again.written == [] and len(again.unchanged) == 3  # nothing rewritten, mtimes stay


def test_reexport_keeps_user_text_and_appends_new_annotations(built, tmp_path):
    library, ids = built
    paper = ids["rich"]
    export_markdown(library, [paper], tmp_path)
    note = next(tmp_path.glob("*.md"))
    text = note.read_text(encoding="utf-8")
    # The user writes in the file: a front-matter key, text at the top, between marks, at the end.
    text = text.replace("---\n\n<!-- rl:paper -->", "aliases:\n  - \"AIAYN\"\n---\nMY TOP LINE\n\n<!-- rl:paper -->")
    text = text.replace("<!-- /rl:annotation 3 -->\n", "<!-- /rl:annotation 3 -->\nMY THOUGHT ON PAGE ONE\n")
    text += "\n## My conclusions\n\nMY ENDING, with <b>html</b> and trailing spaces   \n"
    note.write_text(text, encoding="utf-8")
    mine = ["aliases:\n  - \"AIAYN\"\n", "MY TOP LINE\n", "MY THOUGHT ON PAGE ONE\n",
            "\n## My conclusions\n\nMY ENDING, with <b>html</b> and trailing spaces   \n"]

    # Meanwhile, in the app: a new mark at the end, a changed comment, a deleted mark, a new summary.
    marks = {m.page: m for m in library.annotations(paper)}
    library.update_annotation(marks[3].id, comment="Main claim, revised.")
    library.delete_annotation(marks[2].id)
    new = library.add_annotation(paper, AnnotationFields("highlight", 3, (72, 500, 300, 520), quote="NEW QUOTE"))
    library.update_paper(paper, summary="A new summary.")
    fix_dates(library)

    export_markdown(library, [paper], tmp_path)
    updated = note.read_text(encoding="utf-8")
    for piece in mine:
        assert piece in updated
    assert "Main claim, revised." in updated and "Main claim.\n" not in updated
    assert f"rl:annotation {marks[2].id} " not in updated and "architecture figure" not in updated
    assert "A new summary." in updated and "No recurrence" not in updated
    assert f"<!-- rl:annotation {new.id} -->\n> NEW QUOTE" in updated
    # the new mark comes after the old last one, and before the user's closing section
    assert updated.index(f"rl:annotation {marks[3].id} ") < updated.index("NEW QUOTE") < updated.index("MY ENDING")
    assert updated.index("MY THOUGHT ON PAGE ONE") < updated.index(f"rl:annotation {marks[3].id} ")
    assert updated.startswith("---\nreading_list_id: ")
    # deleted mark's image is gone from assets; the figure thumbnail stays
    assert [p.name for p in (tmp_path / "assets").iterdir()] == [f"{note.stem}-figure-1.png"]
    # and a third export changes nothing
    assert export_markdown(library, [paper], tmp_path).written == []


def test_renamed_title_still_updates_the_same_note(built, tmp_path):
    library, ids = built
    export_markdown(library, [ids["plain"]], tmp_path)
    first = sorted(tmp_path.glob("*.md"))
    library.update_paper(ids["plain"], title="A Completely New Title")
    export_markdown(library, [ids["plain"]], tmp_path)
    assert sorted(tmp_path.glob("*.md")) == first
    assert "A Completely New Title" in first[0].read_text(encoding="utf-8")


def test_a_foreign_file_with_the_same_name_is_not_overwritten(built, tmp_path):
    library, ids = built
    (tmp_path / "con-paper.md").write_text("my own file\n", encoding="utf-8")
    export_markdown(library, [ids["plain"]], tmp_path)
    assert (tmp_path / "con-paper.md").read_text(encoding="utf-8") == "my own file\n"
    assert (tmp_path / f"con-paper-{ids['plain']}.md").is_file()


def test_user_template_from_the_config_folder(built, tmp_path):
    from reader.paths import config_dir

    library, ids = built
    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "markdown-template.md").write_text(
        "{{front_matter}}\n{{#paper}}\n# {{title}} ({{year}})\n{{/paper}}\n\nMy heading, written once.\n\n"
        "{{#annotations}}\n- p.{{page}} {{quote}}{{^quote}}(image){{/quote}}\n{{/annotations}}\n", encoding="utf-8")
    export_markdown(library, [ids["rich"]], tmp_path)
    text = next(tmp_path.glob("*.md")).read_text(encoding="utf-8")
    assert "(2017)\n" in text and "My heading, written once." in text
    assert "- p.1 We propose a new simple network architecture" in text and "- p.2 (image)" in text
    assert "## Summary" not in text


@pytest.mark.parametrize("template,message", [
    ("{{front_matter}}\n\n{{#summary}}\n{{summry}}\n{{/summary}}\n", "line 4: there is no placeholder called {{summry}}"),
    ("{{#annotations}}\nx\n", "line 1: the section {{#annotations}} is never closed"),
    ("{{/notes}}", "line 1: {{/notes}} closes a section that is not open"),
    ("{{ os.system }}", "is not a valid placeholder name"),
])
def test_template_mistakes_are_reported_with_their_line(built, tmp_path, template, message):
    from reader.export.template import TemplateError

    library, ids = built
    path = tmp_path / "t.md"
    path.write_text(template, encoding="utf-8")
    with pytest.raises(TemplateError, match=message.replace("{", r"\{").replace("}", r"\}").replace(".", r"\.")):
        export_markdown(library, [ids["rich"]], tmp_path / "out", template_path=path)
    assert str(path) in str(pytest.raises(TemplateError, export_markdown, library, [ids["rich"]], tmp_path / "o",
                                          template_path=path).value)


def test_a_target_under_a_regular_file_fails_clearly_and_writes_nothing(built, tmp_path):
    library, ids = built
    area = tmp_path / "area"
    area.mkdir()
    blocker = area / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="cannot be created") as caught:
        export_markdown(library, list(ids.values()), blocker / "vault")
    assert "\n" not in str(caught.value)
    assert blocker.read_text() == "x" and list(area.iterdir()) == [blocker]


def test_a_read_only_file_system_leaves_no_half_files(built, tmp_path):
    """A tmpfs mounted read-only: the OS refuses the write, not a permission bit root ignores."""
    import subprocess

    library, ids = built
    mount = tmp_path / "ro"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a read-only tmpfs here")
    try:
        with pytest.raises(ExportError, match="read-only file system"):
            export_markdown(library, list(ids.values()), mount)
        assert list(mount.iterdir()) == []
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def test_a_full_disk_leaves_the_old_note_untouched(built, tmp_path):
    """A 64 KiB tmpfs: the new note does not fit, the old one must survive whole."""
    import subprocess

    library, ids = built
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        export_markdown(library, [ids["plain"]], mount)
        note = next(mount.glob("*.md"))
        before = note.read_bytes()
        library.update_paper(ids["plain"], summary="x" * 200_000)
        with pytest.raises(ExportError, match="disk is full"):
            export_markdown(library, [ids["plain"]], mount)
        assert note.read_bytes() == before
        assert [p.name for p in mount.iterdir()] == [note.name]  # no temp file left behind
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


@pytest.mark.parametrize(("label", "text", "shown"), [
    ("Figure 1", "Figure 1: Part of the literature graph.", "Part of the literature graph."),
    ("Fig. 2", "Fig. 2. Term Definitions on an example passage.", "Term Definitions on an example passage."),
    ("Table 3", "TABLE 3 | Results on the dev set.", "Results on the dev set."),
    ("Figure 1", "Figure 10: Another figure.", "Figure 10: Another figure."),
    ("Figure", "Figure 1: The architecture.", "Figure 1: The architecture."),
    ("Figure 1", "The architecture of an ODENet.", "The architecture of an ODENet."),
])
def test_caption_text_does_not_repeat_its_label(label, text, shown):
    from reader.export.markdown import caption_body

    assert caption_body(label, text) == shown


def test_exported_caption_names_its_figure_once(built, tmp_path):
    library, ids = built
    export_markdown(library, [ids["rich"]], tmp_path)
    text = next(tmp_path.glob("*.md")).read_text(encoding="utf-8")
    assert "**Table 1** (p. 3): Complexity per layer." in text
    assert "Table 1: Complexity" not in text
