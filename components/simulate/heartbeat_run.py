"""The heartbeat phase of a simulation: a heartbeat from every covered (account, region), then, if asked,
a break-it run that breaks one spoke, advances the clock and shows the watchdog's monitoring-gap notice.

Each phase fires every heartbeat schedule at the replay's clock, lets the notifier drain the buffer (it
records heartbeats in the hub's table) and runs the watchdog at the same time, as the schedules would.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from .accounts import AwsAccounts
from .delivery import EventRouter
from .heartbeat_replay import Fired, fire_heartbeats
from .iam import KeyPolicyLookup
from .notifier import run_notifiers
from .observer import read_observer
from .recording import RecordedResource
from .report import DeliveredNotification, HeartbeatRow
from .stacks import SimulatedStack, StackInputError
from .watchdog_task import run_watchdogs, table_refusals

START = datetime(2025, 3, 14, 10, 0, tzinfo=UTC)
GAP_CATEGORY = "monitoring-gap"
HEALTH_CATEGORY = "health"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
RULE = "aws:cloudwatch/eventRule:EventRule"
BUS = "aws:cloudwatch/eventBus:EventBus"


@dataclass
class HeartbeatResult:
    rows: list[HeartbeatRow] = field(default_factory=list)
    gap_notifications: list[DeliveredNotification] = field(default_factory=list)
    health_notifications: list[DeliveredNotification] = field(default_factory=list)
    broken: str | None = None
    """What the break-it run broke, and how far it advanced the clock."""
    problems: list[str] = field(default_factory=list)


def _spoke(stacks: Sequence[SimulatedStack]) -> SimulatedStack:
    return stacks[1] if len(stacks) > 1 else stacks[0]


def _ending(stack: SimulatedStack, type_token: str, suffix: str) -> RecordedResource:
    return next(r for r in stack.recorded.resources if r.type == type_token and r.name.endswith(suffix))


def _root_rule(aws: AwsAccounts, stack: SimulatedStack) -> tuple[Any, str, str]:
    """The events client, name and region of the stack's root-activity rule in its first region, which
    also carries that region's heartbeats."""
    region = stack.file.regions[0]
    rule = _ending(stack, RULE, f"-forward-{region}-rule")
    return aws.events(stack.account_id, region), str(rule.outputs.get("name")), region


def _delete_rule(aws: AwsAccounts, stacks: Sequence[SimulatedStack]) -> str:
    stack = _spoke(stacks)
    events, name, region = _root_rule(aws, stack)
    ids = [t["Id"] for t in events.list_targets_by_rule(Rule=name).get("Targets", [])]
    events.remove_targets(Rule=name, Ids=ids)
    events.delete_rule(Name=name)
    return f"deleted the root-activity forwarding rule {name} of {stack.account_id} in {region}"


def _disable_rule(aws: AwsAccounts, stacks: Sequence[SimulatedStack]) -> str:
    stack = _spoke(stacks)
    events, name, region = _root_rule(aws, stack)
    events.disable_rule(Name=name)
    return f"disabled the root-activity forwarding rule {name} of {stack.account_id} in {region}"


def _delete_policy(suffix: str, what: str) -> Callable[[AwsAccounts, Sequence[SimulatedStack]], str]:
    def delete(aws: AwsAccounts, stacks: Sequence[SimulatedStack]) -> str:
        stack = _spoke(stacks)
        policy = _ending(stack, ROLE_POLICY, suffix)
        role, name = str(policy.inputs["role"]), str(policy.outputs.get("name"))
        aws.iam(stack.account_id).delete_role_policy(RoleName=role, PolicyName=name)
        return f"deleted the {what} policy {name} of {stack.account_id}"

    return delete


