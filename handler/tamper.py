"""Tamper alerts: changes by anyone but root that would blind or bypass the monitor, graded and folded.

Which records are tamper records is ``tamper_intake``'s business; here each is graded (CRITICAL for a
switch-off or a record claiming another account, HIGH for another change, MEDIUM for a refused attempt) and
one account's changes in one batch are folded into one notification, whoever made them: a thousand actors
are one incident to look at, not a thousand mails. A change by a principal configured as the deployer
(``DEPLOYER_PRINCIPAL_ARNS``) is still reported, at LOW.
"""

from __future__ import annotations

import json
from collections import Counter
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
    """The EventBridge envelope's account, which EventBridge sets; never the record's own claim."""
    actor: str
    """The caller's ARN (for a role session, ``assumed-role/<role>/<session>``)."""
    issuer: str
    """For a role session, the role's ARN; empty otherwise."""
    source_ip: str
    user_agent: str
    resource: str
    error_code: str
    error_message: str
    dedupe_id: str = ""
    """What tells two deliveries of this event apart: eventID, else the envelope id, else the messageId."""
    claimed_account: str = ""
    """``recipientAccountId`` when it disagrees with the envelope's account: a sign of forgery."""


@dataclass(frozen=True, slots=True)
class TamperEntry:
    event: TamperEvent
    severity: Severity
    reason: str
    by_deployer: bool


@dataclass(slots=True)
class TamperNotification:
    """One account's changes to the monitor within one batch, by whoever made them."""

    account_id: str
    entries: list[TamperEntry] = field(default_factory=list)
    """Distinct events, in the order they arrived."""
    message_ids: list[str] = field(default_factory=list)
    """Every SQS message folded in, duplicates included."""

    @property
    def severity(self) -> Severity:
        return max((e.severity for e in self.entries), default=Severity.INFO)

    def by_priority(self) -> list[TamperEntry]:
        """Most severe first, then earliest."""
        return sorted(self.entries, key=lambda e: (-e.severity, e.event.event_time))

    @property
    def top(self) -> TamperEntry:
        return min(self.entries, key=lambda e: (-e.severity, e.event.event_time))

    @property
    def actors(self) -> list[tuple[str, int]]:
        """Who made the changes, with how many each, most changes first."""
        return Counter(e.event.actor for e in self.entries).most_common()

    @property
    def actor(self) -> str:
        """The one actor, or how many there were."""
        actors = self.actors
        return actors[0][0] if len(actors) == 1 else f"{len(actors):,} principals"


def parse_deployers(raw: str | None) -> frozenset[str]:
    """``DEPLOYER_PRINCIPAL_ARNS``: a JSON list of ARNs; unreadable means no deployer (all reported high)."""
    try:
        values = json.loads(raw or "[]")
    except ValueError:
        return frozenset()
    return frozenset(v for v in values if isinstance(v, str)) if isinstance(values, list) else frozenset()


def grade(event: TamperEvent, deployers: frozenset[str]) -> TamperEntry:
    """CRITICAL for a forged account or a switch-off, LOW for the deployer, MEDIUM for a refused attempt,
    else HIGH."""
    what = f"{event.event_name} on {event.resource}"
    if event.claimed_account:
        # Short enough for the SNS subject, which names the sender; the deployer cannot vouch for a forgery.
        reason = f"Possible forgery: a tamper event claiming {event.claimed_account}"
        return TamperEntry(event, Severity.CRITICAL, reason, False)
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
    """One notification per account; a record delivered twice (same account and event ID) is listed once,
    and every delivery's message ID stays with the notification that holds it."""
    notifications: dict[str, TamperNotification] = {}
    seen: set[tuple[str, str]] = set()
    for event in events:
        notification = notifications.get(event.account_id)
        if notification is None:
            notification = notifications[event.account_id] = TamperNotification(event.account_id)
        notification.message_ids.append(event.message_id)
        key = (event.account_id, event.dedupe_id)
        if event.dedupe_id and key in seen:
            continue
        seen.add(key)
        notification.entries.append(grade(event, deployers))
    return list(notifications.values())
