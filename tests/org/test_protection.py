"""The protection policy: a service control policy that makes changing the monitor impossible in members.

The resources it must protect are read from what the monitor really creates in a member account (the
StackSet template and SpokeForwarder's recorded graph), and the actions from botocore's service models (every
operation of the resource's service but a read), so a resource or an API added tomorrow is checked without
editing a list here. The SCP is evaluated with the replay's IAM evaluator, on top of AWS's default
`FullAWSAccess` SCP.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import botocore.session
import pytest
from root_activity_monitor import ConfigError, OrganizationRollout, OrganizationRolloutArgs
from root_activity_monitor.protection import (
    FULL_AWS_ACCESS,
    SCP_SIZE_LIMIT,
    monitor_protection_policy,
    policy_text,
)
from root_activity_monitor.simulate import RecordedStack
from root_activity_monitor.simulate.attacks import STACK_SET_EXECUTION_ROLE
from root_activity_monitor.simulate.iam import Caller, evaluate
from root_activity_monitor.simulate.recording import RecordedResource
from root_activity_monitor.spoke.template import spoke_template

from tests.recording import RecordStack

HUB = "111111111111"
MEMBER = "222222222222"
MANAGEMENT = "999999999999"
REGION = "us-east-1"
HUB_BUS_ARN = f"arn:aws:events:eu-west-1:{HUB}:event-bus/root-activity-monitor"
OUS = ["ou-ab12-cd34ef56", "r-ab12"]
ADMIN = f"arn:aws:iam::{MEMBER}:role/Admin"
EXECUTION_ROLE = f"arn:aws:iam::{MEMBER}:role/{STACK_SET_EXECUTION_ROLE}"
READ_PREFIXES = ("Get", "List", "Describe")
POLICY = "aws:organizations/policy:Policy"
ATTACHMENT = "aws:organizations/policyAttachment:PolicyAttachment"


def may(
    principal: str, action: str, resource: str, *, account: str = MEMBER, exempt: tuple[str, ...] = ()
) -> bool:
    """Whether an all-powerful `principal` of `account` may act once the protection SCP is attached."""
    scp = monitor_protection_policy(HUB, exempt_principal_arns=exempt)
    caller = Caller(context={"aws:PrincipalArn": principal, "aws:PrincipalAccount": account})
    return evaluate(
        [FULL_AWS_ACCESS, json.loads(policy_text(scp))],
        action=action,
        resource=resource,
        caller=caller,
        resource_based=False,
    ).allowed


def _sub(value: Any) -> str:
    return str(value["Fn::Sub"]).replace("${AWS::Region}", REGION) if isinstance(value, dict) else str(value)


TEMPLATE_ARNS = {
    "AWS::Events::Rule": ("events", "arn:aws:events:{region}:{account}:rule/{Name}"),
    "AWS::IAM::Role": ("iam", "arn:aws:iam::{account}:role/{RoleName}"),
    "AWS::Scheduler::Schedule": ("scheduler", "arn:aws:scheduler:{region}:{account}:schedule/default/{Name}"),
    "AWS::SQS::Queue": ("sqs", "arn:aws:sqs:{region}:{account}:{QueueName}"),
}
"""How AWS builds each template resource type's ARN from its name property (an unknown type fails)."""


def _template_resources() -> Iterator[tuple[str, str]]:
    """(service, ARN) of what one StackSet instance creates in a member account; the queue policy and the
    roles' inline policies are changed through their queue and role."""
    resources = spoke_template()["Resources"]
    arns: dict[str, tuple[str, str]] = {}
    for logical_id, resource in resources.items():
        if resource["Type"] == "AWS::SQS::QueuePolicy":
            continue
        service, shape = TEMPLATE_ARNS[resource["Type"]]
        names = {key: _sub(value) for key, value in resource["Properties"].items() if "Name" in key}
        arns[logical_id] = service, shape.format(region=REGION, account=MEMBER, **names)
    for resource in resources.values():
        if resource["Type"] == "AWS::SQS::QueuePolicy":
            (queue,) = resource["Properties"]["Queues"]
            yield arns[queue["Ref"]]
    yield from arns.values()


