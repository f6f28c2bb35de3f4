"""Grading real CloudTrail shapes: console calls, MFA spellings, failures, centralized root access."""

from __future__ import annotations

from typing import Any

import pytest
from load import load_event, sqs_batch, sqs_record

from handler.cut import FULL, Clipper
from handler.digest import fold
from handler.intake import RootEvent, read_batch, read_record
from handler.root_notification import RootNotification
from handler.root_render import email_text
from handler.severity import Severity, classify

ROOT = {"type": "Root", "arn": "arn:aws:iam::222222222222:root", "accountId": "222222222222"}


def root_event(name: str, **detail: Any) -> RootEvent:
    event = read_record(sqs_record(load_event(name, **detail)))
    assert isinstance(event, RootEvent)
    return event


def test_console_call_by_root_is_not_graded_as_a_service() -> None:
    """GIVEN a root CreateAccessKey from the console (invokedBy signin.amazonaws.com) THEN it is a CRITICAL
    credential change, not INFO "AWS service acting for root"."""
    verdict = classify(
        root_event("root_create_access_key", userIdentity={**ROOT, "invokedBy": "signin.amazonaws.com"})
    )
    assert verdict.severity is Severity.CRITICAL
    assert verdict.reason == "Root credential change: CreateAccessKey"


def test_genuine_service_principal_acting_for_root_is_info() -> None:
    """GIVEN a root call invoked by support.amazonaws.com THEN it is INFO, naming the service."""
    verdict = classify(root_event("root_invoked_by_service"))
    assert (verdict.severity, verdict.reason) == (Severity.INFO, "AWS service acting for root: Decrypt "
                                                  "(support.amazonaws.com)")  # fmt: skip


@pytest.mark.parametrize(
    "additional",
    [{"MFAUsed": "YES"}, {"MFAUsed": "yes"}, {"MFAIdentifier": "arn:aws:iam::222222222222:mfa/root-mfa"}],
)
def test_sign_in_with_mfa_in_any_spelling_is_not_reported_without_mfa(additional: dict[str, str]) -> None:
    """GIVEN a root sign-in whose MFA shows as "YES", "yes" or an MFAIdentifier THEN it is HIGH with MFA."""
    verdict = classify(root_event("root_console_signin_mfa", additionalEventData=additional))
    assert (verdict.severity, verdict.reason) == (Severity.HIGH, "Root console sign-in with MFA")


def test_failed_password_update_is_a_failed_attempt_not_a_credential_change() -> None:
    """GIVEN a PasswordUpdated whose responseElements say Failure THEN it is a HIGH failed attempt."""
    event = root_event(
        "root_console_signin_mfa",
        eventName="PasswordUpdated",
        responseElements={"PasswordUpdated": "Failure"},
    )
    assert event.failed
    verdict = classify(event)
    assert verdict.severity is Severity.HIGH
    assert verdict.reason.startswith("Failed attempt: Root credential change: PasswordUpdated")
    assert verdict.reason.endswith("(failed: Failure)")


def test_any_event_failed_in_its_response_elements_is_shown_as_failed() -> None:
    """GIVEN a root call whose responseElements.<eventName> is "Failure" THEN its reason says it failed."""
    verdict = classify(
        root_event("root_api_write_eu_west_1", responseElements={"AuthorizeSecurityGroupIngress": "Failure"})
    )
    assert verdict.reason.endswith("(failed: Failure)")


@pytest.mark.parametrize(
    "detail_type", ["AWS Console Action via CloudTrail", "AWS Service Event via CloudTrail"]
)
def test_console_actions_and_service_events_are_read(detail_type: str) -> None:
    """GIVEN root activity delivered with the console-action or service-event detail-type THEN it is read."""
    event = load_event("root_api_write_eu_west_1")
    event["detail-type"] = detail_type
    assert isinstance(read_record(sqs_record(event)), RootEvent)


def assume_root_batch(*member_times: str, key: str = "ASIAIOSFODNN7EXAMPLE") -> list[RootNotification]:
    """AWS's published AssumeRoot call and root actions in the target account at the given times."""
    actions = [
        load_event(
            "root_assume_root_session",
            eventID=f"member-{i}",
            eventTime=time,
            userIdentity={**ROOT, "accessKeyId": key},
        )
        for i, time in enumerate(member_times)
    ]
    return fold(read_batch(sqs_batch(load_event("notifier/assume_root_call_management"), *actions)))


