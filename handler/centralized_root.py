"""Tie a member account's root actions to the sts:AssumeRoot call that opened their session.

CloudTrail records the call in the management account and the session's actions in the member account as
plain `Root`, with no marker (AWS's published sample). Within one batch, a target account's root actions
that start after the call and before its credentials expire are labelled as done through it; when both
sides name an access key, the keys must agree.
"""

from __future__ import annotations

from .notification import Entry, Notification
from .root_event import AssumeRootCall, RootEvent
from .severity import Verdict


def label_assume_root_sessions(notifications: list[Notification]) -> None:
    """Replace the entries of such actions with ones that name the call, its caller and its task."""
    calls = [
        (call, entry.event.event_time)
        for notification in notifications
        for entry in notification.entries
        if (call := entry.event.assume_root_call) is not None and not entry.event.failed
    ]
    if not calls:
        return
    for notification in notifications:
        for index, entry in enumerate(notification.entries):
            event = entry.event
            if event.assume_root_call is not None or event.claimed_account:
                continue
            call = next((call for call, start in calls if _within(event, call, start)), None)
            if call is not None:
                notification.entries[index] = _through(entry, call)


def _within(event: RootEvent, call: AssumeRootCall, start: str) -> bool:
    if event.account_id != call.target_account or event.event_time < start:
        return False
    if call.expires and event.event_time > call.expires:
        return False
    return not (call.issued_key and event.access_key_id and call.issued_key != event.access_key_id)


def _through(entry: Entry, call: AssumeRootCall) -> Entry:
    reason = f"{entry.verdict.reason} through centralized root access by {call.caller} for {call.task}"
    return Entry(entry.event, Verdict(entry.verdict.severity, reason, entry.verdict.kind), call)
