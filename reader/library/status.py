"""Reading status of a paper."""

from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    TO_READ = "to_read"
    READING = "reading"
    READ = "read"

    @property
    def label(self) -> str:
        return {"to_read": "To read", "reading": "Reading", "read": "Read"}[self.value]

    @classmethod
    def parse(cls, text: str) -> Status:
        """Accept what people type: "to-read", "To read", "TO_READ"."""
        key = text.strip().lower().replace("-", "_").replace(" ", "_")
        try:
            return cls(key)
        except ValueError:
            raise ValueError(f"Unknown status {text!r}; use to-read, reading or read.") from None
