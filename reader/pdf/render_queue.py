"""Which page to render next: newest wishes first, duplicates merged, stale wishes dropped.

Each owner (a view, a thumbnail strip) states the complete list of pages it wants,
most urgent first; a new list replaces the old one, which is how pages that
scrolled out of view are cancelled before they cost anything. Lower ``priority``
numbers win; among equals the owner that asked last wins (sioyek serves the
newest request first). Qt-free so the policy can be tested alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable

from reader.pdf.geometry import RenderKey

MAX_PENDING = 64


class RenderQueue:
    def __init__(self) -> None:
        self._wishes: dict[Hashable, tuple[int, int, list[RenderKey]]] = {}
        self._seq = itertools.count()

    def replace(self, owner: Hashable, keys: Iterable[RenderKey], priority: int = 0) -> None:
        unique = list(dict.fromkeys(keys))[:MAX_PENDING]
        if unique:
            self._wishes[owner] = (priority, next(self._seq), unique)
        else:
            self._wishes.pop(owner, None)

    def forget(self, owner: Hashable) -> None:
        self._wishes.pop(owner, None)

    def discard_document(self, doc_id: int) -> None:
        for owner, (priority, seq, keys) in list(self._wishes.items()):
            kept = [k for k in keys if k.doc_id != doc_id]
            if kept:
                self._wishes[owner] = (priority, seq, kept)
            else:
                del self._wishes[owner]

    def pop(self, busy: set[RenderKey] | frozenset[RenderKey] = frozenset()) -> RenderKey | None:
        """The most urgent key not already being rendered; it leaves every owner's list."""
        for owner in sorted(self._wishes, key=lambda o: (self._wishes[o][0], -self._wishes[o][1])):
            for key in self._wishes[owner][2]:
                if key not in busy:
                    self._remove(key)
                    return key
        return None

    def _remove(self, key: RenderKey) -> None:
        for owner, (priority, seq, keys) in list(self._wishes.items()):
            if key in keys:
                keys.remove(key)
                if not keys:
                    del self._wishes[owner]

    def __len__(self) -> int:
        return len({k for _, _, keys in self._wishes.values() for k in keys})
