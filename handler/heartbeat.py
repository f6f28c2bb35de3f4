"""Heartbeats among the notifier's records: recognised, written to the hub's table, never notified.

A heartbeat is the CloudTrail record of `events:TestEventPattern` called by an account's heartbeat role on a
schedule (see the components' `heartbeat` module). Intake recognises them, and the notifier records when each
(account, region) was last heard, after every notification of the batch; the watchdog reads that. Writes use
a client with bounded timeouts and few retries, and stop when the batch's time budget is spent: the
heartbeats not written are handed back for retry.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from . import jsonlog
from .budget import DONE, Budget, log_out_of_time, run_in_order
from .heartbeat_interval import IntervalCheck, follow_up, interval_seconds

# Must equal the components' heartbeat.ROLE_NAME_PREFIX; a test checks they agree.
ROLE_NAME_PREFIX = "root-activity-monitor-heartbeat-"
EVENT_SOURCE = "events.amazonaws.com"
EVENT_NAME = "TestEventPattern"
API_CALL_DETAIL_TYPE = "AWS API Call via CloudTrail"
# A pair nobody hears for this long disappears from the table (after the watchdog has notified it).
RETENTION_SECONDS = 30 * 24 * 60 * 60
# One write at its worst, retries included, stays well inside the margin the batch keeps for a publish.
CLIENT_CONFIG = Config(
    connect_timeout=1,
    read_timeout=2,
    retries={"mode": "standard", "total_max_attempts": 2},
    max_pool_connections=10,
)


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """One heartbeat: which pair it proves alive, and when CloudTrail saw the call."""

    message_id: str
    account_id: str
    region: str
    heard_at: int
    """Seconds since the epoch, from the record's eventTime."""
    request_parameters: object = None
    """The call's recorded request, which says how often the pair's schedule calls: read only when the
    hub checks it, for the one heartbeat of the pair a batch writes (heartbeat_interval.py)."""


def heartbeat_of(message_id: str, envelope: Mapping[str, Any], detail: Mapping[str, Any]) -> Heartbeat | None:
    """The heartbeat a CloudTrail record carries, or None when it is anything else (root activity, tamper)."""
    if envelope.get("detail-type") != API_CALL_DETAIL_TYPE:
        return None
    # Only CloudTrail's own events: a custom event cannot have a source starting with `aws.`.
    if not str(envelope.get("source", "")).startswith("aws."):
        return None
    if (
        detail.get("eventSource") != EVENT_SOURCE
        or detail.get("eventName") != EVENT_NAME
        or "errorCode" in detail
    ):
        return None
    issuer = _member(_member(detail.get("userIdentity"), "sessionContext"), "sessionIssuer")
    account = str(envelope.get("account", ""))
    if not str(_member(issuer, "userName") or "").startswith(ROLE_NAME_PREFIX):
        return None
    if str(_member(issuer, "accountId") or account) != account:
        return None  # another account's role: not this account's heartbeat
    heard_at = _epoch(detail.get("eventTime")) or _epoch(envelope.get("time"))
    region = str(detail.get("awsRegion") or envelope.get("region") or "")
    if not account or not region or heard_at is None:
        return None
    return Heartbeat(message_id, account, region, heard_at, detail.get("requestParameters"))


@cache
def dynamodb_client() -> Any:
    """One client per container, made on first use (tests that start moto first get one talking to it)."""
    return boto3.client("dynamodb", config=CLIENT_CONFIG)


Update = Callable[..., object]


def record_heartbeats(
    beats: list[Heartbeat],
    table: str | None,
    budget: Budget,
    update: Update | None = None,
    check: IntervalCheck | None = None,
) -> list[str]:
    """Write the latest heartbeat of each pair within the budget; returns the message IDs to retry.

    With `check`, a pair whose heartbeat says it beats slower than the hub's watchdog tolerates is notified
    once per change (heartbeat_interval.py)."""
    if not beats:
        return []
    if not table:
        jsonlog.warning("heartbeats received but HEARTBEAT_TABLE is not set; not recorded", count=len(beats))
        return []
    write = update or dynamodb_client().update_item
    latest: dict[tuple[str, str], Heartbeat] = {}
    owners: dict[tuple[str, str], list[str]] = {}
    # A time from the future would hide the pair's silence until then and refuse every later heartbeat.
    now = int(time.time())
    beats = [replace(beat, heard_at=min(beat.heard_at, now)) for beat in beats]
    for beat in beats:
        pair = (beat.account_id, beat.region)
        owners.setdefault(pair, []).append(beat.message_id)
        if pair not in latest or beat.heard_at > latest[pair].heard_at:
            latest[pair] = beat

    def failed(beat: Heartbeat, exc: Exception) -> None:
        jsonlog.error(
            "heartbeat not recorded; returned for retry",
            accountId=beat.account_id,
            region=beat.region,
            error=str(exc),
        )

    pending = list(latest.values())
    outcomes = run_in_order(pending, lambda beat: _write(write, table, beat, check, now), budget, failed)
    log_out_of_time("heartbeat writes", outcomes, budget)
    returned = [
        message_id
        for beat, outcome in zip(pending, outcomes, strict=True)
        if outcome != DONE
        for message_id in owners[(beat.account_id, beat.region)]
    ]
    jsonlog.info(
        "heartbeats recorded",
        pairs=len(latest),
        written=outcomes.count(DONE),
        heartbeats=len(beats),
        returnedForRetry=len(returned),
    )
    return returned


def _write(write: Update, table: str, beat: Heartbeat, check: IntervalCheck | None, now: int) -> None:
    key = {"accountId": {"S": beat.account_id}, "region": {"S": beat.region}}
    seconds = interval_seconds(beat.request_parameters) if check is not None else None
    request = {
        "TableName": table,
        "Key": key,
        "UpdateExpression": "SET lastHeard = :heard, expiresAt = :expires",
        # A late, older heartbeat must not move the time back.
        "ConditionExpression": "attribute_not_exists(lastHeard) OR lastHeard < :heard",
        "ExpressionAttributeValues": {
            ":heard": {"N": str(beat.heard_at)},
            ":expires": {"N": str(beat.heard_at + RETENTION_SECONDS)},
        },
    }
    try:
        # The item as it was, in the same call: what was last checked for the pair.
        old = write(**request, **({"ReturnValues": "ALL_OLD"} if seconds is not None else {}))
    except Exception as exc:
        if type(exc).__name__ == "ConditionalCheckFailedException":
            return
        if seconds is None or _error_code(exc) != "AccessDeniedException":
            raise
        # Reading the old item back refused: the heartbeat matters more than the check of its interval.
        jsonlog.warning(
            "heartbeat interval not checked: the table refused to return the old item", error=str(exc)
        )
        _write(write, table, beat, None, now)
        return
    if check is not None and seconds is not None:
        follow_up(
            write,
            table,
            key,
            old,
            account_id=beat.account_id,
            region=beat.region,
            seconds=seconds,
            check=check,
            now=now,
        )


def _error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    error = response.get("Error") if isinstance(response, dict) else None
    return str(error.get("Code", "")) if isinstance(error, dict) else ""


def table_name() -> str | None:
    """The table from the function's environment."""
    return os.environ.get("HEARTBEAT_TABLE", "").strip() or None


def _member(container: object, key: str) -> object:
    return container.get(key) if isinstance(container, dict) else None


def _epoch(value: object) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return None
