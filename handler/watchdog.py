"""The watchdog Lambda, run on a schedule: notifies `monitoring-gap` when a heartbeat stops or returns.

Invoked by EventBridge Scheduler with the pairs to expect (``expectedAccounts`` by ``expectedRegions``, and
in an organization the active accounts under ``expectedOrganizationalUnits``) and the time the run was due
(``scheduledTime``). Environment: ``TOPIC_ARN``, ``HEARTBEAT_TABLE``, ``HEARTBEAT_INTERVAL_MINUTES``,
``SILENT_INTERVALS``, ``ACCOUNT_NAMES``, ``ORGANIZATIONS_LOOKUP``, ``ORGANIZATIONS_ROLE_ARN``. A gap is marked
in the table only after its notification was published, so a failed publish, or one the time budget left
for the next run, is notified then, once, never lost.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from . import jsonlog, organizations, publisher
from .accounts import NAME_ITEM_REGION, environment_resolver
from .assume_root_sessions import SESSION_KEY_PREFIX
from .budget import DONE, FAILED, OUT_OF_TIME, Budget, run_in_order
from .environment import TOPIC_ARN, required
from .gap_message import publish_request
from .gaps import RECOVERED, Change, PairState, assess
from .heartbeat import RETENTION_SECONDS, dynamodb_client
from .membership import Membership, membership
from .sns_request import PublishRequest

DEFAULT_INTERVAL_MINUTES = 60
DEFAULT_SILENT_INTERVALS = 3
# Starting the clocks of 17,000 pairs (1,000 accounts) in one run would outlast the function's timeout; the
# rest wait for the next run, which only delays a first "never received" by an interval.
MAX_NEW_PAIRS_PER_RUN = 2000
# No account's notification starts with less than this left: one publish at its worst, its marks, logging.
SAFETY_MARGIN_MS = (publisher.WORST_CASE_SECONDS + 5) * 1000
# Listing a thousand accounts takes a few pages per OU; past this the run goes on with the static pairs.
LISTING_BUDGET_SECONDS = 20
Publish = Callable[[PublishRequest], object]


def watchdog_handler(event: Any, context: Any) -> dict[str, int]:
    """Entry point; raises (so Scheduler retries and the error shows) when its environment is incomplete."""
    topic_arn, table = required(TOPIC_ARN, ("HEARTBEAT_TABLE", "the heartbeat table's name"))
    interval = _int_env("HEARTBEAT_INTERVAL_MINUTES", DEFAULT_INTERVAL_MINUTES)
    silent = _int_env("SILENT_INTERVALS", DEFAULT_SILENT_INTERVALS)
    return watch(
        event,
        table=table,
        topic_arn=topic_arn,
        threshold=interval * silent * 60,
        account_name=environment_resolver(os.environ, table),
        budget=Budget(getattr(context, "get_remaining_time_in_millis", None), SAFETY_MARGIN_MS),
        members=organization_members(event, os.environ, interval_seconds=interval * 60),
    )


def organization_members(
    event: Any, environ: Mapping[str, str], *, interval_seconds: int, client: Any = None
) -> Membership | None:
    """Who the organization says to expect, when the schedule names OUs; None when it names none or
    Organizations cannot say (then only the static pairs are expected, and nobody is dropped)."""
    units = event.get("expectedOrganizationalUnits") if isinstance(event, dict) else None
    if not isinstance(units, list) or not units:
        return None
    role_arn = environ.get("ORGANIZATIONS_ROLE_ARN", "").strip() or None
    try:
        lister = client or organizations.organizations_client(role_arn, organizations.LISTING_CLIENT_CONFIG)
        accounts = organizations.accounts_under(
            lister, [str(u) for u in units], deadline=time.monotonic() + LISTING_BUDGET_SECONDS
        )
    except Exception as exc:  # throttled, denied, slow: watch the static pairs now, ask again next run
        jsonlog.warning(
            "the organization's accounts could not be listed; expecting only the configured accounts",
            organizationalUnits=units,
            exceptionType=type(exc).__name__,
            error=str(exc),
        )
        organizations.forget_credentials()
        return None
    return membership(accounts, now=scheduled_time(event), interval_seconds=interval_seconds)


def watch(
    event: Any,
    *,
    table: str,
    topic_arn: str,
    threshold: int,
    account_name: Callable[[str], str] = str,
    publish: Publish = publisher.publish,
    client: Any = None,
    budget: Budget | None = None,
    members: Membership | None = None,
) -> dict[str, int]:
    """One run: read the table, notify what changed per account, mark it, start clocks for new pairs.

    Within `budget` (the function's timeout less SAFETY_MARGIN_MS): the notifications not started in time
    stay unmarked and the next run notifies them, each once.
    """
    budget = budget or Budget(None, SAFETY_MARGIN_MS)
    dynamodb = client or dynamodb_client()
    now = scheduled_time(event)
    states = _clamp_future(dynamodb, table, read_states(dynamodb, table), now)
    expected = expected_pairs(event)
    dropped = 0
    if members is not None:
        static = {account for account, _ in expected}
        regions = {region for _, region in expected} | _regions(event)
        expected |= {(account, region) for account in members.expected for region in regions}
        kept = [s for s in states if s.account_id in static or s.account_id in members.watched]
        dropped = len(states) - len(kept)
        states = kept
    result = assess(states, expected, now=now, threshold=threshold)

    by_account: dict[str, list[Change]] = {}
    for change in result.changes:
        by_account.setdefault(change.account_id, []).append(change)

    def notify(account: str) -> None:
        changes = by_account[account]
        publish(publish_request(topic_arn, account, account_name(account), changes, now))
        for change in changes:  # only once published: what is not marked, the next run notifies again
            _mark(dynamodb, table, change, now)

    def not_published(account: str, exc: Exception) -> None:
        jsonlog.error("monitoring-gap notification not published", accountId=account, error=str(exc))

    outcomes = run_in_order(list(by_account), notify, budget, not_published)
    started = 0
    for account, region in result.newly_expected[:MAX_NEW_PAIRS_PER_RUN]:
        if budget.spent():
            break
        _start_clock(dynamodb, table, account, region, now)
        started += 1
    summary = {
        "pairs": len(states),
        "pairsNoLongerExpected": dropped,
        "newlyExpected": started,
        "deferredToNextRun": len(result.newly_expected) - started,
        "changes": len(result.changes),
        "notificationsPublished": outcomes.count(DONE),
        "notificationsFailed": outcomes.count(FAILED),
        "notificationsLeftForNextRun": outcomes.count(OUT_OF_TIME),
    }
    if summary["notificationsLeftForNextRun"]:
        jsonlog.warning("the run's time is up; the next run notifies the rest", **summary)
    jsonlog.info("watchdog run done", **summary)
    return summary


def read_states(dynamodb: Any, table: str) -> list[PairState]:
    """Every item of the table (thousands at most: a scan is the cheapest read)."""
    states: list[PairState] = []
    arguments: dict[str, Any] = {"TableName": table}
    while True:
        page = dynamodb.scan(**arguments)
        # AssumeRoot session items (assume_root_sessions.py) and cached account names (accounts.py) share
        # the table: they are not pairs.
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


def _regions(event: Any) -> set[str]:
    regions = event.get("expectedRegions") if isinstance(event, dict) else None
    return {r for r in regions or [] if isinstance(r, str)}


def _clamp_future(dynamodb: Any, table: str, states: list[PairState], now: int) -> list[PairState]:
    """A heartbeat time after `now` (a skewed clock, a bad record) is set back to now, in the table too:
    left in the future, it would hide the pair's silence until then and refuse every real heartbeat."""
    clamped: list[PairState] = []
    for state in states:
        if state.last_heard is not None and state.last_heard > now:
            jsonlog.warning(
                "heartbeat time in the future; set back to now",
                accountId=state.account_id,
                region=state.region,
                lastHeard=state.last_heard,
                now=now,
            )
            try:
                dynamodb.update_item(
                    TableName=table,
                    Key=_key(state.account_id, state.region),
                    UpdateExpression="SET lastHeard = :now",
                    ConditionExpression="lastHeard > :now",
                    ExpressionAttributeValues={":now": {"N": str(now)}},
                )
            except Exception as exc:
                if type(exc).__name__ != "ConditionalCheckFailedException":
                    raise
            clamped.append(PairState(state.account_id, state.region, now, state.watched_since, state.gap))
        else:
            clamped.append(state)
    return clamped


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
    """Whether the item is something other than a pair: an AssumeRoot session or a cached account name."""
    return str(item.get("accountId", {}).get("S", "")).startswith(SESSION_KEY_PREFIX) or (
        item.get("region", {}).get("S") == NAME_ITEM_REGION
    )


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
