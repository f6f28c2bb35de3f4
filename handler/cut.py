"""How much of a notification to show, and a clipper that remembers whether it cut anything.

The SNS message must fit 256 KB; root_message tries successively smaller cuts until it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from .root_notification import Entry, RootNotification
from .textsafe import shorten

CLIP_MARKER = "...[truncated]"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Cut:
    field_chars: int | None = None
    """Longest text field shown, in characters; None: no limit."""
    raw_chars: int | None = None
    """Longest raw body of an unparseable record shown; None: no limit."""
    max_items: int | None = None
    """Most events (and, separately, unparseable records and summary values) listed; None: all."""


FULL = Cut()


class Clipper:
    """Applies a cut to text and records whether anything was lost and how long the longest input was."""

    def __init__(self, cut: Cut) -> None:
        self.cut = cut
        self.clipped = False
        self.longest = 0

    def field(self, text: str) -> str:
        return self._clip(text, self.cut.field_chars)

    def raw(self, text: str) -> str:
        return self._clip(text, self.cut.raw_chars)

    def items(self, values: list[T]) -> list[T]:
        limit = self.cut.max_items
        if limit is None or len(values) <= limit:
            return values
        self.clipped = True
        return values[:limit]

    def _clip(self, text: str, limit: int | None) -> str:
        length = len(text)
        if length > self.longest:  # noqa: PLR1730 (calling max() was most of the cost of a clip)
            self.longest = length
        if limit is None or length <= limit:
            return text
        self.clipped = True
        return shorten(text, limit, CLIP_MARKER)


def listed_entries(notification: RootNotification, clipper: Clipper) -> list[Entry]:
    """The entries to list, oldest first: all of them, or the most severe ones when the cut limits them."""
    kept = notification.entries
    if clipper.cut.max_items is not None and len(kept) > clipper.cut.max_items:
        kept = clipper.items(notification.by_priority())
    return sorted(kept, key=lambda e: e.event.event_time)