def _graph_arn(resource: RecordedResource, stack: RecordedStack) -> str:
    """The ARN of the resource a recorded one changes: itself, or its rule, role or queue."""
    if resource.type == "aws:cloudwatch/eventTarget:EventTarget":
        return f"arn:aws:events:{resource.region}:{MEMBER}:rule/{resource.inputs['rule']}"
    if resource.type == "aws:iam/rolePolicy:RolePolicy":
        roles = stack.of_type("aws:iam/role:Role")
        return str(next(r.arn for r in roles if r.outputs["name"] == resource.inputs["role"]))
    if resource.type == "aws:sqs/queuePolicy:QueuePolicy":
        queues = stack.of_type("aws:sqs/queue:Queue")
        return str(next(r.arn for r in queues if r.outputs["url"] == resource.inputs["queueUrl"]))
    assert resource.arn is not None, resource.type
    return resource.arn


def _graph_resources(stack: RecordedStack) -> Iterator[tuple[str, str]]:
    """(service, ARN) of every AWS resource a spoke stack's SpokeForwarder records."""
    for resource in stack.resources:
        if resource.custom and not resource.type.startswith("pulumi:"):
            service = resource.type.split(":")[1].split("/")[0]
            yield {"cloudwatch": "events"}.get(service, service), _graph_arn(resource, stack)


def _operations(service: str) -> list[str]:
    return botocore.session.get_session().get_service_model(service).operation_names


@pytest.fixture(scope="session")
def member_resources(record_stack: RecordStack) -> set[tuple[str, str]]:
    """What the monitor creates in a member account, StackSet instance and spoke stack alike."""
    spoke = record_stack(
        {
            "aws:region": REGION,
            "mode": "spoke",
            "regions": [REGION],
            "hubEventBusArn": HUB_BUS_ARN,
        },
        account_id=MEMBER,
    )
    return {*_template_resources(), *_graph_resources(spoke)}


def test_every_change_to_what_the_monitor_creates_is_refused_to_an_administrator(
    member_resources: set[tuple[str, str]],
) -> None:
    """GIVEN every resource the StackSet and a SpokeForwarder create in a member account and every operation
    of its service WHEN a member administrator calls it THEN every change is refused and every read allowed,
    while the StackSet execution role and the hub account may still change it."""
    assert {service for service, _ in member_resources} == {"events", "iam", "scheduler", "sqs"}
    for service, arn in sorted(member_resources):
        for operation in _operations(service):
            action = f"{service}:{operation}"
            reading = operation.startswith(READ_PREFIXES)
            assert may(ADMIN, action, arn) is reading, (action, arn)
            assert may(EXECUTION_ROLE, action, arn), (action, arn)
            assert may(f"arn:aws:iam::{HUB}:role/deployer", action, arn.replace(MEMBER, HUB), account=HUB)


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        # The attack table's steps that touch no monitor resource by name.
        ("iam:PassRole", f"arn:aws:iam::{MEMBER}:role/root-activity-monitor-delivery-{REGION}"),
        ("events:PutRule", f"arn:aws:events:{REGION}:{MEMBER}:rule/root-activity-monitor-forward-relay"),
        ("iam:CreateRole", f"arn:aws:iam::{MEMBER}:role/root-activity-monitor-delivery-mine"),
        ("cloudtrail:StopLogging", f"arn:aws:cloudtrail:{REGION}:{MEMBER}:trail/organization"),
        ("cloudtrail:PutEventSelectors", f"arn:aws:cloudtrail:{REGION}:{MEMBER}:trail/own"),
        ("organizations:LeaveOrganization", "*"),
        # Rewriting the execution role's trust would let the administrator act as it.
        ("iam:UpdateAssumeRolePolicy", EXECUTION_ROLE),
    ],
)
def test_look_alikes_borrowed_roles_trails_and_the_execution_role_are_refused(
    action: str, resource: str
) -> None:
    """GIVEN the protection SCP WHEN an administrator passes a monitor role to a rule of its own, creates a
    look-alike, blinds a trail, leaves the organization or edits the execution role THEN it is refused; the
    execution role is not."""
    assert not may(ADMIN, action, resource)
    assert may(EXECUTION_ROLE, action, resource)


def test_the_account_s_own_resources_and_listed_deployers_are_left_alone() -> None:
    """GIVEN the protection SCP THEN the administrator's own rules and roles are untouched, and a deployer
    listed in protectionExemptPrincipalArns may still update a spoke stack's rule."""
    assert may(ADMIN, "events:DisableRule", f"arn:aws:events:{REGION}:{MEMBER}:rule/billing-alerts")
    assert may(ADMIN, "iam:PutRolePolicy", f"arn:aws:iam::{MEMBER}:role/app")
    deployer = f"arn:aws:iam::{MEMBER}:role/platform-deployer"
    rule = f"arn:aws:events:{REGION}:{MEMBER}:rule/root-activity-monitor-tamper-20261204120000000000000001"
    assert may(deployer, "events:PutRule", rule, exempt=(deployer,))
    assert not may(deployer, "events:PutRule", rule)


