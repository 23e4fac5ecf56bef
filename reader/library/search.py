"""Turning what a person types in the search box into a safe FTS5 query.

Nothing typed may reach FTS5 as syntax: ``"``, ``*``, ``(``, ``NEAR``, ``-`` and
friends are plain characters here. Every word becomes a quoted prefix term, so
results narrow as you type. ``tag:``, ``status:`` and ``year:`` narrow further;
``in:text`` looks only in the papers' own pages and ``in:notes`` only in the notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_FILTER = re.compile(r'^(tag|status|year|in):(.+)$', re.IGNORECASE)
SCOPES = {"text": "text", "body": "text", "pages": "text", "pdf": "text", "notes": "notes", "note": "notes"}
_YEAR = re.compile(r"^(>=|<=|>|<|=)?(\d{4})$")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class ParsedQuery:
    fts: str = ""  # an FTS5 MATCH expression, or "" for no text condition
    tags: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    years: tuple[tuple[str, int], ...] = field(default_factory=tuple)
    body: str = ""  # the same words as an expression for the page index (see body_expression)
    words: tuple[str, ...] = ()  # every word typed, for marking them in a snippet
    scope: str = ""  # "" everywhere, "text" the papers' pages only, "notes" the notes only


MAX_FILTERS = 50  # SQLite refuses an expression deeper than 1000; nobody needs 50 different tags at once


def parse_query(text: str) -> ParsedQuery:
    # Lone surrogates (undecodable bytes on a command line) cannot be bound as SQL text.
    text = text.encode("utf-8", "replace").decode("utf-8")
    terms: list[str] = []
    tags: list[str] = []
    statuses: list[str] = []
    years: list[tuple[str, int]] = []
    groups: list[list[str]] = []
    scope = ""
    for token in _split(text):
        match = _FILTER.match(token)
        if match:
            key, value = match.group(1).lower(), match.group(2).strip('"')
            if key == "tag" and value:
                tags.append(value)
                continue
            if key == "status":
                statuses.append(value.lower().replace("-", "_"))
                continue
            if key == "in" and value.lower() in SCOPES:
                scope = SCOPES[value.lower()]
                continue
            year = _YEAR.match(value)
            if key == "year" and year:
                years.append((year.group(1) or "=", int(year.group(2))))
                continue
        words = _WORD.findall(token)
        if words:
            terms.append('"' + " ".join(words) + '"*')
            groups.append(words)
    words = tuple(dict.fromkeys(w for group in groups for w in group))
    return ParsedQuery(" AND ".join(_unique(terms)), _unique(tags), _unique(statuses), _unique(years),
                       "" if scope == "notes" else body_expression(groups), words, scope)


def body_expression(groups: list[list[str]]) -> str:
    """The typed words as an FTS5 expression for the papers' page text.

    As for the other fields, each word is a prefix, except a last word of one
    letter, which is matched whole: every page has a word starting with "a", and
    the page index keeps no one-letter prefixes (migration 6).
    """
    terms = []
    for words in groups:
        star = "*" if len(words[-1]) > 1 else ""
        terms.append('"' + " ".join(words) + '"' + star)
    return " AND ".join(_unique(terms))


def _unique(items: list) -> tuple:
    """Repeated filters once each, and at most :data:`MAX_FILTERS` of them."""
    return tuple(dict.fromkeys(items))[:MAX_FILTERS]


def _split(text: str) -> list[str]:
    """Whitespace split that keeps ``tag:"two words"`` together."""
    tokens: list[str] = []
    for match in re.finditer(r'(\w+:"[^"]*"|\S+)', text):
        tokens.append(match.group(0))
    return tokens
