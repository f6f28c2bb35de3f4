"""AssumeRoot sessions across batches: the call and its session's actions meet in the hub's table.

The call is recorded in the management account and its session's actions in the member account, so they
travel different paths and often land in different batches. Each side writes one item per session, keyed by
the issued access key and the target account, and reads back the other side's half in the same atomic
`UpdateItem`: whichever side comes second sees the first. Nothing waits for the other side: an action
whose call has not been seen is notified as plain root activity, and the call's notification then names
the actions already seen. The table only adds context: when it is slow, throttled or failing, notifications
go out without it (bounded client timeouts, and after one failure the batch stops asking).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from . import jsonlog
from .root_event import AssumeRootCall, RootEvent
from .root_notification import Entry, RootNotification
from .root_tasks import allows, task_severity
from .severity import SIGNIN_SOURCE, Severity, Verdict

# Items live in the heartbeat table, apart from the (account, region) pairs by this hash-key prefix.
SESSION_KEY_PREFIX = "assume-root#"
# A session lasts at most 900 s; EventBridge retries a delivery for up to 4 h and SQS retries the batch
# after that: a day covers the slowest side with room to spare, and costs nothing (TTL deletes are free).
SESSION_RETENTION_SECONDS = 900 + 24 * 60 * 60
# Temporary credentials: AssumeRoot issues them; a root user's own long-term keys (AKIA) never are.
TEMPORARY_KEY_PREFIX = "ASIA"
# Names kept per session item: enough to say what a session did, bounded so an item stays small.
MAX_NAMES_PER_WRITE = 50
# A failed or slow table costs a batch's notifications at most this much: one try per call, short timeouts
# (DynamoDB answers in milliseconds), and a batch stops asking after MAX_CALLS_PER_BATCH calls or once
# MAX_SECONDS_PER_BATCH have gone by (the calls come first, then actions): at worst about 2.5 s of delay.
CONNECT_TIMEOUT_SECONDS = 0.5
READ_TIMEOUT_SECONDS = 1
MAX_CALLS_PER_BATCH = 25
MAX_SECONDS_PER_BATCH = 1.0
_NAME_SEPARATOR = " "
# The hash key (after the prefix) of each target account's latest call; access keys are never this word.
LATEST_CALL_KEY = "latest-call"

Update = Callable[..., dict[str, Any]]


@dataclass(frozen=True, slots=True)
class SeenActions:
    """The session's actions the table already holds, from earlier batches."""

    calls: tuple[tuple[str, str], ...]
    """(eventSource, eventName), sorted."""
    latest: str
    """The latest eventTime among them."""


def session_task(entry: Entry) -> str | None:
    """The task of the AssumeRoot session this entry is part of (the call or one of its actions), or None."""
    call = entry.event.assume_root_call or entry.through
    return call.task if call is not None else None


def session_verdict(event: RootEvent, verdict: Verdict, call: AssumeRootCall) -> Verdict:
    """An action of `call`'s session graded by its task: the task's grade, CRITICAL outside it or late."""
    through = f"{verdict.reason} through centralized root access by {call.caller} for {call.task}"
    if call.expires and event.event_time > call.expires:
        return Verdict(
            Severity.CRITICAL, f"After its session expired ({call.expires}): {through}", "assume-root-expired"
        )
    if not allows(call.task, event.event_source, event.event_name):
        return Verdict(Severity.CRITICAL, f"Outside its task: {through}", "assume-root-outside-task")
    return Verdict(task_severity(call.task), through, "assume-root-action")


def tied_verdict(event: RootEvent, verdict: Verdict, call: AssumeRootCall) -> Verdict:
    """`session_verdict`, except that an action tied to the call by time alone (a side has no key) may not be
    the session's: then the task never lowers the action's own grade."""
    tied = session_verdict(event, verdict, call)
    if not (call.issued_key and event.access_key_id) and tied.severity < verdict.severity:
        return Verdict(verdict.severity, tied.reason, tied.kind)
    return tied


