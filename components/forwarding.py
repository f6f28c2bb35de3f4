"""Forward root activity from an account's default bus, region by region, to the hub bus.

Shared by SpokeForwarder (member accounts) and HubNotifier (the hub account watching its own root
user), so both forward the same way: one delivery role for all regions (IAM is global), and in each
region a rule with the shared pattern whose target is the hub bus, with a retry policy and an
SSE-encrypted dead-letter queue that the rule is allowed to write to.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from . import policies
from .event_pattern import ROOT_ACTIVITY_EVENT_PATTERN, ROOT_ACTIVITY_RULE_STATE
from .regions import GLOBAL_EVENTS_REGION, MISSING_GLOBAL_REGION_WARNING
from .tagging import Tags, tag_input

# EventBridge retries a failed delivery with backoff for up to 24 h / 185 attempts by default. A
# shorter event age gets a broken hub into the DLQ (where it can be seen) within hours, not a day.
TARGET_MAXIMUM_EVENT_AGE_SECONDS = 4 * 60 * 60
TARGET_MAXIMUM_RETRY_ATTEMPTS = 185
# The longest SQS allows: a dead letter is evidence and may be read days later.
DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 60 * 60
DELIVERY_ROLE_DESCRIPTION = "EventBridge delivers root-user activity to the root-activity-monitor hub bus"


@dataclass(frozen=True)
class ForwardedEvents:
    """One kind of event an account forwards to the hub: its rule's name suffix, pattern and description."""

    kind: str
    """Names the rule `{name}-{region}-{kind}-rule`; the root-activity kind keeps the plain `-rule`."""
    pattern: pulumi.Input[str]
    description: str
    """Of the rule in each forwarding region."""
    hub_description: str
    """Of the rule on the hub bus that sends these events on to the buffer queue."""


ROOT_ACTIVITY = ForwardedEvents(
    kind="root-activity",
    pattern=ROOT_ACTIVITY_EVENT_PATTERN,
    description="Root-user activity in this account and region, forwarded to the hub",
    hub_description="Root-user activity from every watched account, buffered for the notifier",
)


DEAD_LETTER_NAME_PREFIX = f"{policies.MONITOR_NAME_PREFIX}dead-letters-"
# AWS appends a 26-character unique ID to a name prefix; a rule name holds 64 characters.
RULE_NAME_LIMIT = 64
UNIQUE_SUFFIX_CHARS = 26


def rule_name_prefix(kind: str) -> str:
    """The physical name prefix of a covered region's rule for `kind`: `root-activity-monitor-<kind>-`."""
    prefix = f"{policies.MONITOR_NAME_PREFIX}{kind}-"
    if len(prefix) + UNIQUE_SUFFIX_CHARS > RULE_NAME_LIMIT:
        message = f"the rule name prefix {prefix!r} leaves no room for AWS's unique suffix"
        raise ValueError(message)
    return prefix


def rule_suffix(kind: str) -> str:
    """`rule` for root activity (the name released stacks have), `<kind>-rule` for every other kind."""
    return "rule" if kind == ROOT_ACTIVITY.kind else f"{kind}-rule"


@dataclass(frozen=True)
class RegionalForwarder:
    """The resources that forward one region's events: a rule and target per kind, one shared DLQ."""

    region: str
    rules: Mapping[str, aws.cloudwatch.EventRule]
    targets: Mapping[str, aws.cloudwatch.EventTarget]
    dead_letter_queue: aws.sqs.Queue
    dead_letter_queue_policy: aws.sqs.QueuePolicy

    @property
    def rule(self) -> aws.cloudwatch.EventRule:
        """The root-activity rule."""
        return self.rules[ROOT_ACTIVITY.kind]


@dataclass(frozen=True)
class Forwarding:
    """One account's forwarding: the delivery role (IAM is global) and a forwarder per region."""

    role: aws.iam.Role
    role_policy: aws.iam.RolePolicy
    regions: Mapping[str, RegionalForwarder]


