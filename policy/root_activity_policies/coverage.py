"""Coverage across the stack: root activity is forwarded from us-east-1, where sign-ins are recorded.

A stack policy because no single rule is wrong: the stack is, when none of its forwarding rules sits in
us-east-1. It reads each rule's outputs (what the engine gives stack policies), where pulumi-aws v7 reports
the rule's `region`; a rule without one is in its provider's region.
"""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)

from .expected import CONFIG_KEY_ARGUMENTS, CONFIG_NAMESPACE, GLOBAL_EVENTS_REGION
from .graph import EVENT_RULE, in_monitor, is_root_activity_rule, on_default_bus, region_of


def forwarding_rules(resources: list[PolicyResource]) -> list[PolicyResource]:
    """The monitor's root-activity rules on default buses: those that see their account's own events."""
    return [
        resource
        for resource in resources
        if resource.resource_type == EVENT_RULE
        and in_monitor(resource.urn)
        and on_default_bus(resource.props)
        and is_root_activity_rule(resource.props)
    ]


def validate_global_region_forwarded(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """A stack that forwards root activity must forward it from us-east-1."""
    rules = forwarding_rules(args.resources)
    if not rules:
        return  # this stack forwards nothing (an org stack deploys its rules through a StackSet)
    regions = {
        region_of(rule.props, rule.provider.props if rule.provider is not None else None) for rule in rules
    }
    if GLOBAL_EVENTS_REGION in regions:
        return
    covered = sorted(region or "the provider's region" for region in regions)
    report_violation(
        f"Root activity is forwarded from {covered} but not from {GLOBAL_EVENTS_REGION}, where root console "
        "sign-ins and IAM, Organizations and Account calls are recorded: those would never alert. Fix: add "
        f"{GLOBAL_EVENTS_REGION} to the {CONFIG_NAMESPACE}:regions config key (or the components' "
        f"{CONFIG_KEY_ARGUMENTS['regions']} argument).",
        None,
    )


GLOBAL_REGION_POLICY = StackValidationPolicy(
    name="monitor-forwards-from-us-east-1",
    description=f"A stack that forwards root activity has a forwarding rule in {GLOBAL_EVENTS_REGION}.",
    validate=validate_global_region_forwarded,
    enforcement_level=EnforcementLevel.ADVISORY,
)
