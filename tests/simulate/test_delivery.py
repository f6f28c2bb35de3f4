"""EventBridge delivery in the replay, case by case: each row names the EventBridge rule it encodes.

Every case builds a spoke that forwards root activity to a hub bus, and a hub rule that buffers it in a
queue, directly in moto with boto3; one knob differs from the working setup. A root event is then put
on the spoke's default bus as CloudTrail would, and the trace says where it went.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from moto import mock_aws
from root_activity_monitor import policies
from root_activity_monitor.arns import parse_arn, queue_url
from root_activity_monitor.event_pattern import ROOT_ACTIVITY_EVENT_PATTERN, ROOT_ACTIVITY_RULE_STATE
from root_activity_monitor.simulate.accounts import AwsAccounts
from root_activity_monitor.simulate.delivery import EventRouter, Trace
from root_activity_monitor.simulate.events import events_for

HUB, SPOKE, THIRD = "111111111111", "222222222222", "333333333333"
REGION, OTHER_REGION = "eu-west-1", "us-east-1"
ORG = "o-a1b2c3d4e5"
BUS_NAME = "root-activity-monitor"
HUB_BUS = f"arn:aws:events:{REGION}:{HUB}:event-bus/{BUS_NAME}"
KEY = f"arn:aws:kms:{REGION}:{HUB}:key/0d7e3a52-8c1f-4e7b-9a61-5b2f4c8d9e10"
WRITE, READ_ONLY = "root API call", "root read-only call"


def key_policy(*actions: str) -> str:
    """A key policy letting EventBridge use the key for `actions`."""
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": policies.EVENTS_SERVICE},
        "Action": list(actions),
    }
    return json.dumps({"Statement": [{**statement, "Resource": "*"}]})


@dataclass(frozen=True)
class DeadLetter:
    """A target's dead-letter queue: where it is, and whether its policy admits the rule."""

    account: str
    region: str = REGION
    admits_rule: bool = True


@dataclass(frozen=True)
class Setup:
    """The knobs of the spoke → hub bus → buffer queue path; the defaults deliver."""

    spoke_state: str = ROOT_ACTIVITY_RULE_STATE
    bus_grant: str = "accounts"
    """Who the hub bus policy admits: "accounts" (the spoke by account), "organization", or "none"."""
    role: bool = True
    """Whether the spoke's target names a delivery role."""
    role_trusts: str = policies.EVENTS_SERVICE
    role_name: str = f"{policies.DELIVERY_ROLE_NAME_PREFIX}eu-west-1"
    trusted_rules: str | None = None
    """An `aws:SourceArn` pattern the role's trust requires; None trusts any rule of the account."""
    role_may_put_on: str = HUB_BUS
    spoke_dead_letter: DeadLetter | None = None
    hub_state: str = ROOT_ACTIVITY_RULE_STATE
    buffer_region: str = REGION
    buffer_admits: str = "rule"
    """Whom the buffer queue policy admits: "rule" (the hub rule), "other-rule", or "none"."""
    buffer_key: str | None = None
    key_policy: str | None = None
    """The policy of `KEY` as the stacks would create it; None when they do not create the key."""
    buffer_dead_letter: DeadLetter | None = None
    hub_forwards_to_third_bus: bool = False
    organization_id: str | None = ORG
    """The organization the replay takes every simulated account to belong to."""


@dataclass(frozen=True)
class Expect:
    """Where the event ends up, and the reason the trace gives when it does not arrive."""

    queued: list[str] = field(default_factory=list)
    drop: str | None = None
    dead_letter: str | None = None


