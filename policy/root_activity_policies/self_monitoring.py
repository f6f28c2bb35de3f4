"""The monitor watches itself: a tamper rule beside each forwarding rule; each dead-letter queue alarmed on or
proven by the heartbeat.

Stack policies: no single resource is wrong when a tamper rule or an alarm is missing, the stack is. A
forwarding region without its tamper rule lets anyone disable forwarding unseen; a dead-letter queue nobody
alarms on fills with root activity that never became a notification, unless it is the dead-letter queue of
a rule that also carries the heartbeat (then anything that fills it also stops the heartbeat, and the
watchdog notifies the gap).
"""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)

from .coverage import forwarding_rules
from .graph import (
    EVENT_RULE,
    EVENT_TARGET,
    QUEUE,
    event_pattern,
    in_monitor,
    is_root_or_heartbeat,
    known,
    plain,
    region_of,
)

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TAMPER_RULE_SUFFIX = "-tamper-rule"
DEAD_LETTER_SUFFIX = "dlq"
DEPTH_METRIC = "ApproximateNumberOfMessagesVisible"


def _region(resource: object) -> str | None:
    provider = getattr(resource, "provider", None)
    return region_of(resource.props, provider.props if provider is not None else None)  # type: ignore[attr-defined]


def validate_tamper_rules(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Every region that forwards root activity also forwards tamper events."""
    forwarding = {_region(rule) for rule in forwarding_rules(args.resources)}
    tamper = {
        _region(resource)
        for resource in args.resources
        if resource.resource_type == EVENT_RULE
        and in_monitor(resource.urn)
        and resource.name.endswith(TAMPER_RULE_SUFFIX)
    }
    missing = sorted(region or "the provider's region" for region in forwarding - tamper)
    if missing:
        report_violation(
            f"Root activity is forwarded from {missing} without a tamper rule there: anyone could disable "
            "forwarding, or stop the trail, and no alert would say so. Fix: forward tamper events in every "
            "region that forwards root activity (root_activity_monitor.tamper.tamper_events in "
            "forwarding.forward_regions(forwarded=...), as SpokeForwarder and HubNotifier do).",
            None,
        )


def _heartbeat_proven_queues(args: StackValidationArgs) -> set[str]:
    """ARNs of the dead-letter queues of rules whose pattern carries the heartbeat."""
    carrying = {
        known(rule.props, "name")
        for rule in args.resources
        if rule.resource_type == EVENT_RULE and is_root_or_heartbeat(event_pattern(rule.props))
    }
    return {
        str(plain(known(target.props, "deadLetterConfig") or {}).get("arn"))
        for target in args.resources
        if target.resource_type == EVENT_TARGET and known(target.props, "rule") in carrying
    }


def validate_dead_letter_alarms(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Every dead-letter queue of the monitor has an alarm on its depth, or is proven by the heartbeat."""
    watched = {
        plain(known(alarm.props, "dimensions") or {}).get("QueueName")
        for alarm in args.resources
        if alarm.resource_type == ALARM and known(alarm.props, "metricName") == DEPTH_METRIC
    }
    proven = _heartbeat_proven_queues(args)
    for queue in args.resources:
        if (
            queue.resource_type != QUEUE
            or not in_monitor(queue.urn)
            or not queue.name.endswith(DEAD_LETTER_SUFFIX)
        ):
            continue
        name = known(queue.props, "name")
        if name is not None and name not in watched and known(queue.props, "arn") not in proven:
            report_violation(
                f"Dead-letter queue {queue.name} has no alarm on {DEPTH_METRIC}: events that could not "
                "be delivered would wait there unseen. Fix: alarm on it with "
                "root_activity_monitor.hub.alarms.dead_letter_spec and metric_alarm (to a topic the notifier "
                "does not sit in front of), or make it the dead-letter queue of a rule that carries the "
                "heartbeat (root_activity_monitor.spoke.cover_account).",
                None,
            )


TAMPER_RULE_POLICY = StackValidationPolicy(
    name="monitor-forwarding-region-has-tamper-rule",
    description="Every region forwarding root activity also forwards changes that would blind the monitor.",
    validate=validate_tamper_rules,
    enforcement_level=EnforcementLevel.MANDATORY,
)

DEAD_LETTER_ALARM_POLICY = StackValidationPolicy(
    name="monitor-dead-letter-queue-has-alarm",
    description="Every dead-letter queue of the monitor has an alarm on its depth or carries heartbeats.",
    validate=validate_dead_letter_alarms,
    enforcement_level=EnforcementLevel.MANDATORY,
)
