"""deployerPrincipalArns: the deployer's changes are still tamper alerts, at LOW; bad values name the key."""

from __future__ import annotations

import json
from typing import Any

import pytest
from infra_fixtures import FUNCTION, HUB_ACCOUNT
from root_activity_monitor.hub_notifier import HubNotifier, HubNotifierArgs
from root_activity_monitor.validation import ConfigError

from tests.recording import RecordStack

DEPLOYER = f"arn:aws:iam::{HUB_ACCOUNT}:role/github-deploy"


def test_deployer_arns_reach_the_notifier_environment(
    record_stack: RecordStack, hub_config: dict[str, Any]
) -> None:
    """GIVEN deployerPrincipalArns THEN the notifier gets them as DEPLOYER_PRINCIPAL_ARNS (a JSON list)."""
    recorded = record_stack({**hub_config, "deployerPrincipalArns": [DEPLOYER]}, account_id=HUB_ACCOUNT)
    variables = recorded.named(FUNCTION, "root-activity-monitor-notifier").inputs["environment"]["variables"]
    assert json.loads(variables["DEPLOYER_PRINCIPAL_ARNS"]) == [DEPLOYER]


@pytest.mark.parametrize(
    "value",
    [["github-deploy"], ["arn:aws:s3:::bucket"], [DEPLOYER, DEPLOYER], "arn:aws:iam::111111111111:role/x"],
)
def test_bad_deployer_arns_name_the_config_key(
    record_stack: RecordStack, hub_config: dict[str, Any], value: Any
) -> None:
    """GIVEN a value that is not a list of distinct IAM role/user ARNs THEN the error names the config key."""
    with pytest.raises(ConfigError, match=r"root-activity-monitor:deployerPrincipalArns"):
        record_stack({**hub_config, "deployerPrincipalArns": value}, account_id=HUB_ACCOUNT)


def test_bad_deployer_arns_name_the_component_argument() -> None:
    """GIVEN the component with a bad deployer ARN THEN the error names the argument and its index."""
    args = HubNotifierArgs(
        regions=["us-east-1"], organization_id="o-a1b2c3d4e5", deployer_principal_arns=["x"]
    )
    with pytest.raises(ConfigError, match=r"HubNotifierArgs\.deployer_principal_arns\[0\]"):
        HubNotifier("hub", args)
