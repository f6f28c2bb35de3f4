"""The StackSet's template is one spoke region: resource by resource what SpokeForwarder deploys there."""

from __future__ import annotations

import json
from typing import Any

import pytest
from root_activity_monitor import SpokeForwarder, SpokeForwarderArgs, forwarding, heartbeat
from root_activity_monitor.forwarding import rule_suffix
from root_activity_monitor.simulate import RecordedResource, RecordedStack
from root_activity_monitor.spoke import covered_events
from root_activity_monitor.spoke.template import (
    DEAD_LETTER_QUEUE,
    DEAD_LETTER_QUEUE_POLICY,
    DELIVERY_ROLE,
    HEARTBEAT_ROLE,
    HEARTBEAT_SCHEDULE,
    HUB_ACCOUNT_ID,
    HUB_EVENT_BUS_ARN,
    MEMBER_ACCOUNT,
    RESOURCE_NAME_PREFIX,
    TEMPLATE_BODY_LIMIT,
    rule_logical_id,
    rule_name,
    spoke_template,
    spoke_template_body,
)
from root_activity_monitor.tamper import tamper_events, watching_the_tamper_rule

ACCOUNT = "222222222222"
REGION = "eu-west-1"
HUB_BUS_ARN = "arn:aws:events:eu-west-1:111111111111:event-bus/root-activity-monitor"
ROOT_RULE = rule_logical_id(forwarding.ROOT_ACTIVITY.kind)
COVERED = covered_events(
    tamper_events(RESOURCE_NAME_PREFIX), heartbeat.forwarding_pattern(f"arn:aws:iam::{ACCOUNT}:role/any")
)
"""The kinds of events every covered region forwards (their names; patterns are compared resolved)."""


@pytest.fixture(scope="session")
def spoke(request: pytest.FixtureRequest) -> RecordedStack:
    """SpokeForwarder in one account and region, as the program would record it."""
    from root_activity_monitor.simulate import record_program

    def program() -> None:
        # Named as the program names it: the tamper pattern names the monitor's resources.
        SpokeForwarder(
            RESOURCE_NAME_PREFIX, SpokeForwarderArgs(hub_event_bus_arn=HUB_BUS_ARN, regions=[REGION])
        )

    return record_program(program, {"aws:region": REGION}, account_id=ACCOUNT)


def resolve(value: Any, names: dict[str, str]) -> Any:
    """The template value with Ref/GetAtt replaced by what SpokeForwarder's resources are called."""
    if isinstance(value, dict):
        if set(value) == {"Ref"}:
            return names[value["Ref"]]
        if set(value) == {"Fn::GetAtt"}:
            return names[".".join(value["Fn::GetAtt"])]
        if set(value) == {"Fn::Sub"}:
            text = value["Fn::Sub"]
            if text in names:
                return names[text]
            for name, named in names.items():
                text = text.replace(f"${{{name}}}", str(named))
            return text
        return {key: resolve(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, names) for item in value]
    return value


def by_suffix(spoke: RecordedStack, type_token: str, suffix: str) -> RecordedResource:
    (found,) = [r for r in spoke.of_type(type_token) if r.name.endswith(suffix)]
    return found


