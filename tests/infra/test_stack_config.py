"""Stack config: every bad or missing value fails the program with a message naming the key."""

from __future__ import annotations

import re
from typing import Any

import pytest
from root_activity_monitor import ConfigError

NS = "root-activity-monitor"

HUB_ERRORS = [
    pytest.param({"mode": None}, f"{NS}:mode is required", id="mode-missing"),
    pytest.param(
        {"mode": "central"}, f"{NS}:mode must be 'hub', 'spoke' or 'org', got 'central'", id="mode-unknown"
    ),
    pytest.param(
        {"regions": ["us-east-1", "Europe"]}, f"{NS}:regions[1] must be an AWS region", id="region-bad"
    ),
    pytest.param(
        {"regions": ["cn-north-1"]}, f"{NS}:regions[0]: 'cn-north-1' is a GovCloud or China", id="china"
    ),
    pytest.param(
        {"regions": ["us-gov-west-1"]}, f"{NS}:regions[0]: 'us-gov-west-1' is a GovCloud", id="govcloud"
    ),
    pytest.param(
        {"regions": ["us-east-1", "us-east-1"]}, f"{NS}:regions lists 'us-east-1' more than once", id="dup"
    ),
    pytest.param({"regions": "us-east-1"}, f"{NS}:regions must be a YAML list or map", id="regions-not-list"),
    pytest.param({"regions": [1]}, f"{NS}:regions[0] must be a string", id="regions-not-strings"),
    pytest.param(
        {"regions": None, "aws:region": None}, f"{NS}:regions is not set and neither is aws:region", id="none"
    ),
    pytest.param(
        {"regions": None, "aws:region": "mars-1"}, "aws:region must be an AWS region", id="aws-region-bad"
    ),
    pytest.param(
        {"organizationId": None, "spokeAccountIds": None},
        f"a hub needs {NS}:organizationId, {NS}:spokeAccountIds or both",
        id="no-principals",
    ),
    pytest.param(
        {"organizationId": "o-123"}, f"{NS}:organizationId must be an AWS Organizations ID", id="org"
    ),
    pytest.param({"organizationId": "O-A1B2C3D4E5"}, f"{NS}:organizationId must be", id="org-uppercase"),
    pytest.param(
        {"spokeAccountIds": ["222222222222", "12345"]},
        f"{NS}:spokeAccountIds[1] must be a 12-digit AWS account ID, got '12345'",
        id="account-short",
    ),
    pytest.param(
        {"spokeAccountIds": [222222222222]},
        f"{NS}:spokeAccountIds[0] must be a 12-digit AWS account ID, got 222222222222 (quote it",
        id="account-unquoted",
    ),
    pytest.param(
        {"spokeAccountIds": ["222222222222", "222222222222"]},
        f"{NS}:spokeAccountIds lists '222222222222' more than once",
        id="account-duplicate",
    ),
    pytest.param(
        {"notificationEmails": ["security"]}, f"{NS}:notificationEmails[0] must be an e-mail", id="email"
    ),
    pytest.param(
        {"notificationEmails": ["a@example.com", "A@example.com"]},
        f"{NS}:notificationEmails lists 'a@example.com' more than once",
        id="email-duplicate",
    ),
    pytest.param({"eventBusName": "root activity"}, f"{NS}:eventBusName must be 1 to 55", id="bus-name"),
    pytest.param({"eventBusName": "default"}, f"{NS}:eventBusName must be", id="bus-name-default"),
    pytest.param({"eventBusName": "x" * 56}, f"{NS}:eventBusName must be", id="bus-name-long"),
    pytest.param(
        {"batchWindowSeconds": 301},
        f"{NS}:batchWindowSeconds must be a whole number of seconds from 0 to 300",
        id="window-high",
    ),
    pytest.param(
        {"batchWindowSeconds": -1},
        f"{NS}:batchWindowSeconds must be a whole number of seconds",
        id="window-low",
    ),
    pytest.param(
        {"batchWindowSeconds": "soon"}, f"{NS}:batchWindowSeconds must be a whole number", id="window-text"
    ),
    pytest.param(
        {"accountNames": {"12345": "prod"}}, f"{NS}:accountNames key must be a 12-digit", id="names-key"
    ),
    pytest.param(
        {"accountNames": {"222222222222": " "}},
        f"{NS}:accountNames['222222222222'] must be a non-empty",
        id="names-blank",
    ),
    pytest.param(
        {"accountNames": ["prod"]}, f"{NS}:accountNames must be a map of 12-digit account ID", id="names-list"
    ),
]

