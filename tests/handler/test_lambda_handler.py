"""The Lambda entry point against moto: what an SQS subscriber of the topic receives."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

import pytest
from awslambdaric.lambda_runtime_log_utils import JsonFormatter
from load import event_names, load_event, sqs_batch

from handler import app

if TYPE_CHECKING:
    from conftest import SnsToSqs


def logged(caplog: pytest.LogCaptureFixture, level: int) -> list[dict[str, Any]]:
    """The log lines of one level as the Lambda runtime writes them with the JSON log format."""
    return [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.levelno == level]


def test_console_session_becomes_notifications_a_subscriber_receives(
    sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sign-in and a session's calls arrive as two notifications with document, subject and attributes."""
    # GIVEN a sign-in without MFA and three calls of the console session
    monkeypatch.setenv("TOPIC_ARN", sns_to_sqs.topic_arn)
    monkeypatch.setenv("ACCOUNT_NAMES", json.dumps({"222222222222": "prod"}))
    batch = sqs_batch(
        load_event("root_console_signin_no_mfa"),
        load_event("root_api_read_only"),
        load_event("root_api_write_eu_west_1"),
        load_event("root_create_access_key"),
    )
    # WHEN the handler runs
    result = app.lambda_handler(batch, None)
    # THEN nothing failed and the subscriber got one message per session
    assert result == {"batchItemFailures": []}
    # Published concurrently: order them by the first event's time.
    first, second = sorted(sns_to_sqs.received(), key=lambda m: m["Message"]["events"][0]["eventTime"])
    assert first["Subject"] == "[CRITICAL] Root console sign-in without MFA - prod (222222222222)"
    assert first["MessageAttributes"]["eventName"] == {"Type": "String", "Value": "ConsoleLogin"}
    assert second["MessageAttributes"]["severity"] == {"Type": "String", "Value": "CRITICAL"}
    assert second["MessageAttributes"]["accountId"] == {"Type": "String", "Value": "222222222222"}
    doc = second["Message"]
    assert (doc["schemaVersion"], doc["eventCount"], doc["account"]["name"]) == ("1.0", 3, "prod")
    assert [e["eventName"] for e in doc["events"]] == [
        "DescribeInstances",
        "AuthorizeSecurityGroupIngress",
        "CreateAccessKey",
    ]


