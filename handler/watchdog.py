"""The watchdog Lambda, run on a schedule: notifies `monitoring-gap` when a heartbeat stops or returns.

Invoked by EventBridge Scheduler with the pairs to expect (``expectedAccounts`` by ``expectedRegions``) and
the time the run was due (``scheduledTime``). Environment: ``TOPIC_ARN``, ``HEARTBEAT_TABLE``,
``HEARTBEAT_INTERVAL_MINUTES``, ``SILENT_INTERVALS``, ``ACCOUNT_NAMES``. A gap is marked in the table only
after its notification was published, so a failed publish is retried on the next run, never lost.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from . import jsonlog, publisher
from .accounts import parse_account_names
from .assume_root_sessions import SESSION_KEY_PREFIX
from .gap_message import publish_request
from .gaps import RECOVERED, Change, PairState, assess
from .heartbeat import RETENTION_SECONDS, dynamodb_client
from .sns_request import PublishRequest

DEFAULT_INTERVAL_MINUTES = 60
DEFAULT_SILENT_INTERVALS = 3
# Starting the clocks of 17,000 pairs (1,000 accounts) in one run would outlast the function's timeout; the
# rest wait for the next run, which only delays a first "never received" by an interval.
MAX_NEW_PAIRS_PER_RUN = 2000
Publish = Callable[[PublishRequest], object]


class WatchdogConfigError(RuntimeError):
    """The function was deployed without TOPIC_ARN or HEARTBEAT_TABLE."""


def watchdog_handler(event: Any, context: Any) -> dict[str, int]:
    """Entry point; raises (so Scheduler retries and the error shows) when its environment is incomplete."""
    topic_arn = os.environ.get("TOPIC_ARN", "").strip()
    table = os.environ.get("HEARTBEAT_TABLE", "").strip()
    if not topic_arn or not table:
        message = "TOPIC_ARN and HEARTBEAT_TABLE must be set: the topic to notify and the heartbeat table"
        jsonlog.error(message)
        raise WatchdogConfigError(message)
    interval = _int_env("HEARTBEAT_INTERVAL_MINUTES", DEFAULT_INTERVAL_MINUTES)
    silent = _int_env("SILENT_INTERVALS", DEFAULT_SILENT_INTERVALS)
    names = parse_account_names(os.environ.get("ACCOUNT_NAMES"))
    return watch(
        event,
        table=table,
        topic_arn=topic_arn,
        threshold=interval * silent * 60,
        account_name=lambda account: names.get(account, account),
    )


def watch(
    event: Any,
    *,
    table: str,
    topic_arn: str,
    threshold: int,
    account_name: Callable[[str], str] = str,
    publish: Publish = publisher.publish,
    client: Any = None,
) -> dict[str, int]:
    """One run: read the table, notify what changed per account, mark it, start clocks for new pairs."""
    dynamodb = client or dynamodb_client()
    now = scheduled_time(event)
    states = read_states(dynamodb, table)
    result = assess(states, expected_pairs(event), now=now, threshold=threshold)
    for account, region in result.newly_expected[:MAX_NEW_PAIRS_PER_RUN]:
        _start_clock(dynamodb, table, account, region, now)
    by_account: dict[str, list[Change]] = {}
    for change in result.changes:
        by_account.setdefault(change.account_id, []).append(change)
    published = failed = 0
    for account, changes in by_account.items():
        try:
            publish(publish_request(topic_arn, account, account_name(account), changes, now))
        except Exception as exc:  # left unmarked: the next run notifies it again
            failed += 1
            jsonlog.error("monitoring-gap notification not published", accountId=account, error=str(exc))
            continue
        published += 1
        for change in changes:
            _mark(dynamodb, table, change, now)
    summary = {
        "pairs": len(states),
        "newlyExpected": min(len(result.newly_expected), MAX_NEW_PAIRS_PER_RUN),
        "deferredToNextRun": max(0, len(result.newly_expected) - MAX_NEW_PAIRS_PER_RUN),
        "changes": len(result.changes),
        "notificationsPublished": published,
        "notificationsFailed": failed,
    }
    jsonlog.info("watchdog run done", **summary)
    return summary


def read_states(dynamodb: Any, table: str) -> list[PairState]:
    """Every item of the table (thousands at most: a scan is the cheapest read)."""
    states: list[PairState] = []
    arguments: dict[str, Any] = {"TableName": table}
    while True:
        page = dynamodb.scan(**arguments)
        # AssumeRoot session items share the table (assume_root_sessions.py): they are not pairs.
        states.extend(_state(item) for item in page.get("Items", []) if not _session_item(item))
        if "LastEvaluatedKey" not in page:
            return states
        arguments["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def expected_pairs(event: Any) -> set[tuple[str, str]]:
    """The pairs the schedule names; none when the event does not say (then only silence is watched)."""
    if not isinstance(event, dict):
        return set()
    accounts = event.get("expectedAccounts") or []
    regions = event.get("expectedRegions") or []
    return {(str(a), str(r)) for a in accounts if isinstance(a, str) for r in regions if isinstance(r, str)}


def scheduled_time(event: Any) -> int:
    """When the run was due (Scheduler's context attribute), else the clock."""
    raw = event.get("scheduledTime") if isinstance(event, dict) else None
    if isinstance(raw, str):
        try:
            return int(datetime.fromisoformat(raw.replace("Z", "+00:00")).timestamp())
        except ValueError:
            pass
    return int(time.time())


def _start_clock(dynamodb: Any, table: str, account: str, region: str, now: int) -> None:
    try:
        dynamodb.update_item(
            TableName=table,
            Key=_key(account, region),
            UpdateExpression="SET watchedSince = if_not_exists(watchedSince, :now), expiresAt = :expires",
            # A heartbeat written since the scan wins: the pair is not waiting for its first one any more.
            ConditionExpression="attribute_not_exists(lastHeard)",
            ExpressionAttributeValues={
                ":now": {"N": str(now)},
                ":expires": {"N": str(now + RETENTION_SECONDS)},
            },
        )
    except Exception as exc:
        if type(exc).__name__ != "ConditionalCheckFailedException":
            raise


def _mark(dynamodb: Any, table: str, change: Change, now: int) -> None:
    if change.kind == RECOVERED:
        dynamodb.update_item(
            TableName=table,
            Key=_key(change.account_id, change.region),
            UpdateExpression="REMOVE gap, gapSince",
        )
        return
    dynamodb.update_item(
        TableName=table,
        Key=_key(change.account_id, change.region),
        UpdateExpression="SET gap = :gap, gapSince = :now",
        ExpressionAttributeValues={":gap": {"S": change.kind}, ":now": {"N": str(now)}},
    )


def _session_item(item: dict[str, Any]) -> bool:
    return str(item.get("accountId", {}).get("S", "")).startswith(SESSION_KEY_PREFIX)


def _state(item: dict[str, Any]) -> PairState:
    return PairState(
        account_id=str(item.get("accountId", {}).get("S", "")),
        region=str(item.get("region", {}).get("S", "")),
        last_heard=_number(item.get("lastHeard")),
        watched_since=_number(item.get("watchedSince")),
        gap=str(item.get("gap", {}).get("S", "")),
    )


def _number(value: Any) -> int | None:
    try:
        return int(value["N"]) if isinstance(value, dict) and "N" in value else None
    except ValueError:
        return None


def _key(account: str, region: str) -> dict[str, Any]:
    return {"accountId": {"S": account}, "region": {"S": region}}


def _int_env(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, "") or default)
    except ValueError:
        return default
