"""EventBridge delivery for the replay: moto holds the buses, rules, targets and policies; this applies them.

Probing moto 5 showed where its own `put_events` departs from EventBridge, so the replay delivers events
itself from what moto holds (read back through the API), and matches patterns with moto's matcher:
- moto delivers to rules in any state; EventBridge skips DISABLED rules, and read-only management events
  (Describe/Get/List) from CloudTrail reach only rules in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS.
- moto forwards to another bus without checking that bus's policy; EventBridge refuses the PutEvents unless
  the policy allows the sender (and grants through aws:PrincipalOrgID only reach senders that name a role).
- moto rewrites a forwarded event (new id, the target's account and region, no resources); EventBridge
  keeps the envelope, which is how the hub knows which account the root user acted in.
- moto allows chains of bus-to-bus hops; EventBridge forwards over one hop only.
- moto ignores queue policies and KMS key policies; EventBridge needs both to write to a queue (target or
  dead-letter queue), and sends events it could not deliver to the target's dead-letter queue.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from moto.events.models import EventPattern

from ..arns import Arn, parse_arn, queue_url
from ..event_pattern import API_CALL_DETAIL_TYPE, AWS_SOURCE_PREFIX, ROOT_ACTIVITY_RULE_STATE
from ..policies import EVENTS_SERVICE
from .accounts import AwsAccounts
from .iam import Caller, KeyPolicyLookup, evaluate, service_may_assume


@dataclass
class Trace:
    """Where one driven event went: the hops it made and why it stopped where it did."""

    steps: list[str] = field(default_factory=list)
    drops: list[str] = field(default_factory=list)
    queued: list[str] = field(default_factory=list)
    """ARNs of the queues the event was written to."""
    dead_letters: list[str] = field(default_factory=list)
    """What became of events a target refused: the dead-letter queue they went to, or why they were lost."""


@dataclass(frozen=True)
class _Rule:
    name: str
    arn: str
    state: str
    pattern: EventPattern
    targets: list[dict[str, Any]]


@dataclass(frozen=True)
class _Bus:
    arn: str
    policy: str | None
    rules: list[_Rule]


def _arn(text: str) -> Arn:
    arn = parse_arn(text)
    if arn is None:
        message = f"moto holds a malformed ARN: {text!r}"
        raise ValueError(message)
    return arn


def _is_read_only_management(event: Mapping[str, Any]) -> bool:
    detail = event.get("detail") or {}
    return event.get("detail-type") == API_CALL_DETAIL_TYPE and detail.get("readOnly") is True


class EventRouter:
    """Delivers events the way EventBridge would, between the buses and queues moto holds."""

    def __init__(self, aws: AwsAccounts, *, organization_id: str | None, key_policy: KeyPolicyLookup) -> None:
        self._aws = aws
        self._organization_id = organization_id
        self._key_policy = key_policy
        self._buses: dict[tuple[str, str, str], _Bus | None] = {}
        # A queue's policy and key, read once: moto counts every message of the queue on each attribute
        # read, which made a replay that fills the buffer queue quadratic. Like the buses, read at first use.
        self._queues: dict[str, dict[str, str] | None] = {}
        self._roles: dict[tuple[str, str], tuple[Any, list[Any] | None]] = {}
        """(account, role name) → its trust policy and inline policies, read at first use too."""
        self._trail_logging: dict[tuple[str, str], bool] = {}

    def _bus(self, account: str, region: str, name: str) -> _Bus | None:
        key = (account, region, name)
        if key not in self._buses:
            self._buses[key] = self._read_bus(account, region, name)
        return self._buses[key]

    def _read_bus(self, account: str, region: str, name: str) -> _Bus | None:
        events = self._aws.events(account, region)
        try:
            described = events.describe_event_bus(Name=name)
        except events.exceptions.ResourceNotFoundException:
            return None
        rules: list[_Rule] = []
        for rule in events.list_rules(EventBusName=name).get("Rules", []):
            if "EventPattern" not in rule:
                continue  # scheduled rules never see CloudTrail events
            targets = events.list_targets_by_rule(Rule=rule["Name"], EventBusName=name).get("Targets", [])
            rules.append(
                _Rule(
                    name=rule["Name"],
                    arn=rule["Arn"],
                    state=rule.get("State", "ENABLED"),
                    pattern=EventPattern.load(rule["EventPattern"]),
                    targets=[dict(target) for target in targets],
                )
            )
        return _Bus(arn=described["Arn"], policy=described.get("Policy"), rules=rules)

    def _trail_is_logging(self, account: str, region: str) -> bool:
        """Whether CloudTrail delivers in this account and region. The replay assumes a logging trail (the
        organization trail the monitor needs) unless the account has trails in moto and none logs."""
        key = (account, region)
        if key not in self._trail_logging:
            cloudtrail = self._aws.cloudtrail(account, region)
            trails = cloudtrail.describe_trails(includeShadowTrails=True).get("trailList", [])
            self._trail_logging[key] = not trails or any(
                cloudtrail.get_trail_status(Name=trail["TrailARN"]).get("IsLogging") for trail in trails
            )
        return self._trail_logging[key]

    def put_from_cloudtrail(self, event: dict[str, Any], trace: Trace) -> None:
        """CloudTrail's delivery of `event` to the default bus of its own account and region."""
        account, region = str(event["account"]), str(event["region"])
        if not self._trail_is_logging(account, region):
            trace.drops.append(f"no trail is logging in {account} {region}: CloudTrail delivers nothing")
            return
        self._deliver_to_bus(
            event,
            account=str(event["account"]),
            region=str(event["region"]),
            bus_name="default",
            hop=0,
            trace=trace,
        )

    def put_events_from_account(self, event: dict[str, Any], sender: str, bus_arn: str, trace: Trace) -> None:
        """A member account's own `PutEvents` of a custom event onto `bus_arn`, as EventBridge handles it:
        sources starting with "aws." are refused, and the envelope's account becomes the caller's."""
        source = str(event.get("source", ""))
        if source.startswith(AWS_SOURCE_PREFIX):
            trace.drops.append(
                f"PutEvents refused: account {sender} may not use the source {source!r} (aws. is reserved)"
            )
            return
        bus = _arn(bus_arn)
        context = {"aws:PrincipalAccount": sender}
        if self._organization_id:  # every simulated account is a member of the hub's organization
            context["aws:PrincipalOrgID"] = self._organization_id
        caller = Caller(account_id=sender, arn=f"arn:aws:iam::{sender}:role/forger", context=context)
        described = self._bus(bus.account_id, bus.region, bus.resource_name)
        policy = described.policy if described is not None else None
        allowed = (
            bus.account_id == sender
            or evaluate(
                [policy], action="events:PutEvents", resource=bus_arn, caller=caller, resource_based=True
            ).allowed
        )
        if not allowed:
            trace.drops.append(f"PutEvents refused: the policy of {bus_arn} does not allow account {sender}")
            return
        delivered = {**event, "account": sender, "region": bus.region}
        trace.steps.append(f"account {sender} put a custom event on {bus_arn}")
        self._deliver_to_bus(
            delivered,
            account=bus.account_id,
            region=bus.region,
            bus_name=bus.resource_name,
            hop=0,
            trace=trace,
        )

    def _deliver_to_bus(
        self, event: dict[str, Any], *, account: str, region: str, bus_name: str, hop: int, trace: Trace
    ) -> None:
        bus = self._bus(account, region, bus_name)
        where = f"{bus_name} bus of {account} in {region}"
        if bus is None:
            trace.drops.append(f"the {where} does not exist")
            return
        if not bus.rules:
            gap = f"no rule in {region}" if bus_name == "default" else f"no rule on the {where}"
            trace.drops.append(gap)
            return
        matched = False
        for rule in bus.rules:
            if rule.state == "DISABLED":
                trace.drops.append(f"rule {rule.name} in {region} is DISABLED")
                continue
            if hop == 0 and rule.state != ROOT_ACTIVITY_RULE_STATE and _is_read_only_management(event):
                trace.drops.append(
                    f"rule {rule.name} in {region} is {rule.state}, so read-only calls skip it "
                    f"(needs {ROOT_ACTIVITY_RULE_STATE})"
                )
                continue
            if not rule.pattern.matches_event(event):  # type: ignore[arg-type]  # moto's TypedDict
                continue
            matched = True
            trace.steps.append(f"matched rule {rule.name} on the {where}")
            for target in rule.targets:
                self._deliver_to_target(event, rule, target, hop, trace)
        if not matched and not trace.drops:
            trace.drops.append(f"no rule on the {where} matches this event")

    def _deliver_to_target(
        self, event: dict[str, Any], rule: _Rule, target: Mapping[str, Any], hop: int, trace: Trace
    ) -> None:
        target_arn, rule_arn = _arn(str(target["Arn"])), _arn(rule.arn)
        service, region, account = target_arn.service, target_arn.region, target_arn.account_id
        rule_region, rule_account = rule_arn.region, rule_arn.account_id
        if service == "events" and target_arn.resource.startswith("event-bus/"):
            if hop >= 1:
                trace.drops.append(
                    f"rule {rule.name} would forward a second time; EventBridge allows one hop"
                )
                return
            refusal = self._refuse_put_events(rule, target, sender=rule_account)
            if refusal:
                self._dead_letter(event, rule, target, refusal, trace)
                return
            trace.steps.append(f"forwarded to {target['Arn']}")
            self._deliver_to_bus(
                event,
                account=account,
                region=region,
                bus_name=target_arn.resource_name,
                hop=hop + 1,
                trace=trace,
            )
        elif service == "sqs":
            if region != rule_region:
                trace.drops.append(
                    f"rule {rule.name} targets a queue in {region}; SQS targets must be in {rule_region}"
                )
                return
            refusal = self._refuse_queue_write(str(target["Arn"]), rule.arn, rule_account)
            if refusal:
                self._dead_letter(event, rule, target, refusal, trace)
                return
            self._aws.sqs(account, region).send_message(
                QueueUrl=queue_url(str(target["Arn"])), MessageBody=json.dumps(event)
            )
            trace.steps.append(f"written to {target['Arn']}")
            trace.queued.append(str(target["Arn"]))
        else:
            trace.drops.append(
                f"rule {rule.name} targets {target['Arn']}; the replay does not model {service} targets"
            )

    def _refuse_put_events(self, rule: _Rule, target: Mapping[str, Any], *, sender: str) -> str | None:
        """Why EventBridge would refuse to put the event on the target bus, or None when it may."""
        bus_arn = str(target["Arn"])
        bus_target = _arn(bus_arn)
        context = {"aws:PrincipalAccount": sender}
        caller_arn = None
        role_arn = target.get("RoleArn")
        if role_arn:
            problem = self._refuse_role(rule, sender, str(role_arn), "events:PutEvents", bus_arn)
            if problem:
                return problem
            caller_arn = str(role_arn)
            context["aws:PrincipalArn"] = caller_arn
            # Every simulated account is treated as a member of the hub's organization. AWS evaluates the
            # organization condition only for a role's session: an account-level sender has no org ID.
            if self._organization_id:
                context["aws:PrincipalOrgID"] = self._organization_id
        if bus_target.account_id == sender:
            return None  # same account: the sender's own permissions suffice
        bus = self._bus(bus_target.account_id, bus_target.region, bus_target.resource_name)
        if bus is None:
            return f"target bus {bus_arn} does not exist"
        decision = evaluate(
            [bus.policy],
            action="events:PutEvents",
            resource=bus_arn,
            caller=Caller(account_id=sender, arn=caller_arn, context=context),
            resource_based=True,
        )
        if decision.allowed:
            return None
        how = "" if role_arn else " (grants through the organization need a RoleArn on the target)"
        return f"the policy of {bus_arn} does not allow account {sender} to put events{how}"

    def _refuse_role(
        self, rule: _Rule, account: str, role_arn: str, action: str, resource: str
    ) -> str | None:
        role_name = _arn(role_arn).resource_name
        if (account, role_name) not in self._roles:
            self._roles[(account, role_name)] = (
                self._aws.role_trust_policy(account, role_name),
                self._aws.inline_role_policies(account, role_name),
            )
        trust, inline = self._roles[(account, role_name)]
        if trust is None:
            return f"delivery role {role_arn} does not exist"
        if not service_may_assume(
            trust, role_arn=role_arn, service=EVENTS_SERVICE, source_account=account, source_arn=rule.arn
        ):
            return f"role {role_arn} does not trust {EVENTS_SERVICE}"
        documents = inline or []
        decision = evaluate(
            documents, action=action, resource=resource, caller=Caller(), resource_based=False
        )
        return None if decision.allowed else f"role {role_arn} is not allowed {action} on {resource}"

    def _refuse_queue_write(self, queue_arn: str, rule_arn: str, rule_account: str) -> str | None:
        queue = _arn(queue_arn)
        name = queue.resource
        attributes = self._queue_attributes(queue_arn)
        if attributes is None:
            return f"queue {queue_arn} does not exist"
        caller = Caller(
            service=EVENTS_SERVICE, context={"aws:SourceArn": rule_arn, "aws:SourceAccount": rule_account}
        )
        decision = evaluate(
            [attributes.get("Policy")],
            action="sqs:SendMessage",
            resource=queue_arn,
            caller=caller,
            resource_based=True,
        )
        if not decision.allowed:
            return f"the policy of queue {name} does not let {EVENTS_SERVICE} send from {rule_arn}"
        key = attributes.get("KmsMasterKeyId")
        if key and not key.startswith("alias/aws/"):
            key_policy = self._key_policy(key)
            if key_policy is None:
                return f"queue {name} is encrypted with {key}, which the stacks do not create"
            for action in ("kms:GenerateDataKey", "kms:Decrypt"):
                allowed = evaluate(
                    [key_policy], action=action, resource=key, caller=caller, resource_based=True
                )
                if not allowed.allowed:
                    return (
                        f"the policy of key {key} does not allow {EVENTS_SERVICE} {action} for queue {name}"
                    )
        return None

    def _queue_attributes(self, queue_arn: str) -> dict[str, str] | None:
        """The queue's `Policy` and `KmsMasterKeyId`, or None when it does not exist."""
        if queue_arn not in self._queues:
            queue = _arn(queue_arn)
            sqs = self._aws.sqs(queue.account_id, queue.region)
            try:
                answer = sqs.get_queue_attributes(
                    QueueUrl=queue_url(queue_arn), AttributeNames=["Policy", "KmsMasterKeyId"]
                )
                self._queues[queue_arn] = {str(k): str(v) for k, v in answer.get("Attributes", {}).items()}
            except sqs.exceptions.QueueDoesNotExist:
                self._queues[queue_arn] = None
        return self._queues[queue_arn]

    def _dead_letter(
        self, event: dict[str, Any], rule: _Rule, target: Mapping[str, Any], error: str, trace: Trace
    ) -> None:
        # Permission errors are not retried (the retry policy does not apply): the event goes straight to
        # the target's dead-letter queue when it has one that EventBridge may write to.
        trace.drops.append(error)
        dead_letter = (target.get("DeadLetterConfig") or {}).get("Arn")
        if not dead_letter:
            trace.dead_letters.append("lost: the target has no dead-letter queue")
            return
        queue, rule_arn = _arn(str(dead_letter)), _arn(rule.arn)
        refusal = (
            f"dead-letter queue in {queue.region}, not the rule's region {rule_arn.region}"
            if queue.region != rule_arn.region
            else self._refuse_queue_write(str(dead_letter), rule.arn, rule_arn.account_id)
        )
        if refusal:
            trace.dead_letters.append(f"lost: {refusal}")
            return
        self._aws.sqs(queue.account_id, queue.region).send_message(
            QueueUrl=queue_url(str(dead_letter)),
            MessageBody=json.dumps(event),
            MessageAttributes={
                name: {"DataType": "String", "StringValue": value}
                for name, value in (
                    ("RULE_ARN", rule.arn),
                    ("TARGET_ARN", str(target["Arn"])),
                    ("ERROR_CODE", "NO_PERMISSIONS"),
                    ("ERROR_MESSAGE", error),
                )
            },
        )
        trace.dead_letters.append(f"sent to dead-letter queue {dead_letter}")
