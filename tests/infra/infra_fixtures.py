"""Constants the infrastructure tests share: accounts, regions and the hub bus ARN of the test stacks."""

from __future__ import annotations

HUB_ACCOUNT = "111111111111"
SPOKE_ACCOUNT = "222222222222"
HUB_REGION = "eu-west-1"
REGIONS = ("us-east-1", "eu-west-1", "eu-central-1")
HUB_BUS_ARN = f"arn:aws:events:{HUB_REGION}:{HUB_ACCOUNT}:event-bus/root-activity-monitor"
COMPONENT = "root-activity-monitor"

HUB = "root-activity-monitor:index:HubNotifier"
SPOKE = "root-activity-monitor:index:SpokeForwarder"
BUS = "aws:cloudwatch/eventBus:EventBus"
BUS_POLICY = "aws:cloudwatch/eventBusPolicy:EventBusPolicy"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
KEY = "aws:kms/key:Key"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
FUNCTION = "aws:lambda/function:Function"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
EVENT_SOURCE_MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping"
STACK_REFERENCE = "pulumi:pulumi:StackReference"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
HUB_ROUTED_KINDS = ("root-activity", "tamper", "heartbeat")


def rule_alarms(prefix: str, kinds: tuple[str, ...] = HUB_ROUTED_KINDS) -> set[tuple[str, str]]:
    """The two failure alarms of each kind's rule, named `{prefix}-{kind}-…-alarm`."""
    return {
        (ALARM, f"{prefix}-{kind}-{suffix}-alarm")
        for kind in kinds
        for suffix in ("failedinvocations", "dlq-failures")
    }


def forwarding_resources(regions: tuple[str, ...] = REGIONS) -> set[tuple[str, str]]:
    """(type, logical name) of what forwarding.py creates: one delivery role, and in each region a rule and
    target per kind (root activity or heartbeats; tamper), a DLQ and its policy. No alarm and no topic: the
    heartbeat, carried by the root-activity rule, proves each region.

    Both components forward the same way (the hub for its own account), so both expect this set.
    """
    return {
        (ROLE, f"{COMPONENT}-forward-role"),
        (ROLE_POLICY, f"{COMPONENT}-forward-role-policy"),
        *(
            (token, f"{COMPONENT}-forward-{region}-{suffix}")
            for region in regions
            for token, suffix in (
                (RULE, "rule"),
                (TARGET, "target"),
                (RULE, "tamper-rule"),
                (TARGET, "tamper-target"),
                (QUEUE, "dlq"),
                (QUEUE_POLICY, "dlq-policy"),
            )
        ),
    }


SCHEDULE = "aws:scheduler/schedule:Schedule"
TABLE = "aws:dynamodb/table:Table"


def heartbeat_resources(regions: tuple[str, ...] = REGIONS) -> set[tuple[str, str]]:
    """(type, logical name) of what heartbeat.py adds to forwarding: a role and, per region, a schedule (the
    region's root-activity rule forwards its calls)."""
    return {
        (ROLE, f"{COMPONENT}-forward-heartbeat-role"),
        (ROLE_POLICY, f"{COMPONENT}-forward-heartbeat-role-policy"),
        *(
            (token, f"{COMPONENT}-forward-{region}-{suffix}")
            for region in regions
            for token, suffix in ((SCHEDULE, "heartbeat"),)
        ),
    }