def test_a_policy_over_the_scp_size_limit_is_refused_naming_the_key() -> None:
    """GIVEN so many exempt principals that the SCP would not fit THEN the error names the key to shorten."""
    many = [f"arn:aws:iam::{MEMBER}:role/deployer-{i:03}" for i in range(SCP_SIZE_LIMIT // 40)]
    with pytest.raises(ConfigError, match="protectionExemptPrincipalArns"):
        policy_text(monitor_protection_policy(HUB, exempt_principal_arns=many))


@pytest.fixture
def org_config() -> dict[str, Any]:
    """A complete org stack config in the management account."""
    return {
        "aws:region": REGION,
        "mode": "org",
        "regions": [REGION],
        "hubEventBusArn": HUB_BUS_ARN,
        "organizationalUnitIds": list(OUS),
        "tags": {"team": "security"},
    }


def test_the_org_stack_attaches_the_protection_policy_to_every_ou_by_default(
    record_stack: RecordStack, org_config: dict[str, Any]
) -> None:
    """GIVEN an org stack in the management account THEN one SCP with the protection policy (the hub account
    exempt), tagged like the rest, is attached to each of organizationalUnitIds, all under the component."""
    recorded = record_stack(org_config, account_id=MANAGEMENT)
    policy = recorded.one(POLICY)
    assert policy.inputs["type"] == "SERVICE_CONTROL_POLICY"
    assert policy.json_input("content") == monitor_protection_policy(HUB)
    assert policy.inputs["tags"] == {"team": "security"}
    attachments = recorded.of_type(ATTACHMENT)
    assert sorted(a.inputs["targetId"] for a in attachments) == sorted(OUS)
    assert {a.inputs["policyId"] for a in attachments} == {policy.outputs["name"]}
    rollout = recorded.one("root-activity-monitor:index:OrganizationRollout")
    assert {r.parent_urn for r in (policy, *attachments)} == {rollout.urn}


@pytest.mark.parametrize(
    ("changes", "attached"),
    [
        ({"protectionPolicy": "off"}, False),
        ({"callAs": "DELEGATED_ADMIN"}, False),
        ({"callAs": "DELEGATED_ADMIN", "protectionPolicy": "attach"}, True),
        ({"protectionExemptPrincipalArns": [f"arn:aws:iam::{MEMBER}:role/deployer"]}, True),
    ],
)
def test_protection_policy_key_switches_it(
    changes: dict[str, Any], attached: bool, record_stack: RecordStack, org_config: dict[str, Any]
) -> None:
    """GIVEN protectionPolicy off, or a delegated administrator (which cannot manage SCPs unless delegated)
    THEN no SCP is made; `attach` makes one anyway; exempt principals are written into it."""
    recorded = record_stack({**org_config, **changes}, account_id="444444444444")
    policies = recorded.of_type(POLICY)
    assert bool(policies) is attached
    assert bool(recorded.of_type(ATTACHMENT)) is attached
    for policy in policies:
        exempt = changes.get("protectionExemptPrincipalArns", [])
        assert policy.json_input("content") == monitor_protection_policy(HUB, exempt_principal_arns=exempt)


def test_a_wrong_protection_policy_value_is_refused_naming_the_key(
    record_stack: RecordStack, org_config: dict[str, Any]
) -> None:
    """GIVEN protectionPolicy `on` THEN the error names the key and its two values."""
    with pytest.raises(
        Exception, match=r"root-activity-monitor:protectionPolicy must be 'attach' .* or 'off'"
    ):
        record_stack({**org_config, "protectionPolicy": "on"}, account_id=MANAGEMENT)


def test_the_component_takes_the_protection_arguments(record_stack: RecordStack) -> None:
    """GIVEN OrganizationRollout built by another program with protection_policy off THEN no SCP is made."""
    recorded = record_stack(
        {},
        program=lambda: OrganizationRollout(
            "rollout",
            OrganizationRolloutArgs(
                hub_event_bus_arn=HUB_BUS_ARN,
                regions=[REGION],
                organizational_unit_ids=["r-ab12"],
                protection_policy="off",
            ),
        ),
        account_id=MANAGEMENT,
    )
    assert recorded.of_type(POLICY) == []
