"""HubNotifier: the hub account's bus, buffer queue, notifier Lambda and encrypted topic.

Data flow (hub region): spokes and the hub's own regional rules put root activity on the hub bus; a
rule on it sends every event to an SQS buffer queue; the notifier Lambda drains the queue in batches
(so one console session becomes one notification) and publishes to an SNS topic encrypted with a
customer-managed key. The component is placed in its provider's region; only the forwarding rules
carry an explicit `region`.
"""

# No `from __future__ import annotations` here: TypedDict must see NotRequired at runtime to tell
# required arguments from optional ones.

import json
from collections.abc import Mapping, Sequence
from typing import NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from . import forwarding, policies
from .event_pattern import ROOT_ACTIVITY_EVENT_PATTERN, ROOT_ACTIVITY_RULE_STATE
from .hub_settings import HubSettings
from .lambda_bundle import HANDLER_FUNCTION, handler_archive

TYPE_TOKEN = "root-activity-monitor:index:HubNotifier"

# A batch of up to a thousand events plus a few SNS publishes; tens of seconds, not the 3 s default.
FUNCTION_TIMEOUT_SECONDS = 60
FUNCTION_MEMORY_MB = 256
# AWS recommends a visibility timeout of six times the function timeout for SQS event sources.
BUFFER_VISIBILITY_TIMEOUT_SECONDS = 6 * FUNCTION_TIMEOUT_SECONDS
# Four days on the buffer (the SQS default), then five failed receives send a message to the DLQ.
BUFFER_RETENTION_SECONDS = 4 * 24 * 60 * 60
BUFFER_MAX_RECEIVE_COUNT = 5


class HubNotifierArgs(TypedDict):
    """Arguments of HubNotifier. Give `organization_id`, `spoke_account_ids` or both."""

    regions: Sequence[str]
    """Regions where the hub account's own root activity is forwarded to the hub bus (include us-east-1)."""
    organization_id: NotRequired[str | None]
    """AWS Organizations ID (`o-…`) whose principals may put events on the hub bus."""
    spoke_account_ids: NotRequired[Sequence[str]]
    """12-digit account IDs that may put events on the hub bus, with or instead of the organization."""
    notification_emails: NotRequired[Sequence[str]]
    """Addresses that get an `email` subscription each (each must confirm it)."""
    event_bus_name: NotRequired[str]
    """Name of the hub event bus; also names the notifier function. Default `root-activity-monitor`."""
    batch_window_seconds: NotRequired[int]
    """How long (0 to 300 s) the notifier waits to gather a session's events into one batch. Default 30."""
    account_names: NotRequired[Mapping[str, str]]
    """Account ID → display name used in notifications."""
    log_retention_days: NotRequired[int]
    """Retention of the notifier's log group, a CloudWatch Logs retention value. Default 365."""


