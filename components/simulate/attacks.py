"""Attack sequences in the replay: what a member account's administrator (not root) can do to the monitor.

Each step changes the spoke's resources in moto the way the administrator's API call would, then CloudTrail
hands EventBridge the record of that call *after* it took effect (so a disabled rule never forwards its own
disabling). After the sequence the clock runs `heartbeatSilentIntervals` heartbeat intervals (every
schedule fired, the notifier and the watchdog run as they would), then root acts in the attacked region.
The outcome says which notifications the hub's topic delivered and whether root's act was still notified.

Steps act one at a time, each record delivered before the next change, except the ones made "at once" (within
the CloudTrail→EventBridge delivery delay of each other): the residual risk the docs name.

An attacked account may be under the protection policy (the org stack's service control policy): moto
enforces no SCP, so each call is first evaluated against it (`iam.evaluate`, with AWS's default
FullAWSAccess). A refused call changes nothing, ends the step, and is recorded by CloudTrail with `errorCode`
AccessDenied.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .. import heartbeat
from ..policies import MONITOR_NAME_PREFIX, Policy, put_events_policy
from ..protection import FULL_AWS_ACCESS, monitor_protection_policy
from .accounts import AwsAccounts
from .delivery import EventRouter, Trace
from .events import API_CALL, api_call, assumed_role_identity, envelope, events_for
from .heartbeat_replay import SCHEDULE, fire_heartbeats
from .heartbeat_run import START
from .iam import Caller, KeyPolicyLookup, evaluate
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
STACK_SET_EXECUTION_ROLE = "stacksets-exec-0123456789abcdef0123456789abcdef"
ACCESS_DENIED = "AccessDenied"
Authorization = tuple[str, str]
"""(IAM action, resource ARN) a call needs."""


class Refused(Exception):
    """A call the protection policy refused: nothing changed."""


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
    protection: Policy | None = None
    """The protection SCP the account is under, if any."""
    applied: list[str] = field(default_factory=list)
    """`<call> <resource name>` of every call that took effect."""
    refused: list[str] = field(default_factory=list)
    """`<call> <resource name>` of every call the protection policy refused."""
    refused_to_execution_role: list[str] = field(default_factory=list)
    """Refused calls that the StackSet execution role would be refused too (it must be able to update)."""

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

    def arn(self, kind: str, name: str) -> str:
        """The ARN of a `rule`, `role`, `schedule` or `trail` of the attacked account and region, by name."""
        return {
            "rule": f"arn:aws:events:{self.region}:{self.account}:rule/{name}",
            "role": f"arn:aws:iam::{self.account}:role/{name}",
            "schedule": f"arn:aws:scheduler:{self.region}:{self.account}:schedule/default/{name}",
            "trail": f"arn:aws:cloudtrail:{self.region}:{self.account}:trail/{name}",
        }[kind]

    def _may(self, principal: str, needs: Sequence[Authorization]) -> bool:
        if self.protection is None:
            return True
        caller = Caller(context={"aws:PrincipalArn": principal, "aws:PrincipalAccount": self.account})
        return all(
            evaluate(
                [FULL_AWS_ACCESS, self.protection],
                action=action,
                resource=resource,
                caller=caller,
                resource_based=False,
            ).allowed
            for action, resource in needs
        )

    def act(
        self,
        service: str,
        name: str,
        parameters: dict[str, Any],
        needs: Sequence[Authorization],
        change: Callable[[], object] = lambda: None,
    ) -> None:
        """The administrator's call: refused (recorded with AccessDenied, `Refused` raised) when the
        protection policy denies one of `needs`, else `change` made and the call recorded as CloudTrail
        delivers it (after it took effect)."""
        what = f"{name} {next(iter(parameters.values()))}"
        identity = assumed_role_identity(self.account)
        if not self._may(identity["sessionContext"]["sessionIssuer"]["arn"], needs):
            self.refused.append(what)
            execution_role = self.arn("role", STACK_SET_EXECUTION_ROLE)
            if not self._may(execution_role, needs):
                self.refused_to_execution_role.append(what)
            self.call(service, name, parameters, error=ACCESS_DENIED)
            raise Refused(what)
        change()
        self.applied.append(what)
        self.call(service, name, parameters)

    def call(self, service: str, name: str, parameters: dict[str, Any], error: str | None = None) -> None:
        """Record the administrator's call, as CloudTrail delivers it."""
        detail = api_call(
            assumed_role_identity(self.account),
            service=service,
            name=name,
            read_only=False,
            parameters=parameters,
        )
        if error is not None:
            detail |= {"errorCode": error, "errorMessage": "explicit deny in a service control policy"}
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
        target.act(
            "events",
            "DisableRule",
            {"name": name},
            [("events:DisableRule", target.arn("rule", name))],
            lambda: target.events.disable_rule(Name=name),
        )

    return step