class World:
    """The setup built in moto; remembers the queues so a case can read what each received."""

    def __init__(self, aws: AwsAccounts) -> None:
        self.aws = aws
        self.queues: dict[str, str] = {}
        self.rules: dict[str, str] = {}

    def rule(self, account: str, name: str, *, bus: str, state: str) -> str:
        answer = self.aws.events(account, REGION).put_rule(
            Name=name, EventBusName=bus, EventPattern=ROOT_ACTIVITY_EVENT_PATTERN, State=state
        )
        self.rules[name] = answer["RuleArn"]
        return answer["RuleArn"]

    def target(
        self, account: str, rule: str, bus: str, arn: str, *, role: str | None = None, dlq: str | None = None
    ) -> None:
        target: dict[str, Any] = {"Id": "target", "Arn": arn}
        if role:
            target["RoleArn"] = role
        if dlq:
            target["DeadLetterConfig"] = {"Arn": dlq}
        self.aws.events(account, REGION).put_targets(Rule=rule, EventBusName=bus, Targets=[target])  # type: ignore[list-item]

    def queue(
        self, account: str, region: str, name: str, *, admits: str | None, key: str | None = None
    ) -> str:
        """A queue whose policy lets EventBridge send from the rule `admits` (no policy when None)."""
        arn = f"arn:aws:sqs:{region}:{account}:{name}"
        attributes = {"KmsMasterKeyId": key} if key else {}
        if admits:
            attributes["Policy"] = json.dumps(policies.queue_send_from_rule_policy(arn, admits))
        self.aws.sqs(account, region).create_queue(QueueName=name, Attributes=attributes)  # type: ignore[arg-type]
        self.queues[name] = arn
        return arn

    def dead_letter(self, spec: DeadLetter | None, rule_arn: str, name: str) -> str | None:
        if spec is None:
            return None
        return self.queue(spec.account, spec.region, name, admits=rule_arn if spec.admits_rule else None)

    def hub(self, setup: Setup) -> None:
        """The hub bus with its policy, and a rule on it that buffers root activity in a queue."""
        events = self.aws.events(HUB, REGION)
        events.create_event_bus(Name=BUS_NAME)
        grants = {"accounts": (None, [SPOKE]), "organization": (ORG, []), "none": (None, [THIRD])}
        organization, accounts = grants[setup.bus_grant]
        bus_policy = policies.event_bus_policy(HUB_BUS, organization, accounts)
        events.put_permission(EventBusName=BUS_NAME, Policy=json.dumps(bus_policy))
        rule = self.rule(HUB, "buffer", bus=BUS_NAME, state=setup.hub_state)
        admits = {"rule": rule, "other-rule": f"{rule}-2", "none": None}[setup.buffer_admits]
        buffer = self.queue(HUB, setup.buffer_region, "buffer", admits=admits, key=setup.buffer_key)
        dlq = self.dead_letter(setup.buffer_dead_letter, rule, "buffer-dlq")
        self.target(HUB, "buffer", BUS_NAME, buffer, dlq=dlq)
        if setup.hub_forwards_to_third_bus:
            self.third_bus()

    def third_bus(self) -> None:
        """A bus in a third account that admits the hub, a rule buffering what reaches it, and the hub's
        rule sending there too."""
        events = self.aws.events(THIRD, REGION)
        events.create_event_bus(Name="archive")
        third_bus = events.describe_event_bus(Name="archive")["Arn"]
        policy = policies.event_bus_policy(third_bus, None, [HUB])
        events.put_permission(EventBusName="archive", Policy=json.dumps(policy))
        rule = self.rule(THIRD, "archive", bus="archive", state="ENABLED")
        self.target(THIRD, "archive", "archive", self.queue(THIRD, REGION, "archive", admits=rule))
        self.aws.events(HUB, REGION).put_targets(
            Rule="buffer", EventBusName=BUS_NAME, Targets=[{"Id": "archive", "Arn": third_bus}]
        )

    def spoke(self, setup: Setup) -> None:
        """A rule on the spoke's default bus sending root activity to the hub bus."""
        rule = self.rule(SPOKE, "forward", bus="default", state=setup.spoke_state)
        role = self.delivery_role(setup) if setup.role else None
        dlq = self.dead_letter(setup.spoke_dead_letter, rule, "forward-dlq")
        self.target(SPOKE, "forward", "default", HUB_BUS, role=role, dlq=dlq)

    def delivery_role(self, setup: Setup) -> str:
        iam = self.aws.iam(SPOKE)
        trusted: dict[str, Any] = {
            "Effect": "Allow",
            "Principal": {"Service": setup.role_trusts},
            "Action": "sts:AssumeRole",
        }
        if setup.trusted_rules:
            trusted["Condition"] = {"ArnLike": {"aws:SourceArn": setup.trusted_rules}}
        trust = json.dumps({"Statement": [trusted]})
        role = iam.create_role(RoleName=setup.role_name, AssumeRolePolicyDocument=trust)["Role"]
        allowed = json.dumps(policies.put_events_policy(setup.role_may_put_on))
        iam.put_role_policy(RoleName=setup.role_name, PolicyName="put-events", PolicyDocument=allowed)
        return role["Arn"]

    def messages(self, name: str) -> list[dict[str, Any]]:
        """What a queue holds now."""
        arn = parse_arn(self.queues[name])
        assert arn is not None
        answer = self.aws.sqs(arn.account_id, arn.region).receive_message(
            QueueUrl=queue_url(arn.text), MaxNumberOfMessages=10, MessageAttributeNames=["All"]
        )
        return list(answer.get("Messages", []))


