"""Fold a batch into notifications: one per incident, plus one per account for unparseable records.

An incident is an (account, actor session): the access key ID, else the source IP. Failed root sign-ins are
the exception: when an account has several, they are one incident (a password spray from many addresses is
one attack, one notification). Duplicate deliveries (same account and eventID, as EventBridge's
at-least-once delivery makes) count once, but every SQS message ID stays with the notification that holds
the event, so a failed publish returns all of them for retry.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .centralized_root import label_assume_root_sessions
from .intake import Intake, Unparseable
from .root_event import RootEvent
from .root_notification import Entry, RootNotification, summarize
from .severity import classify, is_failed_sign_in, password_guessing

UNKNOWN_ACCOUNT = "unknown"
FAILED_SIGN_INS_SESSION = "failed root sign-ins"

__all__ = ["FAILED_SIGN_INS_SESSION", "UNKNOWN_ACCOUNT", "fold", "summarize"]


def fold(intake: Intake) -> list[RootNotification]:
    """Notifications in order of first appearance, unparseable records last; none is ever empty."""
    events = _distinct_events(intake.events)
    spraying = _spraying_accounts(event for event, _ in events)
    groups: dict[tuple[str, str], RootNotification] = {}
    for event, deliveries in events:
        spray = event.account_id in spraying and _counts_as_guess(event)
        key = (event.account_id, FAILED_SIGN_INS_SESSION if spray else event.session)
        notification = groups.get(key)
        if notification is None:
            notification = groups[key] = RootNotification(*key)
        notification.entries.append(Entry(event, classify(event)))
        notification.message_ids.extend(deliveries)
    notifications = list(groups.values())
    for notification in notifications:
        if notification.session == FAILED_SIGN_INS_SESSION:
            _flag_password_guessing(notification)
    label_assume_root_sessions(notifications)
    notifications += _unparseable_notifications(intake.unparseable)
    return [n for n in notifications if n.entries or n.unparseable]


def _distinct_events(events: list[RootEvent]) -> list[tuple[RootEvent, list[str]]]:
    """First delivery of each (account, eventID), with the SQS message IDs of all its deliveries."""
    first: dict[tuple[str, str], tuple[RootEvent, list[str]]] = {}
    for event in events:
        key = (event.account_id, event.dedupe_id)
        found = first.get(key)
        if found is None:
            first[key] = (event, [event.message_id])
        else:
            found[1].append(event.message_id)
    return list(first.values())


def _spraying_accounts(events: Iterable[RootEvent]) -> set[str]:
    failures = Counter(e.account_id for e in events if _counts_as_guess(e))
    return {account for account, count in failures.items() if password_guessing(count, 1) is not None}


def _counts_as_guess(event: RootEvent) -> bool:
    # A suspicious (possibly forged) sign-in keeps its own notification and grade.
    return is_failed_sign_in(event) and not event.claimed_account


def _flag_password_guessing(notification: RootNotification) -> None:
    addresses = len({e.event.source_ip for e in notification.entries})
    verdict = password_guessing(notification.event_count, addresses)
    if verdict is not None:
        notification.entries = [Entry(e.event, verdict) for e in notification.entries]


def _unparseable_notifications(records: list[Unparseable]) -> list[RootNotification]:
    """One per account the envelopes name; records with no readable account share an "unknown" one."""
    by_account: dict[str, RootNotification] = {}
    for record in records:
        account = record.account_hint or UNKNOWN_ACCOUNT
        notification = by_account.setdefault(account, RootNotification(account, ""))
        notification.unparseable.append(record)
        notification.message_ids.append(record.message_id)
    return list(by_account.values())
