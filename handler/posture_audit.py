"""The posture audit Lambda, run on a schedule: every active member's root credentials, and what changed.

Invoked by EventBridge Scheduler. Environment: ``TOPIC_ARN``, ``POSTURE_TABLE``, ``ACCOUNT_NAMES``, and
``AUDIT_ROLE_ARN`` when the hub is neither the management account nor IAM's delegated administrator for
centralized root access (the role, made by the org stack in the management account, may only read the
organization's root-access features and call AssumeRoot with the audit task), and ``ORGANIZATIONS_ROLE_ARN``
when the hub reads the organization through the org stack's reader role (the members are listed with it).

A run: centralized root access on? (else one notification saying how to turn it on, once) → the active
accounts, least recently audited first → per account AssumeRoot + four IAM reads, a few accounts at a time,
backing off when throttled → one row per account → one notification with what changed (the first complete
pass: one summary). Rows are written as accounts finish, so a run that runs out of time resumes where it
stopped on the next run; the summary waits for the first complete pass.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from botocore.exceptions import ClientError

from . import jsonlog, publisher
from .environment import TOPIC_ARN, required
from .gap_message import when
from .organizations import Account, active_members
from .posture import RootCredentials, audit_account, from_item
from .posture_changes import PostureChange, changes, left
from .posture_clients import Clients, aws_clients
from .posture_message import features_off_request, run_request
from .sns_request import PublishRequest
from .watchdog import scheduled_time

REQUIRED_FEATURES = ("RootCredentialsManagement", "RootSessions")
# A row's key that no account ID can take: the audit's own memory (features notified, first pass done).
STATE_KEY = "#audit"
WORKERS = 8
MAX_ATTEMPTS = 6
BACKOFF_BASE_SECONDS = 0.5
BACKOFF_CAP_SECONDS = 20.0
THROTTLING_CODES = frozenset(
    {"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "SlowDown"}
)
# No account starts with less than this left: its five calls with retries, and the notification.
SAFETY_MARGIN_MS = 60_000
Publish = Callable[[PublishRequest], object]
T = TypeVar("T")
Sleep = Callable[[float], None]


@dataclass(slots=True)
class RunResult:
    accounts: int = 0
    audited: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    deferred: int = 0
    changes: list[PostureChange] = field(default_factory=list)
    notifications: int = 0
    features_off: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "accounts": self.accounts,
            "audited": self.audited,
            "failed": len(self.failed),
            "deferredToNextRun": self.deferred,
            "changes": len(self.changes),
            "notificationsPublished": self.notifications,
            "featuresOff": self.features_off,
        }


def posture_handler(event: Any, context: Any) -> dict[str, Any]:
    """Entry point; raises (so Scheduler retries and the error shows) when its environment is incomplete."""
    topic_arn, table = required(TOPIC_ARN, ("POSTURE_TABLE", "the posture table's name"))
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return run(
        aws_clients(
            os.environ.get("AUDIT_ROLE_ARN", "").strip() or None,
            os.environ.get("ORGANIZATIONS_ROLE_ARN", "").strip() or None,
        ),
        table=table,
        topic_arn=topic_arn,
        now=when(scheduled_time(event)),
        remaining_ms=remaining,
    ).summary()


def run(
    clients: Clients,
    *,
    table: str,
    topic_arn: str,
    now: str,
    publish: Publish = publisher.publish,
    remaining_ms: Callable[[], float] | None = None,
    workers: int = WORKERS,
    sleep: Sleep = time.sleep,
) -> RunResult:
    """One audit run; see the module's docstring."""
    result = RunResult()
    state = _read_state(clients.dynamodb, table)
    missing = features_missing(clients.iam)
    if missing:
        result.features_off = missing
        flag = ",".join(missing)
        if state.get("featuresOff") != flag:
            publish(features_off_request(topic_arn, missing, now))
            result.notifications += 1
            _write_state(clients.dynamodb, table, {**state, "featuresOff": flag})
        jsonlog.warning("centralized root access is off; no audit", missing=missing)
        return result
    previous = read_rows(clients.dynamodb, table)
    members = active_members(clients.organizations)
    result.accounts = len(members)
    order = sorted(members, key=lambda m: (m.id in previous, _checked(previous, m), m.id))
    deadline = time.monotonic() + (remaining_ms() - SAFETY_MARGIN_MS) / 1000 if remaining_ms else None

    def audit(member: Account) -> RootCredentials | str | None:
        if deadline is not None and time.monotonic() > deadline:
            return None
        try:
            row = audit_account(
                clients.sts,
                clients.iam_for,
                (member.id, member.name),
                now,
                retry=lambda call: with_backoff(call, sleep),
            )
        except ClientError as error:
            return error.response.get("Error", {}).get("Code") or str(error)
        clients.dynamodb.put_item(TableName=table, Item=row.item())
        return row

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        outcomes = list(pool.map(audit, order))
    audited: dict[str, RootCredentials] = {}
    for member, outcome in zip(order, outcomes, strict=True):
        if outcome is None:
            result.deferred += 1
        elif isinstance(outcome, str):
            result.failed[member.id] = outcome
        else:
            audited[member.id] = outcome
    result.audited = len(audited)
    active = {m.id for m in members}
    gone = [row for account, row in previous.items() if account not in active]
    for row in gone:
        clients.dynamodb.delete_item(TableName=table, Key={"accountId": {"S": row.account_id}})
    baseline_done = bool(state.get("baselineDone"))
    request: PublishRequest | None = None
    if not baseline_done:
        if result.deferred == 0:
            rows = {**{a: r for a, r in previous.items() if a in active}, **audited}
            request = run_request(topic_arn, now, summary=list(rows.values()), failed=result.failed)
            baseline_done = True
    else:
        for account, row in audited.items():
            result.changes.extend(changes(previous.get(account), row))
        result.changes.extend(left(row, now) for row in gone)
        if result.changes:
            request = run_request(topic_arn, now, changes=result.changes)
    if request is not None:
        # A failed publish raises: Scheduler retries the run, and the rows already written make it cheap;
        # the baseline flag is set only once the summary is out.
        publish(request)
        result.notifications += 1
    if baseline_done != bool(state.get("baselineDone")) or state.get("featuresOff"):
        _write_state(clients.dynamodb, table, {**state, "baselineDone": baseline_done, "featuresOff": ""})
    jsonlog.info("posture audit done", **result.summary(), failedAccounts=result.failed)
    return result


