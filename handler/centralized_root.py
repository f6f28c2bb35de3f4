"""Tie a member account's root actions to the sts:AssumeRoot call that opened their session.

CloudTrail records the call in the management account and the session's actions in the member account as
plain `Root`, with no marker (AWS's published sample). Within one batch, a target account's root actions
carrying the key the call issued are labelled as done through it and graded by its task; when a side has
no key, the session's time window decides. Across batches, `assume_root_sessions` ties them.
"""

from __future__ import annotations

from .assume_root_sessions import grade_calls, tied_verdict
from .root_event import AssumeRootCall, RootEvent
from .root_notification import Entry, RootNotification
from .severity import SIGNIN_SOURCE


def label_assume_root_sessions(notifications: list[RootNotification]) -> None:
    """Grade calls by task; replace their actions' entries with ones naming the call, caller and task."""
    grade_calls(notifications)
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
    if event.account_id != call.target_account:
        return False
    if call.issued_key and event.access_key_id:
        # The same key is the same session, even late: an action after expiry is graded, not dropped.
        return call.issued_key == event.access_key_id
    # Sign-in steps are a person with the root password, never an AssumeRoot session's API call.
    if event.event_source == SIGNIN_SOURCE:
        return False
    return start <= event.event_time and not (call.expires and event.event_time > call.expires)


def _through(entry: Entry, call: AssumeRootCall) -> Entry:
    return Entry(entry.event, tied_verdict(entry.event, entry.verdict, call), call)
