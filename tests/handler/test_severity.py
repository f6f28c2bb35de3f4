"""Severity rules: one table, first match wins."""

from __future__ import annotations

import pytest
from load import load_event, sqs_record

from handler.intake import RootEvent, read_record
from handler.severity import ASSUME_ROOT_LABEL, Severity, classify, password_guessing


def root_event(name: str, **detail: object) -> RootEvent:
    event = read_record(sqs_record(load_event(name, **detail)))
    assert isinstance(event, RootEvent)
    return event


@pytest.mark.parametrize(
    ("fixture", "severity", "reason"),
    [
        ("root_console_signin_no_mfa", Severity.CRITICAL, "Root console sign-in without MFA"),
        ("root_console_signin_mfa", Severity.HIGH, "Root console sign-in with MFA"),
        ("root_console_signin_mfa_signin_spelling", Severity.HIGH, "Root console sign-in with MFA"),
        ("root_console_signin_failure", Severity.HIGH, "Failed root console sign-in"),
        ("root_create_access_key", Severity.CRITICAL, "Root credential change: CreateAccessKey"),
        ("root_stop_logging", Severity.CRITICAL, "Audit trail change: StopLogging"),
        ("root_api_write_eu_west_1", Severity.HIGH, "Root write call: AuthorizeSecurityGroupIngress"),
        ("root_api_write_ap_southeast_2", Severity.HIGH, "Root write call: RunInstances"),
        ("root_api_read_only", Severity.MEDIUM, "Root read-only call: DescribeInstances"),
        (
            "root_invoked_by_service",
            Severity.INFO,
            "AWS service acting for root: Decrypt (support.amazonaws.com)",
        ),
        ("root_api_error", Severity.HIGH, "Root write call: PutBucketPolicy (failed: AccessDenied)"),
        (
            "root_assume_root_session",
            Severity.HIGH,
            f"Root write call: DeleteBucketPolicy via {ASSUME_ROOT_LABEL}",
        ),
    ],
)
def test_each_recorded_event_gets_its_severity_and_reason(
    fixture: str, severity: Severity, reason: str
) -> None:
    """Every recorded sample is classified as the severity table in docs/notifications.md says."""
    # GIVEN a recorded root event WHEN it is classified
    verdict = classify(root_event(fixture))
    # THEN severity and one-line reason match the table
    assert (verdict.severity, verdict.reason) == (severity, reason)


def test_sign_in_without_an_mfa_field_counts_as_without_mfa() -> None:
    """A successful sign-in whose record does not say whether MFA was used is treated as the worst case."""
    # GIVEN a successful sign-in without additionalEventData
    event = root_event("root_console_signin_mfa", additionalEventData=None)
    # WHEN / THEN it is CRITICAL
    assert classify(event).severity is Severity.CRITICAL


def test_read_only_is_guessed_from_the_name_when_cloudtrail_omits_it() -> None:
    """Without a readOnly field, Get/List/Describe calls are read-only and everything else is a write."""
    # GIVEN two calls without readOnly
    describe = root_event("root_api_read_only", readOnly=None)
    terminate = root_event("root_api_read_only", readOnly=None, eventName="TerminateInstances")
    # WHEN / THEN the name decides
    assert classify(describe).severity is Severity.MEDIUM
    assert classify(terminate).severity is Severity.HIGH


def test_service_event_type_is_info() -> None:
    """An AwsServiceEvent is reported at the lowest severity, like CIS's excluded service activity."""
    # GIVEN a service event WHEN classified THEN INFO
    verdict = classify(root_event("root_api_write_eu_west_1", eventType="AwsServiceEvent"))
    assert verdict.severity is Severity.INFO


def test_other_sign_in_steps_are_low() -> None:
    """Sign-in flow events other than ConsoleLogin (e.g. CheckMfa) are LOW."""
    # GIVEN a CheckMfa sign-in event WHEN classified THEN LOW
    verdict = classify(root_event("root_console_signin_mfa", eventName="CheckMfa", responseElements=None))
    assert (verdict.severity, verdict.reason) == (Severity.LOW, "Root sign-in step: CheckMfa")


def test_root_password_recovery_is_critical() -> None:
    """Recovering the root password through the sign-in page changes a root credential."""
    # GIVEN a PasswordRecoveryCompleted event WHEN classified THEN CRITICAL
    verdict = classify(
        root_event("root_console_signin_mfa", eventName="PasswordRecoveryCompleted", responseElements=None)
    )
    assert verdict.severity is Severity.CRITICAL


def test_failed_critical_call_stays_critical_and_shows_the_error() -> None:
    """A credential change that AWS refused is still CRITICAL: someone with root tried it."""
    # GIVEN a CreateAccessKey that failed
    event = root_event(
        "root_create_access_key", errorCode="LimitExceeded", errorMessage="Cannot exceed quota"
    )
    # WHEN classified THEN severity is kept and the reason shows the error
    verdict = classify(event)
    assert verdict.severity is Severity.CRITICAL
    assert verdict.reason.endswith("(failed: LimitExceeded)")


def test_several_failed_sign_ins_mean_possible_password_guessing() -> None:
    """Two or more failed sign-ins to one account in one batch are CRITICAL; one is not escalated."""
    # GIVEN failure counts WHEN the rule is asked THEN it escalates from 2 on
    assert password_guessing(1, 1) is None
    verdict = password_guessing(3, 2)
    assert verdict is not None
    assert verdict.severity is Severity.CRITICAL
    assert "possible password guessing" in verdict.reason.lower()