def test_assume_root_call_is_reported_against_the_target_account() -> None:
    """GIVEN the sts:AssumeRoot call recorded in the management account THEN it is reported for the target,
    naming the caller and the task."""
    [notification] = assume_root_batch()
    assert notification.account_id == "222222222222"
    email = email_text(notification, "member", Clipper(FULL))
    assert "Who: arn:aws:sts::111111111111:assumed-role/John/JohnRole1, through centralized root" in email
    assert notification.entries[0].verdict.reason == (
        "Centralized root access to 222222222222 by arn:aws:sts::111111111111:assumed-role/John/JohnRole1 "
        "for S3UnlockBucketPolicy"
    )


def test_session_actions_are_graded_by_the_task_and_late_ones_are_critical() -> None:
    """GIVEN the session's key used during the 15-minute session and after it ended THEN the first is graded
    by the S3 unlock task (MEDIUM) and the late one is CRITICAL, both naming the call."""
    [notification] = assume_root_batch("2024-10-25T20:53:00Z", "2024-10-25T21:30:00Z")
    within, late = notification.entries[1:]
    assert within.verdict.severity is Severity.MEDIUM
    assert "through centralized root access" in within.verdict.reason
    assert "S3UnlockBucketPolicy" in within.verdict.reason
    assert late.verdict.severity is Severity.CRITICAL
    assert late.verdict.reason.startswith("After its session expired (2024-10-25T21:07:11Z)")
    assert notification.summary.assumed_root


def test_an_action_outside_the_task_is_critical() -> None:
    """GIVEN an S3 unlock session whose key creates a root access key THEN that action is CRITICAL."""
    action = load_event(
        "root_create_access_key",
        eventTime="2024-10-25T20:55:00Z",
        userIdentity={**ROOT, "accessKeyId": "ASIAIOSFODNN7EXAMPLE"},
    )
    action["account"] = "222222222222"
    batch = sqs_batch(load_event("notifier/assume_root_call_management"), action)
    [notification] = fold(read_batch(batch))
    entry = notification.entries[1]
    assert (entry.verdict.severity, entry.verdict.kind) == (Severity.CRITICAL, "assume-root-outside-task")
    assert entry.verdict.reason.startswith("Outside its task: Root credential change: CreateAccessKey")


@pytest.mark.parametrize(
    ("task", "severity"),
    [
        ("IAMAuditRootUserCredentials", Severity.LOW),
        ("S3UnlockBucketPolicy", Severity.MEDIUM),
        ("SQSUnlockQueuePolicy", Severity.MEDIUM),
        ("IAMDeleteRootUserCredentials", Severity.MEDIUM),
        ("IAMCreateRootUserPassword", Severity.CRITICAL),
    ],
)
def test_assume_root_call_is_graded_by_its_task(task: str, severity: Severity) -> None:
    """GIVEN an AssumeRoot call for each of the five tasks THEN its grade is the task's."""
    call = load_event(
        "notifier/assume_root_call_management",
        requestParameters={
            "targetPrincipal": "222222222222",
            "taskPolicyArn": {"arn": f"arn:aws:iam::aws:policy/root-task/{task}"},
        },
    )
    [notification] = fold(read_batch(sqs_batch(call)))
    assert notification.severity is severity


def test_actions_with_another_access_key_are_not_labelled() -> None:
    """GIVEN a root action in the target during the session but with another access key THEN no label."""
    notifications = assume_root_batch("2024-10-25T20:53:00Z", key="ASIAOTHERKEYEXAMPLE1")
    labelled = [e for n in notifications for e in n.entries if e.through is not None]
    assert labelled == []


def test_tied_by_time_alone_an_action_keeps_its_own_grade_and_a_sign_in_is_never_tied() -> None:
    """GIVEN an audit-task call and, in its target during the session, a root IAM read the task allows but
    without an access key, and a root sign-in without MFA THEN the read is labelled yet keeps its own MEDIUM
    (not the task's LOW), and the sign-in stays CRITICAL, unlabelled."""
    call = load_event(
        "notifier/assume_root_call_management",
        requestParameters={
            "targetPrincipal": "222222222222",
            "taskPolicyArn": {"arn": "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"},
        },
    )
    read = load_event(
        "root_api_read_only",
        eventTime="2024-10-25T20:55:00Z",
        eventSource="iam.amazonaws.com",
        eventName="GetUser",
        userIdentity=ROOT,
    )
    sign_in = load_event("root_console_signin_no_mfa", eventTime="2024-10-25T20:56:00Z")
    entries = {
        e.event.event_name: e for n in fold(read_batch(sqs_batch(call, read, sign_in))) for e in n.entries
    }
    tied, alone = entries["GetUser"], entries["ConsoleLogin"]
    assert tied.through is not None and tied.verdict.severity is Severity.MEDIUM
    assert alone.through is None and alone.verdict.severity is Severity.CRITICAL
