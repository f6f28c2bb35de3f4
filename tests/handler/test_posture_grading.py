"""Root activity in an account whose last audit found no root credentials is CRITICAL, unless AssumeRoot
explains it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from load import load_event, sqs_batch
from moto import mock_aws
from posture_fixtures import REGION, TABLE, create_table

from handler import app
from handler.posture import RootCredentials

if TYPE_CHECKING:
    from conftest import SnsToSqs

MEMBER = "222222222222"
AUDITED = "2026-12-01T03:00:00Z"
REASON = "this account had no root credentials at the last audit (2026-12-01)"


@pytest.fixture
def posture_table(sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch) -> Iterator[SnsToSqs]:
    with mock_aws():
        create_table()
        monkeypatch.setenv("POSTURE_TABLE", TABLE)
        yield sns_to_sqs


def audited(account: str, **held: Any) -> None:
    fields = {"password": False, "active_keys": 0, "inactive_keys": 0, "mfa_devices": 0, "certificates": 0}
    row = RootCredentials(account, "member", checked_at=AUDITED, **{**fields, **held})
    boto3.client("dynamodb", region_name=REGION).put_item(TableName=TABLE, Item=row.item())


def notified(topic: SnsToSqs, *events: dict[str, Any]) -> list[dict[str, Any]]:
    app.handle_batch(sqs_batch(*events), topic.topic_arn)
    return [envelope["Message"] for envelope in topic.received()]


def test_a_read_call_in_an_account_audited_clean_is_critical_with_the_audit_date(
    posture_table: SnsToSqs,
) -> None:
    """GIVEN an account audited without root credentials WHEN its root reads something THEN CRITICAL, naming
    the audit."""
    audited(MEMBER)
    (doc,) = notified(posture_table, load_event("root_api_read_only"))
    assert doc["severity"] == "CRITICAL"
    assert doc["events"][0]["reason"] == f"Root read-only call: DescribeInstances; {REASON}"


def test_an_account_whose_root_still_has_a_password_is_graded_as_before(posture_table: SnsToSqs) -> None:
    """GIVEN an account audited with a root password WHEN its root reads something THEN the usual MEDIUM."""
    audited(MEMBER, password=True)
    (doc,) = notified(posture_table, load_event("root_api_read_only"))
    assert (doc["severity"], doc["events"][0]["reason"]) == (
        "MEDIUM",
        "Root read-only call: DescribeInstances",
    )


def test_an_account_never_audited_is_graded_as_before(posture_table: SnsToSqs) -> None:
    """GIVEN no audit row for the account WHEN its root reads something THEN the usual MEDIUM."""
    (doc,) = notified(posture_table, load_event("root_api_read_only"))
    assert doc["severity"] == "MEDIUM"


def test_an_assume_root_session_is_graded_by_its_task(posture_table: SnsToSqs) -> None:
    """GIVEN a clean account WHEN an AssumeRoot call and its session's action arrive THEN neither is raised by
    the audit."""
    audited(MEMBER)
    (doc,) = notified(
        posture_table,
        load_event("published/root_awsdocs_assume_root_call"),
        load_event("published/root_awsdocs_assume_root_member_delete_bucket_policy"),
    )
    assert all(REASON not in event["reason"] for event in doc["events"])
    assert any("S3UnlockBucketPolicy" in event["reason"] for event in doc["events"])


def test_a_service_acting_for_root_stays_info(posture_table: SnsToSqs) -> None:
    """GIVEN a clean account WHEN an AWS service acts for root THEN it stays INFO."""
    audited(MEMBER)
    (doc,) = notified(posture_table, load_event("root_invoked_by_service"))
    assert doc["severity"] == "INFO"


def test_an_unreadable_posture_table_never_stops_the_notification(
    sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a posture table that does not exist WHEN root acts THEN the notification still arrives, graded as
    usual."""
    monkeypatch.setenv("POSTURE_TABLE", "no-such-table")
    (doc,) = notified(sns_to_sqs, load_event("root_api_read_only"))
    assert doc["severity"] == "MEDIUM"
