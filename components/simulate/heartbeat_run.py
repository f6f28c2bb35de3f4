"""The heartbeat phase of a simulation: a heartbeat from every covered (account, region), then, if asked,
a break-it run that breaks one spoke, advances the clock and shows the watchdog's monitoring-gap notice.

Each phase fires every heartbeat schedule at the replay's clock, lets the notifier drain the buffer (it
records heartbeats in the hub's table) and runs the watchdog at the same time, as the schedules would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from .accounts import AwsAccounts
from .delivery import EventRouter
from .heartbeat_replay import Fired, fire_heartbeats
from .iam import KeyPolicyLookup
from .notifier import run_notifiers
from .observer import read_observer
from .recording import RecordedResource
from .report import HeartbeatRow, Notification
from .stacks import SimulatedStack
from .watchdog_task import run_watchdogs, table_refusals

START = datetime(2025, 3, 14, 10, 0, tzinfo=UTC)
GAP_CATEGORY = "monitoring-gap"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"


@dataclass
class HeartbeatResult:
    rows: list[HeartbeatRow] = field(default_factory=list)
    gap_notifications: list[Notification] = field(default_factory=list)
    broken: str | None = None
    """What the break-it run broke, and how far it advanced the clock."""
    problems: list[str] = field(default_factory=list)


def _spoke(stacks: Sequence[SimulatedStack]) -> SimulatedStack:
    return stacks[1] if len(stacks) > 1 else stacks[0]


def _ending(stack: SimulatedStack, type_token: str, suffix: str) -> RecordedResource:
    return next(r for r in stack.recorded.resources if r.type == type_token and r.name.endswith(suffix))


def _delete_rule(aws: AwsAccounts, stack: SimulatedStack) -> str:
    region = stack.file.regions[0]
    rule = _ending(stack, "aws:cloudwatch/eventRule:EventRule", f"-{region}-heartbeat-rule")
    events, name = aws.events(stack.account_id, region), str(rule.outputs.get("name"))
    ids = [t["Id"] for t in events.list_targets_by_rule(Rule=name).get("Targets", [])]
    events.remove_targets(Rule=name, Ids=ids)
    events.delete_rule(Name=name)
    return f"deleted the heartbeat forwarding rule {name} of {stack.account_id} in {region}"


def _delete_policy(suffix: str, what: str) -> Callable[[AwsAccounts, SimulatedStack], str]:
    def delete(aws: AwsAccounts, stack: SimulatedStack) -> str:
        policy = _ending(stack, ROLE_POLICY, suffix)
        role, name = str(policy.inputs["role"]), str(policy.outputs.get("name"))
        aws.iam(stack.account_id).delete_role_policy(RoleName=role, PolicyName=name)
        return f"deleted the {what} policy {name} of {stack.account_id}"

    return delete


BREAKS: dict[str, Callable[[AwsAccounts, SimulatedStack], str]] = {
    "spoke-rule": _delete_rule,
    "role-policy": _delete_policy("-forward-role-policy", "delivery role's"),
    "heartbeat-policy": _delete_policy("-heartbeat-role-policy", "heartbeat role's"),
}
"""What `--break` can break in the first spoke (the hub when there is none)."""


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


def replay_heartbeats(
    aws: AwsAccounts,
    stacks: Sequence[SimulatedStack],
    *,
    organization_id: str | None,
    key_policy: KeyPolicyLookup,
    observers: list[tuple[str, str, str]],
    breakage: str | None = None,
) -> HeartbeatResult:
    """Fire every heartbeat once and check it arrived; with `breakage`, break one and see the gap notified."""
    phases = _Phases(aws, stacks, organization_id, key_policy, observers)
    result = phases.result
    result.problems.extend(table_refusals(aws, stacks[0].recorded))
    for beat in phases.run(START):
        arrived = phases.last_heard(beat.account_id, beat.region) == int(START.timestamp())
        why = "recorded by the hub" if arrived else (beat.trace.drops[:1] or [beat.reason])[0]
        result.rows.append(HeartbeatRow(beat.account_id, beat.region, arrived, why))
    if breakage is None:
        return result
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
    broke = BREAKS[breakage](aws, _spoke(stacks))
    for step in range(1, silent + 1):
        phases.run(START + timedelta(minutes=interval * step))
    result.broken = f"{broke}; then advanced the clock {silent} intervals of {interval} min"
    return result
