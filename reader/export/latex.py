"""Plain text from the library written as LaTeX for a ``.bib`` field, maths kept as maths.

A title ``On $A_2$ spaces`` came from a ``.bib`` (the importer keeps maths as
written) or was typed so: escaping every ``$`` and ``_`` made LaTeX print
``\\$A\\_2\\$`` literally. Spans that read as inline maths by Pandoc's rule (a ``$``
followed by a non-space, a closing ``$`` after a non-space and not before a
digit, so ``$5 and $10`` is money) and ``\\(…\\)`` are copied unchanged; the rest is
escaped. Maths is braced too: BibTeX styles lower-case a title, maths
included, unless braces protect it. Non-ASCII letters go through pylatexenc's Unicode-to-LaTeX table for
classic BibTeX (8-bit: ``é`` becomes ``{\\'e}``), or stay UTF-8 for biber.
Characters with no LaTeX form (emoji) are kept rather than lost.
"""

from __future__ import annotations

import re

_MATH = re.compile(r"\$(?=\S)(?:[^$\\]|\\.)*?(?<=[^\s\\])\$(?!\d)|\\\(.*?\\\)")
_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
            "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
# A word whose case a bibliography style must not change: BERT, ImageNet, GPT-3, LaTeX.
_KEEP_CASE = re.compile(r"\b\w*[A-Z]\w*(?:-\w+)*\b")


def _escape_plain(text: str, ascii_only: bool, protect_case: bool) -> str:
    out = []
    for ch in text:
        if ch in _SPECIAL:
            out.append(_SPECIAL[ch])
        elif ascii_only and not ch.isascii():
            out.append(_unicode_to_latex(ch))
        else:
            out.append(ch)
    escaped = "".join(out)
    if not protect_case:
        return escaped
    return _protect(text, ascii_only)


def _protect(text: str, ascii_only: bool) -> str:
    """Brace words with a capital past their first letter (or the first word's), escaping each piece."""
    pieces, last = [], 0
    for match in _KEEP_CASE.finditer(text):
        word = match.group()
        if not any(c.isupper() for c in word[1:]):
            continue
        pieces.append(_escape_plain(text[last:match.start()], ascii_only, False))
        pieces.append("{" + _escape_plain(word, ascii_only, False) + "}")
        last = match.end()
    pieces.append(_escape_plain(text[last:], ascii_only, False))
    return "".join(pieces)


_ENCODER = None


def _unicode_to_latex(ch: str) -> str:
    global _ENCODER
    if _ENCODER is None:
        from pylatexenc.latexencode import UnicodeToLatexEncoder

        _ENCODER = UnicodeToLatexEncoder(non_ascii_only=True, replacement_latex_protection="braces-all",
                                         unknown_char_policy="keep", unknown_char_warning=False)
    latex = _ENCODER.unicode_to_latex(ch)
    # A ligature (ﬁ) or a letter-like symbol that pylatexenc spells as plain letters would come back
    # as other characters: such a character is kept, as biber and LaTeX with UTF-8 input read it.
    return ch if latex.strip("{}").isalnum() else latex


def balanced(raw: str) -> bool:
    """True when BibTeX reads ``raw``'s braces as pairs. BibTeX counts every brace, even
    ``\\}``: a value with ``\\}`` alone ends the field there, and the rest of the entry is junk."""
    depth = 0
    for ch in raw:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    return depth == 0


def to_latex(text: str, *, ascii_only: bool = True, protect_case: bool = False) -> str:
    """``text`` (one line: runs of white space become one space) as the inside of a braced field."""
    text = " ".join(str(text).split())
    out, last = [], 0
    for match in _MATH.finditer(text):
        out.append(_escape_plain(text[last:match.start()], ascii_only, protect_case))
        out.append("{" + match.group() + "}")  # braced, or a style's lower-casing turns $A_2$ into $a_2$
        last = match.end()
    out.append(_escape_plain(text[last:], ascii_only, protect_case))
    latex = "".join(out)
    if not balanced(latex):  # a lone { or } in the text: \{ would still count, so spell them out
        latex = latex.replace(r"\{", r"\textbraceleft{}").replace(r"\}", r"\textbraceright{}")
        if not balanced(latex):  # a formula with a lone brace: its text without the maths
            latex = _escape_plain(text, ascii_only, False).replace(r"\{", r"\textbraceleft{}").replace(
                r"\}", r"\textbraceright{}")
    return latex
