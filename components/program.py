"""The Pulumi program: read the stack config, build the component for `mode`, export its outputs."""

from __future__ import annotations

import pulumi

from .hub_notifier import HubNotifier, HubNotifierArgs
from .spoke_forwarder import SpokeForwarder, SpokeForwarderArgs
from .stack_config import HubStackConfig, SpokeStackConfig, load_stack_config

COMPONENT_NAME = "root-activity-monitor"
HUB_STACK_OUTPUT = "eventBusArn"


def main() -> None:
    """Deploy the hub or a spoke, as the stack's `mode` says."""
    config = load_stack_config()
    if isinstance(config, HubStackConfig):
        _hub(config)
    else:
        _spoke(config)


def _hub(config: HubStackConfig) -> None:
    hub = HubNotifier(
        COMPONENT_NAME,
        HubNotifierArgs(
            regions=config.regions,
            organization_id=config.organization_id,
            spoke_account_ids=config.spoke_account_ids,
            notification_emails=config.notification_emails,
            event_bus_name=config.event_bus_name,
            batch_window_seconds=config.batch_window_seconds,
            account_names=config.account_names,
        ),
    )
    pulumi.export("eventBusArn", hub.event_bus_arn)
    pulumi.export("eventBusName", hub.event_bus_name)
    pulumi.export("topicArn", hub.topic_arn)
    pulumi.export("queueUrl", hub.queue_url)
    pulumi.export("deadLetterQueueArn", hub.dead_letter_queue_arn)
    pulumi.export("functionName", hub.function_name)


def _spoke(config: SpokeStackConfig) -> None:
    hub_event_bus_arn: pulumi.Input[str]
    if config.hub_event_bus_arn is not None:
        hub_event_bus_arn = config.hub_event_bus_arn
    else:
        assert config.hub_stack is not None  # load_stack_config guarantees exactly one
        hub_event_bus_arn = pulumi.StackReference(config.hub_stack).require_output(HUB_STACK_OUTPUT)
    spoke = SpokeForwarder(
        COMPONENT_NAME, SpokeForwarderArgs(hub_event_bus_arn=hub_event_bus_arn, regions=config.regions)
    )
    pulumi.export("ruleArns", spoke.rule_arns)
    pulumi.export("deliveryRoleArn", spoke.delivery_role_arn)