def test_every_fixture_is_notified_or_ignored(
    sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Every root event and tamper record reaches a subscriber; the other non-root one is only logged."""
    # GIVEN every fixture in one batch
    monkeypatch.setenv("TOPIC_ARN", sns_to_sqs.topic_arn)
    events = [load_event(name) for name in event_names()]
    # WHEN handled
    with caplog.at_level(logging.INFO):
        result = app.lambda_handler(sqs_batch(*events), None)
    # THEN all root and tamper event IDs were delivered and the IAM user's EC2 call was warned about
    assert result == {"batchItemFailures": []}
    received = sns_to_sqs.received()
    delivered = {e["eventID"] for m in received for e in m["Message"]["events"]}
    root_path_ids = {load_event(n)["detail"]["eventID"] for n in event_names() if n.startswith("root_path_")}
    root_ids = {
        e["detail"]["eventID"]
        for e in events
        if e["detail"]["userIdentity"]["type"] == "Root" or e["detail"]["eventID"] in root_path_ids
    }
    tamper_ids = {
        load_event(name)["detail"]["eventID"] for name in event_names() if name.startswith("tamper_")
    }
    assert tamper_ids and delivered == root_ids | tamper_ids
    tamper = [m for m in received if m["Message"].get("category") == "tamper"]
    assert {e["eventID"] for m in tamper for e in m["Message"]["events"]} == tamper_ids
    [warning] = logged(caplog, logging.WARNING)
    assert warning["eventNames"] == {"StopInstances": 1}
    assert warning["identityTypes"] == {"IAMUser": 1}


def test_unparseable_records_are_published(sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch) -> None:
    """A record that is not JSON reaches subscribers with its message ID and raw body, severity HIGH."""
    # GIVEN a batch with a broken body
    monkeypatch.setenv("TOPIC_ARN", sns_to_sqs.topic_arn)
    batch = sqs_batch("<html>502 Bad Gateway</html>")
    # WHEN handled
    result = app.lambda_handler(batch, None)
    # THEN it was published, not dropped and not failed
    assert result == {"batchItemFailures": []}
    [message] = sns_to_sqs.received()
    assert message["MessageAttributes"]["severity"]["Value"] == "HIGH"
    assert message["Message"]["unparseable"][0]["messageId"] == batch["Records"][0]["messageId"]
    assert message["Message"]["unparseable"][0]["rawBody"] == "<html>502 Bad Gateway</html>"


def test_publish_failure_returns_every_record_of_the_notification(
    aws_env: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """When SNS refuses (here: the topic does not exist), each record of that notification is retried."""
    from moto import mock_aws

    # GIVEN a topic ARN that does not exist, and a batch with a duplicate and an unreadable record
    monkeypatch.setenv("TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:missing")
    batch = sqs_batch(load_event("root_api_read_only"), load_event("root_api_read_only"), "junk")
    # WHEN handled
    with mock_aws(), caplog.at_level(logging.ERROR):
        result = app.lambda_handler(batch, None)
    # THEN every message ID is returned and the failure is logged with them
    assert result == {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in batch["Records"]]}
    failures = [e for e in logged(caplog, logging.ERROR) if "not published" in e["message"]]
    # Notifications are published concurrently, so their failures are logged in any order.
    assert sorted(m for e in failures for m in e["messageIds"]) == sorted(
        r["messageId"] for r in batch["Records"]
    )
    assert failures[0]["exceptionType"] in {"NotFoundException", "ClientError"}


def test_only_the_failed_notification_is_retried(
    sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A publish failure of one notification does not return the records of the others."""
    # GIVEN a publisher that refuses the second notification only
    calls: list[str] = []

    def publish(request: Any) -> None:
        calls.append(request.subject)
        if len(calls) == 2:
            raise RuntimeError("Throttling")

    batch = sqs_batch(load_event("root_console_signin_no_mfa"), load_event("root_api_read_only"))
    # WHEN handled
    result = app.handle_batch(batch, sns_to_sqs.topic_arn, publish=publish)
    # THEN only the second record is retried
    assert result == {"batchItemFailures": [{"itemIdentifier": batch["Records"][1]["messageId"]}]}


def test_malformed_account_names_are_logged_and_ids_used(
    sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A broken ACCOUNT_NAMES is reported in the logs, and notifications fall back to account IDs."""
    # GIVEN ACCOUNT_NAMES that is not JSON
    monkeypatch.setenv("TOPIC_ARN", sns_to_sqs.topic_arn)
    monkeypatch.setenv("ACCOUNT_NAMES", "{prod: 222222222222")
    # WHEN handled
    with caplog.at_level(logging.ERROR):
        app.lambda_handler(sqs_batch(load_event("root_api_read_only")), None)
    # THEN
    [message] = sns_to_sqs.received()
    assert message["Message"]["account"] == {"id": "222222222222", "name": "222222222222"}
    assert any("ACCOUNT_NAMES" in e["message"] for e in logged(caplog, logging.ERROR))


def test_account_name_resolver_is_a_seam(sns_to_sqs: SnsToSqs) -> None:
    """Any function from account ID to name can name accounts, e.g. a later Organizations lookup."""
    # GIVEN a resolver WHEN handled with it
    app.handle_batch(sqs_batch(load_event("root_api_read_only")), sns_to_sqs.topic_arn, lambda _: "from-orgs")
    # THEN its name is used
    [message] = sns_to_sqs.received()
    assert message["Message"]["account"]["name"] == "from-orgs"


def test_two_hundred_event_console_session_is_two_notifications(
    sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 200-event console session (sign-in plus 199 calls) gives two notifications counting all 200."""
    # GIVEN a sign-in and 199 calls
    monkeypatch.setenv("TOPIC_ARN", sns_to_sqs.topic_arn)
    calls = [load_event("root_api_read_only", eventID=f"call-{i:03d}") for i in range(199)]
    # WHEN handled
    result = app.lambda_handler(sqs_batch(load_event("root_console_signin_no_mfa"), *calls), None)
    # THEN
    assert result == {"batchItemFailures": []}
    messages = sns_to_sqs.received()
    assert len(messages) == 2
    assert sum(m["Message"]["eventCount"] for m in messages) == 200
