"""The buffer between the hub bus and the notifier: a rule, an encrypted queue and their dead-letter queues.

A root console session makes dozens of calls within a minute; holding them in a queue lets one notifier
batch fold the session into one notification, and gives retries and a dead-letter queue for free.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .. import forwarding
from ..event_pattern import ROOT_ACTIVITY_EVENT_PATTERN, ROOT_ACTIVITY_RULE_STATE
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
    rule: aws.cloudwatch.EventRule
    target: aws.cloudwatch.EventTarget
    rule_dead_letter_queue: aws.sqs.Queue
    """Events the rule could not write to the queue."""


def buffer(
    name: str,
    *,
    bus: aws.cloudwatch.EventBus,
    visibility_timeout_seconds: int,
    parent: pulumi.Resource,
    tags: Tags,
) -> Buffer:
    """A rule on `bus` sending root activity to an SSE-encrypted queue, with dead-letter queues for both."""
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
    rule = aws.cloudwatch.EventRule(
        f"{name}-notify-rule",
        event_bus_name=bus.name,
        description="Root-user activity from every watched account, buffered for the notifier",
        event_pattern=ROOT_ACTIVITY_EVENT_PATTERN,
        state=ROOT_ACTIVITY_RULE_STATE,
        tags=tag_input(tags),
        opts=child,
    )
    queue_policy = forwarding.allow_rule_to_send(f"{name}-buffer-policy", queue, rule, parent=parent)
    rule_dlq = forwarding.dead_letter_queue(f"{name}-notify-dlq", parent=parent, tags=tags)
    rule_dlq_policy = forwarding.allow_rule_to_send(
        f"{name}-notify-dlq-policy", rule_dlq, rule, parent=parent
    )
    target = aws.cloudwatch.EventTarget(
        f"{name}-notify-target",
        event_bus_name=bus.name,
        rule=rule.name,
        arn=queue.arn,
        retry_policy=forwarding.target_retry_policy(),
        dead_letter_config=aws.cloudwatch.EventTargetDeadLetterConfigArgs(arn=rule_dlq.arn),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[queue_policy, rule_dlq_policy]),
    )
    return Buffer(
        queue=queue, dead_letter_queue=queue_dlq, rule=rule, target=target, rule_dead_letter_queue=rule_dlq
    )