class HubNotifier(pulumi.ComponentResource):
    """Receives root activity from every account and region and notifies people about it."""

    event_bus_arn: pulumi.Output[str]
    """ARN of the hub event bus; spokes forward to it."""
    event_bus_name: pulumi.Output[str]
    """Name of the hub event bus."""
    topic_arn: pulumi.Output[str]
    """ARN of the notification topic; subscribe chat, queues or functions to it."""
    queue_url: pulumi.Output[str]
    """URL of the buffer queue between the hub rule and the notifier."""
    dead_letter_queue_arn: pulumi.Output[str]
    """ARN of the buffer queue's DLQ: events the notifier failed on five times."""
    function_name: pulumi.Output[str]
    """Name of the notifier Lambda function."""

    def __init__(self, name: str, args: HubNotifierArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        # Validate before registering anything, so a bad argument leaves no half-made component.
        settings = HubSettings(args)
        super().__init__(TYPE_TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id

        bus = aws.cloudwatch.EventBus(f"{name}-bus", name=settings.event_bus_name, opts=child)
        aws.cloudwatch.EventBusPolicy(
            f"{name}-bus-policy",
            event_bus_name=bus.name,
            policy=bus.arn.apply(
                lambda arn: json.dumps(
                    policies.event_bus_policy(arn, settings.organization_id, settings.spoke_account_ids)
                )
            ),
            opts=child,
        )

        # Buffer queue and the rule that fills it.
        buffer_dlq = forwarding.dead_letter_queue(f"{name}-buffer-dlq", parent=self)
        buffer = aws.sqs.Queue(
            f"{name}-buffer",
            sqs_managed_sse_enabled=True,
            visibility_timeout_seconds=BUFFER_VISIBILITY_TIMEOUT_SECONDS,
            message_retention_seconds=BUFFER_RETENTION_SECONDS,
            redrive_policy=buffer_dlq.arn.apply(
                lambda arn: json.dumps(
                    {"deadLetterTargetArn": arn, "maxReceiveCount": BUFFER_MAX_RECEIVE_COUNT}
                )
            ),
            opts=child,
        )
        notify_rule = aws.cloudwatch.EventRule(
            f"{name}-notify-rule",
            event_bus_name=bus.name,
            description="Root-user activity from every watched account, buffered for the notifier",
            event_pattern=ROOT_ACTIVITY_EVENT_PATTERN,
            state=ROOT_ACTIVITY_RULE_STATE,
            opts=child,
        )
        buffer_policy = forwarding.allow_rule_to_send(
            f"{name}-buffer-policy", buffer, notify_rule, parent=self
        )
        notify_dlq = forwarding.dead_letter_queue(f"{name}-notify-dlq", parent=self)
        notify_dlq_policy = forwarding.allow_rule_to_send(
            f"{name}-notify-dlq-policy", notify_dlq, notify_rule, parent=self
        )
        aws.cloudwatch.EventTarget(
            f"{name}-notify-target",
            event_bus_name=bus.name,
            rule=notify_rule.name,
            arn=buffer.arn,
            retry_policy=forwarding.target_retry_policy(),
            dead_letter_config=aws.cloudwatch.EventTargetDeadLetterConfigArgs(arn=notify_dlq.arn),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[buffer_policy, notify_dlq_policy]),
        )

        # Notifier: role, encrypted topic, log group, function, event source mapping.
        function_name = f"{settings.event_bus_name}-notifier"
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-notifier-logs",
            name=f"/aws/lambda/{function_name}",
            retention_in_days=settings.log_retention_days,
            opts=child,
        )
        role = aws.iam.Role(
            f"{name}-notifier-role",
            assume_role_policy=json.dumps(policies.lambda_assume_role_policy()),
            description="The root-activity-monitor notifier: drains the buffer queue, publishes to the topic",
            opts=child,
        )
        key = aws.kms.Key(
            f"{name}-topic-key",
            description="Encrypts root-activity-monitor notifications (SNS topic)",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=pulumi.Output.all(account_id, role.arn).apply(
                lambda values: json.dumps(policies.topic_key_policy(values[0], values[1]))
            ),
            opts=child,
        )
        topic = aws.sns.Topic(f"{name}-topic", kms_master_key_id=key.arn, opts=child)
        for address in settings.notification_emails:
            aws.sns.TopicSubscription(
                f"{name}-email-{address}", topic=topic.arn, protocol="email", endpoint=address, opts=child
            )
        role_policy = aws.iam.RolePolicy(
            f"{name}-notifier-policy",
            role=role.id,
            policy=pulumi.Output.all(buffer.arn, topic.arn, key.arn, log_group.arn).apply(
                lambda arns: json.dumps(policies.notifier_policy(arns[0], arns[1], arns[2], arns[3]))
            ),
            opts=child,
        )
        function = aws.lambda_.Function(
            f"{name}-notifier",
            name=function_name,
            description="Turns batches of root-user activity into notifications",
            code=handler_archive(),
            handler=HANDLER_FUNCTION,
            runtime="python3.13",
            architectures=["arm64"],
            role=role.arn,
            timeout=FUNCTION_TIMEOUT_SECONDS,
            memory_size=FUNCTION_MEMORY_MB,
            environment=aws.lambda_.FunctionEnvironmentArgs(
                variables={
                    "TOPIC_ARN": topic.arn,
                    "ACCOUNT_NAMES": json.dumps(settings.account_names, sort_keys=True),
                }
            ),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(
                log_format="JSON",
                log_group=log_group.name,
                application_log_level="INFO",
                system_log_level="WARN",
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[role_policy]),
        )
        aws.lambda_.EventSourceMapping(
            f"{name}-notifier-source",
            event_source_arn=buffer.arn,
            function_name=function.name,
            batch_size=settings.batch_size,
            maximum_batching_window_in_seconds=settings.batch_window_seconds,
            function_response_types=["ReportBatchItemFailures"],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[role_policy]),
        )

        # The hub's own root user, in every region: default bus → hub bus, as a spoke would.
        forwarding.forward_regions(
            f"{name}-forward",
            regions=settings.regions,
            hub_event_bus_arn=bus.arn,
            account_id=account_id,
            parent=self,
        )

        self.event_bus_arn = bus.arn
        self.event_bus_name = bus.name
        self.topic_arn = topic.arn
        self.queue_url = buffer.url
        self.dead_letter_queue_arn = buffer_dlq.arn
        self.function_name = function.name
        self.register_outputs(
            {
                "event_bus_arn": self.event_bus_arn,
                "event_bus_name": self.event_bus_name,
                "topic_arn": self.topic_arn,
                "queue_url": self.queue_url,
                "dead_letter_queue_arn": self.dead_letter_queue_arn,
                "function_name": self.function_name,
            }
        )