def _remove_targets(kind: str) -> Callable[[Target], None]:
    def step(target: Target) -> None:
        name = target.rule(kind)
        ids = [t["Id"] for t in target.events.list_targets_by_rule(Rule=name)["Targets"]]
        target.act(
            "events",
            "RemoveTargets",
            {"rule": name, "ids": ids},
            [("events:RemoveTargets", target.arn("rule", name))],
            lambda: target.events.remove_targets(Rule=name, Ids=ids),
        )

    return step


def _delete(kind: str) -> Callable[[Target], None]:
    remove_targets = _remove_targets(kind)

    def step(target: Target) -> None:
        remove_targets(target)  # EventBridge deletes no rule that still has targets
        name = target.rule(kind)
        target.act(
            "events",
            "DeleteRule",
            {"name": name},
            [("events:DeleteRule", target.arn("rule", name))],
            lambda: target.events.delete_rule(Name=name),
        )

    return step


def _repattern(kind: str, pattern: Callable[[Target], str]) -> Callable[[Target], None]:
    def step(target: Target) -> None:
        name, text = target.rule(kind), pattern(target)
        # Keeping the state: a PutRule without one makes the rule ENABLED, which read-only heartbeats skip.
        state = target.events.describe_rule(Name=name)["State"]
        target.act(
            "events",
            "PutRule",
            {"name": name, "eventPattern": text},
            [("events:PutRule", target.arn("rule", name))],
            lambda: target.events.put_rule(Name=name, EventPattern=text, State=state),
        )

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
        target.act(
            "iam",
            "DeleteRolePolicy",
            {"roleName": role, "policyName": policy},
            [("iam:DeleteRolePolicy", target.arn("role", role))],
            lambda: target.aws.iam(target.account).delete_role_policy(RoleName=role, PolicyName=policy),
        )

    return step


def _edit_delivery_policy(target: Target) -> None:
    """The delivery role may now put events on another bus only."""
    role, policy = target.role("forward")
    elsewhere = f"arn:aws:events:{target.region}:{target.account}:event-bus/default"
    document = json.dumps(put_events_policy(elsewhere))
    target.act(
        "iam",
        "PutRolePolicy",
        {"roleName": role, "policyName": policy, "policyDocument": document},
        [("iam:PutRolePolicy", target.arn("role", role))],
        lambda: target.aws.iam(target.account).put_role_policy(
            RoleName=role, PolicyName=policy, PolicyDocument=document
        ),
    )


def _delete_schedule(target: Target) -> None:
    name = str(target.resource(SCHEDULE, f"-{target.region}-heartbeat").outputs["name"])
    target.act(
        "scheduler",
        "DeleteSchedule",
        {"name": name},
        [("scheduler:DeleteSchedule", target.arn("schedule", name))],
        lambda: target.aws.scheduler(target.account, target.region).delete_schedule(Name=name),
    )


def _stop_trail(target: Target) -> None:
    # CloudTrail records StopLogging itself, then records nothing more.
    trail = target.arn("trail", "organization")

    def stop() -> None:
        target.stops_trail = True

    target.act("cloudtrail", "StopLogging", {"name": trail}, [("cloudtrail:StopLogging", trail)], stop)


