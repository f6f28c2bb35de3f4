"""The buffer between the hub bus and the notifier: rules, an encrypted queue and their dead-letter queues.

A root console session makes dozens of calls within a minute; holding them in a queue lets one notifier
batch fold the session into one notification, and gives retries and a dead-letter queue for free.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .. import forwarding
from ..event_pattern import ROOT_ACTIVITY_RULE_STATE
from ..tagging import Tags, tag_input

# Four days on the buffer (the SQS default), then five failed receives send a message to the DLQ.
BUFFER_RETENTION_SECONDS = 4 * 24 * 60 * 60
BUFFER_MAX_RECEIVE_COUNT = 5


@dataclass(frozen=True)
class Buffer:
    """The hub rule, the queue it fills, and where undeliverable events end up."""

    queue: aws.sqs.Queue
    dead_letter_queue: aws.sqs.Queue
    """Events the notifier failed on BUFFER_MAX_RECEIVE_COUNT times."""
    rules: Mapping[str, aws.cloudwatch.EventRule]
    """One rule on the hub bus per kind of routed events."""
    targets: Mapping[str, aws.cloudwatch.EventTarget]
    rule_dead_letter_queue: aws.sqs.Queue
    """Events the rules could not write to the queue."""


def buffer(
    name: str,
    *,
    bus: aws.cloudwatch.EventBus,
    visibility_timeout_seconds: int,
    parent: pulumi.Resource,
    tags: Tags,
    routed: Sequence[forwarding.ForwardedEvents] = (forwarding.ROOT_ACTIVITY,),
) -> Buffer:
    """A rule on `bus` per kind of `routed` events, all sending to one SSE-encrypted queue; dead-letter queues
    for the queue and for the rules."""
    child = pulumi.ResourceOptions(parent=parent)
    queue_dlq = forwarding.dead_letter_queue(f"{name}-buffer-dlq", parent=parent, tags=tags)
    queue = aws.sqs.Queue(
        f"{name}-buffer",
        sqs_managed_sse_enabled=True,
        visibility_timeout_seconds=visibility_timeout_seconds,
        message_retention_seconds=BUFFER_RETENTION_SECONDS,
        redrive_policy=queue_dlq.arn.apply(
            lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": BUFFER_MAX_RECEIVE_COUNT})
        ),
        tags=tag_input(tags),
        opts=child,
    )
    rules = {
        kind.kind: aws.cloudwatch.EventRule(
            f"{name}-{_prefix(kind.kind)}rule",
            event_bus_name=bus.name,
            description=kind.hub_description,
            event_pattern=kind.pattern,
            state=ROOT_ACTIVITY_RULE_STATE,
            tags=tag_input(tags),
            opts=child,
        )
        for kind in routed
    }
    queue_policy = forwarding.allow_rule_to_send(
        f"{name}-buffer-policy", queue, list(rules.values()), parent=parent
    )
    rule_dlq = forwarding.dead_letter_queue(f"{name}-notify-dlq", parent=parent, tags=tags)
    rule_dlq_policy = forwarding.allow_rule_to_send(
        f"{name}-notify-dlq-policy", rule_dlq, list(rules.values()), parent=parent
    )
    targets = {
        kind: forwarding.delivering_target(
            f"{name}-{_prefix(kind)}target",
            rule=rule,
            arn=queue.arn,
            dead_letter_queue=rule_dlq,
            depends_on=[queue_policy, rule_dlq_policy],
            parent=parent,
            event_bus_name=bus.name,
        )
        for kind, rule in rules.items()
    }
    return Buffer(
        queue=queue,
        dead_letter_queue=queue_dlq,
        rules=rules,
        targets=targets,
        rule_dead_letter_queue=rule_dlq,
    )


def _prefix(kind: str) -> str:
    # Root activity keeps the names released stacks have (`-notify-rule`, `-notify-target`).
    return "notify-" if kind == forwarding.ROOT_ACTIVITY.kind else f"{kind}-"