def features_missing(iam: Any) -> list[str]:
    """The centralized root access features that are off (both are needed to audit)."""
    enabled = set(iam.list_organizations_features().get("EnabledFeatures", []))
    return [feature for feature in REQUIRED_FEATURES if feature not in enabled]


def with_backoff(call: Callable[[], T], sleep: Sleep) -> T:
    """`call`, retried with full-jitter exponential backoff while the answer is throttling."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            return call()
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code not in THROTTLING_CODES or attempt == MAX_ATTEMPTS - 1:
                raise
            # Jitter spreads the workers' retries; it guards nothing, so any generator will do.
            sleep(random.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt)))  # noqa: S311
    raise AssertionError("unreachable")  # pragma: no cover


def read_rows(dynamodb: Any, table: str) -> dict[str, RootCredentials]:
    """Every account's last audit, by account ID (a thousand rows: one scan is the cheapest read)."""
    rows: dict[str, RootCredentials] = {}
    arguments: dict[str, Any] = {"TableName": table}
    while True:
        page = dynamodb.scan(**arguments)
        for item in page.get("Items", []):
            if item.get("accountId", {}).get("S", "").startswith("#"):
                continue
            try:
                row = from_item(item)
            except (KeyError, ValueError, TypeError):
                jsonlog.warning("unreadable posture row ignored", accountId=item.get("accountId"))
                continue
            rows[row.account_id] = row
        if "LastEvaluatedKey" not in page:
            return rows
        arguments["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _checked(previous: dict[str, RootCredentials], member: Account) -> str:
    row = previous.get(member.id)
    return row.checked_at if row else ""


def _read_state(dynamodb: Any, table: str) -> dict[str, Any]:
    item = dynamodb.get_item(TableName=table, Key={"accountId": {"S": STATE_KEY}}).get("Item") or {}
    return {
        "baselineDone": bool(item.get("baselineDone", {}).get("BOOL", False)),
        "featuresOff": item.get("featuresOff", {}).get("S", ""),
    }


def _write_state(dynamodb: Any, table: str, state: dict[str, Any]) -> None:
    dynamodb.put_item(
        TableName=table,
        Item={
            "accountId": {"S": STATE_KEY},
            "baselineDone": {"BOOL": bool(state.get("baselineDone"))},
            "featuresOff": {"S": str(state.get("featuresOff", ""))},
        },
    )