@pytest.fixture(scope="session")
def pair(spoke: RecordedStack) -> tuple[dict[str, Any], dict[str, RecordedResource]]:
    """The template's resources with references resolved, beside SpokeForwarder's resources of one region."""
    recorded = {
        "rule": by_suffix(spoke, "aws:cloudwatch/eventRule:EventRule", f"{REGION}-rule"),
        "target": by_suffix(spoke, "aws:cloudwatch/eventTarget:EventTarget", f"{REGION}-target"),
        "dlq": by_suffix(spoke, "aws:sqs/queue:Queue", f"{REGION}-dlq"),
        "dlq_policy": by_suffix(spoke, "aws:sqs/queuePolicy:QueuePolicy", f"{REGION}-dlq-policy"),
        "role": spoke.named("aws:iam/role:Role", f"{RESOURCE_NAME_PREFIX}-forward-role"),
        "role_policy": spoke.named(
            "aws:iam/rolePolicy:RolePolicy", f"{RESOURCE_NAME_PREFIX}-forward-role-policy"
        ),
        "heartbeat_role": spoke.named("aws:iam/role:Role", f"{RESOURCE_NAME_PREFIX}-forward-heartbeat-role"),
        "heartbeat_policy": spoke.named(
            "aws:iam/rolePolicy:RolePolicy", f"{RESOURCE_NAME_PREFIX}-forward-heartbeat-role-policy"
        ),
        "schedule": by_suffix(spoke, "aws:scheduler/schedule:Schedule", f"{REGION}-heartbeat"),
    }
    names = {
        "AWS::AccountId": ACCOUNT,
        HUB_EVENT_BUS_ARN: HUB_BUS_ARN,
        DEAD_LETTER_QUEUE: str(recorded["dlq"].outputs["url"]),
        f"{DEAD_LETTER_QUEUE}.Arn": str(recorded["dlq"].arn),
        f"{DELIVERY_ROLE}.Arn": str(recorded["role"].arn),
        f"{HEARTBEAT_ROLE}.Arn": str(recorded["heartbeat_role"].arn),
        "AWS::Region": REGION,
        f"{DEAD_LETTER_QUEUE}.QueueName": str(recorded["dlq"].outputs["name"]),
        # The heartbeat parameters at their defaults: SpokeForwarder's default interval.
        **{
            name: spec["Default"]
            for name, spec in spoke_template()["Parameters"].items()
            if "Default" in spec
        },
    }
    # The template builds each rule's ARN from its name; the spoke's rules have their own names.
    for kind in COVERED:
        suffix = rule_suffix(kind.kind)
        rule = by_suffix(spoke, "aws:cloudwatch/eventRule:EventRule", f"{REGION}-{suffix}")
        names[
            f"arn:${{AWS::Partition}}:events:${{AWS::Region}}:${{AWS::AccountId}}:rule/{rule_name(kind.kind)}"
        ] = str(rule.arn)
    resources = {key: resolve(value, names) for key, value in spoke_template()["Resources"].items()}
    return resources, recorded


def test_rules_match_the_spoke_rules(
    spoke: RecordedStack, pair: tuple[dict[str, Any], dict[str, RecordedResource]]
) -> None:
    """GIVEN one region THEN each template rule (every covered kind) has SpokeForwarder's pattern, state and
    description for that kind."""
    template, _ = pair
    assert {key for key, value in template.items() if value["Type"] == "AWS::Events::Rule"} == {
        rule_logical_id(kind.kind) for kind in COVERED
    }
    for kind in COVERED:
        recorded = by_suffix(
            spoke, "aws:cloudwatch/eventRule:EventRule", f"{REGION}-{rule_suffix(kind.kind)}"
        )
        rule = template[rule_logical_id(kind.kind)]["Properties"]
        assert rule["EventPattern"] == recorded.json_input("eventPattern"), kind.kind
        assert rule["State"] == recorded.inputs["state"]
        assert rule["Description"] == recorded.inputs["description"]
        assert rule["EventBusName"] == "default"


def test_target_matches_the_spoke_target(pair: tuple[dict[str, Any], dict[str, RecordedResource]]) -> None:
    """GIVEN one region THEN the target has the same bus, role, retry policy and dead-letter queue."""
    template, recorded = pair
    (target,) = template[ROOT_RULE]["Properties"]["Targets"]
    inputs = recorded["target"].inputs
    assert target["Arn"] == inputs["arn"] == HUB_BUS_ARN
    assert target["RoleArn"] == inputs["roleArn"]
    assert target["RetryPolicy"] == {
        "MaximumEventAgeInSeconds": inputs["retryPolicy"]["maximumEventAgeInSeconds"],
        "MaximumRetryAttempts": inputs["retryPolicy"]["maximumRetryAttempts"],
    }
    assert target["DeadLetterConfig"] == {"Arn": inputs["deadLetterConfig"]["arn"]}


