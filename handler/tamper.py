"""Tamper alerts: changes by anyone but root that would blind or bypass the monitor, graded and folded.

Which records are tamper records is ``tamper_intake``'s business; here each is graded (CRITICAL for a
switch-off, HIGH for another change, MEDIUM for a refused attempt) and one actor's changes in one account are
folded into one notification. A change by a principal configured as the deployer
(``DEPLOYER_PRINCIPAL_ARNS``) is still reported, at LOW.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from .severity import Severity

CATEGORY = "tamper"
# Calls that switch part of the monitor off outright; other changes (PutRule, SetQueueAttributes, ...) may
# be a redeploy, or may quietly bend it.
SWITCH_OFF_PREFIXES = (
    "Delete", "Disable", "Remove", "Detach", "StopLogging", "PurgeQueue", "Unsubscribe",
    "ScheduleKeyDeletion", "LeaveOrganization",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class TamperEvent:
    """Who did what to which part of the monitor, from one CloudTrail record."""

    message_id: str
    event_id: str
    event_name: str
    event_source: str
    event_time: str
    aws_region: str
    account_id: str
    actor: str
    """The caller's ARN (for a role session, ``assumed-role/<role>/<session>``)."""
    issuer: str
    """For a role session, the role's ARN; empty otherwise."""
    source_ip: str
    user_agent: str
    resource: str
    error_code: str
    error_message: str


@dataclass(frozen=True, slots=True)
class TamperEntry:
    event: TamperEvent
    severity: Severity
    reason: str
    by_deployer: bool


@dataclass(slots=True)
class TamperNotification:
    """One actor's changes to the monitor in one account, within one batch."""

    account_id: str
    actor: str
    entries: list[TamperEntry] = field(default_factory=list)
    message_ids: list[str] = field(default_factory=list)

    @property
    def severity(self) -> Severity:
        return max((e.severity for e in self.entries), default=Severity.INFO)

    def by_priority(self) -> list[TamperEntry]:
        """Most severe first, then earliest."""
        return sorted(self.entries, key=lambda e: (-e.severity, e.event.event_time))

    @property
    def top(self) -> TamperEntry:
        return self.by_priority()[0]


def parse_deployers(raw: str | None) -> frozenset[str]:
    """``DEPLOYER_PRINCIPAL_ARNS``: a JSON list of ARNs; unreadable means no deployer (all reported high)."""
    try:
        values = json.loads(raw or "[]")
    except ValueError:
        return frozenset()
    return frozenset(v for v in values if isinstance(v, str)) if isinstance(values, list) else frozenset()


def grade(event: TamperEvent, deployers: frozenset[str]) -> TamperEntry:
    """LOW for the deployer, MEDIUM for a refused attempt, CRITICAL for a switch-off, else HIGH."""
    what = f"{event.event_name} on {event.resource}"
    by_deployer = bool({event.actor, event.issuer} & deployers)
    if by_deployer:
        return TamperEntry(event, Severity.LOW, f"Monitor changed by its deployer: {what}", True)
    if event.error_code:
        return TamperEntry(
            event, Severity.MEDIUM, f"Attempt to change the monitor: {what} ({event.error_code})", False
        )
    if event.event_name.startswith(SWITCH_OFF_PREFIXES):
        return TamperEntry(event, Severity.CRITICAL, f"Monitor switched off: {what}", False)
    return TamperEntry(event, Severity.HIGH, f"Monitor changed: {what}", False)


def fold_tamper(events: Iterable[TamperEvent], deployers: frozenset[str]) -> list[TamperNotification]:
    """One notification per (account, actor); a record seen twice (same event ID) is listed once."""
    notifications: dict[tuple[str, str], TamperNotification] = {}
    seen: set[str] = set()
    for event in events:
        key = (event.account_id, event.issuer or event.actor)
        notification = notifications.setdefault(key, TamperNotification(event.account_id, event.actor))
        notification.message_ids.append(event.message_id)
        if event.event_id and event.event_id in seen:
            continue
        seen.add(event.event_id)
        notification.entries.append(grade(event, deployers))
    return list(notifications.values())
