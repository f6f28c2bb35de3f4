"""The notifier: a Lambda function that drains the buffer queue in batches and publishes to the topic.

Its role is made first (`notifier_role`) because the topic's key policy names it; the function, its
permissions, its log group and the event source mapping follow once the queue and topic exist.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .. import policies
from ..lambda_bundle import HANDLER_FUNCTION, handler_archive
from ..tagging import Tags, tag_input

# A batch of up to a thousand events plus a few SNS publishes; tens of seconds, not the 3 s default.
FUNCTION_TIMEOUT_SECONDS = 60
FUNCTION_MEMORY_MB = 256
FUNCTION_RUNTIME = "python3.13"
# AWS recommends a visibility timeout of six times the function timeout for SQS event sources.
BUFFER_VISIBILITY_TIMEOUT_SECONDS = 6 * FUNCTION_TIMEOUT_SECONDS
REPORT_BATCH_ITEM_FAILURES = "ReportBatchItemFailures"


@dataclass(frozen=True)
class Notifier:
    """The function, its permissions and logs, and the mapping that feeds it from the buffer queue."""

    role: aws.iam.Role
    role_policy: aws.iam.RolePolicy
    log_group: aws.cloudwatch.LogGroup
    function: aws.lambda_.Function
    event_source_mapping: aws.lambda_.EventSourceMapping


def notifier_role(name: str, *, parent: pulumi.Resource, tags: Tags) -> aws.iam.Role:
    """The role the notifier runs as; its permissions come with the function (`notifier`)."""
    return aws.iam.Role(
        f"{name}-notifier-role",
        assume_role_policy=json.dumps(policies.lambda_assume_role_policy()),
        description="The root-activity-monitor notifier: drains the buffer queue, publishes to the topic",
        tags=tag_input(tags),
        opts=pulumi.ResourceOptions(parent=parent),
    )


def handler_function(
    name: str,
    *,
    function_name: str,
    description: str,
    handler: str,
    role: aws.iam.Role,
    timeout_seconds: int,
    memory_mb: int,
    variables: Mapping[str, pulumi.Input[str]],
    log_group: aws.cloudwatch.LogGroup,
    tags: Tags,
    opts: pulumi.ResourceOptions,
) -> aws.lambda_.Function:
    """A function running one entry point of the `handler` package (the notifier, the watchdog): the same code
    archive, runtime and architecture, JSON logs into its own group."""
    return aws.lambda_.Function(
        name,
        name=function_name,
        description=description,
        code=handler_archive(),
        handler=handler,
        runtime=FUNCTION_RUNTIME,
        architectures=["arm64"],
        role=role.arn,
        timeout=timeout_seconds,
        memory_size=memory_mb,
        environment=aws.lambda_.FunctionEnvironmentArgs(variables=dict(variables)),
        logging_config=aws.lambda_.FunctionLoggingConfigArgs(
            log_format="JSON",
            log_group=log_group.name,
            application_log_level="INFO",
            system_log_level="WARN",
        ),
        tags=tag_input(tags),
        opts=opts,
    )


def notifier(
    name: str,
    *,
    function_name: str,
    role: aws.iam.Role,
    queue: aws.sqs.Queue,
    topic: aws.sns.Topic,
    key: aws.kms.Key,
    account_names: Mapping[str, str],
    batch_size: int,
    batch_window_seconds: int,
    log_retention_days: int,
    parent: pulumi.Resource,
    deployer_principal_arns: Sequence[str] = (),
    tags: Tags,
    heartbeat_table_name: pulumi.Input[str] | None = None,
    posture_table_name: pulumi.Input[str] | None = None,
    routing_variables: Mapping[str, str] | None = None,
    extra_variables: Mapping[str, str] | None = None,
) -> Notifier:
    """The function reading `queue` in batches and publishing to `topic`, allowed exactly that."""
    log_group = aws.cloudwatch.LogGroup(
        f"{name}-notifier-logs",
        name=f"/aws/lambda/{function_name}",
        retention_in_days=log_retention_days,
        tags=tag_input(tags),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    role_policy = aws.iam.RolePolicy(
        f"{name}-notifier-policy",
        role=role.id,
        policy=pulumi.Output.all(queue.arn, topic.arn, key.arn, log_group.arn).apply(
            lambda arns: json.dumps(policies.notifier_policy(arns[0], arns[1], arns[2], arns[3]))
        ),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    # The function must not run before it may drain the queue, publish and log.
    after_permissions = pulumi.ResourceOptions(parent=parent, depends_on=[role_policy])
    function = handler_function(
        f"{name}-notifier",
        function_name=function_name,
        description="Turns batches of root-user activity into notifications",
        handler=HANDLER_FUNCTION,
        role=role,
        timeout_seconds=FUNCTION_TIMEOUT_SECONDS,
        memory_mb=FUNCTION_MEMORY_MB,
        variables={
            "TOPIC_ARN": topic.arn,
            "ACCOUNT_NAMES": json.dumps(dict(account_names), sort_keys=True),
            # Changes these principals make to the monitor are tamper alerts at LOW severity.
            "DEPLOYER_PRINCIPAL_ARNS": json.dumps(list(deployer_principal_arns)),
            # Where the notifier records heartbeats instead of notifying them.
            **({"HEARTBEAT_TABLE": heartbeat_table_name} if heartbeat_table_name is not None else {}),
            # Where the last root credential audit is, to grade root activity by it.
            **({"POSTURE_TABLE": posture_table_name} if posture_table_name is not None else {}),
            # Expected root use windows and where runbook links point (components/routing.py).
            **(routing_variables or {}),
            # AWS Organizations lookups (hub/organizations.py).
            **(extra_variables or {}),
        },
        log_group=log_group,
        tags=tags,
        opts=after_permissions,
    )
    mapping = aws.lambda_.EventSourceMapping(
        f"{name}-notifier-source",
        event_source_arn=queue.arn,
        function_name=function.name,
        batch_size=batch_size,
        maximum_batching_window_in_seconds=batch_window_seconds,
        function_response_types=[REPORT_BATCH_ITEM_FAILURES],
        tags=tag_input(tags),
        opts=after_permissions,
    )
    return Notifier(
        role=role,
        role_policy=role_policy,
        log_group=log_group,
        function=function,
        event_source_mapping=mapping,
    )
