"""The root credential audit: a table of each member's root credentials, and the function that fills it.

Runs in the hub account, on its schedule (`postureSchedule`). It opens audit-only root sessions itself when
the hub is the management account or IAM's delegated administrator for centralized root access; otherwise
it assumes the role the org stack made in the management account (`postureAuditRoleArn`). It lists the
members as the notifier and watchdog read the organization: through `organizationsRoleArn`, or directly. It
notifies on the hub's topic like the watchdog, and the notifier reads its rows to grade root activity
(docs/posture.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .. import policies, posture_policies
from ..lambda_bundle import HANDLER_PACKAGE
from ..tagging import Tags, tag_input
from .notifier import handler_function
from .scheduled import function_log_group, run_on_schedule
from .watchdog import SCHEDULED_TIME, TABLE_HASH_KEY

POSTURE_HANDLER = f"{HANDLER_PACKAGE}.posture_audit.posture_handler"
# A thousand accounts at eight at a time take about a minute at AWS's latencies; the rest of the 15 minutes
# is for throttling. A run that still runs out stops starting accounts and resumes on the next run.
POSTURE_TIMEOUT_SECONDS = 900
POSTURE_MEMORY_MB = 512


@dataclass(frozen=True)
class PostureAudit:
    table: aws.dynamodb.Table
    role: aws.iam.Role
    role_policy: aws.iam.RolePolicy
    log_group: aws.cloudwatch.LogGroup
    function: aws.lambda_.Function
    schedule_role: aws.iam.Role
    schedule: aws.scheduler.Schedule


def posture_audit(
    name: str,
    *,
    event_bus_name: str,
    schedule_expression: str,
    management_role_arn: str | None,
    organizations_role_arn: str | None,
    topic: aws.sns.Topic,
    key: aws.kms.Key,
    account_id: pulumi.Input[str],
    log_retention_days: int,
    parent: pulumi.Resource,
    tags: Tags,
) -> PostureAudit:
    """The table, the function allowed exactly its table, topic, key, logs and root-session reach, its
    schedule."""
    child = pulumi.ResourceOptions(parent=parent)
    # The function is named as its role, which the org stack's management-account role trusts by name.
    function_name = role_name = posture_policies.audit_role_name(event_bus_name)
    table = aws.dynamodb.Table(
        f"{name}-posture",
        billing_mode="PAY_PER_REQUEST",
        hash_key=TABLE_HASH_KEY,
        attributes=[aws.dynamodb.TableAttributeArgs(name=TABLE_HASH_KEY, type="S")],
        server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(enabled=True),
        point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True),
        tags=tag_input(tags),
        opts=child,
    )
    log_group = function_log_group(
        f"{name}-posture-logs",
        function_name=function_name,
        retention_days=log_retention_days,
        parent=parent,
        tags=tags,
    )
    # Named: the org stack's management-account role trusts exactly this role.
    role = aws.iam.Role(
        f"{name}-posture-role",
        name=role_name,
        assume_role_policy=json.dumps(policies.lambda_assume_role_policy()),
        description="The root-activity-monitor posture audit: reads every member's root credentials",
        tags=tag_input(tags),
        opts=child,
    )
    role_policy = aws.iam.RolePolicy(
        f"{name}-posture-policy",
        role=role.id,
        policy=pulumi.Output.all(table.arn, topic.arn, key.arn, log_group.arn).apply(
            lambda arns: json.dumps(
                posture_policies.audit_function_policy(
                    arns[0],
                    arns[1],
                    arns[2],
                    arns[3],
                    management_role_arn,
                    organizations_role_arn=organizations_role_arn,
                )
            )
        ),
        opts=child,
    )
    function = handler_function(
        f"{name}-posture",
        function_name=function_name,
        description="Audits every member account's root credentials and notifies what changed",
        handler=POSTURE_HANDLER,
        role=role,
        timeout_seconds=POSTURE_TIMEOUT_SECONDS,
        memory_mb=POSTURE_MEMORY_MB,
        variables={
            "TOPIC_ARN": topic.arn,
            "POSTURE_TABLE": table.name,
            **({"AUDIT_ROLE_ARN": management_role_arn} if management_role_arn else {}),
            **({"ORGANIZATIONS_ROLE_ARN": organizations_role_arn} if organizations_role_arn else {}),
        },
        log_group=log_group,
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[role_policy]),
    )
    scheduled = run_on_schedule(
        f"{name}-posture-schedule",
        function=function,
        account_id=account_id,
        expression=schedule_expression,
        payload=json.dumps({"scheduledTime": SCHEDULED_TIME}),
        what="posture audit",
        schedule_description="Runs the root-activity-monitor root credential audit",
        parent=parent,
        tags=tags,
    )
    return PostureAudit(
        table=table,
        role=role,
        role_policy=role_policy,
        log_group=log_group,
        function=function,
        schedule_role=scheduled.role,
        schedule=scheduled.schedule,
    )


def allow_reading_posture(
    name: str, *, notifier_role: aws.iam.Role, table: aws.dynamodb.Table, parent: pulumi.Resource
) -> aws.iam.RolePolicy:
    """The notifier's permission to read the last audit of a batch's accounts, nothing else."""
    return aws.iam.RolePolicy(
        f"{name}-notifier-posture-policy",
        role=notifier_role.id,
        policy=table.arn.apply(lambda arn: json.dumps(posture_policies.read_posture_policy(arn))),
        opts=pulumi.ResourceOptions(parent=parent),
    )
