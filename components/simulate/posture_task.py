"""The posture audit over the simulated organization: the report `simulate --org` ends with.

The hub's audit function runs in-process, as its schedule would run it: the packaged handler's `run`, with
the function's environment and role, moto's Organizations (the management account's, which the real
function reaches through `organizationsRoleArn`, as the notifier and watchdog do) and the hub's posture
table, and centralized root access answered by the Stubber (`root_sessions`). Every simulated member was
created by Organizations, so, as in AWS, its root has no password, key, MFA device or certificate. What the
function publishes goes to the hub's topic like any notification.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

from .accounts import AwsAccounts
from .iam import KeyPolicyLookup
from .lambda_task import UnpackError, function_environment, loaded_handler
from .notifier import publish_refusal
from .organization import MANAGEMENT_ACCOUNT
from .recording import RecordedStack
from .root_sessions import CLEAN, StubbedRootAccess

POSTURE_HANDLER = "handler.posture_audit.posture_handler"
AUDIT_TIME = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
"""When the simulated audit runs: its rows and summary carry this time."""


def run_posture_audit(
    aws: AwsAccounts, hub: RecordedStack, key_policy: KeyPolicyLookup, when: datetime = AUDIT_TIME
) -> list[str]:
    """Run the hub's audit once over the organization; returns the problems met (none when it notified)."""
    functions = [
        f for f in hub.of_type("aws:lambda/function:Function") if f.inputs.get("handler") == POSTURE_HANDLER
    ]
    problems: list[str] = []
    for function in functions:
        environment = function_environment(aws, hub.account_id, function)
        refusal = publish_refusal(aws, hub, function, environment.get("TOPIC_ARN", ""), key_policy)
        if refusal:
            problems.append(refusal)
            continue
        organizations = aws.organizations(MANAGEMENT_ACCOUNT)
        management = organizations.describe_organization()["Organization"]["MasterAccountId"]
        members = [
            account["Id"]
            for page in organizations.get_paginator("list_accounts").paginate()
            for account in page["Accounts"]
            if account["Id"] != management
        ]
        stubbed = StubbedRootAccess(region=function.region, roots=dict.fromkeys(members, CLEAN))
        module_name, _, _ = POSTURE_HANDLER.rpartition(".")
        try:
            with loaded_handler(function.inputs.get("code"), f"{module_name}.run", environment) as loaded:
                run: Any = loaded
                clients_module = sys.modules["handler.posture_clients"]
                clients = clients_module.Clients(
                    iam=stubbed.features_client(),
                    organizations=organizations,
                    sts=stubbed.sts_client(clients_module.regional_sts_endpoint(function.region)),
                    dynamodb=aws.dynamodb(hub.account_id, function.region),
                    iam_for=stubbed.iam_for,
                )
                run(
                    clients,
                    table=environment["POSTURE_TABLE"],
                    topic_arn=environment["TOPIC_ARN"],
                    now=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    workers=1,
                )
            stubbed.assert_all_used()
        except (UnpackError, ImportError, AttributeError) as error:
            problems.append(f"the function {function.name} cannot be loaded from its code: {error}")
        except Exception as error:  # the audit failed: the replay reports it
            problems.append(f"the function {function.name} raised {type(error).__name__}: {error}")
    return problems