def _stop_trail(aws: AwsAccounts, stacks: Sequence[SimulatedStack]) -> str:
    stack = _spoke(stacks)
    region = stack.file.regions[0]
    bucket = f"trail-{stack.account_id}"
    aws.s3(stack.account_id, region).create_bucket(
        Bucket=bucket,
        **({} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}),
    )
    cloudtrail = aws.cloudtrail(stack.account_id, region)
    trail = cloudtrail.create_trail(Name="org-trail", S3BucketName=bucket, IsMultiRegionTrail=True)[
        "TrailARN"
    ]
    cloudtrail.start_logging(Name=trail)
    cloudtrail.stop_logging(Name=trail)
    return f"stopped every trail of {stack.account_id} (no trail logs: CloudTrail delivers nothing)"


def _break_bus_policy(aws: AwsAccounts, stacks: Sequence[SimulatedStack]) -> str:
    hub, stack = stacks[0], _spoke(stacks)
    bus = hub.recorded.one(BUS)
    events = aws.events(hub.account_id, bus.region)
    name = str(bus.outputs.get("name"))
    only_the_hub = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "HubAccountOnly",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{hub.account_id}:root"},
                "Action": "events:PutEvents",
                "Resource": str(bus.arn),
            }
        ],
    }
    events.remove_permission(EventBusName=name, RemoveAllPermissions=True)
    events.put_permission(EventBusName=name, Policy=json.dumps(only_the_hub))
    return f"replaced the hub bus policy of {name}: it no longer admits {stack.account_id}"


def _hub_outage(aws: AwsAccounts, stacks: Sequence[SimulatedStack]) -> str:
    hub = stacks[0]
    bus = hub.recorded.one(BUS)
    events = aws.events(hub.account_id, bus.region)
    name = str(bus.outputs.get("name"))
    for rule in events.list_rules(EventBusName=name).get("Rules", []):
        targets = events.list_targets_by_rule(Rule=rule["Name"], EventBusName=name).get("Targets", [])
        events.remove_targets(Rule=rule["Name"], EventBusName=name, Ids=[t["Id"] for t in targets])
        events.delete_rule(Name=rule["Name"], EventBusName=name)
    events.delete_event_bus(Name=name)
    return (
        f"took the hub bus {name} of {hub.account_id} away, an outage longer than the forwarding retry "
        f"window: every account falls silent, {_spoke(stacks).account_id} included"
    )


BREAKS: dict[str, Callable[[AwsAccounts, Sequence[SimulatedStack]], str]] = {
    "spoke-rule": _delete_rule,
    "disable-spoke-rule": _disable_rule,
    "role-policy": _delete_policy("-forward-role-policy", "delivery role's"),
    "heartbeat-policy": _delete_policy("-heartbeat-role-policy", "heartbeat role's"),
    "trail-stopped": _stop_trail,
    "bus-policy": _break_bus_policy,
    "hub-outage": _hub_outage,
}
"""What `--break` can break: a spoke (the hub when there is none), the hub bus policy or the hub bus. Given
several, each breaks the next spoke in `--spoke` order; `bus-policy` admits none of the spokes afterwards
and `hub-outage` silences every account, whichever spoke they are given."""


class _Phases:
    def __init__(
        self,
        aws: AwsAccounts,
        stacks: Sequence[SimulatedStack],
        organization: str | None,
        key_policy: KeyPolicyLookup,
        observers: list[tuple[str, str, str]],
    ) -> None:
        self.aws = aws
        self.stacks = stacks
        self.organization = organization
        self.key_policy = key_policy
        self.observers = observers
        self.result = HeartbeatResult()

    def run(self, when: datetime) -> list[Fired]:
        # A fresh router: the break may have changed the rules it would otherwise remember.
        router = EventRouter(self.aws, organization_id=self.organization, key_policy=self.key_policy)
        fired = fire_heartbeats(
            self.aws, router, [(s.account_id, s.recorded.resources) for s in self.stacks], when
        )
        for stack in self.stacks:
            self.result.problems.extend(run_notifiers(self.aws, stack.recorded, self.key_policy).problems)
        self.result.problems.extend(run_watchdogs(self.aws, self.stacks[0].recorded, self.key_policy, when))
        for account, region, url in self.observers:
            for note in read_observer(self.aws, account, region, url):
                if note.document.get("category") == GAP_CATEGORY:
                    self.result.gap_notifications.append(note)
                elif note.document.get("category") == HEALTH_CATEGORY:
                    # A heartbeat slower than the hub's watchdog tolerates (a stack set up by hand).
                    self.result.health_notifications.append(note)
                else:
                    self.result.problems.append(f"a heartbeat was notified: {note.subject}")
        return fired

    def last_heard(self, account: str, region: str) -> int | None:
        # The heartbeat table is the hub's table keyed by (account, region); the posture table has no range.
        table = next(
            t for t in self.stacks[0].recorded.of_type("aws:dynamodb/table:Table") if t.inputs.get("rangeKey")
        )
        item = (
            self.aws.dynamodb(self.stacks[0].account_id, table.region)
            .get_item(
                TableName=str(table.outputs.get("name")),
                Key={"accountId": {"S": account}, "region": {"S": region}},
            )
            .get("Item", {})
        )
        heard = item.get("lastHeard", {}).get("N")
        return int(heard) if heard is not None else None


