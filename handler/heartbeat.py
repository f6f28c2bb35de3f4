"""Heartbeats among the notifier's records: recognised, written to the hub's table, never notified.

A heartbeat is the CloudTrail record of `events:TestEventPattern` called by an account's heartbeat role on a
schedule (see the components' `heartbeat` module). The notifier takes them out of the batch before root
activity is read, and records when each (account, region) was last heard; the watchdog reads that.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from typing import Any

import boto3

from . import jsonlog

# Must equal the components' heartbeat.ROLE_NAME_PREFIX; a test checks they agree.
ROLE_NAME_PREFIX = "root-activity-monitor-heartbeat-"
EVENT_SOURCE = "events.amazonaws.com"
EVENT_NAME = "TestEventPattern"
API_CALL_DETAIL_TYPE = "AWS API Call via CloudTrail"
# A pair nobody hears for this long disappears from the table (after the watchdog has notified it).
RETENTION_SECONDS = 30 * 24 * 60 * 60


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """One heartbeat: which pair it proves alive, and when CloudTrail saw the call."""

    message_id: str
    account_id: str
    region: str
    heard_at: int
    """Seconds since the epoch, from the record's eventTime."""


def heartbeat_of(record: object) -> Heartbeat | None:
    """The heartbeat an SQS record carries, or None when it is anything else (root activity, garbage)."""
    body = record.get("body") if isinstance(record, dict) else None
    try:
        envelope = json.loads(body) if isinstance(body, str) else None
    except (ValueError, RecursionError):
        return None
    if not isinstance(envelope, dict) or envelope.get("detail-type") != API_CALL_DETAIL_TYPE:
        return None
    detail = envelope.get("detail")
    # Only CloudTrail's own events: a custom event cannot have a source starting with `aws.`.
    if not str(envelope.get("source", "")).startswith("aws.") or not isinstance(detail, dict):
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
    message_id = record.get("messageId") if isinstance(record, dict) else ""
    return Heartbeat(str(message_id or ""), account, region, heard_at)


def split_heartbeats(sqs_event: Any) -> tuple[list[Heartbeat], Any]:
    """The batch's heartbeats, and the SQS event without them (what root-activity reading gets)."""
    records = sqs_event.get("Records") if isinstance(sqs_event, dict) else None
    if not isinstance(records, list):
        return [], sqs_event
    beats: list[Heartbeat] = []
    rest: list[Any] = []
    for record in records:
        beat = heartbeat_of(record)
        if beat is None:
            rest.append(record)
        else:
            beats.append(beat)
    return beats, {**sqs_event, "Records": rest}


@cache
def dynamodb_client() -> Any:
    """One client per container, made on first use (tests that start moto first get one talking to it)."""
    return boto3.client("dynamodb")


Update = Callable[..., object]


def record_heartbeats(beats: list[Heartbeat], table: str | None, update: Update | None = None) -> list[str]:
    """Write the latest heartbeat of each pair; returns the message IDs to retry (their write failed)."""
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
    failed: list[str] = []
    for pair, beat in latest.items():
        try:
            _write(write, table, beat)
        except Exception as exc:  # throttling, permissions: SQS retries the records
            jsonlog.error(
                "heartbeat not recorded; returned for retry",
                accountId=pair[0],
                region=pair[1],
                error=str(exc),
            )
            failed.extend(owners[pair])
    jsonlog.info(
        "heartbeats recorded", pairs=len(latest), heartbeats=len(beats), returnedForRetry=len(failed)
    )
    return failed


def _write(write: Update, table: str, beat: Heartbeat) -> None:
    try:
        write(
            TableName=table,
            Key={"accountId": {"S": beat.account_id}, "region": {"S": beat.region}},
            UpdateExpression="SET lastHeard = :heard, expiresAt = :expires",
            # A late, older heartbeat must not move the time back.
            ConditionExpression="attribute_not_exists(lastHeard) OR lastHeard < :heard",
            ExpressionAttributeValues={
                ":heard": {"N": str(beat.heard_at)},
                ":expires": {"N": str(beat.heard_at + RETENTION_SECONDS)},
            },
        )
    except Exception as exc:
        if type(exc).__name__ != "ConditionalCheckFailedException":
            raise


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