@pytest.fixture
def world() -> Iterator[World]:
    """An empty embedded AWS with clients for every account."""
    # Keeping boto3's default session across cases spares reloading every service model per case (the
    # clients carry explicit credentials, so nothing depends on the session); moto's state is still fresh.
    with mock_aws(config={"core": {"reset_boto3_session": False}}):
        yield World(AwsAccounts())


def deliver(world: World, setup: Setup, kind: str = WRITE) -> Trace:
    """Build `setup`, then put the spoke's root event of `kind` on its default bus as CloudTrail would."""
    world.hub(setup)
    world.spoke(setup)
    keys = {KEY: setup.key_policy} if setup.key_policy else {}
    router = EventRouter(world.aws, organization_id=setup.organization_id, key_policy=keys.get)
    event = next(e for e in events_for(SPOKE, [REGION]) if e.kind == kind and e.region == REGION)
    trace = Trace()
    router.put_from_cloudtrail(event.event, trace)
    return trace


Row = tuple[Setup, str, Expect]
DELIVERED = Expect(queued=["buffer"])
LOST = "lost: the target has no dead-letter queue"
CASES: dict[str, Row] = {
    # Rule states (EventBridge: rule state; read-only management events from CloudTrail).
    "the working setup delivers a root write call to the buffer": (Setup(), WRITE, DELIVERED),
    "a DISABLED rule matches nothing (EventBridge: rule state DISABLED)": (
        Setup(spoke_state="DISABLED"),
        WRITE,
        Expect(drop="is DISABLED"),
    ),
    "an ENABLED rule gets write management events (EventBridge: rule state ENABLED)": (
        Setup(spoke_state="ENABLED"),
        WRITE,
        DELIVERED,
    ),
    "an ENABLED rule skips read-only management events (EventBridge: read-only events from CloudTrail)": (
        Setup(spoke_state="ENABLED"),
        READ_ONLY,
        Expect(drop="read-only calls skip it"),
    ),
    "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS gets read-only events (EventBridge: rule state)": (
        Setup(),
        READ_ONLY,
        DELIVERED,
    ),
    "the state filter applies where CloudTrail delivers, not to forwarded events (EventBridge: rule state)": (
        Setup(hub_state="ENABLED"),
        READ_ONLY,
        DELIVERED,
    ),
    # Bus-to-bus (EventBridge: sending events between buses).
    "an event received from another bus is not sent to a third (EventBridge: one bus-to-bus hop)": (
        Setup(hub_forwards_to_third_bus=True),
        WRITE,
        Expect(queued=["buffer"], drop="EventBridge allows one hop"),
    ),
    "an account grant on the hub bus admits the spoke's delivery role (EventBridge: cross-account policy)": (
        Setup(),
        WRITE,
        DELIVERED,
    ),
    "the hub bus refuses a role of the spoke's that is no delivery role (IAM: aws:PrincipalArn)": (
        Setup(role_name="forwarder"),
        WRITE,
        Expect(drop=f"does not allow account {SPOKE} to put events", dead_letter=LOST),
    ),
    "the hub bus refuses a target without a role (IAM: aws:PrincipalArn needs a principal)": (
        Setup(role=False),
        WRITE,
        Expect(drop=f"does not allow account {SPOKE} to put events", dead_letter=LOST),
    ),
    "a role that trusts only the monitor's rules refuses another rule (EventBridge: aws:SourceArn)": (
        Setup(trusted_rules=f"arn:aws:events:*:{SPOKE}:rule/root-activity-monitor-forward-*"),
        WRITE,
        Expect(drop="does not trust events.amazonaws.com", dead_letter=LOST),
    ),
    "a role that trusts the rule's name prefix delivers (EventBridge: aws:SourceArn)": (
        Setup(trusted_rules=f"arn:aws:events:*:{SPOKE}:rule/forw*"),
        WRITE,
        DELIVERED,
    ),
    "a bus policy that omits the spoke refuses it (EventBridge: cross-account bus policy)": (
        Setup(bus_grant="none"),
        WRITE,
        Expect(drop=f"does not allow account {SPOKE}", dead_letter=LOST),
    ),
    "an organization grant admits a spoke whose target names a role (EventBridge: aws:PrincipalOrgID)": (
        Setup(bus_grant="organization"),
        WRITE,
        DELIVERED,
    ),
    "an organization grant refuses a target without a RoleArn (EventBridge: aws:PrincipalOrgID)": (
        Setup(bus_grant="organization", role=False),
        WRITE,
        Expect(drop="grants through the organization need a RoleArn on the target", dead_letter=LOST),
    ),
    "an organization grant refuses a sender outside the organization (EventBridge: aws:PrincipalOrgID)": (
        Setup(bus_grant="organization", organization_id="o-zz9zz9zz9z"),
        WRITE,
        Expect(drop=f"does not allow account {SPOKE} to put events", dead_letter=LOST),
    ),
    # The delivery role (EventBridge: IAM role for targets).
    "the delivery role must trust events.amazonaws.com (EventBridge: role for sending to a bus)": (
        Setup(role_trusts="lambda.amazonaws.com"),
        WRITE,
        Expect(drop="does not trust events.amazonaws.com", dead_letter=LOST),
    ),
    "the delivery role must allow events:PutEvents on the hub bus (EventBridge: role for sending to a bus)": (
        Setup(role_may_put_on=f"arn:aws:events:{REGION}:{HUB}:event-bus/other"),
        WRITE,
        Expect(drop=f"is not allowed events:PutEvents on {HUB_BUS}", dead_letter=LOST),
    ),
    # SQS targets (EventBridge: SQS queue permissions; encrypted queues; same Region).
    "a queue policy must admit the rule's aws:SourceArn (EventBridge: SQS target permissions)": (
        Setup(buffer_admits="other-rule"),
        WRITE,
        Expect(drop="does not let events.amazonaws.com send", dead_letter=LOST),
    ),
    "a queue without a policy refuses EventBridge (EventBridge: SQS target permissions)": (
        Setup(buffer_admits="none"),
        WRITE,
        Expect(drop="does not let events.amazonaws.com send", dead_letter=LOST),
    ),
    "a CMK-encrypted queue takes events if the key policy allows EventBridge (EventBridge: encrypted SQS)": (
        Setup(buffer_key=KEY, key_policy=key_policy("kms:GenerateDataKey", "kms:Decrypt")),
        WRITE,
        DELIVERED,
    ),
    "a CMK-encrypted queue refuses when the key policy lacks kms:Decrypt (EventBridge: encrypted SQS)": (
        Setup(buffer_key=KEY, key_policy=key_policy("kms:GenerateDataKey")),
        WRITE,
        Expect(drop="does not allow events.amazonaws.com kms:Decrypt", dead_letter=LOST),
    ),
    "a CMK-encrypted queue refuses when the key policy lacks GenerateDataKey (EventBridge: encrypted SQS)": (
        Setup(buffer_key=KEY, key_policy=key_policy("kms:Decrypt")),
        WRITE,
        Expect(drop="does not allow events.amazonaws.com kms:GenerateDataKey", dead_letter=LOST),
    ),
    "a queue under a key the stacks do not create is refused (replay: no key policy to judge)": (
        Setup(buffer_key=KEY),
        WRITE,
        Expect(drop="which the stacks do not create", dead_letter=LOST),
    ),
    "a queue under the AWS-managed key needs no key policy (SQS: alias/aws/sqs)": (
        Setup(buffer_key="alias/aws/sqs"),
        WRITE,
        DELIVERED,
    ),
    "an SQS target in another Region is refused (EventBridge: SQS targets in the rule's Region)": (
        Setup(buffer_region=OTHER_REGION),
        WRITE,
        Expect(drop=f"SQS targets must be in {REGION}"),
    ),
    # Dead-letter queues (EventBridge: DLQ; permission errors go straight to it).
    "a refused event goes to the target's DLQ when its policy admits the rule (EventBridge: DLQ)": (
        Setup(buffer_admits="none", buffer_dead_letter=DeadLetter(HUB)),
        WRITE,
        Expect(queued=[], drop="does not let", dead_letter="sent to dead-letter queue"),
    ),
    "a refused event is lost when the DLQ policy does not admit the rule (EventBridge: DLQ permissions)": (
        Setup(buffer_admits="none", buffer_dead_letter=DeadLetter(HUB, admits_rule=False)),
        WRITE,
        Expect(drop="does not let", dead_letter="lost: the policy of queue buffer-dlq"),
    ),
    "a DLQ in another Region than the rule is refused (EventBridge: DLQ in the rule's Region)": (
        Setup(buffer_admits="none", buffer_dead_letter=DeadLetter(HUB, region=OTHER_REGION)),
        WRITE,
        Expect(drop="does not let", dead_letter=f"lost: dead-letter queue in {OTHER_REGION}"),
    ),
    "an event the hub bus refuses goes to the spoke target's DLQ (EventBridge: DLQ for bus targets)": (
        Setup(bus_grant="none", spoke_dead_letter=DeadLetter(SPOKE)),
        WRITE,
        Expect(drop="does not allow account", dead_letter="sent to dead-letter queue"),
    ),
}


