"""The StackSet replay corrects moto's gaps from the template: members hold what CloudFormation creates."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws
from root_activity_monitor.program import main as program
from root_activity_monitor.simulate.accounts import AwsAccounts
from root_activity_monitor.simulate.organization import MANAGEMENT_ACCOUNT, create_organization
from root_activity_monitor.simulate.stack_sets import StackSetReplay
from root_activity_monitor.simulate.stacks import load_stack_file, record_stack

EXAMPLE_ORG = Path(__file__).resolve().parents[2] / "Pulumi.org.yaml"
HUB_ACCOUNT = "111111111111"
HUB_BUS = "arn:aws:events:eu-west-1:111111111111:event-bus/root-activity-monitor"


@pytest.fixture(scope="module")
def deployed() -> Iterator[tuple[AwsAccounts, str]]:
    """The example org stack's StackSet deployed by the replay to one member account; yields that account."""
    org_file = load_stack_file(EXAMPLE_ORG)
    org = record_stack(program, org_file, role="org", account_id=MANAGEMENT_ACCOUNT)
    with mock_aws():
        aws = AwsAccounts()
        organization = create_organization(
            aws,
            management_account=MANAGEMENT_ACCOUNT,
            organizational_unit_ids=org_file.value("organizationalUnitIds"),
            members=1,
            hub_account=HUB_ACCOUNT,
        )
        StackSetReplay(aws, organization, org.recorded, HUB_ACCOUNT).deploy()
        yield aws, organization.members[0]


def _target(aws: AwsAccounts, account: str) -> dict[str, Any]:
    events = aws.events(account, "eu-west-1")
    rule = events.list_rules(NamePrefix="root-activity-monitor-")["Rules"][0]
    return dict(events.list_targets_by_rule(Rule=rule["Name"])["Targets"][0]) | {"RuleArn": rule["Arn"]}


def test_dead_letter_queue_gets_the_template_policy(deployed: tuple[AwsAccounts, str]) -> None:
    """GIVEN moto without AWS::SQS::QueuePolicy WHEN the replay corrects it THEN the member's DLQ lets
    exactly its rules send (the root-activity rule among them)."""
    aws, member = deployed
    target = _target(aws, member)
    queue_arn = target["DeadLetterConfig"]["Arn"]
    url = f"https://sqs.eu-west-1.amazonaws.com/{member}/{queue_arn.rsplit(':', 1)[-1]}"
    policy = json.loads(
        aws.sqs(member, "eu-west-1").get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])[
            "Attributes"
        ]["Policy"]
    )
    statement = policy["Statement"][0]
    assert statement["Resource"] == queue_arn
    sources = statement["Condition"]["ArnEquals"]["aws:SourceArn"]
    assert target["RuleArn"] in (sources if isinstance(sources, list) else [sources])
    assert all(source.startswith(f"arn:aws:events:eu-west-1:{member}:rule/") for source in sources)


def test_delivery_role_policy_reads_back_as_json(deployed: tuple[AwsAccounts, str]) -> None:
    """GIVEN moto storing inline role policies as Python reprs WHEN corrected THEN the member's delivery
    role allows PutEvents on the hub bus, as JSON."""
    aws, member = deployed
    role_name = _target(aws, member)["RoleArn"].rsplit("/", 1)[-1]
    documents = aws.inline_role_policies(member, role_name)
    assert documents is not None
    parsed = [json.loads(d) if isinstance(d, str) else d for d in documents]
    assert [s["Resource"] for doc in parsed for s in doc["Statement"]] == [HUB_BUS]
