"""One reference entry's text into authors, year, title, venue, DOI and arXiv id.

Rules of thumb for the common styles, checked on the corpus: ACL and APA
("Authors. 2020. Title. Venue."), numbered CS ("A. One and B. Two. Title. In
Venue, 2008."), IEEE (quoted titles), Nature and ACS ("One, A. & Two, B. Title.
Journal 62, 171 (2009)." with "Surname, I." names). A title that cannot be told
apart is left empty rather than guessed: the popup still shows the whole entry.
"""

from __future__ import annotations

import re
import unicodedata

_SPACING_ACCENTS = {"\u00b4": "\u0301", "`": "\u0300", "\u00a8": "\u0308", "\u02c6": "\u0302", "^": "\u0302",
                    "\u02dc": "\u0303", "~": "\u0303", "\u00b8": "\u0327", "\u02c7": "\u030c", "\u02da": "\u030a"}
_ACCENT_BEFORE = re.compile("([\u00b4`\u00a8\u02c6\u02dc\u00b8\u02c7\u02da])\\s?([A-Za-z\u0131])")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)
_ARXIV = re.compile(r"(?:arxiv(?:\s+preprint)?\s*(?:arxiv)?[:\s/]*|abs/|CoRR,?\s*abs/)(\d{4}\.\d{4,5})(?:v\d+)?|"
                    r"arxiv[:\s/]*([a-z-]+(?:\.[A-Z]{2})?/\d{7})", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\d/.])((?:19|20)\d{2})([a-z])?(?![\d])")
_LABEL = re.compile(r"^\s*(?:\[\d{1,3}\]|\(\d{1,3}\)|\d{1,3}\.(?=\s)|\d{1,3}\s+(?=[A-Z]))\s*")


def clean(text: str) -> str:
    """Join lines' text: undo end-of-line hyphens, fix TeX's spacing accents ("L´eon"), squeeze spaces."""
    text = _ACCENT_BEFORE.sub(lambda m: unicodedata.normalize("NFC", m.group(2).replace("\u0131", "i")
                                                                + _SPACING_ACCENTS[m.group(1)]), text)
    text = text.replace("\u00ad", "").replace("\ufb01", "fi").replace("\ufb02", "fl").replace("\ufb00", "ff")
    text = text.replace("\ufb03", "ffi").replace("\ufb04", "ffl").replace("\u2010", "-").replace("\t", " ")
    return " ".join(text.split())


def join_lines(texts: list[str]) -> str:
    out = ""
    for text in texts:
        text = text.strip()
        if not out:
            out = text
        elif out.endswith("-") and len(out) > 1 and out[-2].isalpha() and text[:1].islower():
            out = out[:-1] + text  # "classi-" + "fication"
        else:
            out += " " + text
    return clean(out)


def fold(text: str) -> str:
    """Lower case, accents off, letters and digits only: for comparing names and titles."""
    text = unicodedata.normalize("NFKD", clean(text).casefold())
    text = re.sub(r"[-\u2010\u2011'\u2019]", "", text)  # "log-linear" and "loglinear", "O'Keefe" and "OKeefe"
    return " ".join("".join(c if c.isalnum() else " " for c in text if not unicodedata.combining(c)).split())


def parse_entry(text: str) -> dict:
    """``{"authors", "year", "title", "venue", "doi", "arxiv_id"}`` of an entry (label already dropped or not)."""
    text = _LABEL.sub("", clean(text), count=1)
    text = re.sub(r"^\[[^\]\d]*[A-Za-z][^\]]{0,80}\]\s*", "", text)  # "[Agichtein and Gravano, 2000] E. Agichtein..."
    doi = _doi(text)
    arxiv = _ARXIV.search(text)
    arxiv_id = (arxiv.group(1) or arxiv.group(2)) if arxiv else ""
    authors_text, rest, year = _split_authors(text)
    title, venue = _title_and_venue(rest)
    if not year:
        years = [m for m in _YEAR.finditer(text) if not _inside_doi(text, m.start())]
        year = (years[-1].group(1) + (years[-1].group(2) or "")) if years else ""
    return {"authors": tuple(_names(authors_text)), "year": year, "title": title, "venue": venue,
            "doi": doi, "arxiv_id": arxiv_id}


def _doi(text: str) -> str:
    match = _DOI.search(text.replace("doi: ", "doi:").replace("DOI ", "DOI:"))
    return match.group(1).rstrip(".,;)]") if match else ""


def _inside_doi(text: str, at: int) -> bool:
    return any(m.start() <= at < m.end() for m in _DOI.finditer(text))


def _split_authors(text: str) -> tuple[str, str, str]:
    """(authors, the rest after them and their year, the year when it follows the authors)."""
    # "Authors. 2020. Title" / "Authors (2020). Title" / "Authors, 2020. Title" / "Authors. 2020a. Title"
    year = re.search(r"(?:[.,]\s*|\s\(|\s)((?:19|20)\d{2}[a-z]?)\)?[.:,]\s+", text)
    if year is not None and year.start() < 0.75 * len(text) and year.start() < 600:
        head = text[: year.start()].strip()
        if _looks_like_names(head):
            return head, text[year.end():], year.group(1)
    quoted = re.search(r"[\"\u201c\u201d](.+?)[\"\u201c\u201d]", text)
    if quoted is not None and quoted.start() > 3:
        return text[: quoted.start()].rstrip(" ,:"), text[quoted.start():], ""
    tokens = text.split(" ")
    for i, token in enumerate(tokens[:-1]):
        if not token.endswith((".", ":")):
            continue
        bare = token.rstrip(".:")
        if token.endswith(":") and i >= 1 and any(t.endswith(",") for t in tokens[:i]):
            return " ".join(tokens[: i + 1]).rstrip(":"), " ".join(tokens[i + 1:]), ""  # Vancouver: "Kudsk KA, ...:"
        if bare.lower() == "al" and i >= 1 and tokens[i - 1].lower() == "et":
            return " ".join(tokens[: i + 1]), " ".join(tokens[i + 1:]), ""  # "et al." ends the names
        if _is_initials(bare) or bare.lower() in {"al", "jr", "sr", "st", "dr"}:
            # an initial ends the list only after "Surname, I." and before a word that is no name
            if _starts_title(tokens, i + 1) and (bare.lower() == "al" or any(t.endswith(",") for t in tokens[:i])):
                return " ".join(tokens[: i + 1]), " ".join(tokens[i + 1:]), ""
            continue
        if i >= 1:
            head = " ".join(tokens[: i + 1])
            if not _looks_like_names(head.rstrip(".")) and not re.search(r"[,;&]", head):
                return "", text, ""  # no authors printed: the first sentence is the title
            return head, " ".join(tokens[i + 1:]), ""
    return "", text, ""


