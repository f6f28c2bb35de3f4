"""The watchdog function, run in-process as its schedule would run it, at a time the replay chooses.

moto's Scheduler never fires and its Lambda needs Docker, so the replay does what Scheduler does for a
schedule whose target is a function: checks that the schedule's role trusts scheduler.amazonaws.com and
may invoke the function, replaces the `<aws.scheduler.scheduled-time>` context attribute in the input with
the replay's clock, and invokes the packaged handler with the function's environment and role credentials.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from ..arns import parse_arn
from ..heartbeat_policies import SCHEDULER_SERVICE
from .accounts import AwsAccounts
from .iam import Caller, KeyPolicyLookup, evaluate, service_may_assume
from .lambda_task import UnpackError, function_environment, loaded_handler
from .notifier import publish_refusal
from .recording import RecordedResource, RecordedStack

SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"


# The posture audit opens root sessions, which moto lacks: the replay runs it apart, over the simulated
# organization only (posture_task.py).
NOT_RUN_ON_SCHEDULE = frozenset({"handler.posture_audit.posture_handler"})


def _function_schedules(stack: RecordedStack) -> Iterable[tuple[RecordedResource, RecordedResource]]:
    functions = {
        f.arn: f
        for f in stack.of_type("aws:lambda/function:Function")
        if str(f.inputs.get("handler")) not in NOT_RUN_ON_SCHEDULE
    }
    for schedule in stack.of_type("aws:scheduler/schedule:Schedule"):
        function = functions.get(str(schedule.inputs["target"]["arn"]))
        if function is not None:
            yield schedule, function


def _invoke_refusal(
    aws: AwsAccounts, account: str, schedule: RecordedResource, function_arn: str
) -> str | None:
    role_arn = str(schedule.inputs["target"]["roleArn"])
    role = parse_arn(role_arn)
    name = role.resource_name if role is not None else ""
    trust = aws.role_trust_policy(account, name)
    if trust is None:
        return f"the schedule's role {role_arn} does not exist"
    if not service_may_assume(
        trust,
        role_arn=role_arn,
        service=SCHEDULER_SERVICE,
        source_account=account,
        source_arn=str(schedule.arn),
    ):
        return f"the schedule's role {role_arn} does not trust {SCHEDULER_SERVICE}"
    if not evaluate(
        aws.inline_role_policies(account, name) or [],
        action="lambda:InvokeFunction",
        resource=function_arn,
        caller=Caller(),
        resource_based=False,
    ).allowed:
        return f"the schedule's role {role_arn} may not invoke {function_arn}"
    return None


# What each function needs on the heartbeat table: moto does not enforce IAM, so the replay checks it.
TABLE_ACTIONS = {
    "handler.app.lambda_handler": ("dynamodb:UpdateItem",),
    "handler.watchdog.watchdog_handler": ("dynamodb:Scan", "dynamodb:UpdateItem"),
}


def table_refusals(aws: AwsAccounts, stack: RecordedStack) -> list[str]:
    """Why a function that names the heartbeat table could not use it, one line per missing permission."""
    tables = {str(t.outputs.get("name")): str(t.arn) for t in stack.of_type("aws:dynamodb/table:Table")}
    refusals: list[str] = []
    for function in stack.of_type("aws:lambda/function:Function"):
        variables = (function.inputs.get("environment") or {}).get("variables") or {}
        table_arn = tables.get(str(variables.get("HEARTBEAT_TABLE")))
        if table_arn is None:
            continue
        role = parse_arn(str(function.inputs["role"]))
        documents = aws.inline_role_policies(stack.account_id, role.resource_name if role is not None else "")
        for action in TABLE_ACTIONS.get(str(function.inputs["handler"]), ()):
            if not evaluate(
                documents or [], action=action, resource=table_arn, caller=Caller(), resource_based=False
            ).allowed:
                refusals.append(f"the function {function.name} may not {action} on {table_arn}")
    return refusals


def run_watchdogs(
    aws: AwsAccounts, stack: RecordedStack, key_policy: KeyPolicyLookup, when: datetime
) -> list[str]:
    """Run every function a schedule of `stack` invokes, as of `when`; returns the problems met."""
    problems: list[str] = []
    for schedule, function in _function_schedules(stack):
        variables = {
            k: str(v) for k, v in ((function.inputs.get("environment") or {}).get("variables") or {}).items()
        }
        refusal = _invoke_refusal(aws, stack.account_id, schedule, str(function.arn)) or publish_refusal(
            aws, stack, function, variables.get("TOPIC_ARN", ""), key_policy
        )
        if refusal:
            problems.append(refusal)
            continue
        environment = function_environment(aws, stack.account_id, function)
        payload = str(schedule.inputs["target"].get("input") or "{}")
        event = json.loads(payload.replace(SCHEDULED_TIME, when.strftime("%Y-%m-%dT%H:%M:%SZ")))
        try:
            with loaded_handler(
                function.inputs.get("code"), str(function.inputs["handler"]), environment
            ) as handler:
                handler(event, None)
        except (UnpackError, ImportError, AttributeError) as error:
            problems.append(f"the function {function.name} cannot be loaded from its code: {error}")
        except Exception as error:  # the function failed: Scheduler would retry; the replay reports it
            problems.append(f"the function {function.name} raised {type(error).__name__}: {error}")
    return problems
