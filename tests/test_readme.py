"""The README's promises: CI runs exactly its test command, and the commands it documents exist."""

from __future__ import annotations

import re

from tests.conftest import REPO


def _code_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)\n```", text, re.S)


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = _code_blocks(readme)
    install, test = blocks[0], blocks[1]
    assert "reading-list" in install and "pip install" in install
    assert "pytest" in test
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test in ci.splitlines()


def test_every_documented_command_exists():
    from reader.cli import COMMANDS

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`reading-list ([a-z][a-z-]+)", readme))
    assert documented, "README documents no commands"
    assert documented <= set(COMMANDS) | {"install-desktop"}
