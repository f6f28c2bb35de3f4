"""Encryption policies on mutated copies of the example graphs: each mistake is reported with its fix."""

from __future__ import annotations

from pulumi_policy.proxy import UNKNOWN_STRING_VALUE
from recorded_policy_args import mutated, violations
from root_activity_monitor.simulate import RecordedStack
from root_activity_policies import KEY_ROTATION_POLICY, QUEUE_ENCRYPTION_POLICY, TOPIC_KEY_POLICY

TOPIC = "aws:sns/topic:Topic"
QUEUE = "aws:sqs/queue:Queue"
KEY = "aws:kms/key:Key"


def test_topic_on_the_aws_managed_key_is_reported(hub_stack: RecordedStack) -> None:
    """GIVEN the topic encrypted with alias/aws/sns WHEN validated THEN it is reported with the key to use."""
    topic = hub_stack.named(TOPIC, "root-activity-monitor-topic")
    stack = mutated(hub_stack, topic, inputs={"kmsMasterKeyId": "alias/aws/sns"})
    ((name, message),) = violations(TOPIC_KEY_POLICY, stack)
    assert name == topic.name
    assert "AWS-managed key alias/aws/sns" in message
    assert "Fix: set kms_master_key_id to the ARN of a customer-managed aws.kms.Key" in message


def test_topic_on_the_aws_managed_key_by_alias_arn_is_reported(hub_stack: RecordedStack) -> None:
    """GIVEN the topic's key given as the aws/sns alias ARN WHEN validated THEN it is reported."""
    topic = hub_stack.named(TOPIC, "root-activity-monitor-topic")
    alias_arn = "arn:aws:kms:eu-west-1:111111111111:alias/aws/sns"
    stack = mutated(hub_stack, topic, inputs={"kmsMasterKeyId": alias_arn})
    assert [name for name, _ in violations(TOPIC_KEY_POLICY, stack)] == [topic.name]


def test_unencrypted_topic_is_reported(hub_stack: RecordedStack) -> None:
    """GIVEN the topic without a key WHEN validated THEN it is reported as unencrypted, with the fix."""
    topic = hub_stack.named(TOPIC, "root-activity-monitor-topic")
    ((_, message),) = violations(TOPIC_KEY_POLICY, mutated(hub_stack, topic, drop=["kmsMasterKeyId"]))
    assert "is not encrypted" in message
    assert "Fix:" in message


def test_topic_key_known_only_after_deploy_passes(hub_stack: RecordedStack) -> None:
    """GIVEN the topic's key ARN unknown, as in a first preview, WHEN validated THEN it passes (a new key)."""
    topic = hub_stack.named(TOPIC, "root-activity-monitor-topic")
    stack = mutated(hub_stack, topic, inputs={"kmsMasterKeyId": UNKNOWN_STRING_VALUE})
    assert violations(TOPIC_KEY_POLICY, stack) == []


def test_unencrypted_queue_is_reported(spoke_stack: RecordedStack) -> None:
    """GIVEN a forwarding DLQ without SSE WHEN validated THEN it is reported with the SSE-SQS fix."""
    queue = spoke_stack.named(QUEUE, "root-activity-monitor-forward-eu-west-1-dlq")
    stack = mutated(spoke_stack, queue, drop=["sqsManagedSseEnabled"])
    ((name, message),) = violations(QUEUE_ENCRYPTION_POLICY, stack)
    assert name == queue.name
    assert "Fix: set sqs_managed_sse_enabled=True" in message


def test_queue_on_the_aws_managed_key_is_reported(hub_stack: RecordedStack) -> None:
    """GIVEN the buffer queue on alias/aws/sqs WHEN validated THEN it is reported (EventBridge can't write)"""
    queue = hub_stack.named(QUEUE, "root-activity-monitor-buffer")
    stack = mutated(
        hub_stack, queue, drop=["sqsManagedSseEnabled"], inputs={"kmsMasterKeyId": "alias/aws/sqs"}
    )
    ((_, message),) = violations(QUEUE_ENCRYPTION_POLICY, stack)
    assert "events.amazonaws.com" in message
    assert "Fix:" in message


def test_queue_on_a_customer_managed_key_passes(hub_stack: RecordedStack) -> None:
    """GIVEN the buffer queue on a customer-managed key instead of SSE-SQS WHEN validated THEN it passes."""
    queue = hub_stack.named(QUEUE, "root-activity-monitor-buffer")
    key_arn = hub_stack.one(KEY).arn
    stack = mutated(hub_stack, queue, drop=["sqsManagedSseEnabled"], inputs={"kmsMasterKeyId": key_arn})
    assert violations(QUEUE_ENCRYPTION_POLICY, stack) == []


def test_key_without_rotation_is_reported(hub_stack: RecordedStack) -> None:
    """GIVEN the topic key with rotation off WHEN validated THEN it is reported with the fix."""
    key = hub_stack.one(KEY)
    stack = mutated(hub_stack, key, inputs={"enableKeyRotation": False})
    ((name, message),) = violations(KEY_ROTATION_POLICY, stack)
    assert name == key.name
    assert "Fix: set enable_key_rotation=True" in message


def test_asymmetric_key_without_rotation_passes(hub_stack: RecordedStack) -> None:
    """GIVEN an asymmetric key (which KMS cannot rotate) with rotation off WHEN validated THEN it passes."""
    key = hub_stack.one(KEY)
    stack = mutated(hub_stack, key, inputs={"enableKeyRotation": False, "customerMasterKeySpec": "RSA_2048"})
    assert violations(KEY_ROTATION_POLICY, stack) == []
