"""Text from PDFs and BibTeX made inert before it goes into a Markdown note.

A title, an abstract or a caption is data: written as it came, an entry's
``<img src=…>`` became an image tag in the vault, ``![](https://…)`` fetched a
remote image when the note was shown, and ``[x](javascript:…)`` was a link. The
characters that start HTML or a link or image are backslash-escaped (CommonMark
shows them as themselves), and links are built only from web addresses
(``reader.links.web_link``). The user's own notes and comments are Markdown on
purpose and are not escaped.

Obsidian and Logseq read more than CommonMark: a title "#1b1t" became a tag, ``*``
and ``_`` emphasis, ``==`` a highlight, ``%%`` a comment and ``$…$`` maths. So those
are escaped too, except a span that reads as inline maths (``$A_2$``, by Pandoc's
rule) and holds nothing that could start HTML or a link: it is kept, so the vault
shows the formula.
"""

from __future__ import annotations

import re

from reader.links import web_link

_SIGNIFICANT = re.compile(r"([\\<>\[\]`*_#~|$])|(==)|(%%)")
_MATH = re.compile(r"\$(?=\S)(?:[^$\\]|\\.)*?(?<=[^\s\\])\$(?!\d)")
_UNSAFE_IN_MATH = re.compile(r"[<>\[\]`]")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S")


def _escape(text: str) -> str:
    return _SIGNIFICANT.sub(lambda m: "".join("\\" + ch for ch in m.group()), text)


def markdown_text(text: str) -> str:
    """``text`` as Markdown that shows exactly these characters: no tag, link, image, code or emphasis."""
    text = text or ""
    out, last = [], 0
    for match in _MATH.finditer(text):
        if _UNSAFE_IN_MATH.search(match.group()):
            continue
        out.append(_escape(text[last:match.start()]))
        out.append(match.group())
        last = match.end()
    out.append(_escape(text[last:]))
    return "".join(out)


def web_links(field: str) -> list[str]:
    """Every http(s) address in a URL field, each ready for a Markdown link.

    The field may hold several addresses (separated by white space, ``;`` or ``,``), or
    one address with spaces in it: a piece that does not start with a scheme belongs to
    the address before it (its space is then percent-encoded by ``web_link``).
    """
    addresses: list[str] = []
    for piece in re.split(r"[;,]?\s+", (field or "").strip()):
        piece = piece.strip(" ;,")
        if not piece:
            continue
        if _SCHEME.match(piece) or not addresses:
            addresses.append(piece)
        else:
            addresses[-1] += " " + piece
    return [link for link in (web_link(a) for a in addresses) if link]
