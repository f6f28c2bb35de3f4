"""The replay engine on hand-written spokes: EventBridge's rules apply, not moto's shortcuts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest
from root_activity_monitor import policies
from root_activity_monitor.event_pattern import ROOT_ACTIVITY_EVENT_PATTERN
from root_activity_monitor.program import main as real_program
from root_activity_monitor.simulate import Coverage, simulate

HUB_BUS = "arn:aws:events:eu-west-1:111111111111:event-bus/root-activity-monitor"


def _spoke_with(*, state: str, role: bool) -> Callable[[], None]:
    """A program that deploys the real hub, but a spoke with one rule in eu-west-1 as given."""

    def program() -> None:
        if pulumi.Config("root-activity-monitor").require("mode") == "hub":
            real_program()
            return
        rule = aws.cloudwatch.EventRule(
            "hand-rule", region="eu-west-1", event_pattern=ROOT_ACTIVITY_EVENT_PATTERN, state=state
        )
        role_arn = None
        if role:
            delivery = aws.iam.Role(
                "hand-role",
                name_prefix=policies.DELIVERY_ROLE_NAME_PREFIX,  # the hub bus admits only these names
                assume_role_policy=json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "events.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                            }
                        ],
                    }
                ),
            )
            aws.iam.RolePolicy(
                "hand-role-policy",
                role=delivery.name,
                policy=json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "events:PutEvents", "Resource": HUB_BUS}],
                    }
                ),
            )
            role_arn = delivery.arn
        aws.cloudwatch.EventTarget(
            "hand-target", region="eu-west-1", rule=rule.name, arn=HUB_BUS, role_arn=role_arn
        )

    return program


def _eu_west_1_row(rows: list[Coverage], account: str = "222222222222") -> Coverage:
    return next(row for row in rows if row.account == account and row.region == "eu-west-1")


def test_enabled_rule_misses_root_read_only_calls(
    write_stack: Callable[..., Path], example_hub: Path, example_spoke: Path
) -> None:
    """A rule in state ENABLED forwards the root write call but not the read-only one, and says why."""
    spoke = write_stack(example_spoke, "spoke", regions=["eu-west-1"])
    report = simulate(example_hub, [spoke], program=_spoke_with(state="ENABLED", role=True))
    row = _eu_west_1_row(report.coverage)
    assert not row.covered
    assert "read-only" in row.reason and "root read-only call" in row.reason
    write = next(e for e in report.driven if e.kind == "root API call" and e.account_id == "222222222222")
    assert report.entries_for(write.event_id) == 1


def test_disabled_rule_delivers_nothing(
    write_stack: Callable[..., Path], example_hub: Path, example_spoke: Path
) -> None:
    """A DISABLED rule forwards nothing, although moto's own put_events would still deliver through it."""
    spoke = write_stack(example_spoke, "spoke", regions=["eu-west-1"])
    report = simulate(example_hub, [spoke], program=_spoke_with(state="DISABLED", role=True))
    row = _eu_west_1_row(report.coverage)
    assert not row.covered
    assert "DISABLED" in row.reason


def test_organization_grant_needs_a_role_on_the_target(
    write_stack: Callable[..., Path], example_hub: Path, example_spoke: Path
) -> None:
    """When the hub bus admits the spoke only through its organization, a target without a role is refused."""
    hub = write_stack(example_hub, "hub", spokeAccountIds=None)
    spoke = write_stack(example_spoke, "spoke", regions=["eu-west-1"])
    program = _spoke_with(state="ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS", role=False)
    report = simulate(hub, [spoke], program=program)
    row = _eu_west_1_row(report.coverage)
    assert not row.covered
    assert "need a RoleArn" in row.reason


def _without_statement(
    policy_function: Callable[..., dict[str, Any]], sid: str
) -> Callable[..., dict[str, Any]]:
    """A policy builder like `policy_function` whose document lacks the statement `sid`."""

    def build(*args: Any, **kwargs: Any) -> dict[str, Any]:
        document = policy_function(*args, **kwargs)
        document["Statement"] = [s for s in document["Statement"] if s.get("Sid") != sid]
        return document

    return build


@pytest.mark.parametrize(
    ("dropped", "covered"),
    [
        # The key policy names the notifier role: KMS needs nothing from IAM.
        ({"notifier_policy": "UseTopicKey"}, True),
        # The key policy delegates to the account, and the role's IAM policy grants the key.
        ({"topic_key_policy": "AllowNotifierToPublish"}, True),
        # Neither: KMS refuses the publish, so nothing reaches a subscriber.
        ({"notifier_policy": "UseTopicKey", "topic_key_policy": "AllowNotifierToPublish"}, False),
    ],
)
def test_notifier_needs_the_topic_key_through_the_key_policy_or_iam(
    monkeypatch: pytest.MonkeyPatch,
    write_stack: Callable[..., Path],
    example_hub: Path,
    dropped: dict[str, str],
    covered: bool,
) -> None:
    """The notifier publishes to the CMK-encrypted topic only if KMS would let its role use the key."""
    for function_name, sid in dropped.items():
        monkeypatch.setattr(
            policies, function_name, _without_statement(getattr(policies, function_name), sid)
        )
    hub = write_stack(example_hub, "hub", regions=["us-east-1"])

    report = simulate(hub, [])

    assert {row.covered for row in report.coverage} == {covered}
    if not covered:
        assert all(
            "may not kms:GenerateDataKey with the topic's key" in row.reason for row in report.coverage
        )
        assert report.notifications == []
