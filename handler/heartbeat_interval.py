"""A heartbeat slower than the hub's watchdog tolerates: one `health` notification per pair and change.

Every heartbeat's `events:TestEventPattern` request carries its schedule's interval in the test event's detail
(`intervalSeconds`, see the components' `heartbeat.call_input`); CloudTrail records the request's parameters.
A spoke or org stack that names the hub by `hubEventBusArn` cannot read the hub's `heartbeatIntervalMinutes`,
so only here, at run time, can a mismatch be seen: a pair beating every `intervalSeconds` that is at least the
watchdog's silence threshold (`HEARTBEAT_INTERVAL_MINUTES` x `SILENT_INTERVALS`) is reported silent between
two heartbeats, and would be notified as a monitoring gap over and over.

The field CloudTrail records the request's `Event` under is taken to be `event` (its usual lower-camel
spelling of a parameter), holding the JSON text or the object; no published record of the call was found to
confirm it. A heartbeat without a readable interval is recorded as before and checked for nothing.

What was last checked for a pair (`<interval>/<threshold>` in seconds) is kept in its table item, so a change
of either side is notified once, not every heartbeat: the item is claimed before publishing (a conditional
write, so two batches cannot both notify) and released if the publish fails (the next heartbeat tries again).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import jsonlog

INTERVAL_FIELD = "intervalSeconds"
"""Must equal the components' heartbeat.INTERVAL_FIELD; a test checks they agree."""
CHECKED_ATTRIBUTE = "intervalCheck"
# Scheduler's rate expressions the stacks accept: 1 minute to 1 day.
LOWEST_SECONDS, HIGHEST_SECONDS = 60, 24 * 60 * 60


def interval_seconds(parameters: object) -> int | None:
    """The interval a heartbeat's recorded request (`requestParameters`) says its schedule calls at, or None
    when it does not say (readably)."""
    event = parameters.get("event") if isinstance(parameters, dict) else None
    if isinstance(event, str):
        try:
            event = json.loads(event)
        except ValueError:
            return None
    test_detail = event.get("detail") if isinstance(event, dict) else None
    value = test_detail.get(INTERVAL_FIELD) if isinstance(test_detail, dict) else None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if LOWEST_SECONDS <= value <= HIGHEST_SECONDS else None


@dataclass(frozen=True)
class Mismatch:
    """A pair's heartbeat interval that the hub's watchdog cannot tolerate."""

    account_id: str
    region: str
    seconds: int
    hub_minutes: int
    silent_intervals: int
    now: int

    @property
    def minutes(self) -> int:
        return self.seconds // 60

    @property
    def threshold_minutes(self) -> int:
        return self.hub_minutes * self.silent_intervals


Notify = Callable[[Mismatch], object]


@dataclass(frozen=True)
class IntervalCheck:
    """The hub's watchdog settings, and how a mismatch is notified (interval_message.py publishes it)."""

    hub_minutes: int
    silent_intervals: int
    notify: Notify

    @property
    def threshold_seconds(self) -> int:
        return self.hub_minutes * self.silent_intervals * 60

    def checked(self, seconds: int) -> str:
        """What is kept in the pair's item once `seconds` was checked against this hub."""
        return f"{seconds}/{self.threshold_seconds}"

    def too_slow(self, seconds: int) -> bool:
        """At the threshold or beyond, a heartbeat that is only a little late is already a gap."""
        return seconds >= self.threshold_seconds

    @classmethod
    def from_environment(cls, environ: Mapping[str, str], notify: Notify) -> IntervalCheck | None:
        """The check the hub's notifier makes, from `HEARTBEAT_INTERVAL_MINUTES` and `SILENT_INTERVALS`; None
        when they are not both set to positive whole numbers (nothing is checked then)."""
        try:
            minutes = int(environ.get("HEARTBEAT_INTERVAL_MINUTES", ""))
            silent = int(environ.get("SILENT_INTERVALS", ""))
        except ValueError:
            return None
        if minutes <= 0 or silent <= 0:
            return None
        return cls(minutes, silent, notify)


def follow_up(
    write: Callable[..., object],
    table: str,
    key: dict[str, Any],
    old_item: object,
    *,
    account_id: str,
    region: str,
    seconds: int,
    check: IntervalCheck,
    now: int,
) -> None:
    """After a heartbeat carrying `seconds` was written (returning the item as it was): keep what was checked,
    and notify a mismatch that is new for this pair, once."""
    old = _attribute(old_item)
    new = check.checked(seconds)
    if old == new:
        return
    # Only the batch whose write finds the old value notifies; the others see theirs refused.
    absent = f"attribute_not_exists({CHECKED_ATTRIBUTE})"
    condition = f"{CHECKED_ATTRIBUTE} = :old" if old is not None else absent
    values = {":new": {"S": new}} | ({":old": {"S": old}} if old is not None else {})
    try:
        write(
            TableName=table,
            Key=key,
            UpdateExpression=f"SET {CHECKED_ATTRIBUTE} = :new",
            ConditionExpression=condition,
            ExpressionAttributeValues=values,
        )
    except Exception as exc:  # the heartbeat is recorded; the next one checks again
        if type(exc).__name__ != "ConditionalCheckFailedException":
            jsonlog.error(
                "heartbeat interval not checked", accountId=account_id, region=region, error=str(exc)
            )
        return
    if not check.too_slow(seconds):
        return
    try:
        check.notify(Mismatch(account_id, region, seconds, check.hub_minutes, check.silent_intervals, now))
    except Exception as exc:  # the next heartbeat tries again: give the claim back
        jsonlog.error(
            "heartbeat interval mismatch not published; the next heartbeat tries again",
            accountId=account_id,
            region=region,
            error=str(exc),
        )
        _release(write, table, key, old, new)


def _release(
    write: Callable[..., object], table: str, key: dict[str, Any], old: str | None, new: str
) -> None:
    update = f"SET {CHECKED_ATTRIBUTE} = :old" if old is not None else f"REMOVE {CHECKED_ATTRIBUTE}"
    values = {":new": {"S": new}} | ({":old": {"S": old}} if old is not None else {})
    try:
        write(
            TableName=table,
            Key=key,
            UpdateExpression=update,
            ConditionExpression=f"{CHECKED_ATTRIBUTE} = :new",
            ExpressionAttributeValues=values,
        )
    except Exception as exc:
        jsonlog.error("heartbeat interval check not released", error=str(exc))


def _attribute(old_item: object) -> str | None:
    attributes = old_item.get("Attributes") if isinstance(old_item, dict) else None
    value = attributes.get(CHECKED_ATTRIBUTE) if isinstance(attributes, dict) else None
    text = value.get("S") if isinstance(value, dict) else None
    return text if isinstance(text, str) else None
