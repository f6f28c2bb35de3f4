"""One heartbeat interval for the whole deployment: the hub's, which spoke and org stacks take from it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from infra_fixtures import HUB_ACCOUNT, HUB_BUS_ARN, REGIONS, SPOKE_ACCOUNT

NS = "root-activity-monitor"
SCHEDULE = "aws:scheduler/schedule:Schedule"
HUB_STACK = "acme/root-activity-monitor/hub"
MANAGEMENT = "999999999999"


def hub_outputs(interval: object) -> dict[str, dict[str, Any]]:
    """The stack outputs of a hub stack whose heartbeat interval is `interval` (None: no such output)."""
    outputs: dict[str, Any] = {"eventBusArn": HUB_BUS_ARN}
    if interval is not None:
        outputs["heartbeatIntervalMinutes"] = interval
    return {HUB_STACK: outputs}


def by_hub_stack(config: dict[str, Any]) -> dict[str, Any]:
    """The config with the hub named by its stack instead of its bus ARN."""
    del config["hubEventBusArn"]
    config["hubStack"] = HUB_STACK
    return config


def rates(recorded: Any) -> set[str]:
    """The schedule expressions of every heartbeat schedule the stack registered."""
    return {schedule.inputs["scheduleExpression"] for schedule in recorded.of_type(SCHEDULE)}


@pytest.mark.parametrize(("configured", "exported"), [(None, 60), (15, 15)])
def test_the_hub_exports_its_interval(
    record_stack: Any, hub_config: dict[str, Any], configured: int | None, exported: int
) -> None:
    """GIVEN a hub with or without heartbeatIntervalMinutes THEN it exports the interval its watchdog uses."""
    if configured is not None:
        hub_config["heartbeatIntervalMinutes"] = configured
    recorded = record_stack(hub_config, account_id=HUB_ACCOUNT)
    assert recorded.exports["heartbeatIntervalMinutes"] == exported
    assert rates(recorded) == {f"rate({exported} minutes)"}  # its own regions and the watchdog


def test_a_spoke_with_hub_stack_takes_the_hubs_interval(
    record_stack: Any, spoke_config: dict[str, Any]
) -> None:
    """GIVEN a spoke naming the hub stack and no interval of its own THEN every region beats at the hub's."""
    recorded = record_stack(
        by_hub_stack(spoke_config), account_id=SPOKE_ACCOUNT, stack_outputs=hub_outputs(15)
    )
    assert rates(recorded) == {"rate(15 minutes)"}
    assert len(recorded.of_type(SCHEDULE)) == len(REGIONS)
    assert recorded.warnings == []


def test_a_spoke_repeating_the_hubs_interval_is_accepted(
    record_stack: Any, spoke_config: dict[str, Any]
) -> None:
    """GIVEN a spoke naming the hub stack and setting the same interval THEN it deploys at that interval."""
    spoke_config["heartbeatIntervalMinutes"] = 15
    recorded = record_stack(
        by_hub_stack(spoke_config), account_id=SPOKE_ACCOUNT, stack_outputs=hub_outputs(15)
    )
    assert rates(recorded) == {"rate(15 minutes)"}


@pytest.mark.parametrize("mode", ["spoke", "org"])
def test_an_interval_other_than_the_hubs_is_refused_naming_the_key(
    record_stack: Any, spoke_config: dict[str, Any], org_config: dict[str, Any], mode: str
) -> None:
    """GIVEN a spoke or org stack naming the hub stack (15 min) and setting 60 THEN the program fails naming
    the key, both values and the fix, instead of letting the watchdog misread every heartbeat."""
    config = spoke_config if mode == "spoke" else org_config
    config["heartbeatIntervalMinutes"] = 60
    expected = (
        f"{NS}:heartbeatIntervalMinutes is 60, but hub stack '{HUB_STACK}' runs its watchdog every 15 "
        f"minutes and would misread this stack's heartbeats: remove {NS}:heartbeatIntervalMinutes (the "
        "hub's interval is taken) or set it to 15"
    )
    # Pulumi wraps an error raised while resolving an input with the resource it was resolving for.
    with pytest.raises(ValueError, match=re.escape(expected)):
        record_stack(by_hub_stack(config), account_id=MANAGEMENT, stack_outputs=hub_outputs(15))


@pytest.mark.parametrize(("configured", "expected"), [(None, 60), (30, 30)])
def test_a_hub_stack_without_the_output_leaves_the_interval_to_the_spoke(
    record_stack: Any, spoke_config: dict[str, Any], configured: int | None, expected: int
) -> None:
    """GIVEN a hub stack deployed before it exported its interval THEN the spoke's key, else 60, applies."""
    if configured is not None:
        spoke_config["heartbeatIntervalMinutes"] = configured
    recorded = record_stack(
        by_hub_stack(spoke_config), account_id=SPOKE_ACCOUNT, stack_outputs=hub_outputs(None)
    )
    assert rates(recorded) == {f"rate({expected} minutes)"}


def test_a_malformed_interval_from_the_hub_stack_names_the_output(
    record_stack: Any, spoke_config: dict[str, Any]
) -> None:
    """GIVEN a hub stack whose interval output is out of range THEN the program fails naming that output."""
    with pytest.raises(
        ValueError, match=f"the heartbeatIntervalMinutes output of hub stack '{HUB_STACK}' must be"
    ):
        record_stack(by_hub_stack(spoke_config), account_id=SPOKE_ACCOUNT, stack_outputs=hub_outputs(0))


def test_the_org_stack_applies_its_interval(record_stack: Any, org_config: dict[str, Any]) -> None:
    """GIVEN an org stack with heartbeatIntervalMinutes 30 THEN it is applied (the management account's own
    regions beat every 30 minutes), not ignored with a warning."""
    org_config["heartbeatIntervalMinutes"] = 30
    recorded = record_stack(org_config, account_id=MANAGEMENT)
    assert rates(recorded) == {"rate(30 minutes)"}
    assert recorded.warnings == []


def test_an_org_stack_with_hub_stack_takes_the_hubs_interval(
    record_stack: Any, org_config: dict[str, Any]
) -> None:
    """GIVEN an org stack naming the hub stack (15 min) THEN the management account beats at the hub's."""
    recorded = record_stack(by_hub_stack(org_config), account_id=MANAGEMENT, stack_outputs=hub_outputs(15))
    assert rates(recorded) == {"rate(15 minutes)"}


@pytest.mark.parametrize(
    ("configured", "outputs", "rate", "age"),
    [(30, None, "rate(30 minutes)", "1800"), (None, hub_outputs(15), "rate(15 minutes)", "900")],
)
def test_the_stack_sets_accounts_beat_at_the_deployments_interval(
    record_stack: Any,
    org_config: dict[str, Any],
    *,
    configured: int | None,
    outputs: dict[str, dict[str, Any]] | None,
    rate: str,
    age: str,
) -> None:
    """GIVEN an org stack with an interval of its own or the hub stack's THEN the StackSet's template
    parameters give every member account that interval, as the management account has."""
    if configured is not None:
        org_config["heartbeatIntervalMinutes"] = configured
    if outputs is not None:
        by_hub_stack(org_config)
    recorded = record_stack(org_config, account_id=MANAGEMENT, stack_outputs=outputs)
    parameters = recorded.one("aws:cloudformation/stackSet:StackSet").inputs["parameters"]
    assert parameters["HeartbeatScheduleExpression"] == rate
    assert parameters["HeartbeatMaximumEventAgeSeconds"] == age
    assert rates(recorded) == {rate}
