"""Create recorded resources in moto: one creator per type token, applied in the dict's order.

Each creator reads the inputs Pulumi received and the outputs the recording mocks answered (physical
names, ARNs), so what moto holds has the same names and ARNs the program wired into policies and
targets. Types without a creator are reported with a reason, never skipped silently.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .accounts import AwsAccounts
from .heartbeat_replay import create_schedule, create_table
from .recording import RecordedResource


@dataclass(frozen=True)
class NotReplayed:
    """A recorded resource the replay did not create in moto, and why."""

    type: str
    name: str
    account_id: str
    reason: str

    def as_json(self) -> dict[str, str]:
        """The entry of the report's `notReplayed` list."""
        return {"type": self.type, "name": self.name, "account": self.account_id, "reason": self.reason}


def _name(resource: RecordedResource) -> str:
    return str(resource.outputs.get("name") or resource.name)


def _bus_name(value: Any) -> str:
    # Rules and targets take the bus by name or ARN; moto wants the name.
    text = str(value or "default")
    return text.rsplit(":event-bus/", maxsplit=1)[-1]


def _policy_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


# IAM's resource type for sts:AssumeRoot is an account's root (`arn:aws:iam::<account>:root`); moto's policy
# check knows no such IAM resource path and refuses the document. moto keeps it with any account's root
# spelt as a role path instead; the replay never evaluates AssumeRoot, so nothing it decides changes.
_ANY_MEMBER_ROOT = '"arn:aws:iam::*:root"'
_MOTO_ANY_MEMBER_ROOT = '"arn:aws:iam::*:role/root"'


def _role_policy_text(value: Any) -> str:
    return _policy_text(value).replace(_ANY_MEMBER_ROOT, _MOTO_ANY_MEMBER_ROOT)


def _event_bus(aws: AwsAccounts, account: str, resource: RecordedResource) -> None:
    aws.events(account, resource.region).create_event_bus(Name=_name(resource))


def _event_bus_policy(aws: AwsAccounts, account: str, resource: RecordedResource) -> None:
    inputs = resource.inputs
    aws.events(account, resource.region).put_permission(
        EventBusName=_bus_name(inputs.get("eventBusName")), Policy=_policy_text(inputs["policy"])
    )


def _event_rule(aws: AwsAccounts, account: str, resource: RecordedResource) -> None:
    inputs = resource.inputs
    arguments: dict[str, Any] = {
        "Name": _name(resource),
        "EventBusName": _bus_name(inputs.get("eventBusName")),
        "State": inputs.get("state") or ("DISABLED" if inputs.get("isEnabled") is False else "ENABLED"),
    }
    for key, argument in (("eventPattern", "EventPattern"), ("description", "Description")):
        if inputs.get(key):
            arguments[argument] = inputs[key]
    if inputs.get("scheduleExpression"):
        arguments["ScheduleExpression"] = inputs["scheduleExpression"]
    aws.events(account, resource.region).put_rule(**arguments)


def _event_target(aws: AwsAccounts, account: str, resource: RecordedResource) -> None:
    inputs = resource.inputs
    target: Any = {
        "Id": str(inputs.get("targetId") or resource.outputs.get("targetId") or resource.name),
        "Arn": inputs["arn"],
    }
    if inputs.get("roleArn"):
        target["RoleArn"] = inputs["roleArn"]
    retry = inputs.get("retryPolicy")
    if isinstance(retry, Mapping):
        target["RetryPolicy"] = {
            key: int(retry[source])
            for source, key in (
                ("maximumEventAgeInSeconds", "MaximumEventAgeInSeconds"),
                ("maximumRetryAttempts", "MaximumRetryAttempts"),
            )
            if retry.get(source) is not None
        }
    dead_letter = inputs.get("deadLetterConfig")
    if isinstance(dead_letter, Mapping) and dead_letter.get("arn"):
        target["DeadLetterConfig"] = {"Arn": dead_letter["arn"]}
    for key, argument in (("input", "Input"), ("inputPath", "InputPath")):
        if inputs.get(key):
            target[argument] = inputs[key]
    aws.events(account, resource.region).put_targets(
        Rule=str(inputs["rule"]), EventBusName=_bus_name(inputs.get("eventBusName")), Targets=[target]
    )


