"""Heartbeat records and a moto heartbeat table for the notifier's and the watchdog's tests.

The heartbeat record is the replay's own (`simulate.heartbeat_record`, invented: see there).
"""

from __future__ import annotations

import uuid
from typing import Any

import boto3
from root_activity_monitor.simulate.heartbeat_record import heartbeat_record

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
    """The EventBridge event of one heartbeat call, as the hub bus receives it; a new eventID each call."""
    record = heartbeat_record(
        account, region, f"arn:aws:iam::{account}:role/{role}", time, event_id=str(uuid.uuid4())
    )
    record["detail"].update(detail_overrides)
    return record


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


def stored_pairs() -> set[tuple[str, str]]:
    """Every (account, region) the table holds an item for, read in one scan."""
    pages = boto3.client("dynamodb", region_name=REGION).get_paginator("scan").paginate(TableName=TABLE)
    return {(i["accountId"]["S"], i["region"]["S"]) for page in pages for i in page["Items"]}
