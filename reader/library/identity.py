"""Content identity of PDFs: the same bytes are the same paper, wherever the file lives."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from reader.atomic import replacing

_CHUNK = 1 << 20


def sha256_file(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_atomically(source: Path, target: Path) -> None:
    """Copy beside the target, then rename over it: a crash leaves no half file."""
    with replacing(Path(target)) as tmp:
        shutil.copyfile(source, tmp)
