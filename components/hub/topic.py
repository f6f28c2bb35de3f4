"""The notification topic, encrypted with a customer-managed key, and its email subscriptions.

A customer-managed key rather than `aws/sns`: CloudWatch alarms cannot publish to a topic encrypted with
the AWS-managed key, and the key policy says exactly who may encrypt for the topic.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .. import policies, routing
from ..tagging import Tags, tag_input

KEY_DELETION_WINDOW_DAYS = 30


@dataclass(frozen=True)
class NotificationTopic:
    """The topic, its key and one email subscription per address."""

    topic: aws.sns.Topic
    key: aws.kms.Key
    email_subscriptions: tuple[aws.sns.TopicSubscription, ...]
    high_priority_subscriptions: tuple[aws.sns.TopicSubscription, ...] = ()


def notification_topic(
    name: str,
    *,
    account_id: pulumi.Input[str],
    publisher_role_arn: pulumi.Input[str],
    emails: Sequence[str],
    high_priority_endpoints: Sequence[Mapping[str, str]] = (),
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
    # A pager (or any endpoint) that only CRITICAL and HIGH notifications reach: SNS filters on the
    # `severity` message attribute every notification carries.
    high_priority = tuple(
        aws.sns.TopicSubscription(
            f"{name}-high-priority-{index}",
            topic=topic.arn,
            protocol=endpoint["protocol"],
            endpoint=endpoint["endpoint"],
            filter_policy=routing.severity_filter_policy(),
            filter_policy_scope="MessageAttributes",
            opts=child,
        )
        for index, endpoint in enumerate(high_priority_endpoints)
    )
    return NotificationTopic(
        topic=topic, key=key, email_subscriptions=subscriptions, high_priority_subscriptions=high_priority
    )
