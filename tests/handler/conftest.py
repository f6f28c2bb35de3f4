"""Put the event fixtures on sys.path (the notifier is the package `handler`, as in the Lambda bundle,
importable from the repository root); provide a moto SNS topic with an SQS subscriber."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "tests" / "events"
if str(EVENTS) not in sys.path:
    sys.path.insert(0, str(EVENTS))

REGION = "us-east-1"


@dataclass
class SnsToSqs:
    """A moto SNS topic with an SQS queue subscribed (raw delivery off), as a subscriber sees it."""

    topic_arn: str
    queue_url: str

    def received(self) -> list[dict[str, Any]]:
        """Every SNS envelope delivered to the queue so far, oldest first, with ``Message`` parsed as JSON."""
        sqs = boto3.client("sqs", region_name=REGION)
        envelopes: list[dict[str, Any]] = []
        while True:
            batch = sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages", [])
            if not batch:
                return envelopes
            for message in batch:
                envelope = json.loads(message["Body"])
                envelope["Message"] = json.loads(envelope["Message"])
                envelopes.append(envelope)
                sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and region, so nothing can reach a real account."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def sns_to_sqs(aws_env: None) -> Iterator[SnsToSqs]:
    with mock_aws():
        topic_arn = boto3.client("sns", region_name=REGION).create_topic(Name="root-activity")["TopicArn"]
        sqs = boto3.client("sqs", region_name=REGION)
        queue_url = sqs.create_queue(QueueName="subscriber")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        boto3.client("sns", region_name=REGION).subscribe(
            TopicArn=topic_arn,
            Protocol="sqs",
            Endpoint=queue_arn,
            Attributes={"RawMessageDelivery": "false"},
        )
        yield SnsToSqs(topic_arn, queue_url)
