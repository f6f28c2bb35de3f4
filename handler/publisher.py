"""Publish a prepared request to SNS with one boto3 client per container."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import boto3

from .sns_message import PublishRequest

if TYPE_CHECKING:
    from mypy_boto3_sns import SNSClient


@cache
def sns_client(region: str | None) -> SNSClient:
    """One client per region, created on first use rather than at import: a cold start pays for it only
    when something is published, and tests that start moto first get a client that talks to it."""
    return boto3.client("sns", region_name=region)


def topic_region(topic_arn: str) -> str | None:
    """The region in ``arn:aws:sns:REGION:ACCOUNT:NAME``, so the client matches the topic wherever it runs."""
    parts = topic_arn.split(":")
    return parts[3] if len(parts) == 6 and parts[3] else None


def publish(request: PublishRequest) -> str:
    """Publish; returns the SNS MessageId. Raises botocore's errors (throttling, KMS, missing topic)."""
    response = sns_client(topic_region(request.topic_arn)).publish(
        TopicArn=request.topic_arn,
        Subject=request.subject,
        Message=request.message,
        MessageStructure="json",
        MessageAttributes={
            name: {"DataType": "String", "StringValue": value} for name, value in request.attributes.items()
        },
    )
    return response["MessageId"]
