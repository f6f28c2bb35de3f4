"""What a topic's subscribers receive: an SQS queue subscribed to each topic, and the email SNS would send.

moto delivers nothing to email subscribers, so the email body is read from moto's record of each publish.
"""

from __future__ import annotations

import json
from typing import Any

from .accounts import AwsAccounts
from .report import DeliveredNotification
from .stacks import SimulatedStack

OBSERVER_QUEUE = "root-activity-monitor-simulate-observer"


def subscribe_observers(aws: AwsAccounts, hub: SimulatedStack) -> list[tuple[str, str, str]]:
    """An SQS queue subscribed to each topic of the hub: it receives what an `sqs` subscriber would."""
    observers: list[tuple[str, str, str]] = []
    for topic in hub.recorded.of_type("aws:sns/topic:Topic"):
        sqs = aws.sqs(hub.account_id, topic.region)
        url = sqs.create_queue(QueueName=OBSERVER_QUEUE)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        aws.sns(hub.account_id, topic.region).subscribe(TopicArn=str(topic.arn), Protocol="sqs", Endpoint=arn)
        observers.append((hub.account_id, topic.region, url))
    return observers


def _email_texts(account: str, region: str, wanted: dict[str, set[str]]) -> dict[str, tuple[str, str]]:
    """SNS message ID → (subject, email body) for the `wanted` message IDs of each topic ARN, from what moto's
    SNS received.

    moto delivers nothing to email subscribers, so the replay reads the published message from moto's
    record of it and picks the `email` variant of the MessageStructure=json body, as SNS does. The wanted
    messages were just published: each topic's record is read from its end, never whole (read whole at
    every drain, a thousand accounts' notifications made this quadratic).
    """
    from moto.sns.models import sns_backends  # noqa: PLC0415 - the optional `simulate` extra

    texts: dict[str, tuple[str, str]] = {}
    topics = sns_backends[account][region].topics
    for topic_arn, message_ids in wanted.items():
        missing = set(message_ids)
        topic = topics.get(topic_arn)
        for message_id, message, subject, _attributes, _group in reversed(
            topic.sent_notifications if topic else []
        ):
            if not missing:
                break
            if message_id not in missing:
                continue
            missing.discard(message_id)
            try:
                structured = json.loads(message)
                body = str(structured.get("email") or structured["default"])
            except (ValueError, KeyError, AttributeError):
                body = message
            texts[message_id] = (subject or "", body)
    return texts


def read_observer(aws: AwsAccounts, account: str, region: str, url: str) -> list[DeliveredNotification]:
    """What the topic delivered to the subscriber queue at `url` since it was last read (read and deleted)."""
    sqs = aws.sqs(account, region)
    envelopes: list[dict[str, Any]] = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            break
        for message in messages:
            envelopes.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    wanted: dict[str, set[str]] = {}
    for envelope in envelopes:
        wanted.setdefault(str(envelope.get("TopicArn")), set()).add(envelope["MessageId"])
    emails = _email_texts(account, region, wanted)
    return [
        DeliveredNotification(
            document=json.loads(envelope["Message"]),
            subject=emails.get(envelope["MessageId"], (envelope.get("Subject") or "", ""))[0],
            email_text=emails.get(envelope["MessageId"], ("", ""))[1],
        )
        for envelope in envelopes
    ]
