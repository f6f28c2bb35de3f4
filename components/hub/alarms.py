"""The hub region's health alarms: both dead-letter queues, the buffer's age, the notifier, the watchdog, the
hub-bus rules.

They publish straight to the notification topic, which is in the same region (CloudWatch SNS actions must
be): an alarm about the notifier never passes through it.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from ..alarms import (
    BUFFER_AGE_THRESHOLD_SECONDS,
    NOTIFIER_FAILURE_METRICS,
    AlarmSpec,
    dead_letter_spec,
    metric_alarm,
    rule_failure_specs,
)
from ..tagging import Tags
from .buffer import Buffer


def hub_alarms(
    name: str,
    *,
    queued: Buffer,
    function: aws.lambda_.Function,
    watchdog_function: aws.lambda_.Function | None = None,
    event_bus_name: pulumi.Input[str],
    topic_arn: pulumi.Input[str],
    parent: pulumi.Resource,
    tags: Tags,
) -> list[aws.cloudwatch.MetricAlarm]:
    """The hub region's pipeline: both DLQs, the buffer's age, the notifier's failures, the hub-bus rules."""
    specs = [
        dead_letter_spec(
            "buffer-dlq", queued.dead_letter_queue.name, "the notifier failed on these events five times"
        ),
        dead_letter_spec(
            "notify-dlq",
            queued.rule_dead_letter_queue.name,
            "the hub-bus rules could not put these events on the buffer",
        ),
        AlarmSpec(
            name="buffer-age",
            description=(
                f"The oldest event on the buffer queue waited over {BUFFER_AGE_THRESHOLD_SECONDS} s: the "
                "notifier is not draining it. See docs/operations.md, 'Buffer queue backing up'."
            ),
            namespace="AWS/SQS",
            metric="ApproximateAgeOfOldestMessage",
            dimensions={"QueueName": queued.queue.name},
            statistic="Maximum",
            threshold=BUFFER_AGE_THRESHOLD_SECONDS,
        ),
        *function_failure_specs(
            "notifier", function, "The notifier function", "notifications may be late or missing", "Notifier"
        ),
    ]
    if watchdog_function is not None:
        # An error includes a run that could not read the table: silent accounts would go unnoticed.
        specs += function_failure_specs(
            "watchdog",
            watchdog_function,
            "The heartbeat watchdog",
            "monitoring gaps may go unnoticed",
            "Watchdog",
        )
    for kind, rule in queued.rules.items():
        specs += rule_failure_specs(f"hub-{kind}", rule.name, event_bus_name=event_bus_name)
    return [metric_alarm(name, spec, topic_arn=topic_arn, parent=parent, tags=tags) for spec in specs]


def function_failure_specs(
    label: str, function: aws.lambda_.Function, who: str, consequence: str, section: str
) -> list[AlarmSpec]:
    """Alarms on a hub function's Errors and Throttles, each pointing at its section of docs/operations.md."""
    return [
        AlarmSpec(
            name=f"{label}-{metric.lower()}",
            description=(
                f"{who} reported {metric}: {consequence}. "
                f"See docs/operations.md, '{section} errors or throttles'."
            ),
            namespace="AWS/Lambda",
            metric=metric,
            dimensions={"FunctionName": function.name},
            statistic="Sum",
            threshold=0,
        )
        for metric in NOTIFIER_FAILURE_METRICS
    ]
