"""Encryption at rest: the topic on a customer-managed key, every queue encrypted, keys rotated."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

from .graph import KMS_KEY, QUEUE, TOPIC, in_monitor, is_aws_managed_key, is_set, known

SYMMETRIC_KEY_SPEC = "SYMMETRIC_DEFAULT"


def validate_topic_key(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """The monitor's notification topic must be encrypted with a customer-managed KMS key."""
    if args.resource_type != TOPIC or not in_monitor(args.urn):
        return
    if not is_set(args.props, "kmsMasterKeyId"):
        report_violation(
            f"Topic {args.name} is not encrypted: notifications name accounts, users and source IPs. "
            "Fix: set kms_master_key_id to the ARN of a customer-managed aws.kms.Key whose policy lets "
            "sns.amazonaws.com, cloudwatch.amazonaws.com and the notifier role use it "
            "(root_activity_monitor.policies.topic_key_policy).",
            None,
        )
        return
    # A key known only after deploy is a key this stack creates, so customer-managed.
    key = known(args.props, "kmsMasterKeyId")
    if isinstance(key, str) and is_aws_managed_key(key):
        report_violation(
            f"Topic {args.name} is encrypted with the AWS-managed key {key}: CloudWatch alarms cannot "
            "publish to it and its key policy cannot be changed. Fix: set kms_master_key_id to the ARN of "
            "a customer-managed aws.kms.Key (root_activity_monitor.policies.topic_key_policy gives its "
            "policy).",
            None,
        )


def validate_queue_encryption(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """The monitor's queues must be encrypted in a way EventBridge can still write to."""
    if args.resource_type != QUEUE or not in_monitor(args.urn):
        return
    if is_set(args.props, "kmsMasterKeyId"):
        key = known(args.props, "kmsMasterKeyId")
        if isinstance(key, str) and is_aws_managed_key(key):
            report_violation(
                f"Queue {args.name} is encrypted with the AWS-managed key {key}, whose policy cannot let "
                "events.amazonaws.com write, so EventBridge deliveries to it fail. Fix: drop "
                "kms_master_key_id and set sqs_managed_sse_enabled=True, or use a customer-managed key "
                "that allows events.amazonaws.com kms:GenerateDataKey and kms:Decrypt.",
                None,
            )
        return
    if known(args.props, "sqsManagedSseEnabled") is not True:
        report_violation(
            f"Queue {args.name} is not encrypted at rest, yet it holds root-activity events. Fix: set "
            "sqs_managed_sse_enabled=True (EventBridge writes to SSE-SQS queues without a key policy), "
            "as root_activity_monitor.forwarding.dead_letter_queue does.",
            None,
        )


def validate_key_rotation(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """The monitor's symmetric KMS keys must rotate their key material."""
    if args.resource_type != KMS_KEY or not in_monitor(args.urn):
        return
    spec = known(args.props, "customerMasterKeySpec") or known(args.props, "keySpec")
    if spec not in (None, SYMMETRIC_KEY_SPEC):
        return  # KMS rotates symmetric encryption keys only
    if known(args.props, "enableKeyRotation") is not True:
        report_violation(
            f"KMS key {args.name} does not rotate its key material. Fix: set enable_key_rotation=True "
            "(KMS then rotates it yearly by default; older ciphertexts stay readable).",
            None,
        )


TOPIC_KEY_POLICY = ResourceValidationPolicy(
    name="monitor-topic-on-customer-managed-key",
    description="The monitor's notification topic is encrypted with a customer-managed KMS key, "
    "not alias/aws/sns and not unencrypted.",
    validate=validate_topic_key,
    enforcement_level=EnforcementLevel.MANDATORY,
)

QUEUE_ENCRYPTION_POLICY = ResourceValidationPolicy(
    name="monitor-queue-encrypted",
    description="Every queue of the monitor is encrypted with SSE-SQS or a customer-managed KMS key.",
    validate=validate_queue_encryption,
    enforcement_level=EnforcementLevel.MANDATORY,
)

KEY_ROTATION_POLICY = ResourceValidationPolicy(
    name="monitor-key-rotation-on",
    description="Every symmetric KMS key of the monitor has automatic key rotation on.",
    validate=validate_key_rotation,
    enforcement_level=EnforcementLevel.MANDATORY,
)
