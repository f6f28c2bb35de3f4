"""Health alarms: CloudWatch alarms on what shows the pipeline failing, published around it, not through it.

Where alarms publish (CloudWatch SNS alarm actions must name a topic in the alarm's own region):
- the hub's queue, notifier and hub-bus rules live in the hub region: their alarms publish straight to the
  notification topic (its key policy lets cloudwatch.amazonaws.com encrypt), never through the notifier;
- each forwarding region's alarms (spokes and the hub's own account) publish to a health topic in that
  account and region. It is not encrypted: CloudWatch cannot publish to a topic under the AWS-managed
  `aws/sns` key, a customer-managed key per region costs $1 a month each, and an alarm message carries only
  the alarm's name, metric and state. The hub subscribes its notification addresses to its own health
  topics; a spoke exports its topics' ARNs (`healthTopicArns`) for subscriptions.

Every metric here is emitted only when something is happening (a failed delivery, a message on an idle
queue, an invocation), so missing data is "not breaching" rather than "insufficient data".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .forwarding import Forwarding
from .routing import DEFAULT_RUNBOOK_BASE_URL
from .tagging import Tags, tag_input

NOT_BREACHING = "notBreaching"
HEALTH_RUNBOOK = f"{DEFAULT_RUNBOOK_BASE_URL}health.md"
PERIOD_SECONDS = 300
# The buffer holds a session for up to the batching window (at most 300 s) plus the function's run; a
# message older than 15 minutes means the notifier is not draining the queue.
BUFFER_AGE_THRESHOLD_SECONDS = 900
RULE_FAILURE_METRICS = ("FailedInvocations", "InvocationsFailedToBeSentToDlq")
NOTIFIER_FAILURE_METRICS = ("Errors", "Throttles")


@dataclass(frozen=True)
class AlarmSpec:
    """One alarm as its metric, dimensions and threshold; `name` is the logical-name suffix."""

    name: str
    description: str
    namespace: str
    metric: str
    dimensions: Mapping[str, pulumi.Input[str]]
    statistic: str
    threshold: float


def metric_alarm(
    component: str,
    spec: AlarmSpec,
    *,
    topic_arn: pulumi.Input[str],
    parent: pulumi.Resource,
    tags: Tags,
    region: str | None = None,
) -> aws.cloudwatch.MetricAlarm:
    """An alarm over one 5-minute period, notifying `topic_arn` when it fires and when it recovers."""
    return aws.cloudwatch.MetricAlarm(
        f"{component}-{spec.name}-alarm",
        region=region,
        # CloudWatch's alarm message carries the description: it points on-call at the health runbook.
        alarm_description=f"{spec.description} Runbook: {HEALTH_RUNBOOK}",
        namespace=spec.namespace,
        metric_name=spec.metric,
        dimensions=dict(spec.dimensions),
        statistic=spec.statistic,
        period=PERIOD_SECONDS,
        evaluation_periods=1,
        threshold=spec.threshold,
        comparison_operator="GreaterThanThreshold",
        treat_missing_data=NOT_BREACHING,
        alarm_actions=[topic_arn],
        ok_actions=[topic_arn],
        tags=tag_input(tags),
        opts=pulumi.ResourceOptions(parent=parent),
    )


def dead_letter_spec(name: str, queue_name: pulumi.Input[str], what: str) -> AlarmSpec:
    """A dead-letter queue holds a message: `what` could not be delivered."""
    return AlarmSpec(
        name=name,
        description=f"Dead letters: {what}. See docs/operations.md, 'Dead-letter queue not empty'.",
        namespace="AWS/SQS",
        metric="ApproximateNumberOfMessagesVisible",
        dimensions={"QueueName": queue_name},
        statistic="Maximum",
        threshold=0,
    )


def rule_failure_specs(
    name: str, rule_name: pulumi.Input[str], *, event_bus_name: pulumi.Input[str] | None = None
) -> list[AlarmSpec]:
    """FailedInvocations and InvocationsFailedToBeSentToDlq of one rule.

    A rule on the default bus is named by `RuleName` alone, one on a custom bus by `EventBusName` too.
    """
    dimensions: dict[str, pulumi.Input[str]] = {"RuleName": rule_name}
    if event_bus_name is not None:
        dimensions["EventBusName"] = event_bus_name
    descriptions = {
        "FailedInvocations": "the rule gave up delivering events (they went to its dead-letter queue)",
        "InvocationsFailedToBeSentToDlq": "the rule could not even write failed events to its dead-letter "
        "queue: they are lost",
    }
    return [
        AlarmSpec(
            name=f"{name}-{metric.lower()}" if metric == "FailedInvocations" else f"{name}-dlq-failures",
            description=f"{descriptions[metric]}. See docs/operations.md, 'Rule delivery failing'.",
            namespace="AWS/Events",
            metric=metric,
            dimensions=dimensions,
            statistic="Sum",
            threshold=0,
        )
        for metric in RULE_FAILURE_METRICS
    ]


def health_topics(
    name: str,
    *,
    regions: Sequence[str],
    emails: Sequence[str],
    parent: pulumi.Resource,
    tags: Tags,
) -> dict[str, aws.sns.Topic]:
    """A topic per region for that region's alarms, each with an `email` subscription per address."""
    topics: dict[str, aws.sns.Topic] = {}
    for region in regions:
        topic = aws.sns.Topic(
            f"{name}-{region}-health",
            region=region,
            tags=tag_input(tags),
            opts=pulumi.ResourceOptions(parent=parent),
        )
        for address in emails:
            aws.sns.TopicSubscription(
                f"{name}-{region}-health-email-{address}",
                region=region,
                topic=topic.arn,
                protocol="email",
                endpoint=address,
                opts=pulumi.ResourceOptions(parent=parent),
            )
        topics[region] = topic
    return topics


def forwarding_alarms(
    name: str,
    forwarding: Forwarding,
    topics: Mapping[str, aws.sns.Topic],
    *,
    parent: pulumi.Resource,
    tags: Tags,
) -> list[aws.cloudwatch.MetricAlarm]:
    """In each forwarding region: its DLQ's depth and every rule's failures, to that region's health topic."""
    alarms: list[aws.cloudwatch.MetricAlarm] = []
    for region, regional in forwarding.regions.items():
        specs = forwarding_region_specs(
            region,
            regional.dead_letter_queue.name,
            {kind: rule.name for kind, rule in regional.rules.items()},
        )
        alarms += [
            metric_alarm(name, spec, topic_arn=topics[region].arn, region=region, parent=parent, tags=tags)
            for spec in specs
        ]
    return alarms


def forwarding_region_specs(
    prefix: str, queue_name: pulumi.Input[str], rule_names: Mapping[str, pulumi.Input[str]]
) -> list[AlarmSpec]:
    """One forwarding region's alarms: its DLQ's depth and every rule's failures (the StackSet template uses
    these same specs)."""
    specs = [
        dead_letter_spec(f"{prefix}-dlq", queue_name, "events this region could not forward to the hub bus")
    ]
    for kind, rule_name in rule_names.items():
        specs += rule_failure_specs(f"{prefix}-{kind}", rule_name)
    return specs
