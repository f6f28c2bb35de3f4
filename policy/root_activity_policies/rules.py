"""Rules and their targets: rules see read-only calls and use a shared pattern; no target drops events."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

from .expected import NAMED_PATTERN_KINDS, RULE_STATE
from .graph import EVENT_RULE, EVENT_TARGET, event_pattern, in_monitor, is_known_pattern, is_set, watched_rule


def validate_rule_state(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """A rule of the monitor, or any rule with the root-activity pattern, must be in RULE_STATE."""
    if not watched_rule(args.resource_type, args.urn, args.props):
        return
    state = args.props.get("state")
    if state != RULE_STATE:
        shown = state or "ENABLED (the provider's default when `state` is not set)"
        report_violation(
            f"Rule {args.name} is in state {shown}, so it misses read-only management events "
            "(Describe*, Get*, List*): root reading secrets or listing users would go unseen. "
            f"Fix: set state to {RULE_STATE!r} "
            "(root_activity_monitor.event_pattern.ROOT_ACTIVITY_RULE_STATE).",
            None,
        )


def validate_rule_pattern(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """An event-pattern rule of the monitor must match exactly one of the patterns the project forwards."""
    if args.resource_type != EVENT_RULE or not in_monitor(args.urn):
        return
    if not is_set(args.props, "eventPattern"):
        return
    if any(args.name.endswith(f"-{kind}-rule") for kind in NAMED_PATTERN_KINDS):
        return  # its pattern names this stack's resources; rule state and DLQ are still held to account
    if not is_known_pattern(event_pattern(args.props)):
        report_violation(
            f"Rule {args.name} has an event pattern that differs from the shared root-activity pattern, "
            "so some root activity may not match it (or unrelated events may be notified as root). "
            "Fix: set eventPattern to root_activity_monitor.event_pattern.ROOT_ACTIVITY_EVENT_PATTERN "
            "unchanged; to forward a new kind of events, add its pattern to FORWARDED_PATTERNS in "
            "policy/root_activity_policies/expected.py in the same change.",
            None,
        )


def validate_target_delivery(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """A target of the monitor must retry failed deliveries and keep what still fails in a DLQ."""
    if args.resource_type != EVENT_TARGET or not in_monitor(args.urn):
        return
    if not is_set(args.props, "deadLetterConfig", "arn"):
        report_violation(
            f"Target {args.name} has no dead-letter queue: an event EventBridge cannot deliver is "
            "dropped without a trace. Fix: set dead_letter_config="
            "aws.cloudwatch.EventTargetDeadLetterConfigArgs(arn=<an SQS queue in the rule's region whose "
            "policy lets the rule send>) (root_activity_monitor.forwarding.dead_letter_queue and "
            "allow_rule_to_send make both).",
            None,
        )
    retry = args.props.get("retryPolicy") or {}
    attempts = retry.get("maximumRetryAttempts")
    if attempts is None or attempts <= 0 or not is_set(retry, "maximumEventAgeInSeconds"):
        report_violation(
            f"Target {args.name} has no retry policy with both maximumRetryAttempts (above 0) and "
            "maximumEventAgeInSeconds, so how long a broken hub is retried before events go to the "
            "dead-letter queue is left unsaid. Fix: set retry_policy="
            "root_activity_monitor.forwarding.target_retry_policy().",
            None,
        )


RULE_STATE_POLICY = ResourceValidationPolicy(
    name="monitor-rule-sees-read-only-events",
    description=f"Every rule of the monitor, and every root-activity rule, is in state {RULE_STATE}.",
    validate=validate_rule_state,
    enforcement_level=EnforcementLevel.MANDATORY,
)

RULE_PATTERN_POLICY = ResourceValidationPolicy(
    name="monitor-rule-uses-shared-pattern",
    description="Every event-pattern rule of the monitor has exactly one of the project's shared patterns.",
    validate=validate_rule_pattern,
    enforcement_level=EnforcementLevel.MANDATORY,
)

TARGET_DELIVERY_POLICY = ResourceValidationPolicy(
    name="monitor-target-has-dlq-and-retry",
    description="Every rule target of the monitor has a dead-letter queue and a retry policy.",
    validate=validate_target_delivery,
    enforcement_level=EnforcementLevel.MANDATORY,
)
