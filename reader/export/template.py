"""A small, safe template language for the Markdown notes (a subset of Mustache).

``{{name}}`` inserts a value, ``{{#name}}…{{/name}}`` renders its inside when the
value is present (once per item for a list), ``{{^name}}…{{/name}}`` when it is
absent, and ``{{! comment }}`` is dropped. A tag alone on its line takes the whole
line with it, so sections do not leave blank lines behind. Nothing is evaluated:
names are looked up in plain dictionaries, and an unknown name is an error that
names the template line, because a silent blank would hide a typo.

Sections at the top level of the template are *blocks*: the exporter owns them and
rewrites them on re-export (``merge.py``). A list whose items carry an ``_anchor``
becomes one block per item, so each annotation keeps its own place in the note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from reader.errors import ReaderError


class TemplateError(ReaderError):
    """The Markdown template cannot be used; the message gives the file and line."""


@dataclass(frozen=True)
class Segment:
    kind: str  # "front" (front matter), "text" (written once, then the user's), "block" (the app's)
    text: str
    key: str = ""


@dataclass
class _Node:
    kind: str  # "text" | "var" | "section" | "inverted"
    value: str
    line: int
    children: list[_Node] | None = None


_TAG = re.compile(r"\{\{\s*([#^/!]?)\s*([^}]*?)\s*\}\}")
# Rendering recurses once per open section; Python stops at about a thousand frames.
# No real note layout needs sections nested more than a few deep.
MAX_NESTING = 100


def parse(source: str, origin: str = "template") -> list[_Node]:
    """Parse ``source`` into a tree, checking that every section is closed in order."""
    root: list[_Node] = []
    stack: list[tuple[str, int, list[_Node]]] = [("", 0, root)]
    pos = 0
    for match in _TAG.finditer(source):
        start, end = match.span()
        sigil, name = match.group(1), match.group(2)
        line = source.count("\n", 0, start) + 1
        if sigil:
            line_start = source.rfind("\n", 0, start) + 1
            line_end = source.find("\n", end)
            line_end = len(source) if line_end == -1 else line_end + 1
            if (source[line_start:start].strip() == "" and source[end:line_end].strip() == ""
                    and line_start >= pos):
                start, end = line_start, line_end  # standalone tag: swallow its line
        if start > pos:
            stack[-1][2].append(_Node("text", source[pos:start], line))
        pos = end
        if sigil == "!":
            continue
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise TemplateError(f"{origin}, line {line}: {{{{{sigil}{name}}}}} is not a valid placeholder name.")
        if sigil in ("#", "^"):
            node = _Node("section" if sigil == "#" else "inverted", name, line, [])
            stack[-1][2].append(node)
            stack.append((name, line, node.children))
            if len(stack) > MAX_NESTING:
                raise TemplateError(f"{origin}, line {line}: sections are nested more than {MAX_NESTING} deep.")
        elif sigil == "/":
            if len(stack) == 1 or stack[-1][0] != name:
                raise TemplateError(f"{origin}, line {line}: {{{{/{name}}}}} closes a section that is not open.")
            stack.pop()
        else:
            stack[-1][2].append(_Node("var", name, line))
    if len(stack) > 1:
        name, line, _ = stack[-1]
        raise TemplateError(f"{origin}, line {line}: the section {{{{#{name}}}}} is never closed.")
    if pos < len(source):
        root.append(_Node("text", source[pos:], source.count("\n") + 1))
    return root


def _lookup(stack: list[dict[str, Any]], name: str, line: int, origin: str) -> Any:
    for scope in reversed(stack):
        if name in scope:
            return scope[name]
    raise TemplateError(f"{origin}, line {line}: there is no placeholder called {{{{{name}}}}}.")


def _truthy(value: Any) -> bool:
    return value not in (None, False, "", 0) and not (isinstance(value, (list, tuple)) and not value)


def _render_nodes(nodes: list[_Node], stack: list[dict[str, Any]], origin: str) -> str:
    out: list[str] = []
    for node in nodes:
        if node.kind == "text":
            out.append(node.value)
        elif node.kind == "var":
            value = _lookup(stack, node.value, node.line, origin)
            if isinstance(value, (list, tuple)):
                value = ", ".join(str(v) for v in value)
            out.append("" if value is None or value is False else str(value))
        else:
            value = _lookup(stack, node.value, node.line, origin)
            if node.kind == "inverted":
                if not _truthy(value):
                    out.append(_render_nodes(node.children, stack, origin))
                continue
            for scope in _items(value):
                out.append(_render_nodes(node.children, stack + [scope], origin))
    return "".join(out)


def _items(value: Any) -> list[dict[str, Any]]:
    if not _truthy(value):
        return []
    if isinstance(value, (list, tuple)):
        return [v if isinstance(v, dict) else {"item": v} for v in value]
    return [value if isinstance(value, dict) else {}]


def block_text(key: str, content: str) -> str:
    """An app-owned block between anchor comments: invisible in rendered Markdown."""
    content = neutralise(content).strip("\n")
    inner = f"{content}\n" if content else ""
    return f"<!-- rl:{key} -->\n{inner}<!-- /rl:{key} -->\n"


def neutralise(text: str) -> str:
    """Stop a note or quote that contains our own anchor comments from ending a block early."""
    return text.replace("<!-- rl:", "<!-- rl&#58;").replace("<!-- /rl:", "<!-- &#47;rl:")


def render(nodes: list[_Node], context: dict[str, Any], origin: str = "template") -> list[Segment]:
    """Render the top level into segments: front matter, scaffolding text and blocks."""
    segments: list[Segment] = []
    stack = [context]
    for node in nodes:
        if node.kind == "var" and node.value == "front_matter":
            segments.append(Segment("front", str(_lookup(stack, "front_matter", node.line, origin))))
        elif node.kind == "section":
            value = _lookup(stack, node.value, node.line, origin)
            items = _items(value)
            if items and all("_anchor" in item for item in items):
                for index, item in enumerate(items):
                    if index:
                        segments.append(Segment("text", "\n"))
                    body = _render_nodes(node.children, stack + [item], origin)
                    segments.append(Segment("block", block_text(item["_anchor"], body), item["_anchor"]))
            elif items:
                body = "".join(_render_nodes(node.children, stack + [item], origin) for item in items)
                segments.append(Segment("block", block_text(node.value, body), node.value))
        else:
            segments.append(Segment("text", _render_nodes([node], stack, origin)))
    return segments
