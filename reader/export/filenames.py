"""File names for exported notes: readable (author-year-title) and safe on every OS.

A vault is often synced between Linux, macOS and Windows, so a name must avoid
Windows' reserved device names and characters, trailing dots and spaces, and stay
well under every file-system limit (255 bytes, and Windows' short path budget).
Only letters, digits and ``-`` survive; case-insensitive file systems are the
reason names are lower-case and collisions are compared case-folded.
"""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG_BYTES = 80  # leaves room for "-<id>", "-a<id>.png" and a deep vault path
_RESERVED = {"con", "prn", "aux", "nul", "clock$", "conin$", "conout$",
             *(f"com{i}" for i in "0123456789¹²³"), *(f"lpt{i}" for i in "0123456789¹²³")}
_STOP_WORDS = {"a", "an", "the", "on", "of", "for", "and", "in", "to", "with", "via", "towards"}


def _words(text: str) -> list[str]:
    """Lower-case words of ``text``, accents folded to ASCII where a plain letter exists."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = unicodedata.normalize("NFC", folded).lower()
    words, current = [], []
    for ch in folded:
        if ch.isalnum() and (ch.isascii() or unicodedata.category(ch) in ("Lu", "Ll", "Lo", "Nd")):
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def _last_name(author: str) -> str:
    author = author.strip()
    if "," in author:  # "Last, First"
        return author.split(",", 1)[0]
    parts = author.split()
    return parts[-1] if parts else ""


def _truncate(words: list[str], budget: int) -> str:
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate.encode("utf-8")) > budget:
            if not out:  # one huge word: cut it on a character boundary
                cut = word.encode("utf-8")[:budget].decode("utf-8", "ignore")
                return cut
            break
        out = candidate
    return out


def paper_slug(title: str, authors: tuple[str, ...] | list[str] = (), year: int | None = None) -> str:
    """``vaswani-2017-attention-is-all-you-need``: first author's last name, year, title words."""
    head = _words(_last_name(authors[0]))[:2] if authors else []
    if year:
        head.append(str(year))
    title_words = _words(title)
    meaningful = [w for w in title_words if w not in _STOP_WORDS] or title_words
    slug = _truncate(head + meaningful[:8], MAX_SLUG_BYTES)
    return safe_stem(slug)


def safe_stem(stem: str) -> str:
    """Make any stem safe: allowed characters only, no reserved device name, never empty."""
    stem = re.sub(r"-{2,}", "-", "-".join(_words(stem))).strip("-")
    if not stem:
        return "paper"
    if stem in _RESERVED:  # "con.md" opens the console on Windows, whatever the extension
        stem = f"{stem}-paper"
    return unicodedata.normalize("NFC", stem)


def is_safe_name(name: str) -> bool:
    """The invariant the tests check with hypothesis, for any title."""
    stem = name.rsplit(".", 1)[0]
    return (
        0 < len(name.encode("utf-8")) <= 120
        and not any(ch in '<>:"/\\|?*' or ord(ch) < 32 for ch in name)
        and not name.endswith((" ", "."))
        and stem.split(".")[0].lower() not in _RESERVED
        and name == unicodedata.normalize("NFC", name)
        and name == name.lower()
    )


MAX_TITLE_NAME_BYTES = 120  # the whole name, suffix included: a deep folder path still fits everywhere


def title_file_name(title: str, suffix: str = ".pdf", fallback: str = "paper") -> str:
    """A file name that reads as the paper's title ("Construction of the Literature Graph.pdf").

    For files a person saves and finds again by eye (an annotated copy), so case,
    spaces and accents stay; only what some OS refuses goes: ``<>:"/\\|?*``, control
    characters, trailing dots and spaces, reserved device names, and length beyond
    :data:`MAX_TITLE_NAME_BYTES` with the suffix (cut at a word).
    """
    text = unicodedata.normalize("NFC", title)
    text = re.sub(r"\s*:\s*", " - ", text)
    text = "".join(" " if ch in '<>"/\\|?*' or ord(ch) < 32 or ord(ch) == 127 else ch for ch in text)
    text = " ".join(text.split())
    budget = MAX_TITLE_NAME_BYTES - len(suffix.encode("utf-8")) - len(" paper")
    if len(text.encode("utf-8")) > budget:
        cut = text.encode("utf-8")[:budget].decode("utf-8", "ignore")
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut
    text = text.strip(" .-")
    if not text:
        text = fallback
    if text.split(".")[0].lower() in _RESERVED:
        text = f"{text} paper"
    return text + suffix
