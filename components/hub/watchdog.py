"""The hub's memory of heartbeats and the watchdog that notices when one stops.

A DynamoDB table keyed by (account, region) holds when each pair was last heard; the notifier writes it.
The watchdog, a second function built from the same `handler` package, runs on a schedule, compares the
table with the pairs it expects, and publishes a `monitoring-gap` notification when a pair falls silent,
never reports, or recovers. What it already notified is kept in the table, so it does not repeat itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .. import heartbeat, heartbeat_policies, policies
from ..lambda_bundle import HANDLER_PACKAGE
from ..tagging import Tags, tag_input
from .notifier import handler_function
from .scheduled import function_log_group, run_on_schedule

WATCHDOG_HANDLER = f"{HANDLER_PACKAGE}.watchdog.watchdog_handler"
WATCHDOG_TIMEOUT_SECONDS = 120
WATCHDOG_MEMORY_MB = 256
TABLE_HASH_KEY = "accountId"
TABLE_RANGE_KEY = "region"
TABLE_TTL_ATTRIBUTE = "expiresAt"
SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"
"""A Scheduler context attribute: replaced by the time the run was due, which the watchdog takes as now."""


@dataclass(frozen=True)
class Watchdog:
    """The table, the watchdog function with its permissions and logs, and the schedule that runs it."""

    table: aws.dynamodb.Table
    role: aws.iam.Role
    role_policy: aws.iam.RolePolicy
    log_group: aws.cloudwatch.LogGroup
    function: aws.lambda_.Function
    schedule_role: aws.iam.Role
    schedule_role_policy: aws.iam.RolePolicy
    schedule: aws.scheduler.Schedule


def interval_variables(interval_minutes: int, silent_intervals: int) -> dict[str, str]:
    """What the watchdog judges silence by; the notifier checks each heartbeat's own interval against it."""
    return {"HEARTBEAT_INTERVAL_MINUTES": str(interval_minutes), "SILENT_INTERVALS": str(silent_intervals)}


def heartbeat_table(name: str, *, parent: pulumi.Resource, tags: Tags) -> aws.dynamodb.Table:
    """On-demand (a few writes an hour per pair), KMS-encrypted, expiring pairs nobody hears any more."""
    return aws.dynamodb.Table(
        f"{name}-heartbeats",
        billing_mode="PAY_PER_REQUEST",
        hash_key=TABLE_HASH_KEY,
        range_key=TABLE_RANGE_KEY,
        attributes=[
            aws.dynamodb.TableAttributeArgs(name=TABLE_HASH_KEY, type="S"),
            aws.dynamodb.TableAttributeArgs(name=TABLE_RANGE_KEY, type="S"),
        ],
        ttl=aws.dynamodb.TableTtlArgs(attribute_name=TABLE_TTL_ATTRIBUTE, enabled=True),
        server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(enabled=True),
        # The table is a few megabytes even for a thousand accounts: recovery costs cents.
        point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True),
        tags=tag_input(tags),
        opts=pulumi.ResourceOptions(parent=parent),
    )


def allow_recording(
    name: str, *, notifier_role: aws.iam.Role, table: aws.dynamodb.Table, parent: pulumi.Resource
) -> aws.iam.RolePolicy:
    """The notifier's permission to write heartbeats: dynamodb:UpdateItem on the table, nothing else."""
    return aws.iam.RolePolicy(
        f"{name}-notifier-heartbeat-policy",
        role=notifier_role.id,
        policy=table.arn.apply(lambda arn: json.dumps(heartbeat_policies.record_heartbeat_policy(arn))),
        opts=pulumi.ResourceOptions(parent=parent),
    )


def watchdog(
    name: str,
    *,
    function_name: str,
    table: aws.dynamodb.Table,
    topic: aws.sns.Topic,
    key: aws.kms.Key,
    account_id: pulumi.Input[str],
    expected_accounts: Sequence[str],
    regions: Sequence[str],
    interval_minutes: int,
    silent_intervals: int,
    account_names: Mapping[str, str],
    log_retention_days: int,
    parent: pulumi.Resource,
    tags: Tags,
    organizational_unit_ids: Sequence[str] = (),
    extra_variables: Mapping[str, str] | None = None,
) -> Watchdog:
    """The watchdog, allowed exactly its table, topic, key and logs, run every interval by Scheduler."""
    child = pulumi.ResourceOptions(parent=parent)
    log_group = function_log_group(
        f"{name}-watchdog-logs",
        function_name=function_name,
        retention_days=log_retention_days,
        parent=parent,
        tags=tags,
    )
    role = aws.iam.Role(
        f"{name}-watchdog-role",
        assume_role_policy=json.dumps(policies.lambda_assume_role_policy()),
        description="The root-activity-monitor watchdog: notifies when a heartbeat stops",
        tags=tag_input(tags),
        opts=child,
    )
    role_policy = aws.iam.RolePolicy(
        f"{name}-watchdog-policy",
        role=role.id,
        policy=pulumi.Output.all(table.arn, topic.arn, key.arn, log_group.arn).apply(
            lambda arns: json.dumps(heartbeat_policies.watchdog_policy(arns[0], arns[1], arns[2], arns[3]))
        ),
        opts=child,
    )
    function = handler_function(
        f"{name}-watchdog",
        function_name=function_name,
        description="Notifies when an (account, region) heartbeat falls silent, never arrives, or recovers",
        handler=WATCHDOG_HANDLER,
        role=role,
        timeout_seconds=WATCHDOG_TIMEOUT_SECONDS,
        memory_mb=WATCHDOG_MEMORY_MB,
        variables={
            "TOPIC_ARN": topic.arn,
            "HEARTBEAT_TABLE": table.name,
            **interval_variables(interval_minutes, silent_intervals),
            "ACCOUNT_NAMES": json.dumps(dict(account_names), sort_keys=True),
            **(extra_variables or {}),
        },
        log_group=log_group,
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[role_policy]),
    )
    # Expected pairs travel in the schedule's input: a thousand accounts overflow Lambda's 4 KB environment.
    plan = pulumi.Output.from_input(account_id).apply(
        lambda hub: json.dumps(
            {
                "expectedAccounts": sorted({hub, *expected_accounts}),
                "expectedRegions": list(regions),
                # In an organization: also every active account under these OUs (read at each run).
                **(
                    {"expectedOrganizationalUnits": list(organizational_unit_ids)}
                    if organizational_unit_ids
                    else {}
                ),
                "scheduledTime": SCHEDULED_TIME,
            },
            sort_keys=True,
        )
    )
    scheduled = run_on_schedule(
        f"{name}-watchdog-schedule",
        function=function,
        account_id=account_id,
        expression=heartbeat.schedule_expression(interval_minutes),
        payload=plan,
        what="watchdog",
        schedule_description="Runs the root-activity-monitor watchdog once per heartbeat interval",
        parent=parent,
        tags=tags,
    )
    return Watchdog(
        table=table,
        role=role,
        role_policy=role_policy,
        log_group=log_group,
        function=function,
        schedule_role=scheduled.role,
        schedule_role_policy=scheduled.role_policy,
        schedule=scheduled.schedule,
    )
