"""The Pulumi program: read the stack config, build the component for `mode`, export its outputs."""

from __future__ import annotations

from typing import Any, cast

import pulumi

from ..hub_notifier import HubNotifier, HubNotifierArgs
from ..organization_rollout import OrganizationRollout, OrganizationRolloutArgs
from ..spoke_forwarder import SpokeForwarder, SpokeForwarderArgs
from .config import (
    HEARTBEAT_INTERVAL_KEY,
    HubStackConfig,
    OrgStackConfig,
    SpokeStackConfig,
    agreed_heartbeat_interval,
    load_stack_config,
)

__all__ = ["COMPONENT_NAME", "HUB_INTERVAL_OUTPUT", "HUB_STACK_OUTPUT", "main"]

COMPONENT_NAME = "root-activity-monitor"
HUB_STACK_OUTPUT = "eventBusArn"
HUB_INTERVAL_OUTPUT = HEARTBEAT_INTERVAL_KEY
"""The hub's heartbeat interval, which spoke and org stacks with `hubStack` take as theirs."""


def main() -> None:
    """Deploy the hub or a spoke, as the stack's `mode` says."""
    config = load_stack_config()
    if isinstance(config, HubStackConfig):
        _hub(config)
    elif isinstance(config, OrgStackConfig):
        _org(config)
    else:
        _spoke(config)


def _hub(config: HubStackConfig) -> None:
    hub = HubNotifier(COMPONENT_NAME, cast(HubNotifierArgs, config.settings.as_args()))
    pulumi.export(HUB_STACK_OUTPUT, hub.event_bus_arn)
    pulumi.export("eventBusName", hub.event_bus_name)
    pulumi.export("topicArn", hub.topic_arn)
    pulumi.export("queueUrl", hub.queue_url)
    pulumi.export("deadLetterQueueArn", hub.dead_letter_queue_arn)
    pulumi.export("functionName", hub.function_name)
    pulumi.export(HUB_INTERVAL_OUTPUT, config.settings.heartbeat_interval_minutes)


def _from_hub_stack(config: SpokeStackConfig | OrgStackConfig) -> dict[str, Any]:
    """The component arguments, with the hub bus ARN and heartbeat interval read from the hub stack when the
    config names one."""
    args = config.settings.as_args()
    hub_stack = config.hub_stack
    if hub_stack is not None:
        hub = pulumi.StackReference(hub_stack)
        args["hub_event_bus_arn"] = hub.require_output(HUB_STACK_OUTPUT)
        own = config.heartbeat_interval
        args["heartbeat_interval_minutes"] = hub.get_output(HUB_INTERVAL_OUTPUT).apply(
            lambda interval: agreed_heartbeat_interval(interval, own, hub_stack)
        )
    return args


def _org(config: OrgStackConfig) -> None:
    args = _from_hub_stack(config)
    org = OrganizationRollout(COMPONENT_NAME, cast(OrganizationRolloutArgs, args))
    pulumi.export("stackSetName", org.stack_set_name)
    pulumi.export("stackSetArn", org.stack_set_arn)
    pulumi.export("ruleArns", org.own_account_rule_arns)
    if org.posture_audit_role_arn is not None:
        pulumi.export("postureAuditRoleArn", org.posture_audit_role_arn)
    if org.organizations_role_arn is not None:
        pulumi.export("organizationsRoleArn", org.organizations_role_arn)
    if org.protection_policy_id is not None:
        pulumi.export("protectionPolicyId", org.protection_policy_id)


def _spoke(config: SpokeStackConfig) -> None:
    args = _from_hub_stack(config)
    spoke = SpokeForwarder(COMPONENT_NAME, cast(SpokeForwarderArgs, args))
    pulumi.export("ruleArns", spoke.rule_arns)
    pulumi.export("deliveryRoleArn", spoke.delivery_role_arn)
