"""Policy documents as pure functions: the properties that must hold for any input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from root_activity_monitor import ConfigError, policies

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
        with pytest.raises(ConfigError, match="needs an organization ID or at least one account ID"):
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