def test_dead_letter_queue_and_its_policy_match(
    pair: tuple[dict[str, Any], dict[str, RecordedResource]],
) -> None:
    """GIVEN one region THEN the DLQ is encrypted, kept as long, and its policy lets exactly the rule in."""
    template, recorded = pair
    queue = template[DEAD_LETTER_QUEUE]["Properties"]
    assert queue["SqsManagedSseEnabled"] is recorded["dlq"].inputs["sqsManagedSseEnabled"] is True
    assert queue["MessageRetentionPeriod"] == recorded["dlq"].inputs["messageRetentionSeconds"]
    policy = template[DEAD_LETTER_QUEUE_POLICY]["Properties"]
    assert policy["Queues"] == [recorded["dlq_policy"].inputs["queueUrl"]]
    assert policy["PolicyDocument"] == recorded["dlq_policy"].json_input("policy")


def test_delivery_role_matches(pair: tuple[dict[str, Any], dict[str, RecordedResource]]) -> None:
    """GIVEN one region THEN the role has the same trust (EventBridge, this account, the monitor's rules by
    name prefix) and permission."""
    template, recorded = pair
    role = template[DELIVERY_ROLE]["Properties"]
    trust, recorded_trust = role["AssumeRolePolicyDocument"], recorded["role"].json_input("assumeRolePolicy")
    rules = trust["Statement"][0]["Condition"].pop("ArnLike")["aws:SourceArn"]
    recorded_trust["Statement"][0]["Condition"].pop("ArnLike")
    assert trust == recorded_trust
    # The template names its rules `root-activity-monitor-<kind>`: the trust admits exactly that prefix.
    assert rules.endswith(":eu-west-1:222222222222:rule/root-activity-monitor-*")
    assert role["Description"] == recorded["role"].inputs["description"]
    (inline,) = role["Policies"]
    assert inline["PolicyDocument"] == recorded["role_policy"].json_input("policy")


# SpokeForwarder resource type → where it is in the template (targets sit inside their rule, the role's
# policy inside the role).
CLOUDFORMATION_HOME = {
    "aws:cloudwatch/eventRule:EventRule": "AWS::Events::Rule",
    "aws:cloudwatch/eventTarget:EventTarget": "AWS::Events::Rule",
    "aws:sqs/queue:Queue": "AWS::SQS::Queue",
    "aws:sqs/queuePolicy:QueuePolicy": "AWS::SQS::QueuePolicy",
    "aws:iam/role:Role": "AWS::IAM::Role",
    "aws:iam/rolePolicy:RolePolicy": "AWS::IAM::Role",
    "aws:scheduler/schedule:Schedule": "AWS::Scheduler::Schedule",
}


def test_heartbeat_matches_the_spokes(
    spoke: RecordedStack, pair: tuple[dict[str, Any], dict[str, RecordedResource]]
) -> None:
    """GIVEN one region THEN the template's heartbeat has SpokeForwarder's schedule (expression, target, call,
    retries), role trust and permission, and its root-activity rule forwards exactly that role's calls."""
    template, recorded = pair
    schedule = template[HEARTBEAT_SCHEDULE]["Properties"]
    inputs = recorded["schedule"].inputs
    assert schedule["ScheduleExpression"] == inputs["scheduleExpression"]
    assert schedule["FlexibleTimeWindow"] == {"Mode": inputs["flexibleTimeWindow"]["mode"]}
    target = schedule["Target"]
    assert target["Arn"] == inputs["target"]["arn"]
    assert target["RoleArn"] == inputs["target"]["roleArn"]
    assert json.loads(target["Input"]) == json.loads(inputs["target"]["input"])
    assert (
        target["RetryPolicy"]["MaximumRetryAttempts"]
        == inputs["target"]["retryPolicy"]["maximumRetryAttempts"]
    )
    assert (
        target["RetryPolicy"]["MaximumEventAgeInSeconds"]
        == inputs["target"]["retryPolicy"]["maximumEventAgeInSeconds"]
    )
    role = template[HEARTBEAT_ROLE]["Properties"]
    assert role["AssumeRolePolicyDocument"] == recorded["heartbeat_role"].json_input("assumeRolePolicy")
    (inline,) = role["Policies"]
    # The spoke's role may call in all its regions; each regional stack's role only in its own.
    expected = recorded["heartbeat_policy"].json_input("policy")
    expected["Statement"][0]["Condition"]["StringEquals"]["aws:RequestedRegion"] = [REGION]
    assert inline["PolicyDocument"] == expected
    rule = template[ROOT_RULE]["Properties"]
    role_arn = str(recorded["heartbeat_role"].arn)
    assert rule["EventPattern"] == json.loads(
        watching_the_tamper_rule(heartbeat.forwarding_pattern(role_arn))
    )


