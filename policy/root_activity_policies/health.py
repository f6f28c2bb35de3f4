"""Health alarms of the monitor: each one tells someone, and failure-only metrics do not alarm on silence.

Checked on the alarm resource alone. Whether every dead-letter queue and rule *has* an alarm needs the whole
graph and belongs in a stack policy (see coverage.py for the shape).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

from .graph import in_monitor, is_set, known

METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
NOT_BREACHING = "notBreaching"
# EventBridge emits these only when a delivery fails; in a healthy account they have no data at all.
FAILURE_ONLY_METRICS = frozenset(
    {("AWS/Events", "FailedInvocations"), ("AWS/Events", "InvocationsFailedToBeSentToDlq")}
)


def watched_metrics(props: Mapping[str, Any]) -> set[tuple[str, str]]:
    """(namespace, metric name) of what an alarm watches: its own metric or those of its metric queries."""
    found = {(str(known(props, "namespace")), str(known(props, "metricName")))}
    for query in known(props, "metricQueries") or []:
        metric = known(query, "metric") if isinstance(query, Mapping) else None
        if isinstance(metric, Mapping):
            found.add((str(known(metric, "namespace")), str(known(metric, "metricName"))))
    return found


def validate_alarm_action(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """An alarm of the monitor must notify: actions enabled and at least one alarm action."""
    if args.resource_type != METRIC_ALARM or not in_monitor(args.urn):
        return
    actions = known(args.props, "alarmActions")
    has_action = is_set(args.props, "alarmActions") and (actions is None or len(actions) > 0)
    if known(args.props, "actionsEnabled") is False or not has_action:
        report_violation(
            f"Alarm {args.name} notifies nobody: it changes state in a console no one watches while the "
            "monitor is broken. Fix: set alarm_actions=[<ARN of a topic that does not pass through the "
            "notifier>] and leave actions_enabled at its default (True).",
            None,
        )


def validate_missing_data(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """An alarm of the monitor on a failure-only metric must treat missing data as not breaching."""
    if args.resource_type != METRIC_ALARM or not in_monitor(args.urn):
        return
    failure_only = sorted(name for name in watched_metrics(args.props) if name in FAILURE_ONLY_METRICS)
    if failure_only and known(args.props, "treatMissingData") != NOT_BREACHING:
        report_violation(
            f"Alarm {args.name} watches {[metric for _, metric in failure_only]}, which EventBridge emits "
            "only on failure: with no data in a healthy account it never settles in OK (or, breaching, "
            f"alarms all the time). Fix: set treat_missing_data={NOT_BREACHING!r}.",
            None,
        )


ALARM_ACTION_POLICY = ResourceValidationPolicy(
    name="monitor-alarm-notifies",
    description="Every CloudWatch alarm of the monitor has actions enabled and at least one alarm action.",
    validate=validate_alarm_action,
    enforcement_level=EnforcementLevel.MANDATORY,
)

MISSING_DATA_POLICY = ResourceValidationPolicy(
    name="monitor-failure-alarm-not-breaching-on-missing-data",
    description="Monitor alarms on failure-only EventBridge metrics treat missing data as not breaching.",
    validate=validate_missing_data,
    enforcement_level=EnforcementLevel.MANDATORY,
)
