"""Stack configs the infrastructure tests start from, and their recorded graphs."""

from __future__ import annotations

from typing import Any

import pytest
from infra_fixtures import HUB_ACCOUNT, HUB_BUS_ARN, HUB_REGION, REGIONS, SPOKE_ACCOUNT
from root_activity_monitor.simulate import RecordedStack


def complete_hub_config() -> dict[str, Any]:
    """A complete hub stack config, new on every call."""
    return {
        "aws:region": HUB_REGION,
        "mode": "hub",
        "regions": list(REGIONS),
        "organizationId": "o-a1b2c3d4e5",
        "spokeAccountIds": [SPOKE_ACCOUNT, "333333333333"],
        "notificationEmails": ["security@example.com", "oncall@example.com"],
        "eventBusName": "root-activity-monitor",
        "batchWindowSeconds": 30,
        "accountNames": {HUB_ACCOUNT: "security", SPOKE_ACCOUNT: "production"},
    }


def complete_spoke_config() -> dict[str, Any]:
    """A complete spoke stack config naming the hub bus by ARN, new on every call."""
    return {
        "aws:region": HUB_REGION,
        "mode": "spoke",
        "regions": list(REGIONS),
        "hubEventBusArn": HUB_BUS_ARN,
    }


def complete_org_config() -> dict[str, Any]:
    """A complete org stack config (management account, hub bus by ARN), new on every call."""
    return {
        "aws:region": "us-east-1",
        "mode": "org",
        "regions": list(REGIONS),
        "hubEventBusArn": HUB_BUS_ARN,
        "organizationalUnitIds": ["ou-ab12-cd34ef56"],
    }


@pytest.fixture
def hub_config() -> dict[str, Any]:
    """A complete hub stack config (a fresh copy per test, free to change)."""
    return complete_hub_config()


@pytest.fixture
def spoke_config() -> dict[str, Any]:
    """A complete spoke stack config (a fresh copy per test, free to change)."""
    return complete_spoke_config()


@pytest.fixture
def org_config() -> dict[str, Any]:
    """A complete org stack config (a fresh copy per test, free to change)."""
    return complete_org_config()


# Recorded once per session: the tests only read these graphs, and tests that need another config record
# their own from `hub_config` / `spoke_config`.
@pytest.fixture(scope="session")
def hub_stack(record_stack: Any) -> RecordedStack:
    """The hub program's recorded graph in the hub account, from the complete hub config."""
    return record_stack(complete_hub_config(), account_id=HUB_ACCOUNT)  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def spoke_stack(record_stack: Any) -> RecordedStack:
    """The spoke program's recorded graph in a member account, from the complete spoke config."""
    return record_stack(complete_spoke_config(), account_id=SPOKE_ACCOUNT)  # type: ignore[no-any-return]
