"""Fold a batch into notifications: one per (account, actor session), plus one for unparseable records.

The actor session is the access key ID, else the source IP. Duplicate event IDs count once, but every SQS
message ID stays with its notification so a failed publish returns all of them for retry.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .intake import Intake, RootEvent, Unparseable
from .severity import Severity, Verdict, classify, is_failed_sign_in, password_guessing

UNKNOWN_ACCOUNT = "unknown"
MFA_LABELS = {"Yes": "used", "No": "not used"}


def mfa_label(mfa_used: str) -> str:
    return MFA_LABELS.get(mfa_used, "not recorded")


@dataclass(frozen=True, slots=True)
class Entry:
    event: RootEvent
    verdict: Verdict


@dataclass(slots=True)
class Notification:
    account_id: str
    session: str
    entries: list[Entry] = field(default_factory=list)
    """Distinct events, in the order they arrived."""
    unparseable: list[Unparseable] = field(default_factory=list)
    message_ids: list[str] = field(default_factory=list)
    """Every SQS message folded in, duplicates included."""

    @property
    def severity(self) -> Severity:
        severities = [e.verdict.severity for e in self.entries]
        if self.unparseable:
            severities.append(Severity.HIGH)
        return max(severities, default=Severity.INFO)

    @property
    def event_count(self) -> int:
        return len(self.entries)

    def by_priority(self) -> list[Entry]:
        """Entries most severe first, then earliest first: what to keep when space runs out."""
        return sorted(self.entries, key=_priority)

    @property
    def top(self) -> Entry | None:
        """The entry that names the notification: the most severe, earliest."""
        return min(self.entries, key=_priority, default=None)


def _priority(entry: Entry) -> tuple[int, str]:
    return -entry.verdict.severity, entry.event.event_time


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


def fold(intake: Intake) -> list[Notification]:
    """One notification per (account, session) in order of first appearance; unparseable records last."""
    groups: dict[tuple[str, str], Notification] = {}
    seen_event_ids: set[str] = set()
    for event in intake.events:
        key = (event.account_id, event.session)
        notification = groups.get(key)
        if notification is None:
            notification = groups[key] = Notification(event.account_id, event.session)
        notification.message_ids.append(event.message_id)
        if event.event_id in seen_event_ids:
            continue
        seen_event_ids.add(event.event_id)
        notification.entries.append(Entry(event, classify(event)))
    notifications = list(groups.values())
    _flag_password_guessing(notifications)
    if intake.unparseable:
        notifications.append(_unparseable_notification(intake.unparseable))
    return notifications


def _flag_password_guessing(notifications: list[Notification]) -> None:
    """Raise every failed sign-in of an account to CRITICAL when that account had several in the batch."""
    failures = Counter(n.account_id for n in notifications for e in n.entries if is_failed_sign_in(e.event))
    for notification in notifications:
        verdict = password_guessing(failures[notification.account_id])
        if verdict is None:
            continue
        notification.entries = [
            Entry(e.event, verdict) if is_failed_sign_in(e.event) else e for e in notification.entries
        ]


def _unparseable_notification(records: list[Unparseable]) -> Notification:
    accounts = {r.account_hint for r in records}
    account_id = accounts.pop() if len(accounts) == 1 and "" not in accounts else UNKNOWN_ACCOUNT
    return Notification(
        account_id=account_id,
        session="",
        unparseable=list(records),
        message_ids=[r.message_id for r in records],
    )


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
            f"{e.error_code}: {e.error_message}".strip(": ")
            for e in events
            if e.error_code or e.error_message
        ),
        assumed_root=any(e.assumed_root for e in events),
    )


def _distinct(values: Iterable[str]) -> list[str]:
    """Non-empty values in first-seen order."""
    return list(dict.fromkeys(v for v in values if v))
