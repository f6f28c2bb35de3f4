"""Policy documents as pure functions: the properties that must hold for any input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from root_activity_monitor import policies
from root_activity_monitor.simulate.iam import Caller, evaluate

BUS_ARN = "arn:aws:events:eu-west-1:111111111111:event-bus/root-activity-monitor"
account_ids = st.lists(st.from_regex(r"\A\d{12}\Z"), max_size=5, unique=True)
organization_ids = st.none() | st.from_regex(r"\Ao-[a-z0-9]{10,32}\Z")


@given(organization_id=organization_ids, accounts=account_ids)
def test_bus_policy_never_grants_an_unconditioned_wildcard(
    organization_id: str | None, accounts: list[str]
) -> None:
    """GIVEN any org ID and account list THEN '*' appears only with aws:PrincipalOrgID, only PutEvents, and
    only for delivery roles."""
    if organization_id is None and not accounts:
        with pytest.raises(ValueError, match="needs an organization ID or at least one account ID"):
            policies.event_bus_policy(BUS_ARN, organization_id, accounts)
        return
    document = policies.event_bus_policy(BUS_ARN, organization_id, accounts)
    for statement in document["Statement"]:
        assert statement["Action"] == "events:PutEvents"
        assert statement["Resource"] == BUS_ARN
        # Whoever the principal, only the monitor's delivery roles may put events.
        assert statement["Condition"]["ArnLike"] == {"aws:PrincipalArn": policies.DELIVERY_ROLE_ARN_PATTERN}
        if statement["Principal"] == "*":
            assert statement["Condition"]["StringEquals"] == {"aws:PrincipalOrgID": organization_id}
        else:
            assert statement["Principal"] == {"AWS": [f"arn:aws:iam::{a}:root" for a in accounts]}
    assert len(document["Statement"]) == (organization_id is not None) + bool(accounts)


def test_queue_policy_is_scoped_to_one_rule() -> None:
    """GIVEN a queue and a rule THEN only EventBridge, for that rule's ARN, may send to the queue."""
    document = policies.queue_send_from_rule_policy(
        "arn:aws:sqs:eu-west-1:1:q", "arn:aws:events:eu-west-1:1:rule/r"
    )
    (statement,) = document["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    assert statement["Resource"] == "arn:aws:sqs:eu-west-1:1:q"
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": "arn:aws:events:eu-west-1:1:rule/r"}}


def test_no_policy_uses_a_wildcard_resource_where_a_resource_can_be_named() -> None:
    """GIVEN the role and resource policies THEN none has Resource '*' (key policies are the exception)."""
    documents = [
        policies.put_events_policy(BUS_ARN),
        policies.notifier_policy("q", "t", "k", "lg"),
        policies.queue_send_from_rule_policy("q", "r"),
        policies.event_bus_policy(BUS_ARN, "o-a1b2c3d4e5", ["222222222222"]),
    ]
    for document in documents:
        for statement in document["Statement"]:
            assert statement["Resource"] != "*", statement
            assert "*" not in str(statement["Action"]).replace("kms:GenerateDataKey*", ""), statement


def test_key_policy_lets_no_one_else_in() -> None:
    """GIVEN the topic key policy THEN its principals are the account, SNS, CloudWatch and the notifier."""
    document = policies.topic_key_policy("111111111111", "arn:aws:iam::111111111111:role/notifier")
    principals = [statement["Principal"] for statement in document["Statement"]]
    assert principals == [
        {"AWS": "arn:aws:iam::111111111111:root"},
        {"Service": ["sns.amazonaws.com", "cloudwatch.amazonaws.com"]},
        {"AWS": "arn:aws:iam::111111111111:role/notifier"},
    ]


ADMIN = "arn:aws:iam::222222222222:role/Admin"
STACK_SET_EXECUTION = "arn:aws:iam::222222222222:role/stacksets-exec-0123456789abcdef0123456789abcdef"
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def _may(principal: str, action: str, resource: str) -> bool:
    """Whether an all-powerful `principal` of a member account may act under the monitor protection SCP."""
    scp = policies.monitor_protection_policy("root-activity-monitor-spoke")
    caller = Caller(context={"aws:PrincipalArn": principal})
    return evaluate(
        [ALLOW_ALL, scp], action=action, resource=resource, caller=caller, resource_based=False
    ).allowed


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        ("events:DisableRule", "arn:aws:events:us-east-1:222222222222:rule/root-activity-monitor-tamper"),
        ("events:PutRule", "arn:aws:events:us-east-1:222222222222:rule/root-activity-monitor-forward-relay"),
        ("iam:DeleteRolePolicy", "arn:aws:iam::222222222222:role/root-activity-monitor-delivery-us-east-1"),
        ("iam:CreateRole", "arn:aws:iam::222222222222:role/root-activity-monitor-delivery-mine"),
        (
            "scheduler:DeleteSchedule",
            "arn:aws:scheduler:us-east-1:222222222222:schedule/default/"
            "StackSet-root-activity-monitor-spoke-1a2b-HeartbeatSchedule-3c4d",
        ),
    ],
)
def test_the_protection_scp_stops_an_administrator_but_not_the_stack_set(action: str, resource: str) -> None:
    """GIVEN the monitor protection SCP THEN a member administrator may not change the monitor's rules, roles
    or schedule (nor create look-alikes), and the StackSet execution role still may."""
    assert not _may(ADMIN, action, resource)
    assert _may(STACK_SET_EXECUTION, action, resource)


def test_the_protection_scp_exempts_the_listed_deployers() -> None:
    """GIVEN a Pulumi deployer role listed in the SCP THEN it may still update a spoke's rules; others not."""
    deployer = "arn:aws:iam::222222222222:role/platform-deployer"
    scp = policies.monitor_protection_policy(
        "root-activity-monitor-spoke", deployer_principal_arns=[deployer]
    )
    rule = "arn:aws:events:us-east-1:222222222222:rule/root-activity-monitor-forward-us-east-1-rule-1a2b3c4"
    for principal, allowed in ((deployer, True), (ADMIN, False)):
        caller = Caller(context={"aws:PrincipalArn": principal})
        decision = evaluate(
            [ALLOW_ALL, scp], action="events:PutRule", resource=rule, caller=caller, resource_based=False
        )
        assert decision.allowed is allowed


def test_the_protection_scp_leaves_the_account_s_own_resources_alone() -> None:
    """GIVEN the monitor protection SCP THEN the administrator's own rules and roles are untouched."""
    assert _may(ADMIN, "events:DisableRule", "arn:aws:events:us-east-1:222222222222:rule/billing-alerts")
    assert _may(ADMIN, "iam:PutRolePolicy", "arn:aws:iam::222222222222:role/app")
