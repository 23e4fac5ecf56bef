"""Person and organisation names as the library stores them, split for bibliography formats.

The library keeps one display string per author: ``"Ashish Vaswani"`` from a PDF,
``"P. T. Costa, Jr."`` or ``"Ludwig van Beethoven"`` from an import. Written into
BibTeX as it stands, ``"P. T. Costa, Jr."`` reads as last name "P. T. Costa",
first name "Jr.", and ``"World Health Organization"`` as first "World Health",
last "Organization". So every exporter goes through :func:`split_name`, which
takes the suffix off first, recognises organisations, and leaves the rest to
bibtexparser 2's implementation of BibTeX's own First-von-Last rule (lower-case
particles such as "van" and "de la" are the von part).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

_SUFFIX = re.compile(r"^(?:jr|sr|jnr|snr|[IVX]{1,4}|2nd|3rd|\dth)\.?$", re.IGNORECASE)
# Words that make a name an organisation's: nobody's family name is "Organization".
_ORGANISATION = re.compile(
    r"\b(?:organi[sz]ation|association|institut(?:e|o|ion)?|consortium|collaboration|committee|council|"
    r"society|team|group|agency|foundation|university|universit[yä]t|laboratory|labs?|corporation|company|"
    r"inc|ltd|llc|gmbh|centre|center|office|department|ministry|bureau|commission|federation|alliance|"
    r"project|initiative|authority|academy|academies|secretariat|programme|industries)\b\.?",
    re.IGNORECASE)


@dataclass(frozen=True)
class Name:
    """One author: ``literal`` for an organisation, else the BibTeX parts (any may be empty)."""

    given: str = ""
    von: str = ""
    family: str = ""
    suffix: str = ""
    literal: str = ""
    comma: bool = True  # the library wrote a comma before the suffix ("Costa, Jr." but "HC Casey Jr")

    @property
    def display(self) -> str:
        """The library's own form, ``Given von Family, Suffix``, which import gives back."""
        if self.literal:
            return self.literal
        text = " ".join(p for p in (self.given, self.von, self.family) if p)
        return f"{text}{',' if self.comma else ''} {self.suffix}" if self.suffix else text


def is_organisation(text: str) -> bool:
    """True for ``World Health Organization``, ``The ATLAS Collaboration``, ``OpenAI Team``."""
    return bool(_ORGANISATION.search(text)) and len(text.split()) >= 2


def split_name(display: str) -> Name:
    """``"P. T. Costa, Jr."`` -> given "P. T.", family "Costa", suffix "Jr."; organisations whole."""
    text = " ".join((display or "").split())
    if not text:
        return Name()
    if text.startswith("{") and text.endswith("}") and text.count("{") == 1:
        return Name(literal=text[1:-1].strip())
    if is_organisation(text) and "," not in text:
        return Name(literal=text)
    pieces = [p.strip() for p in text.split(",")]
    suffix = ""
    if len(pieces) >= 2 and _SUFFIX.match(pieces[-1]):
        suffix = pieces.pop()
    if len(pieces) >= 2:  # "Family, Given" (or "von Family, Given"): the importer's other spelling
        return _parts(f"{pieces[0]}, {' '.join(pieces[1:])}", suffix)
    words = pieces[0].split()
    if len(words) >= 2 and _SUFFIX.match(words[-1]) and words[-1][0].isupper():  # "Martin Luther King Jr."
        return replace(_parts(" ".join(words[:-1]), words[-1]), comma=False)
    return _parts(" ".join(words), suffix)


def _parts(text: str, suffix: str) -> Name:
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    try:
        parts = parse_single_name_into_parts(text, strict=False)
    except Exception:  # noqa: BLE001 - an odd brace or comma: keep the whole as the family name rather than guess
        return Name(family=text, suffix=suffix)
    return Name(" ".join(parts.first), " ".join(parts.von), " ".join(parts.last),
                suffix or " ".join(parts.jr))
