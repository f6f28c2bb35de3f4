"""What a topic's subscribers receive: an SQS queue subscribed to each topic, and the email SNS would send.

moto delivers nothing to email subscribers, so the email body is read from moto's record of each publish.
"""

from __future__ import annotations

import json

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


def _email_texts(account: str, region: str) -> dict[str, tuple[str, str]]:
    """SNS message ID → (subject, email body), from what moto's SNS received.

    moto delivers nothing to email subscribers, so the replay reads the published message from moto's
    record of it and picks the `email` variant of the MessageStructure=json body, as SNS does.
    """
    from moto.sns.models import sns_backends  # noqa: PLC0415 - the optional `simulate` extra

    texts: dict[str, tuple[str, str]] = {}
    for topic in sns_backends[account][region].topics.values():
        for message_id, message, subject, _attributes, _group in topic.sent_notifications:
            try:
                structured = json.loads(message)
                body = str(structured.get("email") or structured["default"])
            except (ValueError, KeyError, AttributeError):
                body = message
            texts[message_id] = (subject or "", body)
    return texts


def read_observer(aws: AwsAccounts, account: str, region: str, url: str) -> list[DeliveredNotification]:
    sqs = aws.sqs(account, region)
    emails = _email_texts(account, region)
    notifications: list[DeliveredNotification] = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return notifications
        for message in messages:
            envelope = json.loads(message["Body"])
            subject, email_text = emails.get(envelope["MessageId"], (envelope.get("Subject") or "", ""))
            notifications.append(
                DeliveredNotification(
                    document=json.loads(envelope["Message"]), subject=subject, email_text=email_text
                )
            )
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
