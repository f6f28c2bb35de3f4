"""Expected root use: each row breaks one condition of an approved window and says what the grade becomes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from load import load_event, sqs_batch

from handler import app
from handler.digest import fold
from handler.expected_use import ENVIRONMENT_VARIABLE, Window, apply
from handler.intake import read_batch
from handler.severity import Severity

if TYPE_CHECKING:
    from conftest import SnsToSqs

ACCOUNT = "222222222222"
NOW = "2024-05-14T12:00:00Z"
LABEL = "expected: CHG-1234, approved by Dana (security), until 2024-05-15T00:00:00Z"
CALL = "published/root_awsdocs_assume_root_call"


def window(**changes: Any) -> Window:
    fields: dict[str, Any] = {
        "account_ids": frozenset({ACCOUNT}),
        "start": "2024-05-14T08:00:00Z",
        "end": "2024-05-15T00:00:00Z",
        "ticket": "CHG-1234",
        "approver": "Dana (security)",
    }
    return Window(**{**fields, **changes})


def graded(event: dict[str, Any], win: Window, now: str = NOW) -> tuple[Severity, str]:
    """The one entry's severity and reason after the window is applied."""
    notifications = fold(read_batch(sqs_batch(event)))
    apply(notifications, [win], now)
    [notification] = notifications
    [entry] = notification.entries
    return entry.verdict.severity, entry.verdict.reason


def call_for(task: str) -> dict[str, Any]:
    """AWS's published AssumeRoot call, for `task`, moved into the window's day."""
    return load_event(
        CALL,
        eventTime="2024-05-14T10:00:00Z",
        requestParameters={
            "targetPrincipal": ACCOUNT,
            "taskPolicyArn": {"arn": f"arn:aws:iam::aws:policy/root-task/{task}"},
        },
    )


@dataclass(frozen=True)
class Row:
    broken: str
    event: dict[str, Any]
    win: Window
    severity: Severity
    labelled: bool = False
    now: str = NOW


MFA = "root_console_signin_mfa"
ROWS = [
    Row("nothing: sign-in with MFA inside", load_event(MFA), window(), Severity.LOW, True),
    Row("write call inside", load_event("root_api_write_eu_west_1"), window(), Severity.LOW, True),
    Row("sign-in without MFA", load_event("root_console_signin_no_mfa"), window(), Severity.CRITICAL),
    Row("credential change", load_event("root_create_access_key"), window(), Severity.CRITICAL),
    Row("another account", load_event(MFA), window(account_ids=frozenset({"333333333333"})), Severity.HIGH),
    Row("before the start", load_event(MFA), window(start="2024-05-14T11:00:00Z"), Severity.HIGH),
    Row("after the end", load_event(MFA), window(end="2024-05-14T10:00:00Z"), Severity.HIGH,
        now="2024-05-14T09:00:00Z"),
    Row("window expired", load_event(MFA), window(), Severity.HIGH, now="2024-05-16T00:00:00Z"),
    Row("event name not listed", load_event(MFA), window(event_names=frozenset({"X"})), Severity.HIGH),
    Row("event name listed", load_event(MFA), window(event_names=frozenset({"ConsoleLogin"})), Severity.LOW,
        True),
    Row("no AssumeRoot task", load_event(MFA), window(tasks=frozenset({"S3UnlockBucketPolicy"})),
        Severity.HIGH),
    Row("task listed", call_for("S3UnlockBucketPolicy"), window(tasks=frozenset({"S3UnlockBucketPolicy"})),
        Severity.LOW, True),
    Row("another task", call_for("SQSUnlockQueuePolicy"), window(tasks=frozenset({"S3UnlockBucketPolicy"})),
        Severity.MEDIUM),
    Row("recovery path re-opened", call_for("IAMCreateRootUserPassword"), window(), Severity.CRITICAL),
    Row("forgery", {**load_event(MFA), "account": "444444444444"},
        window(account_ids=frozenset({ACCOUNT, "444444444444"})), Severity.CRITICAL),
]  # fmt: skip


@pytest.mark.parametrize("row", ROWS, ids=[r.broken for r in ROWS])
def test_a_window_caps_only_what_it_covers(row: Row) -> None:
    """GIVEN an approved window and a root event with one condition broken THEN the event is still notified,
    at LOW with the window's label only when every condition holds and the kind may be downgraded."""
    got, reason = graded(row.event, row.win, row.now)
    assert got is row.severity, row.broken
    assert (LABEL in reason) is row.labelled, reason


def test_the_notifier_reads_windows_from_its_environment(
    sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN EXPECTED_ROOT_USE naming the account WHEN a root sign-in with MFA arrives THEN its notification
    is LOW and says who approved it, until when."""
    monkeypatch.setenv("TOPIC_ARN", sns_to_sqs.topic_arn)
    windows = [{"accountIds": [ACCOUNT], "start": "2024-05-14T08:00:00Z", "end": "2099-01-01T00:00:00Z",
                "ticket": "CHG-1234", "approver": "Dana (security)"}]  # fmt: skip
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, json.dumps(windows))
    app.lambda_handler(sqs_batch(load_event("root_console_signin_mfa")), None)
    [message] = sns_to_sqs.received()
    assert message["Message"]["severity"] == "LOW"
    assert "expected: CHG-1234, approved by Dana (security), until 2099-01-01T00:00:00Z" in json.dumps(
        message
    )


def test_an_unreadable_environment_downgrades_nothing(
    sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN EXPECTED_ROOT_USE that is not a list of windows THEN the sign-in keeps its HIGH grade."""
    monkeypatch.setenv("TOPIC_ARN", sns_to_sqs.topic_arn)
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, '{"accountIds": "222222222222"}')
    app.lambda_handler(sqs_batch(load_event("root_console_signin_mfa")), None)
    [message] = sns_to_sqs.received()
    assert message["Message"]["severity"] == "HIGH"