def target_retry_policy() -> aws.cloudwatch.EventTargetRetryPolicyArgs:
    """The retry policy every rule target in this project uses."""
    return aws.cloudwatch.EventTargetRetryPolicyArgs(
        maximum_event_age_in_seconds=TARGET_MAXIMUM_EVENT_AGE_SECONDS,
        maximum_retry_attempts=TARGET_MAXIMUM_RETRY_ATTEMPTS,
    )


def delivering_target(
    name: str,
    *,
    rule: aws.cloudwatch.EventRule,
    arn: pulumi.Input[str],
    dead_letter_queue: aws.sqs.Queue,
    depends_on: Sequence[pulumi.Resource],
    parent: pulumi.Resource,
    region: str | None = None,
    event_bus_name: pulumi.Input[str] | None = None,
    role_arn: pulumi.Input[str] | None = None,
) -> aws.cloudwatch.EventTarget:
    """A rule's target with the project's retry policy and dead-letter queue.

    `depends_on`: what the first delivery needs (the role's permission, the policies that let the rule write
    to the target queue and the DLQ), so no event is refused while the stack is still being built.
    """
    return aws.cloudwatch.EventTarget(
        name,
        region=region,
        event_bus_name=event_bus_name,
        rule=rule.name,
        arn=arn,
        role_arn=role_arn,
        retry_policy=target_retry_policy(),
        dead_letter_config=aws.cloudwatch.EventTargetDeadLetterConfigArgs(arn=dead_letter_queue.arn),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on)),
    )


def dead_letter_queue(
    name: str,
    *,
    parent: pulumi.Resource,
    tags: Tags,
    region: str | None = None,
    name_prefix: str | None = None,
) -> aws.sqs.Queue:
    """An SSE-SQS encrypted queue that keeps undeliverable events for 14 days, named by Pulumi from `name`
    or, given `name_prefix`, by AWS from that prefix.

    SSE-SQS rather than a customer-managed key: EventBridge writes to it, and a CMK would need a key
    policy granting events.amazonaws.com.
    """
    return aws.sqs.Queue(
        name,
        name_prefix=name_prefix,
        region=region,
        sqs_managed_sse_enabled=True,
        message_retention_seconds=DEAD_LETTER_RETENTION_SECONDS,
        tags=tag_input(tags),
        opts=pulumi.ResourceOptions(parent=parent),
    )


def allow_rule_to_send(
    name: str,
    queue: aws.sqs.Queue,
    rule: aws.cloudwatch.EventRule | Sequence[aws.cloudwatch.EventRule],
    *,
    parent: pulumi.Resource,
    region: str | None = None,
) -> aws.sqs.QueuePolicy:
    """A queue policy that lets exactly `rule` (or each of several rules) send to `queue`.

    A queue has one policy, so every rule that writes to it must be named in the same document; without
    it, EventBridge cannot write.
    """
    rules = [rule] if isinstance(rule, aws.cloudwatch.EventRule) else list(rule)
    document = pulumi.Output.all(queue.arn, *(r.arn for r in rules)).apply(
        lambda arns: json.dumps(policies.queue_send_from_rule_policy(queue_arn=arns[0], rule_arn=arns[1:]))
    )
    return aws.sqs.QueuePolicy(
        name,
        region=region,
        queue_url=queue.url,
        policy=document,
        opts=pulumi.ResourceOptions(parent=parent),
    )


