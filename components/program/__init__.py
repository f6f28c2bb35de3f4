"""The Pulumi program: read the stack config, build the component for `mode`, export its outputs."""

from __future__ import annotations

from typing import Any, cast

import pulumi

from ..hub_notifier import HubNotifier, HubNotifierArgs
from ..organization_rollout import OrganizationRollout, OrganizationRolloutArgs
from ..spoke_forwarder import SpokeForwarder, SpokeForwarderArgs
from .config import HubStackConfig, OrgStackConfig, SpokeStackConfig, load_stack_config

__all__ = ["COMPONENT_NAME", "HUB_STACK_OUTPUT", "main"]

COMPONENT_NAME = "root-activity-monitor"
HUB_STACK_OUTPUT = "eventBusArn"


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
    pulumi.export("healthTopicArns", hub.health_topic_arns)


def _hub_event_bus_arn(args: dict[str, Any], hub_stack: str | None) -> dict[str, Any]:
    """The component arguments, with the hub bus ARN read from the hub stack when the config names one."""
    if hub_stack is not None:
        args["hub_event_bus_arn"] = pulumi.StackReference(hub_stack).require_output(HUB_STACK_OUTPUT)
    return args


def _org(config: OrgStackConfig) -> None:
    args = _hub_event_bus_arn(config.settings.as_args(), config.hub_stack)
    org = OrganizationRollout(COMPONENT_NAME, cast(OrganizationRolloutArgs, args))
    pulumi.export("stackSetName", org.stack_set_name)
    pulumi.export("stackSetArn", org.stack_set_arn)
    pulumi.export("ruleArns", org.own_account_rule_arns)
    if org.organizations_role_arn is not None:
        pulumi.export("organizationsRoleArn", org.organizations_role_arn)


def _spoke(config: SpokeStackConfig) -> None:
    args = _hub_event_bus_arn(config.settings.as_args(), config.hub_stack)
    spoke = SpokeForwarder(COMPONENT_NAME, cast(SpokeForwarderArgs, args))
    pulumi.export("ruleArns", spoke.rule_arns)
    pulumi.export("deliveryRoleArn", spoke.delivery_role_arn)
    pulumi.export("healthTopicArns", spoke.health_topic_arns)