def test_template_has_a_home_for_every_spoke_resource(spoke: RecordedStack) -> None:
    """GIVEN SpokeForwarder's resources of one region THEN each has its counterpart type in the template, and
    the template has nothing else."""
    spoke_types = {CLOUDFORMATION_HOME[r.type] for r in spoke.resources if r.custom}
    template_types = [resource["Type"] for resource in spoke_template()["Resources"].values()]
    assert set(template_types) == spoke_types
    rules_per_region = [r for r in spoke.of_type("aws:cloudwatch/eventRule:EventRule") if r.region == REGION]
    assert template_types.count("AWS::Events::Rule") == len(rules_per_region) == 2


def test_nothing_is_created_in_the_hub_account() -> None:
    """GIVEN the template THEN every resource is conditioned on the account not being the hub's."""
    template = spoke_template()
    condition = template["Conditions"][MEMBER_ACCOUNT]
    assert condition == {"Fn::Not": [{"Fn::Equals": [{"Ref": "AWS::AccountId"}, {"Ref": HUB_ACCOUNT_ID}]}]}
    assert {resource["Condition"] for resource in template["Resources"].values()} == {MEMBER_ACCOUNT}


def test_template_body_fits_with_room_to_spare() -> None:
    """GIVEN the template body THEN it is JSON well under the 51,200 bytes TemplateBody takes."""
    body = spoke_template_body()
    assert json.loads(body) == spoke_template()
    assert len(body.encode()) < TEMPLATE_BODY_LIMIT / 2


def lint(template: str) -> list[str]:
    """cfn-lint's findings (rule IDs) for a template, in every region the examples use."""
    from cfnlint.api import ManualArgs
    from cfnlint.api import lint as cfn_lint

    matches = cfn_lint(template, config=ManualArgs(regions=["us-east-1", "eu-west-1", "eu-central-1"]))
    return [f"{match.rule.id}: {match.message}" for match in matches]


def test_cfn_lint_accepts_the_template() -> None:
    """GIVEN the generated template WHEN cfn-lint checks it THEN it reports nothing."""
    assert lint(spoke_template_body()) == []


@pytest.mark.parametrize(
    ("breakage", "finding"),
    [
        (lambda t: t["Resources"][ROOT_RULE]["Properties"].update(State="SOMETIMES"), "E3030"),
        (lambda t: t["Resources"][DEAD_LETTER_QUEUE].update(Type="AWS::SQS::Queu"), "E3006"),
        (
            lambda t: t["Resources"][ROOT_RULE]["Properties"]["Targets"][0].update(RoleArn={"Ref": "Nope"}),
            "E1020",
        ),
    ],
    ids=["bad-rule-state", "unknown-type", "dangling-ref"],
)
def test_cfn_lint_rejects_a_broken_template(breakage: Any, finding: str) -> None:
    """GIVEN the template with one mistake planted WHEN cfn-lint checks it THEN it fails naming the rule."""
    template = spoke_template()
    breakage(template)
    assert any(found.startswith(finding) for found in lint(json.dumps(template)))
