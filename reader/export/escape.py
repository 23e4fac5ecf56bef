"""Text from PDFs and BibTeX made inert before it goes into a Markdown note.

A title, an abstract or a caption is data: written as it came, an entry's
``<img src=…>`` became an image tag in the vault, ``![](https://…)`` fetched a
remote image when the note was shown, and ``[x](javascript:…)`` was a link. The
characters that start HTML or a link or image are backslash-escaped (CommonMark
shows them as themselves), and links are built only from web addresses
(``reader.links.web_link``). The user's own notes and comments are Markdown on
purpose and are not escaped.
"""

from __future__ import annotations

import re

_SIGNIFICANT = re.compile(r"([\\<>\[\]`])")


def markdown_text(text: str) -> str:
    """``text`` as Markdown that shows exactly these characters: no tag, link, image or code span."""
    return _SIGNIFICANT.sub(r"\\\1", text or "")
