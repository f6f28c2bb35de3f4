"""The five AWS-managed task policies of `sts:AssumeRoot`: what each lets a session do, how alarming it is.

A session's permissions are those of its task policy (`arn:aws:iam::aws:policy/root-task/<task>`). The
actions below are the ones each policy leaves allowed (its `DenyAllOtherActionsOnAnyResource` statement's
`NotAction`), written as the CloudTrail records they produce: `s3:ListAllMyBuckets` is the `ListBuckets`
call. Anything else in a session was refused by AWS, or was not done through the task: CRITICAL.
"""

from __future__ import annotations

from dataclasses import dataclass

from .severity import Severity

IAM = "iam.amazonaws.com"
S3 = "s3.amazonaws.com"
SQS = "sqs.amazonaws.com"
_IAM_READS = (
    "ListAccessKeys",
    "ListSigningCertificates",
    "GetLoginProfile",
    "ListMFADevices",
    "GetUser",
    "GetAccessKeyLastUsed",
)


@dataclass(frozen=True, slots=True)
class RootTask:
    severity: Severity
    purpose: str
    actions: frozenset[tuple[str, str]]
    """(eventSource, eventName) of every call the task policy allows."""


def _calls(source: str, *names: str) -> frozenset[tuple[str, str]]:
    return frozenset((source, name) for name in names)


TASKS: dict[str, RootTask] = {
    "IAMAuditRootUserCredentials": RootTask(
        Severity.LOW, "read-only audit of root credentials", _calls(IAM, *_IAM_READS, "GetAccountSummary")
    ),
    "S3UnlockBucketPolicy": RootTask(
        Severity.MEDIUM,
        "unlock a bucket policy",
        _calls(S3, "DeleteBucketPolicy", "PutBucketPolicy", "GetBucketPolicy", "ListBuckets"),
    ),
    "SQSUnlockQueuePolicy": RootTask(
        Severity.MEDIUM,
        "unlock a queue policy",
        _calls(SQS, "SetQueueAttributes", "GetQueueAttributes", "ListQueues", "GetQueueUrl"),
    ),
    "IAMDeleteRootUserCredentials": RootTask(
        Severity.MEDIUM,
        "delete root credentials",
        _calls(
            IAM,
            *_IAM_READS,
            "DeleteAccessKey",
            "DeleteSigningCertificate",
            "DeleteLoginProfile",
            "DeactivateMFADevice",
            "DeleteVirtualMFADevice",
        ),
    ),
    # A root password re-opens the account's recovery path: whoever holds the email can sign in as root.
    "IAMCreateRootUserPassword": RootTask(
        Severity.CRITICAL, "create a root password", _calls(IAM, "CreateLoginProfile", "GetLoginProfile")
    ),
}
# A task AWS does not publish: the session's reach is unknown.
UNKNOWN_TASK_SEVERITY = Severity.HIGH
RECOVERY_PATH_TASK = "IAMCreateRootUserPassword"


def task_severity(task: str) -> Severity:
    """How alarming a session for `task` is when it stays inside its task."""
    known = TASKS.get(task)
    return known.severity if known else UNKNOWN_TASK_SEVERITY


def allows(task: str, event_source: str, event_name: str) -> bool:
    """Whether the task's policy lets a session make this call; an unknown task allows nothing known."""
    known = TASKS.get(task)
    return known is not None and (event_source, event_name) in known.actions