def _relay(rule_name: str, role: Callable[[Target], str]) -> Callable[[Target], None]:
    """A rule of the administrator's own forwarding the account's heartbeats to the hub bus."""

    def step(target: Target) -> None:
        pattern = _heartbeat_pattern(target)
        rule_arn = target.arn("rule", rule_name)
        target.act(
            "events",
            "PutRule",
            {"name": rule_name, "eventPattern": pattern},
            [("events:PutRule", rule_arn)],
            lambda: target.events.put_rule(
                Name=rule_name, EventPattern=pattern, State="ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
            ),
        )
        role_arn = role(target)
        targets = [{"Id": "hub", "Arn": target.hub_bus_arn, "RoleArn": role_arn}]
        # A target with a role is the caller passing that role to EventBridge.
        target.act(
            "events",
            "PutTargets",
            {"rule": rule_name, "targets": targets},
            [("events:PutTargets", rule_arn), ("iam:PassRole", role_arn)],
            lambda: target.events.put_targets(Rule=rule_name, Targets=targets),
        )

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
    arn = target.arn("role", RELAY_ROLE)
    target.act(
        "iam",
        "CreateRole",
        {"roleName": RELAY_ROLE},
        [("iam:CreateRole", arn)],
        lambda: iam.create_role(RoleName=RELAY_ROLE, AssumeRolePolicyDocument=json.dumps(trust)),
    )
    document = json.dumps(put_events_policy(target.hub_bus_arn))
    target.act(
        "iam",
        "PutRolePolicy",
        {"roleName": RELAY_ROLE, "policyName": "relay"},
        [("iam:PutRolePolicy", arn)],
        lambda: iam.put_role_policy(RoleName=RELAY_ROLE, PolicyName="relay", PolicyDocument=document),
    )
    return arn


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
        f"{MONITOR_NAME_PREFIX}forward-relay", _delivery_role
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
    severities: frozenset[str] = frozenset()
    """Severities of those notifications."""
    applied: tuple[str, ...] = ()
    """`<call> <resource name>` of the administrator's calls that took effect."""
    refused: tuple[str, ...] = ()
    """`<call> <resource name>` of the calls the protection policy refused."""
    refused_to_execution_role: tuple[str, ...] = ()
    """Refused calls the StackSet execution role would be refused too."""


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
    stacks: Sequence[SimulatedStack],
    sequences: Sequence[Sequence[str]],
    *,
    hub_bus_arn: str,
    protected: Sequence[bool] = (),
) -> list[Outcome]:
    """Replay the hub and its spokes into a fresh moto, attack spoke i with `sequences[i]` (each step in
    order), run the clock `heartbeatSilentIntervals` intervals, and let root act in every spoke; one outcome
    per sequence. Spoke i is under the protection policy when `protected[i]` (default: none is). Call inside
    an embedded AWS (`run.embedded_aws`).

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
    scp = monitor_protection_policy(hub.account_id)
    flags = list(protected) + [False] * (len(sequences) - len(protected))
    targets = [
        Target(aws, spoke, hub_bus_arn, stopped, protection=scp if flag else None)
        for spoke, flag in zip(spokes[: len(sequences)], flags, strict=True)
    ]

    def router() -> _Router:
        # A fresh router each time: the attack changes the rules a router would remember.
        return _Router(stopped, aws, organization_id=organization, key_policy=key_policy)

    clock = _Clock(aws, stacks, key_policy)
    clock.tick(router(), START)
    baseline = [n for account, region, url in observers for n in read_observer(aws, account, region, url)]
    clock.problems.extend(f"notified before the attack: {n.subject}" for n in baseline)
    for target, steps in zip(targets, sequences, strict=False):
        for name in steps:
            # A refused call changed nothing; the administrator goes on with the next step.
            with contextlib.suppress(Refused):
                STEPS[name](target)
            delivering = router()
            for record in target.records:
                delivering.put_from_cloudtrail(record, Trace())
            target.records.clear()
            if target.stops_trail:
                stopped.add(target.account)
    clock.notify()
    interval, silent = _interval(hub)
    # The attack is over: nothing changes a rule, bus, role or queue policy from here on, so one router
    # remembers them for every later interval and for root's probes.
    after = router()
    for step in range(1, silent + 1):
        clock.tick(after, START + timedelta(minutes=interval * step))
    probes = {
        target.account: next(e for e in events_for(target.account, [target.region]) if e.kind == PROBE)
        for target in targets
    }
    for probe in probes.values():
        after.put_from_cloudtrail(probe.event, Trace())
    clock.notify()
    notes = [n for account, region, url in observers for n in read_observer(aws, account, region, url)]
    attacked = {target.account for target in targets}
    elsewhere = [n.subject for n in notes if n.document.get("account", {}).get("id") not in attacked]
    clock.problems.extend(f"notified about an account nobody attacked: {subject}" for subject in elsewhere)
    outcomes = []
    for target in targets:
        mine = [n for n in notes if n.document.get("account", {}).get("id") == target.account]
        root = [n for n in mine if probes[target.account].event_id in n.event_ids()]
        others = [n for n in mine if n not in root]
        outcomes.append(
            Outcome(
                categories=frozenset(_category(n.document) for n in others),
                root_notified=bool(root),
                problems=tuple(clock.problems),
                severities=frozenset(str(n.document.get("severity")) for n in others),
                applied=tuple(target.applied),
                refused=tuple(target.refused),
                refused_to_execution_role=tuple(target.refused_to_execution_role),
            )
        )
    return outcomes
