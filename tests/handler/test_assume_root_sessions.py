"""AssumeRoot sessions across invocations: AWS's published call and session action meet in the hub's table."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.stub import Stubber
from heartbeat_fixtures import REGION, TABLE, create_table
from load import load_event, sqs_batch

from handler import app, assume_root_sessions, watchdog
from handler.assume_root_sessions import SESSION_KEY_PREFIX, SessionTable, correlate
from handler.digest import fold
from handler.intake import read_batch
from handler.severity import Severity

if TYPE_CHECKING:
    from conftest import SnsToSqs

CALL = "published/root_awsdocs_assume_root_call"
ACTION = "published/root_awsdocs_assume_root_member_delete_bucket_policy"
CALLER = "arn:aws:sts::111111111111:assumed-role/JohnDoe/JohnRole1"
TASK = "S3UnlockBucketPolicy"


@pytest.fixture
def hub(sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch) -> Iterator[SnsToSqs]:
    """The moto topic and subscriber, the hub's table, and the notifier's environment naming both."""
    assume_root_sessions.session_client.cache_clear()
    create_table()
    monkeypatch.setenv("TOPIC_ARN", sns_to_sqs.topic_arn)
    monkeypatch.setenv("HEARTBEAT_TABLE", TABLE)
    yield sns_to_sqs
    assume_root_sessions.session_client.cache_clear()


def invoke(*names: str) -> dict[str, Any]:
    """One notifier invocation with the given fixtures as its batch."""
    return app.lambda_handler(sqs_batch(*(load_event(name) for name in names)), None)


def only_document(hub: SnsToSqs) -> dict[str, Any]:
    [message] = hub.received()
    document: dict[str, Any] = message["Message"]
    return document


def test_call_first_then_action_the_action_names_the_caller_and_task(hub: SnsToSqs) -> None:
    """GIVEN AWS's AssumeRoot call in one invocation WHEN its session's action arrives in the next THEN the
    action's notification names the caller and the task, graded by the task (MEDIUM)."""
    assert invoke(CALL) == {"batchItemFailures": []}
    call = only_document(hub)
    assert (call["severity"], call["account"]["id"]) == ("MEDIUM", "222222222222")
    assert invoke(ACTION) == {"batchItemFailures": []}
    action = only_document(hub)
    [event] = action["events"]
    assert event["eventName"] == "DeleteBucketPolicy"
    assert event["assumeRoot"] == {"targetAccountId": "222222222222", "caller": CALLER, "task": TASK}
    assert f"through centralized root access by {CALLER} for {TASK}" in event["reason"]
    assert action["severity"] == event["severity"] == "MEDIUM"


def test_action_first_then_call_the_call_names_the_actions_already_seen(hub: SnsToSqs) -> None:
    """GIVEN the session's action in one invocation (notified on its own, nothing waits) WHEN the call
    arrives in the next THEN the call's notification names the caller, the task and the action."""
    assert invoke(ACTION) == {"batchItemFailures": []}
    alone = only_document(hub)
    assert alone["severity"] == "HIGH"
    assert "assumeRoot" not in alone["events"][0]
    assert invoke(CALL) == {"batchItemFailures": []}
    call = only_document(hub)
    [event] = call["events"]
    assert event["assumeRoot"] == {"targetAccountId": "222222222222", "caller": CALLER, "task": TASK}
    assert event["reason"].endswith("actions already seen in the session: DeleteBucketPolicy")
    assert call["severity"] == "MEDIUM"


def test_an_earlier_action_outside_the_task_makes_the_call_critical(hub: SnsToSqs) -> None:
    """GIVEN a session action the S3 unlock task does not allow, seen first WHEN the call arrives THEN the
    call's notification is CRITICAL and names the action as outside the task."""
    outside = load_event(ACTION, eventSource="iam.amazonaws.com", eventName="CreateAccessKey")
    app.lambda_handler(sqs_batch(outside), None)
    hub.received()
    invoke(CALL)
    call = only_document(hub)
    assert call["severity"] == "CRITICAL"
    assert call["events"][0]["reason"].endswith("(outside its task: CreateAccessKey)")


def test_session_items_expire_after_the_session_and_delivery_delay(hub: SnsToSqs) -> None:
    """GIVEN a call recorded THEN its item expires (TTL) no sooner than a 900 s session plus a day."""
    before = time.time()
    invoke(CALL)
    key = {"accountId": {"S": SESSION_KEY_PREFIX + "ASIAIOSFODNN7EXAMPLE"}, "region": {"S": "222222222222"}}
    item = boto3.client("dynamodb", region_name=REGION).get_item(TableName=TABLE, Key=key)["Item"]
    assert int(item["expiresAt"]["N"]) >= int(before) + 900 + 24 * 60 * 60
    assert (item["caller"]["S"], item["task"]["S"]) == (CALLER, TASK)


