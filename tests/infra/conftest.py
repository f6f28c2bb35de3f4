"""Stack configs the infrastructure tests start from, and their recorded graphs."""

from __future__ import annotations

from typing import Any

import pytest
from infra_fixtures import HUB_ACCOUNT, HUB_BUS_ARN, HUB_REGION, REGIONS, SPOKE_ACCOUNT
from root_activity_monitor.simulate import RecordedStack


@pytest.fixture
def hub_config() -> dict[str, Any]:
    """A complete hub stack config (a fresh copy per test)."""
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


@pytest.fixture
def spoke_config() -> dict[str, Any]:
    """A complete spoke stack config naming the hub bus by ARN (a fresh copy per test)."""
    return {
        "aws:region": HUB_REGION,
        "mode": "spoke",
        "regions": list(REGIONS),
        "hubEventBusArn": HUB_BUS_ARN,
    }


@pytest.fixture
def hub_stack(record_stack: Any, hub_config: dict[str, Any]) -> RecordedStack:
    """The hub program's recorded graph in the hub account."""
    return record_stack(hub_config, account_id=HUB_ACCOUNT)  # type: ignore[no-any-return]


@pytest.fixture
def spoke_stack(record_stack: Any, spoke_config: dict[str, Any]) -> RecordedStack:
    """The spoke program's recorded graph in a member account."""
    return record_stack(spoke_config, account_id=SPOKE_ACCOUNT)  # type: ignore[no-any-return]