def delivery_role(
    name: str,
    *,
    hub_event_bus_arn: pulumi.Input[str],
    account_id: pulumi.Input[str],
    parent: pulumi.Resource,
    tags: Tags,
) -> tuple[aws.iam.Role, aws.iam.RolePolicy]:
    """The role EventBridge assumes to put events on the hub bus, and its one permission.

    Named with the prefix the hub bus admits, and trusted only by the rules named like the monitor's (the
    ones `forward_region` makes, whatever the component's name).
    """
    trust = pulumi.Output.from_input(account_id).apply(
        lambda account: json.dumps(
            policies.events_assume_role_policy(
                account, policies.rule_arn_pattern(account, policies.MONITOR_NAME_PREFIX)
            )
        )
    )
    role = aws.iam.Role(
        f"{name}-role",
        name_prefix=policies.DELIVERY_ROLE_NAME_PREFIX,
        assume_role_policy=trust,
        description=DELIVERY_ROLE_DESCRIPTION,
        tags=tag_input(tags),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    permission = aws.iam.RolePolicy(
        f"{name}-role-policy",
        role=role.id,
        policy=pulumi.Output.from_input(hub_event_bus_arn).apply(
            lambda arn: json.dumps(policies.put_events_policy(arn))
        ),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return role, permission


def forward_region(
    name: str,
    *,
    region: str,
    hub_event_bus_arn: pulumi.Input[str],
    role: aws.iam.Role,
    role_policy: aws.iam.RolePolicy,
    parent: pulumi.Resource,
    tags: Tags,
    forwarded: Sequence[ForwardedEvents] = (ROOT_ACTIVITY,),
) -> RegionalForwarder:
    """Rules on `region`'s default bus sending each kind of `forwarded` events to the hub bus, one DLQ.

    Their physical names start with the monitor's fixed prefix (`rule_name_prefix`), not the component's
    name: the hub's tamper route, the delivery role's trust and the protection policy find them by it.
    """
    rules = {
        kind.kind: aws.cloudwatch.EventRule(
            f"{name}-{region}-{rule_suffix(kind.kind)}",
            name_prefix=rule_name_prefix(kind.kind),
            region=region,
            description=kind.description,
            event_pattern=kind.pattern,
            state=ROOT_ACTIVITY_RULE_STATE,
            tags=tag_input(tags),
            opts=pulumi.ResourceOptions(parent=parent),
        )
        for kind in forwarded
    }
    dlq = dead_letter_queue(
        f"{name}-{region}-dlq", parent=parent, tags=tags, region=region, name_prefix=DEAD_LETTER_NAME_PREFIX
    )
    dlq_policy = allow_rule_to_send(
        f"{name}-{region}-dlq-policy", dlq, list(rules.values()), parent=parent, region=region
    )
    targets = {
        kind: delivering_target(
            f"{name}-{region}-{rule_suffix(kind).removesuffix('rule')}target",
            rule=rule,
            arn=hub_event_bus_arn,
            dead_letter_queue=dlq,
            depends_on=[role_policy, dlq_policy],
            parent=parent,
            region=region,
            role_arn=role.arn,
        )
        for kind, rule in rules.items()
    }
    return RegionalForwarder(
        region=region,
        rules=rules,
        targets=targets,
        dead_letter_queue=dlq,
        dead_letter_queue_policy=dlq_policy,
    )


def forward_regions(
    name: str,
    *,
    regions: Sequence[str],
    hub_event_bus_arn: pulumi.Input[str],
    account_id: pulumi.Input[str],
    parent: pulumi.Resource,
    tags: Tags,
    forwarded: Sequence[ForwardedEvents] = (ROOT_ACTIVITY,),
) -> Forwarding:
    """One delivery role plus, in every region, a forwarding rule for each kind of `forwarded` events."""
    if GLOBAL_EVENTS_REGION not in regions:
        pulumi.log.warn(
            MISSING_GLOBAL_REGION_WARNING.format(name=name, regions=list(regions)), resource=parent
        )
    role, role_policy = delivery_role(
        name, hub_event_bus_arn=hub_event_bus_arn, account_id=account_id, parent=parent, tags=tags
    )
    forwarders = {
        region: forward_region(
            name,
            region=region,
            hub_event_bus_arn=hub_event_bus_arn,
            role=role,
            role_policy=role_policy,
            parent=parent,
            tags=tags,
            forwarded=forwarded,
        )
        for region in regions
    }
    return Forwarding(role=role, role_policy=role_policy, regions=forwarders)
