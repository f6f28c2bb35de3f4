"""Load the recorded EventBridge events in this folder and wrap them as SQS records.

Each ``*.json`` here is one complete EventBridge event as delivered to a bus (version, id, detail-type,
source, account, time, region, resources, detail) carrying a CloudTrail record.
"""

from __future__ import annotations

import copy
import json
import uuid
from functools import cache
from pathlib import Path
from typing import Any

EVENTS_DIR = Path(__file__).resolve().parent


def event_names() -> list[str]:
    """The fixture file names, e.g. ``root_console_signin_no_mfa.json``."""
    return sorted(p.name for p in EVENTS_DIR.glob("*.json"))


@cache
def _read(name: str) -> str:
    return (EVENTS_DIR / name).read_text()


def load_event(name: str, **detail_overrides: Any) -> dict[str, Any]:
    """A fresh copy of one fixture (``.json`` optional), with top-level ``detail`` keys replaced if given."""
    event: dict[str, Any] = json.loads(_read(name if name.endswith(".json") else f"{name}.json"))
    event["detail"].update(copy.deepcopy(detail_overrides))
    return event


def tamper_by(actor: int, account: str = "222222222222") -> dict[str, Any]:
    """The ``tamper_disable_rule`` fixture as done by the ``actor``-th role of ``account``, own eventID."""
    event = load_event("tamper_disable_rule", eventID=f"tamper-{account}-{actor}")
    event["account"] = event["detail"]["recipientAccountId"] = account
    identity = event["detail"]["userIdentity"]
    identity["arn"] = f"arn:aws:sts::{account}:assumed-role/Admin{actor}/session"
    identity["sessionContext"]["sessionIssuer"]["arn"] = f"arn:aws:iam::{account}:role/Admin{actor}"
    return event


def sqs_record(body: object, message_id: str | None = None) -> dict[str, Any]:
    """An SQS record as the Lambda event source mapping delivers it; dict bodies are JSON-encoded."""
    return {
        "messageId": message_id or str(uuid.uuid4()),
        "receiptHandle": "AQEB" + uuid.uuid4().hex,
        "body": body if isinstance(body, str) else json.dumps(body),
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": "1715680731000",
            "SenderId": "AIDAIENQZJOLO23YVJ4VO",
            "ApproximateFirstReceiveTimestamp": "1715680731001",
        },
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:111111111111:root-activity-monitor-buffer",
        "awsRegion": "us-east-1",
    }


def sqs_batch(*bodies: object) -> dict[str, Any]:
    """An SQS event (``{"Records": [...]}``) with one record per body."""
    return {"Records": [sqs_record(body) for body in bodies]}
