"""expectedRootUse, highPriorityEndpoints and runbookBaseUrl: what reaches the notifier and the topic."""

from __future__ import annotations

import json
from typing import Any

import pytest
from infra_fixtures import FUNCTION, HUB_ACCOUNT, SUBSCRIPTION, TOPIC
from root_activity_monitor.validation import ConfigError

NOTIFIER = "root-activity-monitor-notifier"
WINDOW = {
    "accountIds": ["222222222222"],
    "start": "2026-12-01T09:00:00Z",
    "end": "2026-12-01T17:00:00+00:00",
    "ticket": "CHG-1234",
    "approver": "Dana (security)",
    "tasks": ["S3UnlockBucketPolicy"],
}
PAGER = {"protocol": "https", "endpoint": "https://events.pagerduty.com/integration/abc123/enqueue"}


def variables(recorded: Any) -> dict[str, str]:
    found: dict[str, str] = recorded.named(FUNCTION, NOTIFIER).inputs["environment"]["variables"]
    return found


def test_windows_reach_the_notifier_in_utc(record_stack: Any, hub_config: dict[str, Any]) -> None:
    """GIVEN an approved window THEN the notifier's EXPECTED_ROOT_USE holds it with times in the Z form."""
    recorded = record_stack({**hub_config, "expectedRootUse": [WINDOW]}, account_id=HUB_ACCOUNT)
    [window] = json.loads(variables(recorded)["EXPECTED_ROOT_USE"])
    assert window == {**WINDOW, "end": "2026-12-01T17:00:00Z"}


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (
            {"end": "2026-12-08T09:00:01Z"},
            r"expectedRootUse\[1\] must end after it starts and last at most 7 days",
        ),
        ({"end": "2026-12-01T08:00:00Z"}, r"expectedRootUse\[1\] must end after it starts"),
        ({"ticket": ""}, r"expectedRootUse\[1\]\.ticket is required"),
        ({"approver": None}, r"expectedRootUse\[1\]\.approver is required"),
        ({"start": "2026-12-01T09:00:00+02:00"}, r"expectedRootUse\[1\]\.start must be an ISO 8601 UTC time"),
        ({"start": "tomorrow"}, r"expectedRootUse\[1\]\.start must be an ISO 8601 UTC time"),
        ({"accountIds": []}, r"expectedRootUse\[1\]\.accountIds must list at least one account"),
        ({"accountIds": ["2222"]}, r"expectedRootUse\[1\]\.accountIds\[0\] must be a 12-digit"),
        ({"tasks": ["RootEverything"]}, r"expectedRootUse\[1\]\.tasks must name AssumeRoot tasks"),
        ({"reason": "x"}, r"expectedRootUse\[1\] has unknown keys \['reason'\]"),
    ],
)
def test_a_malformed_window_is_refused_naming_key_and_index(
    record_stack: Any, hub_config: dict[str, Any], change: dict[str, Any], named: str
) -> None:
    """GIVEN a good window and a second one with one thing wrong THEN the stack fails naming the second."""
    with pytest.raises(ConfigError, match=rf"root-activity-monitor:{named}"):
        record_stack(
            {**hub_config, "expectedRootUse": [WINDOW, {**WINDOW, **change}]}, account_id=HUB_ACCOUNT
        )


def test_a_pager_gets_only_critical_and_high(record_stack: Any, hub_config: dict[str, Any]) -> None:
    """GIVEN a high-priority endpoint THEN it is subscribed with a filter policy on severity CRITICAL/HIGH."""
    recorded = record_stack({**hub_config, "highPriorityEndpoints": [PAGER]}, account_id=HUB_ACCOUNT)
    subscription = recorded.named(SUBSCRIPTION, "root-activity-monitor-high-priority-0")
    inputs = subscription.inputs
    assert (inputs["protocol"], inputs["endpoint"]) == (PAGER["protocol"], PAGER["endpoint"])
    assert inputs["topic"] == recorded.named(TOPIC, "root-activity-monitor-topic").arn
    assert json.loads(inputs["filterPolicy"]) == {"severity": ["CRITICAL", "HIGH"]}
    assert inputs["filterPolicyScope"] == "MessageAttributes"


@pytest.mark.parametrize(
    ("endpoint", "named"),
    [
        ({"protocol": "pager", "endpoint": "x"}, r"highPriorityEndpoints\[0\]\.protocol must be one of"),
        ({"protocol": "https", "endpoint": "http://pager"}, r"highPriorityEndpoints\[0\]\.endpoint must be"),
        (
            {"protocol": "email"},
            r"highPriorityEndpoints\[0\] must be a map with exactly protocol and endpoint",
        ),
    ],
)
def test_a_malformed_endpoint_is_refused_naming_key_and_index(
    record_stack: Any, hub_config: dict[str, Any], endpoint: dict[str, Any], named: str
) -> None:
    """GIVEN a high-priority endpoint with one thing wrong THEN the stack fails naming it."""
    with pytest.raises(ConfigError, match=rf"root-activity-monitor:{named}"):
        record_stack({**hub_config, "highPriorityEndpoints": [endpoint]}, account_id=HUB_ACCOUNT)


def test_the_runbook_base_reaches_the_notifier(record_stack: Any, hub_config: dict[str, Any]) -> None:
    """GIVEN runbookBaseUrl THEN the notifier's RUNBOOK_BASE_URL is that URL."""
    base = "https://github.com/example-org/root-activity-monitor/blob/main/docs/runbooks/"
    recorded = record_stack({**hub_config, "runbookBaseUrl": base}, account_id=HUB_ACCOUNT)
    assert variables(recorded)["RUNBOOK_BASE_URL"] == base


@pytest.mark.parametrize("base", ["http://wiki.example.com/runbooks/", "https://wiki.example.com/runbooks"])
def test_a_bad_runbook_base_is_refused(record_stack: Any, hub_config: dict[str, Any], base: str) -> None:
    """GIVEN a plain-http URL or one without a trailing '/' THEN the stack fails naming runbookBaseUrl."""
    with pytest.raises(ConfigError, match=r"root-activity-monitor:runbookBaseUrl must be an https:// URL"):
        record_stack({**hub_config, "runbookBaseUrl": base}, account_id=HUB_ACCOUNT)
