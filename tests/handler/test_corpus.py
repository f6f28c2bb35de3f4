"""Published CloudTrail records through the real pattern and notifier, graded as the table in
corpus_expectations.py says."""

from __future__ import annotations

import json
from typing import Any

import pytest
from corpus_expectations import (
    ASSUME_ROOT_SESSION,
    ASSUME_ROOT_SESSION_WORDS,
    NON_ROOT_ROWS,
    ROOT_ROWS,
    RootRow,
)
from load import EVENTS_DIR, sqs_batch
from moto.events.models import EventPattern
from root_activity_monitor.event_pattern import ROOT_ACTIVITY_EVENT_PATTERN

from handler.digest import fold
from handler.intake import read_batch
from handler.root_notification import RootNotification

PATTERN = EventPattern.load(ROOT_ACTIVITY_EVENT_PATTERN)
PUBLISHED_DIR = EVENTS_DIR / "published"


def fixture_event(stem: str) -> dict[str, Any]:
    """The fixture named `stem`, from tests/events/published/ or tests/events/."""
    path = PUBLISHED_DIR / f"{stem}.json"
    event: dict[str, Any] = json.loads((path if path.exists() else EVENTS_DIR / f"{stem}.json").read_text())
    return event


def notifications_for(event: dict[str, Any]) -> list[RootNotification]:
    """What the notifier would publish for a batch holding only this event."""
    return fold(read_batch(sqs_batch(event)))


def describe(notification: RootNotification) -> str:
    if notification.top is None:
        reasons = [u.reason for u in notification.unparseable]
        return f"unreadable records in {notification.account_id}: {reasons}"
    return f"{notification.severity.name} {notification.top.verdict.reason!r} for {notification.account_id}"


@pytest.mark.parametrize("row", ROOT_ROWS, ids=lambda row: row.fixture)
def test_published_root_record_is_matched_and_graded(row: RootRow) -> None:
    """A root record matches the rule and yields one notification: expected severity, reason, account."""
    # GIVEN a root record as EventBridge delivers it
    event = fixture_event(row.fixture)
    # WHEN the rule's pattern sees it and the notifier handles it alone
    matched = PATTERN.matches_event(event)
    notifications = notifications_for(event)
    # THEN it matches and is graded as the table says
    assert matched, "the rule's pattern does not match this root record"
    assert len(notifications) == 1, [describe(n) for n in notifications]
    [notification] = notifications
    assert notification.top is not None, describe(notification)
    reason = notification.top.verdict.reason
    got = (notification.severity.name, notification.account_id)
    assert got == (row.severity, row.account or event["account"]), describe(notification)
    missing = [w for w in row.words if w.lower() not in reason.lower()]
    unwanted = [w for w in row.absent if w.lower() in reason.lower()]
    assert not missing and not unwanted, f"reason {reason!r}: missing {missing}, should not say {unwanted}"


@pytest.mark.parametrize("stem", NON_ROOT_ROWS)
def test_published_non_root_record_is_neither_matched_nor_notified(stem: str) -> None:
    """Records of IAM users, roles, federated or Identity Center users, AWS services: not root activity."""
    # GIVEN a non-root record as EventBridge delivers it
    event = fixture_event(stem)
    # WHEN the rule's pattern sees it and, had it slipped through, the notifier handles it
    matched = PATTERN.matches_event(event)
    notifications = notifications_for(event)
    # THEN the rule ignores it and nothing would be published
    assert not matched, "the rule's pattern matches a non-root record"
    assert notifications == [], [describe(n) for n in notifications]


def test_member_action_after_assume_root_call_is_labelled_as_centralized_root_access() -> None:
    """A target account's root action after an AssumeRoot call in the same batch says it came through it."""
    # GIVEN AWS's AssumeRoot call (management account) and the session's action in the member account
    call, action = (fixture_event(stem) for stem in ASSUME_ROOT_SESSION)
    # WHEN both arrive in one batch
    notifications = fold(read_batch(sqs_batch(call, action)))
    # THEN the action's reason names centralized root access
    reasons = [
        e.verdict.reason
        for n in notifications
        for e in n.entries
        if e.event.event_name == action["detail"]["eventName"]
    ]
    assert len(reasons) == 1, [describe(n) for n in notifications]
    missing = [w for w in ASSUME_ROOT_SESSION_WORDS if w.lower() not in reasons[0].lower()]
    assert not missing, f"reason {reasons[0]!r}: missing {missing}"