# pulumi-aws Queue input → SQS attribute name.
_QUEUE_ATTRIBUTES = {
    "visibilityTimeoutSeconds": "VisibilityTimeout",
    "messageRetentionSeconds": "MessageRetentionPeriod",
    "delaySeconds": "DelaySeconds",
    "receiveWaitTimeSeconds": "ReceiveMessageWaitTimeSeconds",
    "maxMessageSize": "MaximumMessageSize",
    "kmsMasterKeyId": "KmsMasterKeyId",
    "kmsDataKeyReusePeriodSeconds": "KmsDataKeyReusePeriodSeconds",
    "sqsManagedSseEnabled": "SqsManagedSseEnabled",
    "redrivePolicy": "RedrivePolicy",
    "fifoQueue": "FifoQueue",
    "contentBasedDeduplication": "ContentBasedDeduplication",
}


def _queue(aws: AwsAccounts, account: str, resource: RecordedResource) -> None:
    attributes: dict[str, str] = {}
    for key, attribute in _QUEUE_ATTRIBUTES.items():
        value = resource.inputs.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            attributes[attribute] = "true" if value else "false"
        elif isinstance(value, float) and value.is_integer():
            attributes[attribute] = str(int(value))  # Pulumi passes every number as a float
        else:
            attributes[attribute] = value if isinstance(value, str) else str(value)
    # moto does not create a redrive target on demand: the policy is set by AFTER_ALL_OF_TYPE.
    attributes.pop("RedrivePolicy", None)
    aws.sqs(account, resource.region).create_queue(QueueName=_name(resource), Attributes=attributes)  # type: ignore[arg-type]  # stubs list attribute names


def _queue_redrive(aws: AwsAccounts, account: str, resource: RecordedResource) -> None:
    redrive = resource.inputs.get("redrivePolicy")
    if redrive:
        aws.sqs(account, resource.region).set_queue_attributes(
            QueueUrl=str(resource.outputs["url"]), Attributes={"RedrivePolicy": _policy_text(redrive)}
        )


def _queue_policy(aws: AwsAccounts, account: str, resource: RecordedResource) -> None:
    inputs = resource.inputs
    aws.sqs(account, resource.region).set_queue_attributes(
        QueueUrl=str(inputs["queueUrl"]), Attributes={"Policy": _policy_text(inputs["policy"])}
    )


def _topic(aws: AwsAccounts, account: str, resource: RecordedResource) -> None:
    attributes: dict[str, str] = {}
    if resource.inputs.get("kmsMasterKeyId"):
        attributes["KmsMasterKeyId"] = str(resource.inputs["kmsMasterKeyId"])
    if resource.inputs.get("policy"):
        attributes["Policy"] = _policy_text(resource.inputs["policy"])
    aws.sns(account, resource.region).create_topic(Name=_name(resource), Attributes=attributes)


def _topic_subscription(aws: AwsAccounts, account: str, resource: RecordedResource) -> None:
    inputs = resource.inputs
    attributes: dict[str, str] = {}
    if inputs.get("rawMessageDelivery") is not None:
        attributes["RawMessageDelivery"] = "true" if inputs["rawMessageDelivery"] else "false"
    if inputs.get("filterPolicy"):
        attributes["FilterPolicy"] = _policy_text(inputs["filterPolicy"])
        if inputs.get("filterPolicyScope"):
            attributes["FilterPolicyScope"] = str(inputs["filterPolicyScope"])
    aws.sns(account, resource.region).subscribe(
        TopicArn=str(inputs["topic"]),
        Protocol=str(inputs["protocol"]),
        Endpoint=str(inputs["endpoint"]),
        Attributes=attributes,
    )


def _role(aws: AwsAccounts, account: str, resource: RecordedResource) -> None:
    inputs = resource.inputs
    iam = aws.iam(account)
    iam.create_role(
        RoleName=_name(resource),
        Path=str(inputs.get("path") or "/"),
        AssumeRolePolicyDocument=_policy_text(inputs["assumeRolePolicy"]),
    )
    for inline in inputs.get("inlinePolicies") or []:
        if isinstance(inline, Mapping) and inline.get("name") and inline.get("policy"):
            iam.put_role_policy(
                RoleName=_name(resource), PolicyName=str(inline["name"]), PolicyDocument=str(inline["policy"])
            )


