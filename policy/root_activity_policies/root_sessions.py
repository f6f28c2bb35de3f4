"""Who may open root sessions: `sts:AssumeRoot` only for the audit task, and in a statement of its own.

AssumeRoot's task policy decides what the root session can do; `IAMDeleteRootUserCredentials` or
`IAMCreateRootUserPassword` would let the holder take over a member's root. The monitor audits, so any
identity policy of its own that allows AssumeRoot must pin `sts:TaskPolicyArn` to the audit task.
"""

from __future__ import annotations

from collections.abc import Mapping

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

from .access import identity_documents
from .documents import Statement, allows_action, label, statements, strings
from .expected import AUDIT_TASK_POLICY_ARN
from .graph import in_monitor, plain

ASSUME_ROOT = "sts:AssumeRoot"
TASK_POLICY_KEY = "sts:taskpolicyarn"
PINNING_OPERATORS = ("stringequals", "arnequals")


def pinned_to_audit(statement: Statement) -> bool:
    """Whether the statement allows AssumeRoot alone, for the audit task's policy alone."""
    if "NotAction" in statement or strings(statement.get("Action")) != [ASSUME_ROOT]:
        return False
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return False
    for operator, tests in condition.items():
        if str(operator).lower() not in PINNING_OPERATORS or not isinstance(tests, Mapping):
            continue
        for key, value in tests.items():
            if str(key).lower() == TASK_POLICY_KEY and strings(value) == [AUDIT_TASK_POLICY_ARN]:
                return True
    return False


def validate_root_sessions(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """An identity policy of the monitor may allow sts:AssumeRoot only pinned to the audit task."""
    if not in_monitor(args.urn):
        return
    for where, document in identity_documents(args):
        for index, statement in enumerate(statements(plain(document))):
            if allows_action(statement, ASSUME_ROOT) and not pinned_to_audit(statement):
                report_violation(
                    f"Policy {where}, {label(statement, index)}: allows {ASSUME_ROOT} without pinning the "
                    "task, so its holder could open root sessions that delete or reset a member's root "
                    "credentials. "
                    f"Fix: a statement with Action exactly {ASSUME_ROOT!r} and the condition "
                    f"{{'StringEquals': {{'sts:TaskPolicyArn': '{AUDIT_TASK_POLICY_ARN}'}}}} "
                    "(root_activity_monitor.posture_policies.open_root_sessions_statements).",
                    None,
                )


ROOT_SESSION_POLICY = ResourceValidationPolicy(
    name="monitor-root-sessions-audit-only",
    description="The monitor allows sts:AssumeRoot only with the IAMAuditRootUserCredentials task.",
    validate=validate_root_sessions,
    enforcement_level=EnforcementLevel.MANDATORY,
)
