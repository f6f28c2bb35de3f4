"""The hub event bus and the policy that says which accounts may put events on it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .. import policies
from ..tagging import Tags, tag_input


@dataclass(frozen=True)
class HubBus:
    """The bus spokes forward to, and its resource policy."""

    bus: aws.cloudwatch.EventBus
    policy: aws.cloudwatch.EventBusPolicy


def hub_bus(
    name: str,
    *,
    bus_name: str,
    organization_id: str | None,
    account_ids: Sequence[str],
    parent: pulumi.Resource,
    tags: Tags,
) -> HubBus:
    """A custom bus that the organization's principals and/or the listed accounts may put events on."""
    child = pulumi.ResourceOptions(parent=parent)
    bus = aws.cloudwatch.EventBus(f"{name}-bus", name=bus_name, tags=tag_input(tags), opts=child)
    policy = aws.cloudwatch.EventBusPolicy(
        f"{name}-bus-policy",
        event_bus_name=bus.name,
        policy=bus.arn.apply(
            lambda arn: json.dumps(policies.event_bus_policy(arn, organization_id, account_ids))
        ),
        opts=child,
    )
    return HubBus(bus=bus, policy=policy)