def _role_policy(aws: AwsAccounts, account: str, resource: RecordedResource) -> None:
    inputs = resource.inputs
    aws.iam(account).put_role_policy(
        RoleName=str(inputs["role"]).split("/")[-1],
        PolicyName=_name(resource),
        PolicyDocument=_role_policy_text(inputs["policy"]),
    )


Creator = Callable[[AwsAccounts, str, RecordedResource], None]

CREATORS: dict[str, Creator] = {
    "aws:iam/role:Role": _role,
    "aws:iam/rolePolicy:RolePolicy": _role_policy,
    "aws:sqs/queue:Queue": _queue,
    "aws:sqs/queuePolicy:QueuePolicy": _queue_policy,
    "aws:sns/topic:Topic": _topic,
    "aws:sns/topicSubscription:TopicSubscription": _topic_subscription,
    "aws:cloudwatch/eventBus:EventBus": _event_bus,
    "aws:cloudwatch/eventBusPolicy:EventBusPolicy": _event_bus_policy,
    "aws:cloudwatch/eventRule:EventRule": _event_rule,
    "aws:cloudwatch/eventTarget:EventTarget": _event_target,
    "aws:dynamodb/table:Table": create_table,
    "aws:scheduler/schedule:Schedule": create_schedule,
}
"""Creation order is this dict's order: what a resource refers to is created before it."""

AFTER_ALL_OF_TYPE: dict[str, Creator] = {
    # A redrive policy names another queue, which must exist first: set once every queue does.
    "aws:sqs/queue:Queue": _queue_redrive,
}
"""Steps that run for each resource of a type once every resource of that type exists."""

NOT_REPLAYED_REASONS: dict[str, str] = {
    "aws:lambda/function:Function": (
        "moto would need Docker to run it; the replay invokes the packaged handler in-process with the "
        "function's recorded environment and role credentials"
    ),
    "aws:lambda/eventSourceMapping:EventSourceMapping": (
        "the replay polls the queue itself with the mapping's recorded batch size and response types"
    ),
    "aws:kms/key:Key": (
        "moto assigns its own key IDs; the replay evaluates the recorded key policy wherever encryption "
        "depends on it"
    ),
    "aws:kms/alias:Alias": "aliases only name keys; the replay resolves keys from the recording",
    "aws:cloudwatch/logGroup:LogGroup": "log groups do not take part in delivery",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (
        "managed policies are not loaded into moto; the replay's permission checks read inline policies only"
    ),
    "aws:lambda/permission:Permission": "the replay invokes the notifier directly, not through a trigger",
    "aws:cloudwatch/metricAlarm:MetricAlarm": (
        "health alarms watch metrics (dead letters, failed deliveries, notifier errors) that moto does not "
        "emit; the graph tests check each alarm's metric, dimensions, threshold and topic"
    ),
    "aws:organizations/policy:Policy": (
        "moto enforces no service control policy; the attack replay evaluates the protection policy before "
        "each call it makes (tests/e2e/test_e2e_attacks_protected.py)"
    ),
    "aws:organizations/policyAttachment:PolicyAttachment": (
        "moto enforces no service control policy; the graph tests check one attachment per targeted OU"
    ),
}


def replay(aws: AwsAccounts, stacks: Iterable[tuple[str, list[RecordedResource]]]) -> list[NotReplayed]:
    """Create every resource with a creator in its stack's account; report the rest with reasons."""
    stacks = list(stacks)
    for type_token, create in CREATORS.items():
        of_type = [(account, r) for account, resources in stacks for r in resources if r.type == type_token]
        steps = [create, AFTER_ALL_OF_TYPE[type_token]] if type_token in AFTER_ALL_OF_TYPE else [create]
        for step in steps:
            for account, resource in of_type:
                step(aws, account, resource)
    skipped: list[NotReplayed] = []
    for account, resources in stacks:
        for resource in resources:
            if resource.type in CREATORS:
                continue
            if not resource.custom:
                reason = "component resource: its children are replayed one by one"
            else:
                reason = NOT_REPLAYED_REASONS.get(resource.type, "the replay has no creator for this type")
            skipped.append(NotReplayed(resource.type, resource.name, account, reason))
    return skipped
