"""Root activity in an account whose last audit found no root credentials: CRITICAL, and the reason says so.

Such an account's root should not be able to act at all without centralized root access: a password was
recovered, a credential created since the audit, or something nobody planned. Left alone: an AssumeRoot
session (graded by its task), an AWS service acting for root, and what is already CRITICAL for its own
reason (a forgery). The notifier reads the audit's rows from ``POSTURE_TABLE``; a failed read is logged and
grades as if there were no audit, never delays or drops a notification.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from . import jsonlog
from .posture import RootCredentials, from_item
from .root_notification import Entry, RootNotification
from .severity import Severity, Verdict

KIND = "no-root-credentials"
UNTOUCHED_KINDS = frozenset({"suspicious", "service"})
# The AssumeRoot call and its session's actions, however assume_root_sessions graded them (by task, expired,
# outside the task): the session is how an account without root credentials is meant to be used.
ASSUME_ROOT_KIND_PREFIX = "assume-root"
BATCH_GET_LIMIT = 100


def table_name() -> str | None:
    """The posture table from the function's environment; unset when the hub runs no audit."""
    return os.environ.get("POSTURE_TABLE", "").strip() or None


def reason_suffix(row: RootCredentials) -> str:
    return f"this account had no root credentials at the last audit ({row.checked_at[:10]})"


def last_audits(dynamodb: Any, table: str, account_ids: Iterable[str]) -> dict[str, RootCredentials]:
    """The rows of these accounts that exist (BatchGetItem, a hundred keys per call)."""
    wanted = sorted(set(account_ids))
    rows: dict[str, RootCredentials] = {}
    for start in range(0, len(wanted), BATCH_GET_LIMIT):
        keys: list[dict[str, Any]] = [
            {"accountId": {"S": a}} for a in wanted[start : start + BATCH_GET_LIMIT]
        ]
        request: dict[str, Any] = {table: {"Keys": keys, "ConsistentRead": False}}
        while request:
            answer = dynamodb.batch_get_item(RequestItems=request)
            for item in answer.get("Responses", {}).get(table, []):
                row = from_item(item)
                rows[row.account_id] = row
            request = answer.get("UnprocessedKeys") or {}
    return rows


def grade(notifications: list[RootNotification], audits: Mapping[str, RootCredentials]) -> None:
    """Raise to CRITICAL every root action, in an account audited clean, that no AssumeRoot explains."""
    for notification in notifications:
        row = audits.get(notification.account_id)
        if row is None or row.has_credentials:
            continue
        for index, entry in enumerate(notification.entries):
            if _explained(entry):
                continue
            verdict = Verdict(Severity.CRITICAL, f"{entry.verdict.reason}; {reason_suffix(row)}", KIND)
            notification.entries[index] = Entry(entry.event, verdict, entry.through)


def grade_from_table(notifications: list[RootNotification], dynamodb: Any, table: str | None) -> None:
    """`grade` with the rows read from `table`; any failure to read is logged and changes nothing."""
    if table is None or not notifications:
        return
    try:
        audits = last_audits(dynamodb, table, (n.account_id for n in notifications))
    except Exception as exc:
        jsonlog.warning(
            "posture rows not read; graded without the last audit",
            exceptionType=type(exc).__name__,
            error=str(exc),
        )
        return
    grade(notifications, audits)


def _explained(entry: Entry) -> bool:
    event = entry.event
    return (
        entry.verdict.kind in UNTOUCHED_KINDS
        or entry.verdict.kind.startswith(ASSUME_ROOT_KIND_PREFIX)
        or entry.through is not None
        or event.assumed_root
        or event.assume_root_call is not None
    )
