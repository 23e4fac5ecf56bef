"""A real small disk, for tests of what happens when it fills up."""

from __future__ import annotations

import subprocess

import pytest


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                          capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {done.stderr.strip()}")
    yield mount
    if subprocess.run(["umount", str(mount)], capture_output=True, timeout=30).returncode != 0:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, timeout=30)
