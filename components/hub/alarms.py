"""The hub region's health alarms: both dead-letter queues, the buffer's age, the notifier and the watchdog,
the hub-bus rules.

They publish straight to the notification topic, which is in the same region (CloudWatch SNS actions must
be), under the topic's customer-managed key (its policy lets cloudwatch.amazonaws.com use it): an alarm
about the notifier never passes through it. Covered (account, region) pairs have no alarms: the heartbeat,
carried by their root-activity rule, proves them (see docs/operations.md, "Self-monitoring").

Every failure metric here is emitted only when something is happening (a failed delivery, a message on an
idle queue, an invocation), so missing data is "not breaching" rather than "insufficient data". The two
silence alarms are the other way round: a function that is never invoked (its schedule deleted or disabled,
nothing feeding its queue) emits no metric at all, so there missing data is "breaching".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from ..routing import DEFAULT_RUNBOOK_BASE_URL
from ..tagging import Tags, tag_input
from .buffer import Buffer

NOT_BREACHING = "notBreaching"
BREACHING = "breaching"
HEALTH_RUNBOOK = f"{DEFAULT_RUNBOOK_BASE_URL}health.md"
PERIOD_SECONDS = 300
# The buffer holds a session for up to the batching window (at most 300 s) plus the function's run; a
# message older than 15 minutes means the notifier is not draining the queue.
BUFFER_AGE_THRESHOLD_SECONDS = 900
RULE_FAILURE_METRICS = ("FailedInvocations", "InvocationsFailedToBeSentToDlq")
FUNCTION_FAILURE_METRICS = ("Errors", "Throttles")
# The watchdog runs every heartbeat interval, every covered pair's heartbeat reaches the notifier at least
# that often, and the posture audit runs on its schedule: a window of this many of those periods without one
# invocation has missed a run, not just a late one.
SILENCE_INTERVALS = 2
# CloudWatch evaluates an alarm over at most 7 days (period x evaluation periods).
LONGEST_WINDOW_MINUTES = 7 * 24 * 60
_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_UNIT_MINUTES = {"minute": 1, "hour": 60, "day": 24 * 60}


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
    comparison: str = "GreaterThanThreshold"
    missing_data: str = NOT_BREACHING
    period_seconds: int = PERIOD_SECONDS


def metric_alarm(
    component: str,
    spec: AlarmSpec,
    *,
    topic_arn: pulumi.Input[str],
    parent: pulumi.Resource,
    tags: Tags,
    region: str | None = None,
) -> aws.cloudwatch.MetricAlarm:
    """An alarm over one period (5 minutes unless the spec says), notifying `topic_arn` when it fires and
    when it recovers."""
    return aws.cloudwatch.MetricAlarm(
        f"{component}-{spec.name}-alarm",
        region=region,
        # CloudWatch's alarm message carries the description: it points on-call at the health runbook.
        alarm_description=f"{spec.description} Runbook: {HEALTH_RUNBOOK}",
        namespace=spec.namespace,
        metric_name=spec.metric,
        dimensions=dict(spec.dimensions),
        statistic=spec.statistic,
        period=spec.period_seconds,
        evaluation_periods=1,
        threshold=spec.threshold,
        comparison_operator=spec.comparison,
        treat_missing_data=spec.missing_data,
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


def function_failure_specs(
    name: str, function_name: pulumi.Input[str], consequence: str, section: str
) -> list[AlarmSpec]:
    """Errors and Throttles of one function (`name`: the notifier or the watchdog)."""
    return [
        AlarmSpec(
            name=f"{name}-{metric.lower()}",
            description=(
                f"The {name} function reported {metric}: {consequence}. See docs/operations.md, '{section}'."
            ),
            namespace="AWS/Lambda",
            metric=metric,
            dimensions={"FunctionName": function_name},
            statistic="Sum",
            threshold=0,
        )
        for metric in FUNCTION_FAILURE_METRICS
    ]


def rate_minutes(expression: str) -> int | None:
    """The period of a Scheduler `rate(…)` expression in minutes; None for a `cron(…)` (no fixed period)."""
    match = _RATE.match(expression.strip())
    if match is None:
        return None
    return int(match[1]) * _UNIT_MINUTES[match[2].removesuffix("s")]


def silence_spec(
    name: str, function_name: pulumi.Input[str], every_minutes: int, why: str, section: str
) -> AlarmSpec:
    """No invocation of `name`, run at least every `every_minutes`, for SILENCE_INTERVALS of them (one period
    of that length)."""
    window = SILENCE_INTERVALS * every_minutes
    return AlarmSpec(
        name=f"{name}-invocations",
        description=(
            f"The {name} function was not invoked for {window} minutes: {why}. See docs/operations.md, "
            f"'{section}'."
        ),
        namespace="AWS/Lambda",
        metric="Invocations",
        dimensions={"FunctionName": function_name},
        statistic="Sum",
        threshold=1,
        comparison="LessThanThreshold",
        missing_data=BREACHING,
        period_seconds=window * 60,
    )


def hub_alarms(
    name: str,
    *,
    queued: Buffer,
    function: aws.lambda_.Function,
    watchdog: aws.lambda_.Function,
    heartbeat_interval_minutes: int,
    event_bus_name: pulumi.Input[str],
    posture: aws.lambda_.Function | None = None,
    posture_schedule: str | None = None,
    topic_arn: pulumi.Input[str],
    parent: pulumi.Resource,
    tags: Tags,
) -> list[aws.cloudwatch.MetricAlarm]:
    """The hub region's pipeline: both DLQs, the buffer's age, the notifier's, the watchdog's and the posture
    audit's failures, the hub-bus rules, and the notifier, the watchdog and (on a `rate(…)` schedule of at
    most half the 7 days CloudWatch evaluates) the posture audit falling silent."""
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
            "notifier", function.name, "notifications may be late or missing", "Notifier errors or throttles"
        ),
        *function_failure_specs(
            "watchdog",
            watchdog.name,
            "monitoring gaps may go unnoticed",
            "Watchdog errors or throttles",
        ),
        silence_spec(
            "watchdog",
            watchdog.name,
            heartbeat_interval_minutes,
            "its schedule is deleted or disabled, or cannot invoke it; no monitoring gap is noticed",
            "Watchdog not invoked",
        ),
        silence_spec(
            "notifier",
            function.name,
            heartbeat_interval_minutes,
            "no heartbeat reached it, so nothing feeds its queue (its event source mapping disabled or "
            "deleted, the hub bus or its rules broken)",
            "Notifier not invoked",
        ),
    ]
    if posture is not None:
        specs += function_failure_specs(
            "posture",
            posture.name,
            "the root credential audit did not finish; its rows and posture notifications may be stale",
            "Posture audit errors or throttles",
        )
        every = rate_minutes(posture_schedule or "")
        if every is not None and SILENCE_INTERVALS * every <= LONGEST_WINDOW_MINUTES:
            specs.append(
                silence_spec(
                    "posture",
                    posture.name,
                    every,
                    "its schedule is deleted or disabled, or cannot invoke it; root credential posture goes "
                    "stale",
                    "Posture audit not invoked",
                )
            )
    for kind, rule in queued.rules.items():
        specs += rule_failure_specs(f"hub-{kind}", rule.name, event_bus_name=event_bus_name)
    return [metric_alarm(name, spec, topic_arn=topic_arn, parent=parent, tags=tags) for spec in specs]
