"""Grading real CloudTrail shapes: console calls, MFA spellings, failures, centralized root access."""

from __future__ import annotations

from typing import Any

import pytest
from load import load_event, sqs_batch, sqs_record

from handler.cut import FULL, Clipper
from handler.digest import fold
from handler.intake import RootEvent, read_batch, read_record
from handler.notification import Notification
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


def assume_root_batch(*member_times: str, key: str = "ASIAIOSFODNN7EXAMPLE") -> list[Notification]:
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


def test_root_actions_within_the_session_are_labelled_as_done_through_it() -> None:
    """GIVEN root actions in the target during the 15-minute session and after it ends THEN only those
    within it are labelled as done through centralized root access."""
    [notification] = assume_root_batch("2024-10-25T20:53:00Z", "2024-10-25T21:30:00Z")
    reasons = [e.verdict.reason for e in notification.entries]
    assert "through centralized root access" in reasons[1]
    assert "S3UnlockBucketPolicy" in reasons[1]
    assert "through centralized root access" not in reasons[2]
    assert notification.summary.assumed_root


def test_actions_with_another_access_key_are_not_labelled() -> None:
    """GIVEN a root action in the target during the session but with another access key THEN no label."""
    notifications = assume_root_batch("2024-10-25T20:53:00Z", key="ASIAOTHERKEYEXAMPLE1")
    labelled = [e for n in notifications for e in n.entries if e.through is not None]
    assert labelled == []
