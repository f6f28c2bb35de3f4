"""Who may do what: the hub bus open to the organization only, no open resource policy, named topics."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

from .documents import (
    Statement,
    allows_action,
    condition_keys,
    grants_anyone,
    label,
    statements,
    strings,
    wildcard_resources,
)
from .expected import CONFIG_KEY_ARGUMENTS, CONFIG_NAMESPACE, ORGANIZATION_CONDITION_KEY
from .graph import (
    EVENT_BUS_POLICY,
    EVENT_PERMISSION,
    KMS_KEY,
    MANAGED_POLICY,
    QUEUE,
    QUEUE_POLICY,
    ROLE,
    ROLE_POLICY,
    TOPIC,
    TOPIC_POLICY,
    in_monitor,
    json_value,
    plain,
)

# Resource types whose `policy` property is a resource policy (who, from outside, may use the resource).
RESOURCE_POLICY_TYPES = frozenset({QUEUE, QUEUE_POLICY, TOPIC, TOPIC_POLICY, KMS_KEY})
PUBLISH_ACTION = "sns:Publish"


def limits_to_organization(statement: Statement) -> bool:
    """Whether a statement requires the caller to be in a named organization (not `*`, not a negation)."""
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return False
    for operator, tests in condition.items():
        # StringNotEquals, Null and the like do not confine the caller to one organization.
        if not isinstance(tests, Mapping) or "Not" in operator or operator.startswith("Null"):
            continue
        for key, value in tests.items():
            ids = strings(value)
            if key.lower() == ORGANIZATION_CONDITION_KEY.lower() and ids and "*" not in ids:
                return True
    return False


def validate_bus_policy(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Any `*` principal on an event bus must be limited by aws:PrincipalOrgID."""
    fix = (
        "Fix: add the condition {'StringEquals': {'aws:PrincipalOrgID': '<o-...>'}} (the "
        f"{CONFIG_NAMESPACE}:organizationId config key or {CONFIG_KEY_ARGUMENTS['organizationId']} "
        "argument), or name the accounts instead ({CONFIG_NAMESPACE}:spokeAccountIds / "
        f"{CONFIG_KEY_ARGUMENTS['spokeAccountIds']})."
    )
    if args.resource_type == EVENT_PERMISSION:
        condition = args.props.get("condition") or {}
        if args.props.get("principal") == "*" and condition.get("key") != ORGANIZATION_CONDITION_KEY:
            report_violation(
                f"Event permission {args.name} lets every AWS account put events on the bus, so anyone can "
                f"forge a root-activity alert. {fix}",
                None,
            )
        return
    if args.resource_type != EVENT_BUS_POLICY:
        return
    for index, statement in enumerate(statements(plain(json_value(args.props.get("policy"))))):
        if grants_anyone(statement) and not limits_to_organization(statement):
            report_violation(
                f"Event bus policy {args.name}, {label(statement, index)}: a `*` principal without an "
                f"{ORGANIZATION_CONDITION_KEY} condition lets any AWS account put events on the hub bus and "
                f"forge root-activity alerts. {fix}",
                None,
            )


def validate_resource_policies(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """A resource policy of the monitor must not grant a `*` principal without any condition."""
    if args.resource_type not in RESOURCE_POLICY_TYPES or not in_monitor(args.urn):
        return
    for index, statement in enumerate(statements(plain(json_value(args.props.get("policy"))))):
        if grants_anyone(statement) and not condition_keys(statement):
            report_violation(
                f"{args.resource_type.rsplit(':', 1)[-1]} {args.name}, {label(statement, index)}: grants "
                "every AWS principal (`*`) with no condition. Fix: name the principal (a service such as "
                "events.amazonaws.com with an aws:SourceArn or aws:SourceAccount condition, or account "
                "ARNs), or add an aws:PrincipalOrgID condition.",
                None,
            )


def _identity_documents(args: ResourceValidationArgs) -> list[tuple[str, Any]]:
    """(where, document) of each identity policy a resource carries."""
    if args.resource_type in (ROLE_POLICY, MANAGED_POLICY):
        return [(args.name, json_value(args.props.get("policy")))]
    if args.resource_type == ROLE:
        inline = args.props.get("inlinePolicies") or []
        return [
            (f"{args.name} inline policy {policy.get('name') or index + 1}", json_value(policy.get("policy")))
            for index, policy in enumerate(inline)
            if isinstance(policy, Mapping)
        ]
    return []


def validate_publish_resources(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """An identity policy of the monitor may allow sns:Publish only on named topics."""
    if not in_monitor(args.urn):
        return
    for where, document in _identity_documents(args):
        for index, statement in enumerate(statements(plain(document))):
            wildcards = wildcard_resources(statement)
            if allows_action(statement, PUBLISH_ACTION) and wildcards:
                report_violation(
                    f"Policy {where}, {label(statement, index)}: allows {PUBLISH_ACTION} on {wildcards}, so "
                    "the notifier's role could post fake alerts to any topic. Fix: set Resource to the "
                    "notification topic's ARN (root_activity_monitor.policies.notifier_policy takes it as "
                    "topic_arn).",
                    None,
                )


BUS_POLICY_POLICY = ResourceValidationPolicy(
    name="event-bus-wildcard-only-within-organization",
    description="A `*` principal on an event bus policy or permission has an aws:PrincipalOrgID condition.",
    validate=validate_bus_policy,
    enforcement_level=EnforcementLevel.MANDATORY,
)

RESOURCE_POLICY_POLICY = ResourceValidationPolicy(
    name="monitor-resource-policy-no-open-principal",
    description="No queue, topic or key policy of the monitor grants a `*` principal without a condition.",
    validate=validate_resource_policies,
    enforcement_level=EnforcementLevel.MANDATORY,
)

PUBLISH_POLICY = ResourceValidationPolicy(
    name="monitor-publish-to-named-topics",
    description="No role policy of the monitor allows sns:Publish on a wildcard resource.",
    validate=validate_publish_resources,
    enforcement_level=EnforcementLevel.MANDATORY,
)
