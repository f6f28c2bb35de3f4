"""Expected root use: approved windows that cap the grade of matching root activity at LOW, never hide it.

The hub's `expectedRootUse` config travels to the notifier as the `EXPECTED_ROOT_USE` environment variable
(checked at deploy time by the components). An event inside a window, for one of its accounts (and, when the
window lists them, one of its AssumeRoot tasks or event names), is still notified, at most LOW, and says
"expected: <ticket>, approved by <approver>, until <end>". Some things are never downgraded: credential and
recovery-path changes, a sign-in without MFA, a possible forgery, and anything a session did outside its
task or after it expired. Tamper, health and monitoring-gap notifications never pass through here.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime

from . import jsonlog
from .assume_root_sessions import session_task
from .root_notification import Entry, RootNotification
from .root_tasks import RECOVERY_PATH_TASK
from .severity import CRITICAL_CALLS, Severity, Verdict

ENVIRONMENT_VARIABLE = "EXPECTED_ROOT_USE"
NEVER_DOWNGRADED = frozenset(
    {
        "suspicious",
        "signin-no-mfa",
        "critical-call",
        "critical-failed",
        "password-guessing",
        "root-path",
        "root-path-on",
        "assume-root-outside-task",
        "assume-root-expired",
    }
)


@dataclass(frozen=True, slots=True)
class Window:
    account_ids: frozenset[str]
    start: str
    end: str
    """ISO 8601 UTC, as `YYYY-MM-DDTHH:MM:SSZ`: compared as text with CloudTrail's eventTime."""
    ticket: str
    approver: str
    tasks: frozenset[str] = frozenset()
    event_names: frozenset[str] = frozenset()

    def covers(self, entry: Entry, account_id: str) -> bool:
        event = entry.event
        if account_id not in self.account_ids or not self.start <= event.event_time <= self.end:
            return False
        if self.tasks and session_task(entry) not in self.tasks:
            return False
        return not self.event_names or event.event_name in self.event_names

    @property
    def label(self) -> str:
        return f"expected: {self.ticket}, approved by {self.approver}, until {self.end}"


def windows_from_environment() -> list[Window]:
    """The windows the components put in the environment; a value that cannot be read counts as none."""
    raw = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not raw:
        return []
    try:
        return [_window(item) for item in json.loads(raw)]
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        # Deploy-time checks make this unreachable; if it happens, nothing is downgraded.
        jsonlog.error(
            f"{ENVIRONMENT_VARIABLE} is malformed; no root use is treated as expected", error=str(exc)
        )
        return []


def _window(item: dict[str, object]) -> Window:
    def texts(key: str) -> frozenset[str]:
        values = item.get(key) or []
        if not isinstance(values, list):
            raise TypeError(key)
        return frozenset(str(v) for v in values)

    return Window(
        account_ids=texts("accountIds"),
        start=_utc(item["start"]),
        end=_utc(item["end"]),
        ticket=str(item["ticket"]),
        approver=str(item["approver"]),
        tasks=texts("tasks"),
        event_names=texts("eventNames"),
    )


def _utc(value: object) -> str:
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    offset = moment.utcoffset()
    if offset is None or offset.total_seconds() != 0:
        raise ValueError(f"{value!r} is not UTC")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def apply(notifications: list[RootNotification], windows: list[Window], now: str) -> None:
    """Cap expected entries at LOW with the window's label; windows ended before `now` (UTC) do nothing."""
    live = [w for w in windows if now <= w.end]
    if not live:
        return
    for notification in notifications:
        for index, entry in enumerate(notification.entries):
            if not downgradable(entry):
                continue
            window = next((w for w in live if w.covers(entry, notification.account_id)), None)
            if window is not None:
                verdict = entry.verdict
                capped = Verdict(
                    min(verdict.severity, Severity.LOW), f"{verdict.reason} ({window.label})", verdict.kind
                )
                notification.entries[index] = Entry(entry.event, capped, entry.through)


def downgradable(entry: Entry) -> bool:
    """Whether an approved window may lower this entry's grade."""
    event = entry.event
    return not (
        entry.verdict.kind in NEVER_DOWNGRADED
        or (event.event_source, event.event_name) in CRITICAL_CALLS
        or session_task(entry) == RECOVERY_PATH_TASK
        or event.claimed_account
    )
