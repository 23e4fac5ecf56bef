"""Re-export without losing the user's words: replace the app's blocks, keep the rest.

An exported note is the user's file once it is in their vault. Everything between
``<!-- rl:KEY -->`` and ``<!-- /rl:KEY -->`` is the app's and is rewritten from the
library; everything else (their headings, thoughts, links, even text between two
annotations) is kept byte for byte. Blocks the library no longer has are removed;
new ones are slotted in next to their neighbours in the template's order.
"""

from __future__ import annotations

import re

from reader.export.frontmatter import split_front_matter
from reader.export.template import Segment

_START = re.compile(r"^<!-- rl:([a-z_]+(?: \d+)?) -->\n", re.MULTILINE)


def parse_blocks(body: str) -> list[Segment]:
    """Split a note body into user text and app blocks; an unclosed block stays user text."""
    segments: list[Segment] = []
    pos = 0
    while True:
        match = _START.search(body, pos)
        if match is None:
            break
        key = match.group(1)
        end_marker = f"<!-- /rl:{key} -->"
        end = body.find(end_marker, match.end())
        if end == -1 or (end > 0 and body[end - 1] != "\n"):
            break  # damaged by hand: treat the rest as the user's
        stop = end + len(end_marker)
        if body.startswith("\n", stop):
            stop += 1
        if match.start() > pos:
            segments.append(Segment("text", body[pos:match.start()]))
        segments.append(Segment("block", body[match.start():stop], key))
        pos = stop
    if pos < len(body):
        segments.append(Segment("text", body[pos:]))
    return segments


def merge_body(old_body: str, new_blocks: list[Segment]) -> str:
    """The old body with its blocks replaced by ``new_blocks`` (in their order) and new ones added."""
    fresh = {b.key: b for b in new_blocks}
    result: list[Segment] = []
    for seg in parse_blocks(old_body):
        if seg.kind == "block" and seg.key not in fresh:
            _drop_separator(result)
            continue
        result.append(fresh[seg.key] if seg.kind == "block" else seg)
    order = [b.key for b in new_blocks]
    for index, block in enumerate(new_blocks):
        present = {s.key: i for i, s in enumerate(result) if s.kind == "block"}
        if block.key in present:
            continue
        following = next((present[k] for k in order[index + 1:] if k in present), None)
        if following is not None:
            result[following:following] = [block, Segment("text", "\n")]
            continue
        preceding = next((present[k] for k in reversed(order[:index]) if k in present), None)
        if preceding is not None:
            result[preceding + 1:preceding + 1] = [Segment("text", "\n"), block]
            continue
        if result and not result[-1].text.endswith("\n"):
            result.append(Segment("text", "\n"))
        result.extend([Segment("text", "\n"), block])
    return "".join(s.text for s in result)


def _drop_separator(result: list[Segment]) -> None:
    """Removing a block should not leave a growing run of blank lines behind."""
    if result and result[-1].kind == "text" and result[-1].text.endswith("\n\n"):
        result[-1] = Segment("text", result[-1].text[:-1])


def merge_front(old_text: str, new_front: str, owned_keys: set[str],
                user_wins: set[str] = frozenset()) -> tuple[str, str]:
    """(front matter, old body): our keys from ``new_front``, then the user's own keys as they were.

    A key in ``user_wins`` (``aliases``) is ours only until the note has one: then the note's is kept.
    """
    split = split_front_matter(old_text)
    if split is None:
        return new_front, old_text
    entries, body = split
    theirs = {key: raw for key, raw in entries if key in user_wins}
    ours = split_front_matter(new_front) if theirs else None
    if ours is not None:  # the note's own value, in our key's place
        new_front = "---\n" + "\n".join(theirs.get(key, raw) for key, raw in ours[0]) + "\n---\n"
    extra = [raw for key, raw in entries if key not in owned_keys]
    if not extra:
        return new_front, body
    head, _, tail = new_front.rstrip("\n").rpartition("\n---")
    return f"{head}\n" + "\n".join(extra) + "\n---" + tail + "\n", body