@pytest.mark.parametrize(("setup", "kind", "expect"), CASES.values(), ids=CASES.keys())
def test_delivery_follows_the_eventbridge_rule_the_case_names(
    world: World, setup: Setup, kind: str, expect: Expect
) -> None:
    """GIVEN a spoke and hub built in moto WHEN a root event is put on the spoke THEN it goes where
    EventBridge would send it, and a refusal names its cause."""
    trace = deliver(world, setup, kind)
    assert trace.queued == [world.queues[name] for name in expect.queued]
    for name in ("buffer", "archive"):
        if name in world.queues:
            assert len(world.messages(name)) == expect.queued.count(name), name
    if expect.drop is None:
        assert trace.drops == []
    else:
        assert any(expect.drop in drop for drop in trace.drops), trace.drops
    if expect.dead_letter is None:
        assert trace.dead_letters == []
    else:
        assert len(trace.dead_letters) == 1
        assert expect.dead_letter in trace.dead_letters[0]


def test_a_forwarded_event_keeps_the_envelope_it_had_in_the_spoke(world: World) -> None:
    """GIVEN the working setup WHEN a spoke's root event reaches the buffer THEN it is the event CloudTrail
    put on the spoke's bus, account and ID unchanged (EventBridge forwards events between buses as is)."""
    deliver(world, Setup())
    (message,) = world.messages("buffer")
    original = next(e for e in events_for(SPOKE, [REGION]) if e.kind == WRITE and e.region == REGION)
    assert json.loads(message["Body"]) == original.event