def call_verdict(call: AssumeRootCall, verdict: Verdict, seen: SeenActions | None = None) -> Verdict:
    """The call graded by its task; with actions already seen, naming them, CRITICAL if any broke the task."""
    severity = task_severity(call.task)
    reason = verdict.reason
    if seen is None or not seen.calls:
        return Verdict(severity, reason, verdict.kind)
    names = ", ".join(name for _, name in seen.calls)
    reason += f"; actions already seen in the session: {names}"
    outside = [name for source, name in seen.calls if not allows(call.task, source, name)]
    if outside:
        return Verdict(
            Severity.CRITICAL,
            f"{reason} (outside its task: {', '.join(outside)})",
            "assume-root-outside-task",
        )
    if call.expires and seen.latest > call.expires:
        return Verdict(Severity.CRITICAL, f"{reason} (after the session expired)", "assume-root-expired")
    return Verdict(severity, reason, verdict.kind)


@cache
def session_client() -> Any:
    """A DynamoDB client that gives up fast: the table must never hold a notification back."""
    return boto3.client(
        "dynamodb",
        config=Config(
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            read_timeout=READ_TIMEOUT_SECONDS,
            retries={"max_attempts": 1, "mode": "standard"},
        ),
    )


class SessionTable:
    """The session items of one batch's writes; after the first failure, `MAX_CALLS_PER_BATCH` calls or
    `MAX_SECONDS_PER_BATCH` seconds it stops asking for the batch."""

    def __init__(
        self,
        table: str,
        update: Update,
        now: Callable[[], float] = time.time,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._table = table
        self._update = update
        self._now = now
        self._clock = clock
        self._started = clock()
        self.failures = 0
        self.calls = 0

    def record_call(self, call: AssumeRootCall, issued_at: str) -> SeenActions | None:
        """Store the call; returns the session's actions already recorded (None when the table failed)."""
        item = self._write(
            call,
            "SET caller = :caller, task = :task, issuedAt = :issued, sessionEnd = :end, expiresAt = :expires",
            {
                ":caller": {"S": call.caller},
                ":task": {"S": call.task},
                ":issued": {"S": issued_at},
                ":end": {"S": call.expires},
            },
            key=call.issued_key,
            account=call.target_account,
        )
        # The target's latest call, for its actions that carry no key (tied by the session's time instead).
        self._write(
            call,
            "SET caller = :caller, task = :task, issuedAt = :issued, sessionEnd = :end, issuedKey = :key, "
            "expiresAt = :expires",
            {
                ":caller": {"S": call.caller},
                ":task": {"S": call.task},
                ":issued": {"S": issued_at},
                ":end": {"S": call.expires},
                ":key": {"S": call.issued_key},
            },
            key=LATEST_CALL_KEY,
            account=call.target_account,
        )
        if item is None:
            return None
        names = item.get("actionNames", {}).get("SS", [])
        times = item.get("actionTimes", {}).get("SS", [])
        calls = sorted(tuple(n.split(_NAME_SEPARATOR, 1)) for n in names if _NAME_SEPARATOR in n)
        return SeenActions(tuple((s, n) for s, n in calls), max(times, default=""))

    def record_actions(self, key: str, account: str, events: list[RootEvent]) -> AssumeRootCall | None:
        """Store a session's actions; returns its call when the table already holds it."""
        names = sorted({f"{e.event_source}{_NAME_SEPARATOR}{e.event_name}" for e in events})[
            :MAX_NAMES_PER_WRITE
        ]
        times = sorted({e.event_time for e in events if e.event_time})
        values: dict[str, Any] = {":names": {"SS": names}}
        expression = "ADD actionNames :names"
        if times:
            values[":times"] = {"SS": sorted({times[0], times[-1]})}
            expression += ", actionTimes :times"
        item = self._write(
            None,
            expression + " SET expiresAt = if_not_exists(expiresAt, :expires)",
            values,
            key=key,
            account=account,
        )
        if not item or "task" not in item:
            return None
        return AssumeRootCall(
            target_account=account,
            caller=item.get("caller", {}).get("S", "") or "an unnamed caller",
            task=item["task"].get("S", "") or "an unnamed task",
            issued_key=key,
            expires=item.get("sessionEnd", {}).get("S", ""),
        )

    def latest_call(self, account: str) -> tuple[AssumeRootCall, str] | None:
        """The latest call recorded for `account` and when it was made, for actions that carry no key."""
        item = self._write(
            None,
            "SET expiresAt = if_not_exists(expiresAt, :expires)",
            {},
            key=LATEST_CALL_KEY,
            account=account,
        )
        if not item or "task" not in item:
            return None
        call = AssumeRootCall(
            target_account=account,
            caller=item.get("caller", {}).get("S", "") or "an unnamed caller",
            task=item["task"].get("S", "") or "an unnamed task",
            issued_key=item.get("issuedKey", {}).get("S", ""),
            expires=item.get("sessionEnd", {}).get("S", ""),
        )
        return call, item.get("issuedAt", {}).get("S", "")

    def _write(
        self, call: AssumeRootCall | None, expression: str, values: dict[str, Any], *, key: str, account: str
    ) -> dict[str, Any] | None:
        if self.failures or self.calls >= MAX_CALLS_PER_BATCH:
            return None
        if self._clock() - self._started >= MAX_SECONDS_PER_BATCH:
            return None
        self.calls += 1
        values = {**values, ":expires": {"N": str(int(self._now()) + SESSION_RETENTION_SECONDS)}}
        try:
            response = self._update(
                TableName=self._table,
                Key={"accountId": {"S": SESSION_KEY_PREFIX + key}, "region": {"S": account}},
                UpdateExpression=expression,
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
            )
        except Exception as exc:  # slow, throttled, denied: notify without the session's other half
            self.failures += 1
            jsonlog.warning(
                "AssumeRoot session table unavailable; notifying without cross-batch correlation",
                side="call" if call else "actions",
                exceptionType=type(exc).__name__,
                error=str(exc),
            )
            return None
        attributes: dict[str, Any] = response.get("Attributes", {})
        return attributes


def correlate(notifications: list[RootNotification], table: SessionTable) -> None:
    """Record this batch's calls and session actions; name what the other side's earlier batches held."""
    for notification in notifications:
        for index, entry in enumerate(notification.entries):
            call = entry.event.assume_root_call
            if call is None or entry.event.failed or not call.issued_key or not call.target_account:
                continue
            seen = table.record_call(call, entry.event.event_time)
            if seen is not None and seen.calls:
                notification.entries[index] = Entry(entry.event, call_verdict(call, entry.verdict, seen))
    for notification in notifications:
        sessions: dict[str, list[int]] = {}
        for index, entry in enumerate(notification.entries):
            if _maybe_session_action(entry):
                sessions.setdefault(entry.event.access_key_id, []).append(index)
        for key, indexes in sessions.items():
            events = [notification.entries[i].event for i in indexes]
            found = table.record_actions(key, notification.account_id, events)
            if found is None:
                continue
            for i in indexes:
                entry = notification.entries[i]
                notification.entries[i] = Entry(
                    entry.event, session_verdict(entry.event, entry.verdict, found), found
                )
    _tie_keyless_actions(notifications, table)


def _tie_keyless_actions(notifications: list[RootNotification], table: SessionTable) -> None:
    """Actions with no access key, within the time of their account's latest recorded call, are labelled
    with it (never graded lower than on their own); sign-in steps are a person with a password, never tied."""
    latest: dict[str, tuple[AssumeRootCall, str] | None] = {}
    for notification in notifications:
        for index, entry in enumerate(notification.entries):
            event = entry.event
            if event.access_key_id or event.event_source == SIGNIN_SOURCE or not _untied(entry):
                continue
            if notification.account_id not in latest:
                latest[notification.account_id] = table.latest_call(notification.account_id)
            found = latest[notification.account_id]
            if found is None:
                continue
            call, issued_at = found
            if (
                issued_at
                and issued_at <= event.event_time
                and not (call.expires and event.event_time > call.expires)
            ):
                notification.entries[index] = Entry(event, tied_verdict(event, entry.verdict, call), call)


def _untied(entry: Entry) -> bool:
    event = entry.event
    return entry.through is None and event.assume_root_call is None and not event.claimed_account


def _maybe_session_action(entry: Entry) -> bool:
    return _untied(entry) and entry.event.access_key_id.startswith(TEMPORARY_KEY_PREFIX)


def grade_calls(notifications: list[RootNotification]) -> None:
    """Every AssumeRoot call graded by its task (the rule table grades them all alike)."""
    for notification in notifications:
        for index, entry in enumerate(notification.entries):
            call = entry.event.assume_root_call
            if call is not None and not call.refused:  # a refused call opened no session: no task to grade
                notification.entries[index] = Entry(entry.event, call_verdict(call, entry.verdict))


__all__ = ["SessionTable", "correlate", "grade_calls", "session_task", "session_verdict"]
