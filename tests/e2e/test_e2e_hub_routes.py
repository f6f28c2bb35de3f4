"""The hub never trusts a spoke's filtering: what a member administrator's own rule forwards reaches no queue.

The administrator's rule is named like the monitor's (so the delivery role's trust admits it) and uses the
monitor's delivery role (so the hub bus admits it): the strongest position a member account can take. Its
ordinary calls reach the hub bus and stop there; the monitor's own tamper events still reach the buffer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from root_activity_monitor.simulate.accounts import AwsAccounts
from root_activity_monitor.simulate.delivery import EventRouter, Trace
from root_activity_monitor.simulate.events import API_CALL, api_call, assumed_role_identity, envelope
from root_activity_monitor.simulate.resources import replay
from root_activity_monitor.simulate.run import embedded_aws, record_stacks
from root_activity_monitor.simulate.stacks import SimulatedStack, key_policy_lookup

REGION = "us-east-1"
OWN_RULE = "root-activity-monitor-forward-my-audit"
ORDINARY_CALLS = {
    "kms:Decrypt": ("kms", "Decrypt", {"keyId": "arn:aws:kms:us-east-1:222222222222:key/1a2b"}),
    "iam:DeleteUser": ("iam", "DeleteUser", {"userName": "departed"}),
    "sqs:DeleteQueue": ("sqs", "DeleteQueue", {"queueUrl": "https://sqs.us-east-1.amazonaws.com/2/orders"}),
}


def _call(account: str, service: str, name: str, parameters: dict[str, Any]) -> dict[str, Any]:
    detail = api_call(
        assumed_role_identity(account), service=service, name=name, read_only=False, parameters=parameters
    )
    return envelope(name, account_id=account, region=REGION, detail_type=API_CALL, detail=detail, offset=60)


@pytest.fixture(scope="session")
def stacks(tmp_path_factory: pytest.TempPathFactory) -> list[SimulatedStack]:
    """The example hub and spoke, in one region."""
    root = Path(__file__).resolve().parents[2]
    directory = tmp_path_factory.mktemp("routes")
    paths = []
    for name in ("hub", "spoke"):
        document = yaml.safe_load((root / f"Pulumi.{name}.yaml").read_text())
        document["config"]["root-activity-monitor:regions"] = [REGION]
        path = directory / f"Pulumi.{name}.yaml"
        path.write_text(yaml.safe_dump(document))
        paths.append(path)
    return record_stacks(paths[0], paths[1:])


@pytest.fixture
def world(stacks: list[SimulatedStack]) -> Iterator[tuple[EventRouter, SimulatedStack, str]]:
    """The stacks replayed into moto, with the administrator's own rule forwarding its ordinary calls to the
    hub bus through the monitor's delivery role."""
    hub, spoke = stacks
    with embedded_aws():
        aws = AwsAccounts()
        replay(aws, [(stack.account_id, list(stack.recorded.resources)) for stack in stacks])
        bus = next(r for r in hub.recorded.resources if r.type == "aws:cloudwatch/eventBus:EventBus")
        role = next(r for r in spoke.recorded.resources if r.name.endswith("-forward-role"))
        events = aws.events(spoke.account_id, REGION)
        pattern = {"source": ["aws.kms", "aws.iam", "aws.sqs"], "detail-type": [API_CALL]}
        events.put_rule(Name=OWN_RULE, EventPattern=json.dumps(pattern))
        events.put_targets(
            Rule=OWN_RULE, Targets=[{"Id": "hub", "Arn": str(bus.outputs["arn"]), "RoleArn": str(role.arn)}]
        )
        organization = str(hub.file.value("organizationId"))
        router = EventRouter(aws, organization_id=organization, key_policy=key_policy_lookup(stacks))
        buffer = next(r for r in hub.recorded.resources if r.name == "root-activity-monitor-buffer")
        yield router, spoke, str(buffer.arn)


@pytest.mark.parametrize("call", ORDINARY_CALLS)
def test_a_member_s_own_rule_forwards_ordinary_calls_to_no_queue(
    call: str, world: tuple[EventRouter, SimulatedStack, str]
) -> None:
    """GIVEN a member administrator's rule, named like the monitor's and using its delivery role, forwarding
    ordinary calls WHEN one is made THEN it reaches the hub bus and no rule there sends it to a queue."""
    router, spoke, _buffer = world
    trace = Trace()
    router.put_from_cloudtrail(_call(spoke.account_id, *ORDINARY_CALLS[call]), trace)
    own_rule = f"matched rule {OWN_RULE} on the default bus of {spoke.account_id} in {REGION}"
    assert own_rule in trace.steps
    assert any(step.startswith("forwarded to arn:aws:events:") for step in trace.steps)
    assert trace.queued == []


def test_the_monitor_s_real_tamper_events_still_reach_the_buffer(
    world: tuple[EventRouter, SimulatedStack, str],
) -> None:
    """GIVEN the same account WHEN an administrator disables the monitor's root-activity rule THEN the record
    reaches the hub's buffer queue (through the tamper rule, and through the administrator's rule not)."""
    router, spoke, buffer = world
    rule = next(r for r in spoke.recorded.resources if r.name.endswith(f"-forward-{REGION}-rule"))
    trace = Trace()
    router.put_from_cloudtrail(
        _call(spoke.account_id, "events", "DisableRule", {"name": str(rule.outputs["name"])}), trace
    )
    assert trace.queued == [buffer]
