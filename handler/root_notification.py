"""A root-activity notification as folded: its entries (event + verdict), unparseable records and message IDs.

The summary is computed once and shared by the email, the chat message and the JSON document.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .intake import Unparseable
from .root_event import AssumeRootCall, RootEvent
from .severity import Severity, Verdict

MFA_LABELS = {"Yes": "used", "No": "not used"}


def mfa_label(mfa_used: str) -> str:
    return MFA_LABELS.get(mfa_used, "not recorded")


@dataclass(frozen=True, slots=True)
class Entry:
    event: RootEvent
    verdict: Verdict
    through: AssumeRootCall | None = None
    """The sts:AssumeRoot call whose session this root action most likely belongs to."""


@dataclass(frozen=True, slots=True)
class Summary:
    """What a person needs at a glance about a notification's events."""

    event_names: list[tuple[str, int]]
    """Names with counts, most frequent first."""
    first_time: str
    last_time: str
    regions: list[str]
    source_ips: list[str]
    user_agents: list[str]
    mfa: list[str]
    errors: list[str]
    assumed_root: bool


@dataclass(slots=True)
class RootNotification:
    account_id: str
    session: str
    entries: list[Entry] = field(default_factory=list)
    """Distinct events, in the order they arrived."""
    unparseable: list[Unparseable] = field(default_factory=list)
    message_ids: list[str] = field(default_factory=list)
    """Every SQS message folded in, duplicates included."""
    _summary: Summary | None = None

    @property
    def severity(self) -> Severity:
        return self.severity_given(self.top)

    def severity_given(self, top: Entry | None) -> Severity:
        """The severity, given the top entry already found: records nobody could read may hide anything, so
        they make it at least HIGH."""
        severity = top.verdict.severity if top is not None else Severity.INFO
        return max(severity, Severity.HIGH) if self.unparseable else severity

    @property
    def event_count(self) -> int:
        return len(self.entries)

    def by_priority(self) -> list[Entry]:
        """Entries most severe first, then earliest first: what to keep when space runs out."""
        return sorted(self.entries, key=priority)

    @property
    def top(self) -> Entry | None:
        """The entry that names the notification: the most severe, earliest."""
        return min(self.entries, key=priority, default=None)

    @property
    def summary(self) -> Summary:
        """Computed once: the email, the chat message and the document all show it."""
        if self._summary is None:
            self._summary = summarize(self.entries)
        return self._summary


def priority(entry: Entry) -> tuple[int, str]:
    """Most severe first, then earliest: the order in which events are kept when space runs out."""
    return -entry.verdict.severity, entry.event.event_time


def summarize(entries: list[Entry]) -> Summary:
    events = [e.event for e in entries]
    times = sorted(e.event_time for e in events if e.event_time)
    return Summary(
        event_names=Counter(e.event_name for e in events).most_common(),
        first_time=times[0] if times else "",
        last_time=times[-1] if times else "",
        regions=_distinct(e.aws_region for e in events),
        source_ips=_distinct(e.source_ip for e in events),
        user_agents=_distinct(e.user_agent for e in events),
        mfa=_distinct(mfa_label(e.mfa_used) for e in events if e.event_name == "ConsoleLogin"),
        errors=_distinct(
            f"{e.error_code}: {e.error_message}".strip(": ") or e.result for e in events if e.failed
        ),
        assumed_root=any(e.event.assumed_root or e.through is not None for e in entries),
    )


def _distinct(values: Iterable[str]) -> list[str]:
    """Non-empty values in first-seen order."""
    return list(dict.fromkeys(v for v in values if v))
