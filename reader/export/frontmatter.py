"""A tiny YAML emitter for note front matter, and the little reading back re-export needs.

Titles come from PDFs and BibTeX and can hold anything: quotes, colons, ``#``,
newlines, tabs, emoji, control characters. Rather than decide when quoting is
needed, every string is double-quoted and every character YAML 1.1 or 1.2 could
read differently is escaped, so the result is valid YAML whatever the input.
Numbers are plain integers, lists are block sequences, and dates are plain
``2024-03-01`` (unquoted, so Obsidian and Logseq type them as dates, not text);
nothing else is emitted.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence

Value = str | int | None | datetime.date | Sequence[str]

_NAMED = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0",
          "\x07": "\\a", "\x08": "\\b", "\x0b": "\\v", "\x0c": "\\f", "\x1b": "\\e",
          "\x85": "\\N", "\xa0": "\\_", "\u2028": "\\L", "\u2029": "\\P"}
_UNNAMED = {v: k for k, v in _NAMED.items()}


def _printable(ch: str) -> bool:
    """YAML 1.1's printable set (the stricter of 1.1 and 1.2), minus line breaks."""
    o = ord(ch)
    return (0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD
            or 0x10000 <= o <= 0x10FFFF) and ch not in _NAMED


def quote(text: str) -> str:
    """``text`` as a YAML double-quoted scalar that any YAML parser reads back unchanged."""
    out = ['"']
    for ch in str(text):
        if ch in _NAMED:
            out.append(_NAMED[ch])
        elif _printable(ch):
            out.append(ch)
        elif 0xD800 <= ord(ch) <= 0xDFFF:
            out.append("\\uFFFD")  # a lone surrogate cannot be written as UTF-8 at all
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02X}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(f"\\U{ord(ch):08X}")
    out.append('"')
    return "".join(out)


def unquote(scalar: str) -> str:
    """Read back a scalar written by :func:`quote` (the strict round trip the tests check)."""
    if len(scalar) < 2 or scalar[0] != '"' or scalar[-1] != '"':
        raise ValueError(f"not a double-quoted scalar: {scalar!r}")
    body, out, i = scalar[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch == '"':
            raise ValueError("unescaped quote")
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        code = body[i + 1]
        width = {"x": 2, "u": 4, "U": 8}.get(code)
        if width:
            out.append(chr(int(body[i + 2:i + 2 + width], 16)))
            i += 2 + width
        else:
            out.append(_UNNAMED["\\" + code])
            i += 2
    return "".join(out)


def emit(fields: Iterable[tuple[str, Value]]) -> str:
    """``key: value`` lines (keys are ours: plain ASCII words) for the block between ``---`` fences."""
    lines = []
    for key, value in fields:
        if value is None:
            lines.append(f"{key}: null")
        elif isinstance(value, bool):
            lines.append(f"{key}: {'true' if value else 'false'}")
        elif isinstance(value, int):
            lines.append(f"{key}: {value}")
        elif isinstance(value, datetime.date):
            lines.append(f"{key}: {value.isoformat()}")
        elif isinstance(value, str):
            lines.append(f"{key}: {quote(value)}")
        else:
            items = list(value)
            lines.append(f"{key}: []" if not items else f"{key}:")
            lines.extend(f"  - {quote(item)}" for item in items)
    return "\n".join(lines)


_KEY = re.compile(r"^([A-Za-z_][\w.-]*)\s*:")


def split_front_matter(text: str) -> tuple[list[tuple[str, str]], str] | None:
    """Split a note into its front-matter entries (key, raw lines) and the body after it.

    Only top-level keys are told apart; a key's continuation lines (indented items,
    folded text) stay with it verbatim, so a user's own keys survive re-export as
    they wrote them. ``None`` when the note has no front matter.
    """
    if not text.startswith("---\n"):
        return None
    end = re.search(r"^(?:---|\.\.\.)[ \t]*(?:\n|\Z)", text[4:], re.MULTILINE)
    if end is None:
        return None
    block, body = text[4:4 + end.start()], text[4 + end.end():]
    entries: list[tuple[str, str]] = []
    for line in block.splitlines():
        match = _KEY.match(line)
        if match or not entries:
            entries.append((match.group(1) if match else "", line))
        else:
            key, raw = entries[-1]
            entries[-1] = (key, raw + "\n" + line)
    return entries, body


def read_int(entries: list[tuple[str, str]], key: str) -> int | None:
    for name, raw in entries:
        if name == key:
            value = raw.split(":", 1)[1].strip()
            return int(value) if value.isdigit() else None
    return None