def check_breaks(breaks: Sequence[str], stacks: Sequence[SimulatedStack]) -> None:
    """Refuse, before anything runs, more heartbeat breaks than there are spokes to give them to."""
    breakages = [name for name in breaks if name in BREAKS]
    spokes = len(stacks) - 1
    if len(breakages) > max(1, spokes):
        message = (
            f"{len(breakages)} heartbeat breaks ({', '.join(breakages)}) but {spokes} spoke stack"
            f"{'' if spokes == 1 else 's'}: each break takes the next spoke, so give one spoke per break"
        )
        raise StackInputError(message)


def _targets(stacks: Sequence[SimulatedStack], breakages: Sequence[str]) -> list[list[SimulatedStack]]:
    """The stacks each break is given: the hub and the next spoke in order (the hub alone if none);
    `check_breaks` refused more breaks than spokes before the replay began."""
    hub, spokes = stacks[0], list(stacks[1:])
    return [[hub, spokes[i]] if spokes else [hub] for i in range(len(breakages))]


def replay_heartbeats(
    aws: AwsAccounts,
    stacks: Sequence[SimulatedStack],
    *,
    organization_id: str | None,
    key_policy: KeyPolicyLookup,
    observers: list[tuple[str, str, str]],
    breakages: Sequence[str] = (),
) -> HeartbeatResult:
    """Fire every heartbeat once and check it arrived; with `breakages`, break one thing per spoke (the
    first break the first spoke, the next the next) and see the gaps notified."""
    phases = _Phases(aws, stacks, organization_id, key_policy, observers)
    result = phases.result
    result.problems.extend(table_refusals(aws, stacks[0].recorded))
    for beat in phases.run(START):
        arrived = phases.last_heard(beat.account_id, beat.region) == int(START.timestamp())
        why = "recorded by the hub" if arrived else (beat.trace.drops[:1] or [beat.reason])[0]
        result.rows.append(HeartbeatRow(beat.account_id, beat.region, arrived, why))
    if not breakages:
        return result
    targets = _targets(stacks, breakages)
    watchdog = next(
        (
            f
            for f in stacks[0].recorded.of_type("aws:lambda/function:Function")
            if "HEARTBEAT_INTERVAL_MINUTES" in str(f.inputs.get("environment"))
        ),
        None,
    )
    if watchdog is None:
        result.problems.append("--break needs a hub with a heartbeat watchdog; the hub stack has none")
        return result
    variables = watchdog.inputs["environment"]["variables"]
    interval, silent = int(variables["HEARTBEAT_INTERVAL_MINUTES"]), int(variables["SILENT_INTERVALS"])
    broke = [BREAKS[name](aws, target) for name, target in zip(breakages, targets, strict=True)]
    for step in range(1, silent + 1):
        phases.run(START + timedelta(minutes=interval * step))
    result.broken = f"{'; '.join(broke)}; then advanced the clock {silent} intervals of {interval} min"
    return result
