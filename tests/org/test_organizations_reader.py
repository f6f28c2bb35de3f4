"""The read-only Organizations role the org stack makes for the hub, and the hub's permission to use it."""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import boto3
import pytest
from root_activity_monitor import ConfigError
from root_activity_monitor.organizations_access import LIST_ACTIONS, READ_ACTIONS
from root_activity_monitor.simulate import RecordedStack

from handler import organizations
from tests.recording import RecordStack

MANAGEMENT = "999999999999"
HUB_ACCOUNT = "111111111111"
HUB_BUS_ARN = f"arn:aws:events:eu-west-1:{HUB_ACCOUNT}:event-bus/root-activity-monitor"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
FUNCTION = "aws:lambda/function:Function"
SCHEDULE = "aws:scheduler/schedule:Schedule"
READER_ARN = f"arn:aws:iam::{MANAGEMENT}:role/root-activity-monitor-organizations-reader-1a2b3c4"
OUS = ["ou-ab12-cd34ef56"]


def org_config() -> dict[str, Any]:
    return {
        "aws:region": "us-east-1",
        "mode": "org",
        "regions": ["us-east-1", "eu-west-1"],
        "hubEventBusArn": HUB_BUS_ARN,
        "organizationalUnitIds": OUS,
    }


def hub_config(**changes: Any) -> dict[str, Any]:
    return {
        "aws:region": "eu-west-1",
        "mode": "hub",
        "regions": ["us-east-1", "eu-west-1"],
        "organizationId": "o-a1b2c3d4e5",
        **changes,
    }


def document(resource: Any, key: str) -> dict[str, Any]:
    return dict(json.loads(resource.inputs[key]))


@pytest.fixture(scope="session")
def org_stack(record_stack: RecordStack) -> RecordedStack:
    return record_stack(org_config(), account_id=MANAGEMENT)


@pytest.fixture(scope="session")
def hub_with_reader(record_stack: RecordStack) -> RecordedStack:
    config = hub_config(organizationsRoleArn=READER_ARN, expectedOrganizationalUnitIds=OUS)
    return record_stack(config, account_id=HUB_ACCOUNT)


def test_the_reader_role_may_only_list_and_describe_accounts(org_stack: RecordedStack) -> None:
    """GIVEN the org stack THEN its reader role may list and describe accounts and OUs, nothing else, on
    Organizations' account, OU and root resources where an action has one, and the stack exports its ARN."""
    role = org_stack.named(ROLE, "root-activity-monitor-organizations-reader")
    named, everywhere = document(
        org_stack.named(ROLE_POLICY, "root-activity-monitor-organizations-reader-policy"), "policy"
    )["Statement"]
    assert named["Action"] == list(READ_ACTIONS)
    assert all(resource.startswith("arn:aws:organizations::") for resource in named["Resource"])
    assert (everywhere["Action"], everywhere["Resource"]) == (list(LIST_ACTIONS), "*")
    actions = [*named["Action"], *everywhere["Action"]]
    assert all(action.split(":")[1].startswith(("List", "Describe")) for action in actions)
    assert org_stack.exports["organizationsRoleArn"] == role.arn


def test_the_reader_grants_exactly_the_calls_the_hub_s_functions_make(org_stack: RecordedStack) -> None:
    """GIVEN the Organizations calls in the hub's code (handler/organizations.py, the one module that reads
    the organization) THEN the reader role grants each of them and nothing they do not call."""
    source = Path(organizations.__file__).read_text(encoding="utf-8")
    methods = set(re.findall(r"client\.(\w+)\(", source)) | set(
        re.findall(r'_pages\(client, "(\w+)"', source)
    )
    to_api = boto3.client("organizations", region_name="us-east-1").meta.method_to_api_mapping
    called = {f"organizations:{to_api[method]}" for method in methods}
    statements = document(
        org_stack.named(ROLE_POLICY, "root-activity-monitor-organizations-reader-policy"), "policy"
    )["Statement"]
    assert {action for statement in statements for action in statement["Action"]} == called


def test_only_the_hubs_notifier_watchdog_and_audit_roles_may_assume_the_reader(
    org_stack: RecordedStack, hub_with_reader: RecordedStack, record_stack: RecordStack
) -> None:
    """GIVEN the org stack's reader trust and the hub's recorded roles THEN the notifier's, watchdog's and
    root credential audit's role ARNs match it, and no other role of the hub (schedules, heartbeat, delivery)
    or a spoke does; with the audit off, the audit's role does not either."""
    (trust,) = document(
        org_stack.named(ROLE, "root-activity-monitor-organizations-reader"), "assumeRolePolicy"
    )["Statement"]
    assert trust["Principal"] == {"AWS": f"arn:aws:iam::{HUB_ACCOUNT}:root"}
    patterns = trust["Condition"]["ArnLike"]["aws:PrincipalArn"]

    def trusted(arn: str) -> bool:
        return any(fnmatchcase(arn, pattern) for pattern in patterns)

    hub_roles = {role.name: role.arn for role in hub_with_reader.of_type(ROLE)}
    allowed = {name for name, arn in hub_roles.items() if trusted(arn)}
    assert allowed == {
        "root-activity-monitor-notifier-role",
        "root-activity-monitor-watchdog-role",
        "root-activity-monitor-posture-role",
    }
    assert len(hub_roles) > len(allowed)
    audit_off = record_stack({**org_config(), "postureSchedule": "off"}, account_id=MANAGEMENT)
    (trust_off,) = document(
        audit_off.named(ROLE, "root-activity-monitor-organizations-reader"), "assumeRolePolicy"
    )["Statement"]
    assert not any(
        fnmatchcase(hub_roles["root-activity-monitor-posture-role"], pattern)
        for pattern in trust_off["Condition"]["ArnLike"]["aws:PrincipalArn"]
    )
    spoke = record_stack(
        {"aws:region": "eu-west-1", "mode": "spoke", "regions": ["eu-west-1"], "hubEventBusArn": HUB_BUS_ARN},
        account_id="222222222222",
    )
    assert not any(trusted(role.arn) for role in spoke.of_type(ROLE))


