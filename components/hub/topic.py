"""The notification topic, encrypted with a customer-managed key, and its email subscriptions.

A customer-managed key rather than `aws/sns`: CloudWatch alarms cannot publish to a topic encrypted with
the AWS-managed key, and the key policy says exactly who may encrypt for the topic.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .. import policies
from ..tagging import Tags, tag_input

KEY_DELETION_WINDOW_DAYS = 30


@dataclass(frozen=True)
class NotificationTopic:
    """The topic, its key and one email subscription per address."""

    topic: aws.sns.Topic
    key: aws.kms.Key
    email_subscriptions: tuple[aws.sns.TopicSubscription, ...]


def notification_topic(
    name: str,
    *,
    account_id: pulumi.Input[str],
    publisher_role_arn: pulumi.Input[str],
    emails: Sequence[str],
    parent: pulumi.Resource,
    tags: Tags,
) -> NotificationTopic:
    """A topic whose key lets the account administer it, SNS and alarms use it, and the publisher encrypt."""
    child = pulumi.ResourceOptions(parent=parent)
    key = aws.kms.Key(
        f"{name}-topic-key",
        description="Encrypts root-activity-monitor notifications (SNS topic)",
        enable_key_rotation=True,
        deletion_window_in_days=KEY_DELETION_WINDOW_DAYS,
        policy=pulumi.Output.all(account_id, publisher_role_arn).apply(
            lambda values: json.dumps(policies.topic_key_policy(values[0], values[1]))
        ),
        tags=tag_input(tags),
        opts=child,
    )
    topic = aws.sns.Topic(f"{name}-topic", kms_master_key_id=key.arn, tags=tag_input(tags), opts=child)
    subscriptions = tuple(
        aws.sns.TopicSubscription(
            f"{name}-email-{address}", topic=topic.arn, protocol="email", endpoint=address, opts=child
        )
        for address in emails
    )
    return NotificationTopic(topic=topic, key=key, email_subscriptions=subscriptions)