SPOKE_ERRORS = [
    pytest.param(
        {"hubEventBusArn": None},
        f"a spoke needs exactly one of {NS}:hubEventBusArn (the hub's eventBusArn output) or {NS}:hubStack",
        id="neither",
    ),
    pytest.param(
        {"hubStack": "hub"},
        f"{NS}:hubStack (the hub stack's name, e.g. 'my-org/root-activity-monitor/hub'); both are set",
        id="both",
    ),
    pytest.param(
        {"hubEventBusArn": "arn:aws:sqs:eu-west-1:111111111111:queue"},
        f"{NS}:hubEventBusArn must be an event bus ARN",
        id="arn-not-a-bus",
    ),
    pytest.param(
        {"hubEventBusArn": "arn:aws:events:eu-west-1:1111:event-bus/root-activity-monitor"},
        f"{NS}:hubEventBusArn must be an event bus ARN",
        id="arn-short-account",
    ),
    pytest.param(
        {"hubEventBusArn": "arn:aws-cn:events:cn-north-1:111111111111:event-bus/hub"},
        f"{NS}:hubEventBusArn must be an event bus ARN",
        id="arn-china-partition",
    ),
    pytest.param(
        {"hubEventBusArn": "arn:aws:events:us-gov-west-1:111111111111:event-bus/hub"},
        f"{NS}:hubEventBusArn (region part): 'us-gov-west-1' is a GovCloud",
        id="arn-govcloud-region",
    ),
    pytest.param(
        {"hubEventBusArn": None, "hubStack": "not a stack!"},
        f"{NS}:hubStack must be a stack name",
        id="stack",
    ),
    pytest.param(
        {"regions": ["eu-west-1", "EU-WEST-2"]}, f"{NS}:regions[1] must be an AWS region", id="region"
    ),
]


def apply(config: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The config with `changes` applied; a None value removes the key."""
    for key, value in changes.items():
        if value is None:
            config.pop(key, None)
        else:
            config[key] = value
    return config


@pytest.mark.parametrize(("changes", "message"), HUB_ERRORS)
def test_bad_hub_config_fails_naming_the_key(
    record_stack: Any, hub_config: dict[str, Any], changes: dict[str, Any], message: str
) -> None:
    """GIVEN a hub config with one bad value WHEN the program runs THEN ConfigError names the key."""
    with pytest.raises(ConfigError, match=re.escape(message)):
        record_stack(apply(hub_config, changes))


@pytest.mark.parametrize(("changes", "message"), SPOKE_ERRORS)
def test_bad_spoke_config_fails_naming_the_key(
    record_stack: Any, spoke_config: dict[str, Any], changes: dict[str, Any], message: str
) -> None:
    """GIVEN a spoke config with one bad value WHEN the program runs THEN ConfigError names the key."""
    with pytest.raises(ConfigError, match=re.escape(message)):
        record_stack(apply(spoke_config, changes))


def test_a_config_error_registers_nothing(record_stack: Any, hub_config: dict[str, Any]) -> None:
    """GIVEN a bad value THEN the program fails before registering any resource (no half-made stack)."""
    from root_activity_monitor.simulate.recording import RecordingMonitor

    registered: list[str] = []
    original = RecordingMonitor.RegisterResource

    def spy(self: RecordingMonitor, request: Any) -> Any:
        registered.append(request.type)
        return original(self, request)

    hub_config["spokeAccountIds"] = ["12345"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(RecordingMonitor, "RegisterResource", spy)
        with pytest.raises(ConfigError):
            record_stack(hub_config)
    assert registered == ["pulumi:pulumi:Stack"]


def test_regions_default_to_the_provider_region(record_stack: Any, spoke_config: dict[str, Any]) -> None:
    """GIVEN no regions THEN the stack watches aws:region only."""
    del spoke_config["regions"]
    recorded = record_stack(spoke_config, account_id="222222222222")
    assert set(recorded.exports["ruleArns"]) == {"eu-west-1"}


@pytest.mark.parametrize("mode_config", ["hub_config", "spoke_config"])
def test_leaving_out_us_east_1_warns_that_sign_ins_are_missed(
    request: pytest.FixtureRequest, record_stack: Any, mode_config: str
) -> None:
    """GIVEN regions without us-east-1 THEN the program warns that root sign-ins would go unseen."""
    config = request.getfixturevalue(mode_config)
    config["regions"] = ["eu-west-1", "eu-central-1"]
    recorded = record_stack(config, account_id="222222222222")
    assert any("leave out us-east-1, where root console sign-ins" in warning for warning in recorded.warnings)


def test_pulumi_yaml_empty_defaults_mean_not_set(record_stack: Any) -> None:
    """GIVEN the empty defaults Pulumi.yaml applies ("" and []) THEN they count as unset, not as errors."""
    config = {
        "aws:region": "us-east-1",
        "mode": "spoke",
        "regions": [],
        "organizationId": "",
        "spokeAccountIds": [],
        "notificationEmails": [],
        "eventBusName": "root-activity-monitor",
        "batchWindowSeconds": 30,
        "hubEventBusArn": "",
        "hubStack": "hub",
    }
    recorded = record_stack(
        config,
        account_id="222222222222",
        stack_outputs={"hub": {"eventBusArn": "arn:aws:events:us-east-1:111111111111:event-bus/x"}},
    )
    assert set(recorded.exports["ruleArns"]) == {"us-east-1"}
    assert recorded.warnings == []


def test_hub_defaults_apply_when_keys_are_absent(record_stack: Any) -> None:
    """GIVEN a minimal hub config THEN the bus is named root-activity-monitor and the window is 30 s."""
    recorded = record_stack({"aws:region": "us-east-1", "mode": "hub", "organizationId": "o-a1b2c3d4e5"})
    assert recorded.exports["eventBusName"] == "root-activity-monitor"
    mapping = recorded.one("aws:lambda/eventSourceMapping:EventSourceMapping")
    assert mapping.inputs["maximumBatchingWindowInSeconds"] == 30