def test_a_dead_letter_names_the_rule_the_target_and_the_error(world: World) -> None:
    """GIVEN a buffer that refuses EventBridge and a DLQ that admits the rule WHEN an event arrives THEN the
    DLQ holds it with the RULE_ARN, TARGET_ARN and ERROR_CODE attributes EventBridge documents."""
    deliver(world, Setup(buffer_admits="none", buffer_dead_letter=DeadLetter(HUB)))
    (message,) = world.messages("buffer-dlq")
    attributes = {name: value["StringValue"] for name, value in message["MessageAttributes"].items()}
    assert attributes["RULE_ARN"] == world.rules["buffer"]
    assert attributes["TARGET_ARN"] == world.queues["buffer"]
    assert attributes["ERROR_CODE"] == "NO_PERMISSIONS"
    assert json.loads(message["Body"])["account"] == SPOKE


def test_a_paginated_call_speaks_as_the_account_the_client_was_made_for(world: World) -> None:
    """GIVEN queues in two accounts WHEN one account's client lists them page by page THEN it sees only its
    own, as a plain call does (a paginator fetches its pages after get_paginator has returned)."""
    for account in ("111111111111", "222222222222"):
        world.aws.sqs(account, "eu-west-1").create_queue(QueueName=f"q-{account}")
    client = world.aws.sqs("222222222222", "eu-west-1")
    paged = [url for page in client.get_paginator("list_queues").paginate() for url in page["QueueUrls"]]
    assert paged == client.list_queues()["QueueUrls"]
    assert [url.rsplit("/", 2)[-2] for url in paged] == ["222222222222"]
