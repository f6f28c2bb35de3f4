"""Heartbeat records and a moto heartbeat table for the notifier's and the watchdog's tests.

The heartbeat record is invented (no published CloudTrail sample of a call made by EventBridge Scheduler's
universal target exists): an `events:TestEventPattern` call by an assumed role, shaped like the CloudTrail
records of AssumedRole sessions that AWS publishes (tests/events/SOURCES.md).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3

REGION = "us-east-1"

TABLE = "root-activity-monitor-heartbeats"
ROLE = "root-activity-monitor-heartbeat-abc1234"


def heartbeat_event(
    account: str = "222222222222",
    region: str = "eu-west-1",
    time: str = "2026-11-27T05:00:00Z",
    *,
    role: str = ROLE,
    **detail_overrides: Any,
) -> dict[str, Any]:
    """The EventBridge event of one heartbeat call, as the hub bus receives it."""
    detail: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": f"AROAEXAMPLE:{uuid.uuid4().hex[:32]}",
            "arn": f"arn:aws:sts::{account}:assumed-role/{role}/scheduler",
            "accountId": account,
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": "AROAEXAMPLE",
                    "arn": f"arn:aws:iam::{account}:role/{role}",
                    "accountId": account,
                    "userName": role,
                },
                "attributes": {"creationDate": time, "mfaAuthenticated": "false"},
            },
            "invokedBy": "scheduler.amazonaws.com",
        },
        "eventTime": time,
        "eventSource": "events.amazonaws.com",
        "eventName": "TestEventPattern",
        "awsRegion": region,
        "sourceIPAddress": "scheduler.amazonaws.com",
        "userAgent": "scheduler.amazonaws.com",
        "requestParameters": None,
        "responseElements": None,
        "eventID": str(uuid.uuid4()),
        "readOnly": True,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
    }
    detail.update(detail_overrides)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.events",
        "account": account,
        "time": time,
        "region": region,
        "resources": [],
        "detail": detail,
    }


def sqs_records(*events: dict[str, Any]) -> dict[str, Any]:
    """An SQS batch holding the events."""
    return {"Records": [{"messageId": str(uuid.uuid4()), "body": json.dumps(e)} for e in events]}


def create_table() -> None:
    """The heartbeat table as the hub creates it (on-demand, keyed by account and region)."""
    boto3.client("dynamodb", region_name=REGION).create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[
            {"AttributeName": "accountId", "KeyType": "HASH"},
            {"AttributeName": "region", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "accountId", "AttributeType": "S"},
            {"AttributeName": "region", "AttributeType": "S"},
        ],
    )


def item(account: str, region: str) -> dict[str, Any] | None:
    """The table's item for a pair, values unwrapped."""
    found = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName=TABLE, Key={"accountId": {"S": account}, "region": {"S": region}}
    )
    if "Item" not in found:
        return None
    return {key: next(iter(value.values())) for key, value in found["Item"].items()}
