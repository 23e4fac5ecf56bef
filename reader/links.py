"""Which links the app hands to the desktop, decided in one place.

Links come from text the user did not write: PDFs (the viewer, "Quote in note"),
BibTeX entries, sidecars. The desktop opens whatever it is given (an ``smb:``
share, a ``file:`` path, a program), so only web and mail links leave the app,
and only after a click. Qt-free, so the exporter shares the web-only rule.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

SAFE_SCHEMES = ("http", "https", "mailto")
WEB_SCHEMES = ("http", "https")


def scheme_of(url: str) -> str:
    """The lower-case scheme, or "" for text that is not an absolute URL."""
    text = (url or "").strip()
    try:
        return urlsplit(text).scheme.lower()
    except ValueError:  # e.g. "http://[" : not a URL anyone can open
        return ""


def may_open(url: str) -> bool:
    """True for the links a click may hand to the desktop: http, https and mailto."""
    return scheme_of(url) in SAFE_SCHEMES and not _has_control_characters(url)


def web_link(url: str) -> str:
    """``url`` ready to stand in a Markdown link, or "" when it is not an http(s) address.

    Spaces, parentheses and angle brackets are percent-encoded, so the text of a field
    can neither end the link early nor start markup of its own.
    """
    text = (url or "").strip()
    if scheme_of(text) not in WEB_SCHEMES or _has_control_characters(text) or not urlsplit(text).netloc:
        return ""
    return quote(text, safe="/:?#[]@!$&'*+,;=%~-._")


def doi_link(doi: str) -> str:
    """``https://doi.org/<doi>`` with the DOI percent-encoded, or "" for no DOI."""
    text = (doi or "").strip()
    if not text or _has_control_characters(text):
        return ""
    return "https://doi.org/" + quote(text, safe="/:;-._~")


def _has_control_characters(text: str) -> bool:
    return any(ord(c) < 0x20 or ord(c) == 0x7F for c in text)