def test_the_hubs_functions_may_assume_exactly_the_configured_reader(hub_with_reader: RecordedStack) -> None:
    """GIVEN organizationsRoleArn THEN the notifier and the watchdog may assume that role and no other, read
    cached names from their table, and find the role and the OUs in their environment and schedule."""
    table = hub_with_reader.named("aws:dynamodb/table:Table", "root-activity-monitor-heartbeats").arn
    for kind in ("notifier", "watchdog"):
        policy = document(
            hub_with_reader.named(ROLE_POLICY, f"root-activity-monitor-{kind}-organizations-policy"), "policy"
        )
        granted = {s["Sid"]: (s["Action"], s["Resource"]) for s in policy["Statement"]}
        assert granted == {
            "AssumeOrganizationsReader": ("sts:AssumeRole", READER_ARN),
            "ReadCachedAccountNames": (["dynamodb:GetItem", "dynamodb:UpdateItem"], table),
        }
        variables = hub_with_reader.named(FUNCTION, f"root-activity-monitor-{kind}").inputs["environment"][
            "variables"
        ]
        assert (variables["ORGANIZATIONS_LOOKUP"], variables["ORGANIZATIONS_ROLE_ARN"]) == ("on", READER_ARN)
    plan = json.loads(
        hub_with_reader.named(SCHEDULE, "root-activity-monitor-watchdog-schedule").inputs["target"]["input"]
    )
    assert plan["expectedOrganizationalUnits"] == OUS


def test_a_management_account_hub_reads_the_organization_directly(record_stack: RecordStack) -> None:
    """GIVEN a hub of an organization without organizationsRoleArn THEN its functions read Organizations
    themselves (read actions only) and assume no role."""
    hub = record_stack(hub_config(), account_id=HUB_ACCOUNT)
    policy = document(hub.named(ROLE_POLICY, "root-activity-monitor-notifier-organizations-policy"), "policy")
    (read,) = [s for s in policy["Statement"] if s["Sid"] == "ReadOrganizationAccounts"]
    assert read["Action"] == list(READ_ACTIONS)
    assert "sts:AssumeRole" not in json.dumps(policy)
    variables = hub.named(FUNCTION, "root-activity-monitor-notifier").inputs["environment"]["variables"]
    assert "ORGANIZATIONS_ROLE_ARN" not in variables


def test_a_hub_of_listed_accounts_only_does_not_ask_organizations(record_stack: RecordStack) -> None:
    """GIVEN a hub with spokeAccountIds and no organization THEN no Organizations permission or lookup."""
    config = hub_config(spokeAccountIds=["222222222222"])
    del config["organizationId"]
    hub = record_stack(config, account_id=HUB_ACCOUNT)
    assert not [p for p in hub.of_type(ROLE_POLICY) if p.name.endswith("organizations-policy")]
    variables = hub.named(FUNCTION, "root-activity-monitor-notifier").inputs["environment"]["variables"]
    assert "ORGANIZATIONS_LOOKUP" not in variables


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"organizationsRoleArn": "reader"},
            "root-activity-monitor:organizationsRoleArn must be an IAM role ARN",
        ),
        (
            {
                "organizationId": None,
                "spokeAccountIds": ["222222222222"],
                "expectedOrganizationalUnitIds": OUS,
            },
            "root-activity-monitor:expectedOrganizationalUnitIds needs root-activity-monitor:organizationId",
        ),
        (
            {"expectedOrganizationalUnitIds": ["ou-bad"]},
            "root-activity-monitor:expectedOrganizationalUnitIds\\[0\\]",
        ),
    ],
)
def test_bad_organization_settings_are_refused_naming_the_key(
    record_stack: RecordStack, changes: dict[str, Any], message: str
) -> None:
    """GIVEN a malformed reader ARN, OUs without an organization, or a bad OU ID THEN the hub is refused
    with an error naming the key."""
    config = {key: value for key, value in hub_config(**changes).items() if value is not None}
    with pytest.raises(ConfigError, match=message):
        record_stack(config, account_id=HUB_ACCOUNT)
