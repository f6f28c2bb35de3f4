"""A hub function run by EventBridge Scheduler: the schedule, and a role that may invoke that function only.

Shared by the watchdog and the posture audit; both also log into a group named as Lambda names it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .. import heartbeat_policies
from ..tagging import Tags, tag_input


@dataclass(frozen=True)
class Scheduled:
    role: aws.iam.Role
    role_policy: aws.iam.RolePolicy
    schedule: aws.scheduler.Schedule


def function_log_group(
    name: str, *, function_name: str, retention_days: int, parent: pulumi.Resource, tags: Tags
) -> aws.cloudwatch.LogGroup:
    """The group Lambda writes the function's logs to, made first so its retention applies from the start."""
    return aws.cloudwatch.LogGroup(
        name,
        name=f"/aws/lambda/{function_name}",
        retention_in_days=retention_days,
        tags=tag_input(tags),
        opts=pulumi.ResourceOptions(parent=parent),
    )


def run_on_schedule(
    name: str,
    *,
    function: aws.lambda_.Function,
    account_id: pulumi.Input[str],
    expression: str,
    payload: pulumi.Input[str],
    what: str,
    schedule_description: str,
    parent: pulumi.Resource,
    tags: Tags,
) -> Scheduled:
    """`function` invoked with `payload` on `expression`, by a role trusting this account's schedules only."""
    child = pulumi.ResourceOptions(parent=parent)
    role = aws.iam.Role(
        f"{name}-role",
        assume_role_policy=pulumi.Output.from_input(account_id).apply(
            lambda account: json.dumps(heartbeat_policies.scheduler_assume_role_policy(account))
        ),
        description=f"EventBridge Scheduler runs the root-activity-monitor {what}",
        tags=tag_input(tags),
        opts=child,
    )
    role_policy = aws.iam.RolePolicy(
        f"{name}-role-policy",
        role=role.id,
        policy=function.arn.apply(lambda arn: json.dumps(heartbeat_policies.invoke_function_policy(arn))),
        opts=child,
    )
    schedule = aws.scheduler.Schedule(
        name,
        description=schedule_description,
        schedule_expression=expression,
        flexible_time_window=aws.scheduler.ScheduleFlexibleTimeWindowArgs(mode="OFF"),
        state="ENABLED",
        target=aws.scheduler.ScheduleTargetArgs(arn=function.arn, role_arn=role.arn, input=payload),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[role_policy]),
    )
    return Scheduled(role=role, role_policy=role_policy, schedule=schedule)
