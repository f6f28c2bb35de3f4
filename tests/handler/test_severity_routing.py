"""Routing by severity as SNS applies it: a high-priority subscription gets CRITICAL and HIGH, no more."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import boto3
import pytest
from load import load_event, sqs_batch
from root_activity_monitor.routing import severity_filter_policy

from handler import app

if TYPE_CHECKING:
    from conftest import SnsToSqs


def test_the_pager_gets_critical_and_high_and_the_chat_gets_everything(
    sns_to_sqs: SnsToSqs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a pager subscribed with the components' filter policy and a catch-all subscriber WHEN a CRITICAL
    sign-in, a HIGH write and a MEDIUM read are notified THEN the pager gets the first two, the other all."""
    region = sns_to_sqs.topic_arn.split(":")[3]  # the fixture's region
    sqs = boto3.client("sqs", region_name=region)
    pager_url = sqs.create_queue(QueueName="pager")["QueueUrl"]
    pager_arn = sqs.get_queue_attributes(QueueUrl=pager_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    boto3.client("sns", region_name=region).subscribe(
        TopicArn=sns_to_sqs.topic_arn,
        Protocol="sqs",
        Endpoint=pager_arn,
        Attributes={"FilterPolicy": severity_filter_policy(), "FilterPolicyScope": "MessageAttributes"},
    )
    monkeypatch.setenv("TOPIC_ARN", sns_to_sqs.topic_arn)
    read = load_event(
        "root_api_read_only", userIdentity={"type": "Root", "accessKeyId": "ASIAREADSESSION00001"}
    )
    batch = sqs_batch(load_event("root_console_signin_no_mfa"), load_event("root_api_write_eu_west_1"), read)
    assert app.lambda_handler(batch, None) == {"batchItemFailures": []}
    everything = sorted(m["Message"]["severity"] for m in sns_to_sqs.received())
    paged = []
    while messages := sqs.receive_message(QueueUrl=pager_url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            paged.append(json.loads(json.loads(message["Body"])["Message"])["severity"])
            sqs.delete_message(QueueUrl=pager_url, ReceiptHandle=message["ReceiptHandle"])
    assert everything == ["CRITICAL", "HIGH", "MEDIUM"]
    assert sorted(paged) == ["CRITICAL", "HIGH"]