def _is_initials(word: str) -> bool:
    """"J", "J.-P", "A.L", "AJ": a word of initials, with or without its dots."""
    bare = word.replace(".", "").replace("-", "").rstrip(",;")
    return 1 <= len(bare) <= 3 and bare.isupper() and bare.isalpha()


_PARTICLES = {"van", "von", "de", "der", "den", "di", "da", "la", "le", "du", "dos", "del", "ter", "ten"}


def _starts_title(tokens: list[str], i: int) -> bool:
    """The words from ``i`` on are a title, not another name ("Smith," "&", "and", "B.")."""
    if i >= len(tokens):
        return False
    word = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    if _is_initials(word) and "." not in word and nxt[:1].islower():
        return True  # an acronym opening the title: "AI for radiographic COVID-19 detection"
    if (word in {"&", "and", "et", ","} or _is_initials(word) or word.endswith((",", ";")) or nxt in {"and", "&"}
            or word in _PARTICLES):
        return False
    return not word.endswith(".")  # "H. Huang. Learning": a one-word sentence is the last surname


def _looks_like_names(head: str) -> bool:
    if not head or len(head) > 500 or head.count(".") > 40:
        return False
    words = head.replace(",", " ").replace("&", " ").split()
    capital = sum(1 for w in words if w[:1].isupper() or w.lower() in {"and", "et", "al.", "van", "von", "de", "der", "la", "di", "da"})
    return capital >= 0.8 * len(words) and not re.search(r"\b(?:in|of|the|for|with|on)\b", head)


def _title_and_venue(rest: str) -> tuple[str, str]:
    rest = rest.strip()
    quoted = re.match(r"^[\"\u201c\u201d](.+?)[,.]?[\"\u201c\u201d][,.]?\s*(.*)$", rest)
    if quoted is not None:
        return quoted.group(1).strip(" ,."), _venue(quoted.group(2))
    cut = _sentence_end(rest)
    if cut is None:
        title, venue = rest, ""
    else:
        title, venue = rest[:cut[0]], rest[cut[1]:]
    title = title.strip().rstrip(".")
    title = re.sub(r"\s*\([^()]*(?:19|20)\d{2}[a-z]?\)\s*$", "", title)  # "Title (Oxford Univ. Press, 1999)"
    return title.strip(" ,.;:"), _venue(venue)


_ABBREVIATIONS = {"vs", "al", "eg", "ie", "proc", "conf", "int", "st", "no", "vol", "ed", "eds", "dept", "univ", "j"}


def _sentence_end(text: str) -> tuple[int, int] | None:
    """(end of the title, start of what follows) at the first full stop that is no initial or abbreviation."""
    for match in re.finditer(r"([.?!])\s+(?=[A-Z(\[\d]|In\b|in\b)", text):
        word = re.search(r"(\S+)$", text[: match.start()])
        before = word.group(1) if word else ""
        if match.group(1) == "." and (len(before) <= 1 or before.replace(".", "").lower() in _ABBREVIATIONS
                                      or re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", before)):
            continue
        return (match.end(1) if match.group(1) in "?!" else match.start(1)), match.end()
    return None


def _venue(text: str) -> str:
    text = re.sub(r"^\s*(?:In\s*:?|in)\s+", "", text.strip())
    text = re.split(r",?\s*(?:pages?|pp\.|vol\.|volume|doi|https?:|arxiv|URL)\b|\s\d+(?=[,(:;]|\s*$)|\(\s*(?:19|20)\d{2}", text, maxsplit=1,
                    flags=re.IGNORECASE)[0]
    text = re.sub(r",?\s*(?:19|20)\d{2}[a-z]?\.?$", "", text.strip())
    return text.strip(" ,.;:")


def _names(text: str) -> list[str]:
    """"A. One, B. Two, and C. Three" / "One, A., Two, B. & Three, C." / "One A, Two B" -> names."""
    text = re.sub(r"\bet\s+al\.?", "", text).strip(" ,.;")
    if not text:
        return []
    text = re.sub(r",?\s+(?:and|&)\s+", ", ", text)
    if ";" in text:
        return [p.strip(" ,.") for p in text.split(";") if p.strip(" ,.")]
    parts = [p.strip() for p in text.split(",") if p.strip()]
    # "Surname, I." pairs: a part made only of initials belongs to the part before it
    names: list[str] = []
    for part in parts:
        if names and all(_is_initials(w) for w in part.split()) and " " not in names[-1].strip():
            names[-1] = f"{names[-1]}, {part}"
        else:
            names.append(part)
    return [n.strip(" .") if not n.endswith(".") or len(n) > 3 else n for n in names if n.strip(" .")]
