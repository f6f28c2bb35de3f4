"""Configuration that cannot work is refused with a fix-it message naming the key."""

from __future__ import annotations

import re
from typing import Any

import pulumi_aws
import pytest
from root_activity_monitor import ConfigError
from root_activity_monitor.regions import known_regions

from tests.recording import RecordStack

NS = "root-activity-monitor"


def test_hub_bus_arn_naming_a_default_bus_is_refused(
    record_stack: RecordStack, spoke_config: dict[str, Any]
) -> None:
    """GIVEN hubEventBusArn naming a bus called default WHEN the spoke program runs THEN it fails naming the
    key and saying the hub's own bus is expected."""
    spoke_config["hubEventBusArn"] = "arn:aws:events:eu-west-1:111111111111:event-bus/default"
    with pytest.raises(
        ConfigError, match=re.escape(f"{NS}:hubEventBusArn names an event bus called 'default'")
    ):
        record_stack(spoke_config)


def test_region_unknown_to_the_provider_is_refused_with_suggestions(
    record_stack: RecordStack, hub_config: dict[str, Any]
) -> None:
    """GIVEN a well-formed region name the installed pulumi-aws does not know WHEN the hub program runs THEN
    it fails naming the key and suggesting the closest known regions."""
    hub_config["regions"] = ["us-east-1", "eu-west-9"]
    with pytest.raises(ConfigError) as raised:
        record_stack(hub_config)
    message = str(raised.value)
    assert message.startswith(f"{NS}:regions[1]: 'eu-west-9' is not a region the installed pulumi-aws knows")
    suggestion = message.split("did you mean ", 1)[1].split("?", 1)[0]
    assert "'eu-west-1'" in suggestion


def test_known_regions_are_the_providers_commercial_regions() -> None:
    """GIVEN pulumi_aws.Region THEN the accepted regions are its commercial ones (no GovCloud, China, ISO)."""
    provider = {r.value for r in pulumi_aws.Region}
    assert set(known_regions()) <= provider
    assert {"us-east-1", "eu-west-1", "ap-southeast-2"} <= set(known_regions())
    assert not [r for r in known_regions() if r.startswith(("cn-", "us-gov-", "us-iso"))]


def test_spoke_forwarder_refuses_a_default_bus_as_the_hub(record_stack: RecordStack) -> None:
    """GIVEN SpokeForwarder with hub_event_bus_arn naming a default bus WHEN built THEN ConfigError names the
    argument."""
    from root_activity_monitor import SpokeForwarder, SpokeForwarderArgs

    args = SpokeForwarderArgs(
        regions=["us-east-1"], hub_event_bus_arn="arn:aws:events:eu-west-1:111111111111:event-bus/default"
    )
    message = "SpokeForwarderArgs.hub_event_bus_arn names an event bus called 'default'"
    with pytest.raises(ConfigError, match=re.escape(message)):
        record_stack({}, program=lambda: SpokeForwarder("spoke", args))