def test_a_missing_table_never_holds_a_notification_back(
    sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a table name whose table does not exist WHEN the call and the action arrive THEN both are still
    notified and no record is returned for retry."""
    assume_root_sessions.session_client.cache_clear()
    monkeypatch.setenv("TOPIC_ARN", sns_to_sqs.topic_arn)
    monkeypatch.setenv("HEARTBEAT_TABLE", "no-such-table")
    assert invoke(CALL) == {"batchItemFailures": []}
    assert invoke(ACTION) == {"batchItemFailures": []}
    assert len(sns_to_sqs.received()) == 2
    assume_root_sessions.session_client.cache_clear()


def test_throttling_stops_the_batch_asking_and_grades_without_the_table(aws_env: None) -> None:
    """GIVEN a throttled table WHEN a batch holds a call and another session's action THEN the table is asked
    once, and both keep the grade they have without it."""
    client = boto3.client("dynamodb", region_name=REGION)
    other = load_event(ACTION, userIdentity={"type": "Root", "accessKeyId": "ASIAOTHERSESSION0001"})
    notifications = fold(read_batch(sqs_batch(load_event(CALL), other)))
    with Stubber(client) as stub:
        stub.add_client_error("update_item", "ProvisionedThroughputExceededException")
        table = SessionTable(TABLE, client.update_item)
        correlate(notifications, table)
        stub.assert_no_pending_responses()
    assert table.failures == 1
    severities = sorted(e.verdict.severity for n in notifications for e in n.entries)
    assert severities == [Severity.MEDIUM, Severity.HIGH]


def test_the_watchdog_does_not_take_session_items_for_heartbeat_pairs(hub: SnsToSqs) -> None:
    """GIVEN a session item in the shared table WHEN the watchdog runs a day later THEN it counts no pair and
    notifies no gap."""
    invoke(CALL)
    hub.received()
    client = boto3.client("dynamodb", region_name=REGION)
    later = {"scheduledTime": "2030-01-01T00:00:00Z"}
    summary = watchdog.watch(later, table=TABLE, topic_arn=hub.topic_arn, threshold=60, client=client)
    assert (summary["pairs"], summary["changes"]) == (0, 0)
    assert hub.received() == []


def test_the_session_key_prefix_agrees_with_the_notifier_permissions() -> None:
    """GIVEN the notifier's IAM leading-key condition THEN it names the prefix sessions are written under."""
    from root_activity_monitor import heartbeat_policies

    assert heartbeat_policies.SESSION_KEY_PREFIX == SESSION_KEY_PREFIX


def test_a_client_that_cannot_be_made_never_holds_a_notification_back(
    sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a table name but no region to make a DynamoDB client in WHEN the call arrives THEN it is still
    notified and nothing is returned for retry."""
    assume_root_sessions.session_client.cache_clear()
    monkeypatch.setenv("TOPIC_ARN", sns_to_sqs.topic_arn)
    monkeypatch.setenv("HEARTBEAT_TABLE", TABLE)
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.delenv("AWS_REGION", raising=False)
    assert invoke(CALL) == {"batchItemFailures": []}
    assert len(sns_to_sqs.received()) == 1
    assume_root_sessions.session_client.cache_clear()


def action(**detail: Any) -> dict[str, Any]:
    """AWS's published session action with some CloudTrail fields replaced."""
    return load_event(ACTION, **detail)


ROOT_ID = {"type": "Root", "arn": "arn:aws:iam::222222222222:root", "accountId": "222222222222"}
# (attack or failure, one list of events per invocation, then per notification published, in order: its
# severity and whether it names the call's caller)
SESSION_TABLE: list[tuple[str, list[list[dict[str, Any]]], list[tuple[str, bool]]]] = [
    ("call then action", [[load_event(CALL)], [action()]], [("MEDIUM", True), ("MEDIUM", True)]),
    ("action then call", [[action()], [load_event(CALL)]], [("HIGH", False), ("MEDIUM", True)]),
    ("session key used after expiry", [[load_event(CALL)], [action(eventTime="2024-10-25T21:30:00Z")]],
     [("MEDIUM", True), ("CRITICAL", True)]),
    ("session creates a root access key", [[load_event(CALL)], [action(eventSource="iam.amazonaws.com",
     eventName="CreateAccessKey")]], [("MEDIUM", True), ("CRITICAL", True)]),
    ("another root session in the target", [[load_event(CALL)],
     [action(userIdentity={**ROOT_ID, "accessKeyId": "ASIAANOTHERSESSION01"})]], [("MEDIUM", True),
     ("HIGH", False)]),
    ("the key in another account", [[load_event(CALL)], [{**action(recipientAccountId="333333333333",
     userIdentity={**ROOT_ID, "accountId": "333333333333", "accessKeyId": "ASIAIOSFODNN7EXAMPLE"}),
     "account": "333333333333"}]], [("MEDIUM", True), ("HIGH", False)]),
    ("forged envelope with the session key", [[load_event(CALL)], [{**action(), "account": "444444444444"}]],
     [("MEDIUM", True), ("CRITICAL", False)]),
    ("duplicate delivery of the action", [[load_event(CALL)], [action()], [action()]],
     [("MEDIUM", True), ("MEDIUM", True), ("MEDIUM", True)]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "invocations", "expected"), SESSION_TABLE, ids=[r[0] for r in SESSION_TABLE]
)
def test_session_attacks_and_failures(
    hub: SnsToSqs, case: str, invocations: list[list[dict[str, Any]]], expected: list[tuple[str, bool]]
) -> None:
    """GIVEN one attack or failure on an AssumeRoot session, its events in separate invocations THEN exactly
    the expected notifications arrive, each at its grade, naming the caller only when the key ties it."""
    got = []
    for events in invocations:
        assert app.lambda_handler(sqs_batch(*events), None) == {"batchItemFailures": []}
        got += [
            (m["Message"]["severity"], CALLER in json.dumps(m["Message"]["events"])) for m in hub.received()
        ]
    assert got == expected, case


def many_sessions(count: int) -> list[Any]:
    """One root action in each of `count` sessions (distinct temporary keys), folded as one batch."""
    actions = [
        action(eventID=f"session-{i}", userIdentity={**ROOT_ID, "accessKeyId": f"ASIASESSION{i:09d}"})
        for i in range(count)
    ]
    return fold(read_batch(sqs_batch(*actions)))


def test_a_batch_of_many_sessions_asks_the_table_a_bounded_number_of_times(aws_env: None) -> None:
    """GIVEN a batch with 40 root sessions WHEN correlated THEN the table is asked at most 25 times, and every
    session's action keeps its notification."""
    asked: list[str] = []

    def update(**request: Any) -> dict[str, Any]:
        asked.append(request["Key"]["accountId"]["S"])
        return {"Attributes": {}}

    notifications = many_sessions(40)
    correlate(notifications, SessionTable(TABLE, update))
    assert len(asked) == assume_root_sessions.MAX_CALLS_PER_BATCH == 25
    assert sum(len(n.entries) for n in notifications) == 40


def test_a_slow_table_stops_being_asked_after_the_batch_s_time_allowance(aws_env: None) -> None:
    """GIVEN a table whose every answer takes 0.4 s (a clock the test advances) WHEN a batch holds 10
    sessions THEN the table is asked three times, then the batch goes on without it."""
    clock = [0.0]
    asked: list[str] = []

    def slow_update(**request: Any) -> dict[str, Any]:
        asked.append(request["Key"]["accountId"]["S"])
        clock[0] += 0.4
        return {"Attributes": {}}

    correlate(many_sessions(10), SessionTable(TABLE, slow_update, clock=lambda: clock[0]))
    assert len(asked) == 3


def keyless(name: str, time: str, **detail: Any) -> dict[str, Any]:
    """A root record of the target account without an access key, at `time`."""
    event = load_event(
        name, eventTime=time, userIdentity=ROOT_ID, recipientAccountId="222222222222", **detail
    )
    event["account"] = "222222222222"
    return event


AUDIT_CALL = load_event(
    CALL,
    requestParameters={
        "targetPrincipal": "222222222222",
        "taskPolicyArn": {"arn": "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"},
    },
)
KEYLESS_READ = {"eventSource": "iam.amazonaws.com", "eventName": "GetUser"}
# (case, the member-account record of the later invocation, its notification's severity, naming the caller)
KEYLESS_TABLE = [
    ("read without a key, during the session", keyless("root_api_read_only", "2024-10-25T20:55:00Z",
     **KEYLESS_READ), "MEDIUM", True),
    ("read without a key, after the session", keyless("root_api_read_only", "2024-10-25T21:30:00Z",
     **KEYLESS_READ), "MEDIUM", False),
    ("sign-in without MFA, during the session", keyless("root_console_signin_no_mfa", "2024-10-25T20:56:00Z"),
     "CRITICAL", False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "record", "severity", "named"), KEYLESS_TABLE, ids=[r[0] for r in KEYLESS_TABLE]
)
def test_without_a_key_the_session_s_time_ties_an_action_to_an_earlier_call(
    hub: SnsToSqs, case: str, record: dict[str, Any], severity: str, named: bool
) -> None:
    """GIVEN an audit-task call in one invocation WHEN a root record without an access key arrives in the next
    THEN it names the caller only within the session's time and never as a sign-in, and keeps its own grade
    (MEDIUM for a read, not the task's LOW)."""
    app.lambda_handler(sqs_batch(AUDIT_CALL), None)
    hub.received()
    app.lambda_handler(sqs_batch(record), None)
    [message] = hub.received()
    assert (message["Message"]["severity"], CALLER in json.dumps(message["Message"]["events"])) == (
        severity,
        named,
    ), case
