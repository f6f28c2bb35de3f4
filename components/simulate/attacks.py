"""Attack sequences in the replay: what a member account's administrator (not root) can do to the monitor.

Each step changes the spoke's resources in moto the way the administrator's API call would, then CloudTrail
hands EventBridge the record of that call *after* it took effect (so a disabled rule never forwards its own
disabling). After the sequence the clock runs `heartbeatSilentIntervals` heartbeat intervals (every
schedule fired, the notifier and the watchdog run as they would), then root acts in the attacked region.
The outcome says which notifications the hub's topic delivered and whether root's act was still notified.

Steps act one at a time, each record delivered before the next change: changes made within the
CloudTrail→EventBridge delivery delay of each other are a residual risk the docs name, not replayed here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .. import heartbeat
from ..policies import put_events_policy
from ..program import COMPONENT_NAME
from .accounts import AwsAccounts
from .delivery import EventRouter, Trace
from .events import API_CALL, api_call, assumed_role_identity, envelope, events_for
from .heartbeat_replay import SCHEDULE, fire_heartbeats
from .heartbeat_run import START
from .iam import KeyPolicyLookup
from .notifier import run_notifiers
from .observer import read_observer, subscribe_observers
from .recording import RecordedResource
from .resources import replay
from .stacks import SimulatedStack, key_policy_lookup

RULE = "aws:cloudwatch/eventRule:EventRule"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ROOT_CATEGORY = "root-activity"
PROBE = "root API call"
"""The root act after the attack: a write call in the attacked region."""
RELAY_RULE = "heartbeat-relay"
RELAY_ROLE = "heartbeat-relay"


class _Router(EventRouter):
    """EventRouter that drops CloudTrail's deliveries from accounts whose trail stopped logging."""

    def __init__(self, stopped: set[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stopped = stopped

    def put_from_cloudtrail(self, event: dict[str, Any], trace: Trace) -> None:
        if str(event["account"]) in self.stopped:
            trace.drops.append(f"the trail of {event['account']} is not logging")
            return
        super().put_from_cloudtrail(event, trace)


@dataclass
class Target:
    """The attacked spoke: its account, region and the monitor resources the steps act on."""

    aws: AwsAccounts
    stack: SimulatedStack
    hub_bus_arn: str
    stopped: set[str] = field(default_factory=set)
    records: list[dict[str, Any]] = field(default_factory=list)
    stops_trail: bool = False
    """Set by a step whose trail stops logging once its own record is delivered."""

    @property
    def account(self) -> str:
        return self.stack.account_id

    @property
    def region(self) -> str:
        return self.stack.file.regions[0]

    def resource(self, type_token: str, suffix: str) -> RecordedResource:
        return next(
            r for r in self.stack.recorded.resources if r.type == type_token and r.name.endswith(suffix)
        )

    def rule(self, kind: str) -> str:
        suffix = "rule" if kind == "root" else f"{kind}-rule"
        return str(self.resource(RULE, f"-{self.region}-{suffix}").outputs["name"])

    def role(self, kind: str) -> tuple[str, str]:
        """(role name, inline policy name) of the delivery (`forward`) or `heartbeat` role."""
        policy = self.resource(ROLE_POLICY, f"-{kind}-role-policy")
        return str(policy.inputs["role"]), str(policy.outputs["name"])

    def call(self, service: str, name: str, parameters: dict[str, Any]) -> None:
        """Record the administrator's call, as CloudTrail delivers it (after it took effect)."""
        detail = api_call(
            assumed_role_identity(self.account),
            service=service,
            name=name,
            read_only=False,
            parameters=parameters,
        )
        kind = f"attack {len(self.records)} {name}"
        self.records.append(
            envelope(
                kind,
                account_id=self.account,
                region=self.region,
                detail_type=API_CALL,
                detail=detail,
                offset=3600 + len(self.records),
            )
        )

    @property
    def events(self) -> Any:
        return self.aws.events(self.account, self.region)


def _disable(kind: str) -> Callable[[Target], None]:
    def step(target: Target) -> None:
        name = target.rule(kind)
        target.events.disable_rule(Name=name)
        target.call("events", "DisableRule", {"name": name})

    return step


def _remove_targets(kind: str) -> Callable[[Target], None]:
    def step(target: Target) -> None:
        name = target.rule(kind)
        ids = [t["Id"] for t in target.events.list_targets_by_rule(Rule=name)["Targets"]]
        target.events.remove_targets(Rule=name, Ids=ids)
        target.call("events", "RemoveTargets", {"rule": name, "ids": ids})

    return step


def _delete(kind: str) -> Callable[[Target], None]:
    remove_targets = _remove_targets(kind)

    def step(target: Target) -> None:
        remove_targets(target)  # EventBridge deletes no rule that still has targets
        name = target.rule(kind)
        target.events.delete_rule(Name=name)
        target.call("events", "DeleteRule", {"name": name})

    return step


def _repattern(kind: str, pattern: Callable[[Target], str]) -> Callable[[Target], None]:
    def step(target: Target) -> None:
        name, text = target.rule(kind), pattern(target)
        # Keeping the state: a PutRule without one makes the rule ENABLED, which read-only heartbeats skip.
        state = target.events.describe_rule(Name=name)["State"]
        target.events.put_rule(Name=name, EventPattern=text, State=state)
        target.call("events", "PutRule", {"name": name, "eventPattern": text})

    return step


def _heartbeat_pattern(target: Target) -> str:
    """The account's heartbeats and nothing else: the heartbeat alternative of the root-activity rule's
    pattern (root activity or this role's heartbeats), without the root one."""
    role_name, _ = target.role("heartbeat")
    role_arn = target.aws.iam(target.account).get_role(RoleName=role_name)["Role"]["Arn"]
    _root, beats = json.loads(heartbeat.forwarding_pattern(role_arn))["$or"]
    return json.dumps(beats)


def _nothing_pattern(_target: Target) -> str:
    return json.dumps({"source": ["nothing.at.all"]})


def _delete_policy(kind: str) -> Callable[[Target], None]:
    def step(target: Target) -> None:
        role, policy = target.role(kind)
        target.aws.iam(target.account).delete_role_policy(RoleName=role, PolicyName=policy)
        target.call("iam", "DeleteRolePolicy", {"roleName": role, "policyName": policy})

    return step


def _edit_delivery_policy(target: Target) -> None:
    """The delivery role may now put events on another bus only."""
    role, policy = target.role("forward")
    elsewhere = f"arn:aws:events:{target.region}:{target.account}:event-bus/default"
    document = json.dumps(put_events_policy(elsewhere))
    target.aws.iam(target.account).put_role_policy(RoleName=role, PolicyName=policy, PolicyDocument=document)
    target.call("iam", "PutRolePolicy", {"roleName": role, "policyName": policy, "policyDocument": document})


def _delete_schedule(target: Target) -> None:
    name = str(target.resource(SCHEDULE, f"-{target.region}-heartbeat").outputs["name"])
    target.aws.scheduler(target.account, target.region).delete_schedule(Name=name)
    target.call("scheduler", "DeleteSchedule", {"name": name})


def _stop_trail(target: Target) -> None:
    # CloudTrail records StopLogging itself, then records nothing more.
    trail = f"arn:aws:cloudtrail:{target.region}:{target.account}:trail/organization"
    target.call("cloudtrail", "StopLogging", {"name": trail})
    target.stops_trail = True


def _relay(rule_name: str, role: Callable[[Target], str]) -> Callable[[Target], None]:
    """A rule of the administrator's own forwarding the account's heartbeats to the hub bus."""

    def step(target: Target) -> None:
        pattern = _heartbeat_pattern(target)
        target.events.put_rule(
            Name=rule_name, EventPattern=pattern, State="ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
        )
        target.call("events", "PutRule", {"name": rule_name, "eventPattern": pattern})
        role_arn = role(target)
        targets = [{"Id": "hub", "Arn": target.hub_bus_arn, "RoleArn": role_arn}]
        target.events.put_targets(Rule=rule_name, Targets=targets)
        target.call("events", "PutTargets", {"rule": rule_name, "targets": targets})

    return step


def _delivery_role(target: Target) -> str:
    role, _ = target.role("forward")
    return str(target.aws.iam(target.account).get_role(RoleName=role)["Role"]["Arn"])


def _own_role(target: Target) -> str:
    iam = target.aws.iam(target.account)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    arn = iam.create_role(RoleName=RELAY_ROLE, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    target.call("iam", "CreateRole", {"roleName": RELAY_ROLE})
    document = json.dumps(put_events_policy(target.hub_bus_arn))
    iam.put_role_policy(RoleName=RELAY_ROLE, PolicyName="relay", PolicyDocument=document)
    target.call("iam", "PutRolePolicy", {"roleName": RELAY_ROLE, "policyName": "relay"})
    return str(arn)


def _at_once(*steps: Callable[[Target], None]) -> Callable[[Target], None]:
    """Several changes made before CloudTrail delivers the record of the first (seconds to minutes apart)."""

    def step(target: Target) -> None:
        for each in steps:
            each(target)

    return step


STEPS: dict[str, Callable[[Target], None]] = {
    "disable tamper rule": _disable("tamper"),
    "delete tamper rule": _delete("tamper"),
    "re-pattern tamper rule": _repattern("tamper", _nothing_pattern),
    "disable root rule": _disable("root"),
    "delete root rule": _delete("root"),
    "re-pattern root rule to heartbeats": _repattern("root", _heartbeat_pattern),
    "remove root rule targets": _remove_targets("root"),
    "delete delivery role policy": _delete_policy("forward"),
    "edit delivery role policy": _edit_delivery_policy,
    "delete heartbeat role policy": _delete_policy("heartbeat"),
    "delete heartbeat schedule": _delete_schedule,
    "stop trail": _stop_trail,
    "relay heartbeats with the delivery role": _relay(RELAY_RULE, _delivery_role),
    "relay heartbeats with an own role": _relay(RELAY_RULE, _own_role),
    # Named like the monitor's rules, so the delivery role's trust admits it.
    "relay heartbeats under the monitor's rule names": _relay(
        f"{COMPONENT_NAME}-forward-relay", _delivery_role
    ),
    # The residual risk: each rule's change lands before the other's record is delivered.
    "disable tamper rule and re-pattern root rule at once": _at_once(
        _disable("tamper"), _repattern("root", _heartbeat_pattern)
    ),
    "disable tamper rule and root rule at once": _at_once(_disable("tamper"), _disable("root")),
}
"""What a member account's administrator can do to the monitor in its account, by name."""


@dataclass(frozen=True)
class Outcome:
    """What the hub's topic delivered after an attack sequence."""

    categories: frozenset[str]
    """Categories of the notifications about the attacked account, the root act's own aside."""
    root_notified: bool
    """Whether root's act after the attack was still notified."""
    problems: tuple[str, ...]
    """What went wrong in the replay itself, or was notified when it should not have been (any sequence)."""


def _category(document: dict[str, Any]) -> str:
    return str(document.get("category") or ROOT_CATEGORY)


class _Clock:
    def __init__(
        self, aws: AwsAccounts, stacks: Sequence[SimulatedStack], key_policy: KeyPolicyLookup
    ) -> None:
        self.aws, self.stacks, self.key_policy = aws, stacks, key_policy
        self.problems: list[str] = []

    def notify(self) -> None:
        for stack in self.stacks:
            self.problems.extend(run_notifiers(self.aws, stack.recorded, self.key_policy).problems)

    def tick(self, router: EventRouter, when: datetime) -> None:
        """One heartbeat interval: every schedule fires, the notifier drains, the watchdog runs."""
        from .watchdog_task import run_watchdogs  # noqa: PLC0415 - keeps this module's imports light

        fire_heartbeats(self.aws, router, [(s.account_id, s.recorded.resources) for s in self.stacks], when)
        self.notify()
        self.problems.extend(run_watchdogs(self.aws, self.stacks[0].recorded, self.key_policy, when))


def _interval(hub: SimulatedStack) -> tuple[int, int]:
    watchdog = next(
        f
        for f in hub.recorded.of_type("aws:lambda/function:Function")
        if "HEARTBEAT_INTERVAL_MINUTES" in str(f.inputs.get("environment"))
    )
    variables = watchdog.inputs["environment"]["variables"]
    return int(variables["HEARTBEAT_INTERVAL_MINUTES"]), int(variables["SILENT_INTERVALS"])


def run_attacks(
    stacks: Sequence[SimulatedStack], sequences: Sequence[Sequence[str]], *, hub_bus_arn: str
) -> list[Outcome]:
    """Replay the hub and its spokes into a fresh moto, attack spoke i with `sequences[i]` (each step in
    order), run the clock `heartbeatSilentIntervals` intervals, and let root act in every spoke; one outcome
    per sequence. Call inside an embedded AWS (`run.embedded_aws`).

    The spokes share one replay (and one clock) to keep the table cheap: each is its own account, and every
    notification names one account, so no attack's outcome can be mistaken for another's.
    """
    hub, spokes = stacks[0], stacks[1:]
    if len(spokes) < len(sequences):
        message = f"{len(sequences)} attack sequences need as many spoke stacks; {len(spokes)} were recorded"
        raise ValueError(message)
    aws = AwsAccounts()
    replay(aws, [(stack.account_id, list(stack.recorded.resources)) for stack in stacks])
    observers = subscribe_observers(aws, hub)
    organization = hub.file.value("organizationId")
    key_policy = key_policy_lookup(list(stacks))
    stopped: set[str] = set()
    targets = [Target(aws, spoke, hub_bus_arn, stopped) for spoke in spokes[: len(sequences)]]

    def router() -> _Router:
        # A fresh router each time: the attack changes the rules a router would remember.
        return _Router(stopped, aws, organization_id=organization, key_policy=key_policy)

    clock = _Clock(aws, stacks, key_policy)
    clock.tick(router(), START)
    baseline = [n for account, region, url in observers for n in read_observer(aws, account, region, url)]
    clock.problems.extend(f"notified before the attack: {n.subject}" for n in baseline)
    for target, steps in zip(targets, sequences, strict=False):
        for name in steps:
            STEPS[name](target)
            delivering = router()
            for record in target.records:
                delivering.put_from_cloudtrail(record, Trace())
            target.records.clear()
            if target.stops_trail:
                stopped.add(target.account)
    clock.notify()
    interval, silent = _interval(hub)
    for step in range(1, silent + 1):
        clock.tick(router(), START + timedelta(minutes=interval * step))
    probes = {
        target.account: next(e for e in events_for(target.account, [target.region]) if e.kind == PROBE)
        for target in targets
    }
    probing = router()
    for probe in probes.values():
        probing.put_from_cloudtrail(probe.event, Trace())
    clock.notify()
    notes = [n for account, region, url in observers for n in read_observer(aws, account, region, url)]
    attacked = {target.account for target in targets}
    elsewhere = [n.subject for n in notes if n.document.get("account", {}).get("id") not in attacked]
    clock.problems.extend(f"notified about an account nobody attacked: {subject}" for subject in elsewhere)
    outcomes = []
    for target in targets:
        mine = [n for n in notes if n.document.get("account", {}).get("id") == target.account]
        root = [n for n in mine if probes[target.account].event_id in n.event_ids()]
        outcomes.append(
            Outcome(
                categories=frozenset(_category(n.document) for n in mine if n not in root),
                root_notified=bool(root),
                problems=tuple(clock.problems),
            )
        )
    return outcomes
