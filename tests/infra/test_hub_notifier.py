"""HubNotifier: every resource of the hub, as Pulumi received it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from infra_fixtures import (
    ALARM,
    BUS,
    BUS_POLICY,
    COMPONENT,
    EVENT_SOURCE_MAPPING,
    FUNCTION,
    HUB,
    HUB_ACCOUNT,
    HUB_REGION,
    KEY,
    LOG_GROUP,
    QUEUE,
    QUEUE_POLICY,
    REGIONS,
    ROLE,
    ROLE_POLICY,
    RULE,
    SUBSCRIPTION,
    TARGET,
    TOPIC,
    forwarding_resources,
    heartbeat_resources,
    rule_alarms,
)
from root_activity_monitor import heartbeat
from root_activity_monitor.event_pattern import ROOT_ACTIVITY_RULE_STATE, root_activity_pattern
from root_activity_monitor.hub.notifier import FUNCTION_TIMEOUT_SECONDS
from root_activity_monitor.policies import MONITOR_NAME_PREFIX
from root_activity_monitor.simulate import RecordedStack
from root_activity_monitor.tamper import watching_the_tamper_rule

from tests.recording import RecordStack

EXPECTED_HUB_RESOURCES = (
    {
        (BUS, f"{COMPONENT}-bus"),
        (BUS_POLICY, f"{COMPONENT}-bus-policy"),
        (RULE, f"{COMPONENT}-notify-rule"),
        (TARGET, f"{COMPONENT}-notify-target"),
        (QUEUE, f"{COMPONENT}-notify-dlq"),
        (QUEUE_POLICY, f"{COMPONENT}-notify-dlq-policy"),
        (QUEUE, f"{COMPONENT}-buffer"),
        (QUEUE_POLICY, f"{COMPONENT}-buffer-policy"),
        (QUEUE, f"{COMPONENT}-buffer-dlq"),
        (KEY, f"{COMPONENT}-topic-key"),
        (TOPIC, f"{COMPONENT}-topic"),
        (SUBSCRIPTION, f"{COMPONENT}-email-security@example.com"),
        (SUBSCRIPTION, f"{COMPONENT}-email-oncall@example.com"),
        (LOG_GROUP, f"{COMPONENT}-notifier-logs"),
        (ROLE, f"{COMPONENT}-notifier-role"),
        (ROLE_POLICY, f"{COMPONENT}-notifier-policy"),
        (FUNCTION, f"{COMPONENT}-notifier"),
        (EVENT_SOURCE_MAPPING, f"{COMPONENT}-notifier-source"),
        (RULE, f"{COMPONENT}-tamper-rule"),
        (TARGET, f"{COMPONENT}-tamper-target"),
        *(
            (ALARM, f"{COMPONENT}-{name}-alarm")
            for name in (
                "buffer-dlq",
                "notify-dlq",
                "buffer-age",
                "notifier-errors",
                "notifier-throttles",
                "watchdog-errors",
                "watchdog-throttles",
                "posture-errors",
                "posture-throttles",
            )
        ),
        # Heartbeat: routing to the buffer, the table, the notifier writing it, the watchdog.
        (RULE, f"{COMPONENT}-heartbeat-rule"),
        (TARGET, f"{COMPONENT}-heartbeat-target"),
        ("aws:dynamodb/table:Table", f"{COMPONENT}-heartbeats"),
        (ROLE_POLICY, f"{COMPONENT}-notifier-heartbeat-policy"),
        (LOG_GROUP, f"{COMPONENT}-watchdog-logs"),
        (ROLE, f"{COMPONENT}-watchdog-role"),
        (ROLE_POLICY, f"{COMPONENT}-watchdog-policy"),
        # A hub of an organization reads account names and the OUs' accounts from AWS Organizations.
        (ROLE_POLICY, f"{COMPONENT}-notifier-organizations-policy"),
        (ROLE_POLICY, f"{COMPONENT}-watchdog-organizations-policy"),
        (FUNCTION, f"{COMPONENT}-watchdog"),
        (ROLE, f"{COMPONENT}-watchdog-schedule-role"),
        (ROLE_POLICY, f"{COMPONENT}-watchdog-schedule-role-policy"),
        ("aws:scheduler/schedule:Schedule", f"{COMPONENT}-watchdog-schedule"),
        # Root credential audit (the hub watches an organization): its table, function, schedule.
        ("aws:dynamodb/table:Table", f"{COMPONENT}-posture"),
        (ROLE_POLICY, f"{COMPONENT}-notifier-posture-policy"),
        (LOG_GROUP, f"{COMPONENT}-posture-logs"),
        (ROLE, f"{COMPONENT}-posture-role"),
        (ROLE_POLICY, f"{COMPONENT}-posture-policy"),
        (FUNCTION, f"{COMPONENT}-posture"),
        (ROLE, f"{COMPONENT}-posture-schedule-role"),
        (ROLE_POLICY, f"{COMPONENT}-posture-schedule-role-policy"),
        ("aws:scheduler/schedule:Schedule", f"{COMPONENT}-posture-schedule"),
    }
    | rule_alarms(f"{COMPONENT}-hub")
    | forwarding_resources()
    | heartbeat_resources()
)
NOTIFIER = f"{COMPONENT}-notifier"


def statements(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A policy's statements by Sid."""
    return {statement["Sid"]: statement for statement in document["Statement"]}


def test_hub_registers_exactly_the_documented_resources(hub_stack: RecordedStack) -> None:
    """GIVEN a hub config WHEN the program runs THEN the hub registers exactly the documented resources."""
    component = hub_stack.one(HUB)
    children = {(r.type, r.name) for r in hub_stack.children_of(component)}
    assert children == EXPECTED_HUB_RESOURCES
    assert len(hub_stack.resources) == len(EXPECTED_HUB_RESOURCES) + 1


def test_every_hub_resource_is_a_child_of_the_component(hub_stack: RecordedStack) -> None:
    """GIVEN the hub graph THEN every resource but the component has the component as its parent."""
    component = hub_stack.one(HUB)
    assert component.parent_urn is not None and component.parent_urn.endswith(
        "pulumi:pulumi:Stack::" + COMPONENT + "-test"
    )
    for resource in hub_stack:
        if resource is not component:
            assert resource.parent_urn == component.urn, resource.name


def test_hub_bus_has_the_configured_name(hub_stack: RecordedStack) -> None:
    """GIVEN eventBusName WHEN the hub is built THEN the bus is created with that explicit name."""
    assert hub_stack.one(BUS).inputs["name"] == "root-activity-monitor"


def test_bus_policy_allows_only_the_organization_and_listed_accounts(hub_stack: RecordedStack) -> None:
    """GIVEN an org ID and spoke accounts THEN the bus policy lets exactly their delivery roles put events."""
    bus = hub_stack.one(BUS)
    policy = hub_stack.one(BUS_POLICY)
    assert policy.inputs["eventBusName"] == "root-activity-monitor"
    by_sid = statements(policy.json_input("policy"))
    assert set(by_sid) == {"AllowOrganizationToPutEvents", "AllowListedAccountsToPutEvents"}
    organization = by_sid["AllowOrganizationToPutEvents"]
    assert organization["Principal"] == "*"
    roles = "arn:aws:iam::*:role/root-activity-monitor-delivery-*"
    delivery_roles = {"ArnLike": {"aws:PrincipalArn": roles}}
    organization_only = {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
    assert organization["Condition"] == {**organization_only, **delivery_roles}
    accounts = by_sid["AllowListedAccountsToPutEvents"]
    assert accounts["Principal"] == {
        "AWS": ["arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root"]
    }
    assert accounts["Condition"] == delivery_roles
    for statement in by_sid.values():
        assert statement["Effect"] == "Allow"
        assert statement["Action"] == "events:PutEvents"
        assert statement["Resource"] == bus.arn


@pytest.mark.parametrize(
    ("drop", "remaining_sid"),
    [
        ("organizationId", "AllowListedAccountsToPutEvents"),
        ("spokeAccountIds", "AllowOrganizationToPutEvents"),
    ],
)
def test_bus_policy_has_one_statement_when_one_source_is_given(
    record_stack: RecordStack, hub_config: dict[str, Any], drop: str, remaining_sid: str
) -> None:
    """GIVEN only an org ID or only accounts THEN the bus policy has just that statement."""
    del hub_config[drop]
    recorded = record_stack(hub_config)
    assert set(statements(recorded.one(BUS_POLICY).json_input("policy"))) == {remaining_sid}


def test_notify_rule_sits_on_the_hub_bus_with_the_shared_pattern(hub_stack: RecordedStack) -> None:
    """GIVEN the hub THEN its bus rule uses the shared root pattern and receives all management events."""
    rule = hub_stack.named(RULE, f"{COMPONENT}-notify-rule")
    assert rule.inputs["eventBusName"] == "root-activity-monitor"
    assert json.loads(rule.inputs["eventPattern"]) == root_activity_pattern()
    assert rule.inputs["state"] == ROOT_ACTIVITY_RULE_STATE == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"


def test_notify_target_is_the_buffer_queue_with_retry_and_dlq(hub_stack: RecordedStack) -> None:
    """GIVEN the hub THEN the rule targets the buffer queue with a retry policy and its own DLQ."""
    target = hub_stack.named(TARGET, f"{COMPONENT}-notify-target")
    rule = hub_stack.named(RULE, f"{COMPONENT}-notify-rule")
    assert target.inputs["rule"] == rule.outputs["name"]
    assert target.inputs["eventBusName"] == "root-activity-monitor"
    assert target.inputs["arn"] == hub_stack.named(QUEUE, f"{COMPONENT}-buffer").arn
    assert target.inputs["retryPolicy"] == {"maximumEventAgeInSeconds": 14400, "maximumRetryAttempts": 185}
    assert target.inputs["deadLetterConfig"] == {"arn": hub_stack.named(QUEUE, f"{COMPONENT}-notify-dlq").arn}


@pytest.mark.parametrize("queue", ["buffer", "notify-dlq"])
def test_queues_written_by_the_hub_rules_admit_only_those_rules(hub_stack: RecordedStack, queue: str) -> None:
    """GIVEN the buffer queue and the target DLQ THEN each policy lets only the hub bus's rules send."""
    recorded_queue = hub_stack.named(QUEUE, f"{COMPONENT}-{queue}")
    policy = hub_stack.named(QUEUE_POLICY, f"{COMPONENT}-{queue}-policy")
    rules = [
        hub_stack.named(RULE, f"{COMPONENT}-{kind}-rule").arn for kind in ("notify", "tamper", "heartbeat")
    ]
    assert policy.inputs["queueUrl"] == recorded_queue.outputs["url"]
    (statement,) = policy.json_input("policy")["Statement"]
    assert statement == {
        "Sid": "AllowRuleToSendMessage",
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": recorded_queue.arn,
        "Condition": {"ArnEquals": {"aws:SourceArn": rules}},
    }


def test_buffer_queue_is_encrypted_outlasts_the_function_and_redrives_to_its_dlq(
    hub_stack: RecordedStack,
) -> None:
    """GIVEN the buffer THEN it uses SSE-SQS, a visibility timeout of 6x the function's, and a DLQ."""
    buffer = hub_stack.named(QUEUE, f"{COMPONENT}-buffer")
    dlq = hub_stack.named(QUEUE, f"{COMPONENT}-buffer-dlq")
    function = hub_stack.named(FUNCTION, NOTIFIER)
    assert buffer.inputs["sqsManagedSseEnabled"] is True
    assert buffer.inputs["visibilityTimeoutSeconds"] >= 6 * function.inputs["timeout"]
    assert json.loads(buffer.inputs["redrivePolicy"]) == {
        "deadLetterTargetArn": dlq.arn,
        "maxReceiveCount": 5,
    }


def test_every_hub_queue_is_encrypted(hub_stack: RecordedStack) -> None:
    """GIVEN the hub THEN every queue, DLQs included, has server-side encryption on."""
    for queue in hub_stack.of_type(QUEUE):
        assert queue.inputs["sqsManagedSseEnabled"] is True, queue.name


def test_dead_letter_queues_keep_messages_fourteen_days(hub_stack: RecordedStack) -> None:
    """GIVEN the hub THEN every DLQ keeps messages for the SQS maximum of 14 days."""
    dlqs = [q for q in hub_stack.of_type(QUEUE) if q.name.endswith("-dlq")]
    assert len(dlqs) == 2 + len(REGIONS)
    for dlq in dlqs:
        assert dlq.inputs["messageRetentionSeconds"] == 14 * 24 * 3600, dlq.name


def test_notifier_function_runs_the_handler_with_its_environment(hub_stack: RecordedStack) -> None:
    """GIVEN the hub THEN the function runs app.lambda_handler on python3.13/arm64 with its environment."""
    function = hub_stack.named(FUNCTION, NOTIFIER)
    inputs = function.inputs
    assert inputs["name"] == "root-activity-monitor-notifier"
    assert inputs["handler"] == "handler.app.lambda_handler"
    assert inputs["runtime"] == "python3.13"
    assert inputs["architectures"] == ["arm64"]
    assert 10 <= inputs["timeout"] == FUNCTION_TIMEOUT_SECONDS <= 900
    assert inputs["role"] == hub_stack.named(ROLE, f"{COMPONENT}-notifier-role").arn
    variables = inputs["environment"]["variables"]
    assert set(variables) == {
        "TOPIC_ARN",
        "ACCOUNT_NAMES",
        "DEPLOYER_PRINCIPAL_ARNS",
        "HEARTBEAT_TABLE",
        "POSTURE_TABLE",
        "ORGANIZATIONS_LOOKUP",
        "EXPECTED_ROOT_USE",
        "RUNBOOK_BASE_URL",
    }
    assert json.loads(variables["DEPLOYER_PRINCIPAL_ARNS"]) == []
    assert (json.loads(variables["EXPECTED_ROOT_USE"]), variables["RUNBOOK_BASE_URL"]) == (
        [],
        "docs/runbooks/",
    )
    assert variables["TOPIC_ARN"] == hub_stack.named(TOPIC, f"{COMPONENT}-topic").arn
    assert json.loads(variables["ACCOUNT_NAMES"]) == {HUB_ACCOUNT: "security", "222222222222": "production"}


def test_notifier_logs_json_into_its_retained_log_group(hub_stack: RecordedStack) -> None:
    """GIVEN the hub THEN the function logs JSON into /aws/lambda/<function name>, which has a retention."""
    function = hub_stack.named(FUNCTION, NOTIFIER)
    log_group = hub_stack.named(LOG_GROUP, f"{NOTIFIER}-logs")
    assert log_group.inputs["name"] == f"/aws/lambda/{function.inputs['name']}"
    assert log_group.inputs["retentionInDays"] == 365
    assert function.inputs["loggingConfig"] == {
        "logFormat": "JSON",
        "logGroup": log_group.inputs["name"],
        "applicationLogLevel": "INFO",
        "systemLogLevel": "WARN",
    }


def test_event_source_mapping_folds_batches_and_reports_item_failures(hub_stack: RecordedStack) -> None:
    """GIVEN batchWindowSeconds 30 THEN the mapping reads the buffer with that window and a large batch."""
    mapping = hub_stack.one(EVENT_SOURCE_MAPPING)
    assert mapping.inputs["eventSourceArn"] == hub_stack.named(QUEUE, f"{COMPONENT}-buffer").arn
    assert mapping.inputs["functionName"] == hub_stack.named(FUNCTION, NOTIFIER).outputs["name"]
    assert mapping.inputs["functionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping.inputs["maximumBatchingWindowInSeconds"] == 30
    assert mapping.inputs["batchSize"] == 1000


def test_no_batching_window_caps_the_batch_at_ten(
    record_stack: RecordStack, hub_config: dict[str, Any]
) -> None:
    """GIVEN batchWindowSeconds 0 THEN the batch size is 10, the most SQS allows without a window."""
    hub_config["batchWindowSeconds"] = 0
    mapping = record_stack(hub_config).one(EVENT_SOURCE_MAPPING)
    assert mapping.inputs["maximumBatchingWindowInSeconds"] == 0
    assert mapping.inputs["batchSize"] == 10


def test_topic_is_encrypted_with_a_rotating_customer_managed_key(hub_stack: RecordedStack) -> None:
    """GIVEN the hub THEN the topic uses the component's own KMS key, which rotates."""
    key = hub_stack.one(KEY)
    assert key.inputs["enableKeyRotation"] is True
    assert hub_stack.named(TOPIC, f"{COMPONENT}-topic").inputs["kmsMasterKeyId"] == key.arn


def test_key_policy_admits_the_account_sns_cloudwatch_and_the_notifier_only(hub_stack: RecordedStack) -> None:
    """GIVEN the topic key THEN its policy names the account, SNS, CloudWatch and the notifier role only."""
    by_sid = statements(hub_stack.one(KEY).json_input("policy"))
    assert set(by_sid) == {
        "AllowAccountAdministration",
        "AllowServicesPublishingToTopic",
        "AllowNotifierToPublish",
    }
    admin = by_sid["AllowAccountAdministration"]
    assert admin["Principal"] == {"AWS": f"arn:aws:iam::{HUB_ACCOUNT}:root"}
    assert admin["Action"] == "kms:*"
    services = by_sid["AllowServicesPublishingToTopic"]
    assert services["Principal"] == {"Service": ["sns.amazonaws.com", "cloudwatch.amazonaws.com"]}
    assert services["Action"] == ["kms:GenerateDataKey*", "kms:Decrypt"]
    assert services["Condition"] == {"StringEquals": {"aws:SourceAccount": HUB_ACCOUNT}}
    notifier = by_sid["AllowNotifierToPublish"]
    assert notifier["Principal"] == {"AWS": hub_stack.named(ROLE, f"{COMPONENT}-notifier-role").arn}
    assert notifier["Action"] == ["kms:GenerateDataKey", "kms:Decrypt"]
    for statement in by_sid.values():
        assert statement["Effect"] == "Allow"
        assert statement["Principal"] != "*"


def test_one_email_subscription_per_address(hub_stack: RecordedStack) -> None:
    """GIVEN two notification e-mails THEN each gets an email subscription to the topic."""
    topic = hub_stack.named(TOPIC, f"{COMPONENT}-topic")
    subscriptions = [s for s in hub_stack.of_type(SUBSCRIPTION) if s.inputs["topic"] == topic.arn]
    assert sorted(s.inputs["endpoint"] for s in subscriptions) == [
        "oncall@example.com",
        "security@example.com",
    ]
    for subscription in subscriptions:
        assert subscription.inputs["protocol"] == "email"
        assert subscription.inputs["topic"] == topic.arn


def test_no_emails_means_no_subscriptions(record_stack: RecordStack, hub_config: dict[str, Any]) -> None:
    """GIVEN no notificationEmails THEN the topic has no subscriptions (others can subscribe later)."""
    del hub_config["notificationEmails"]
    assert record_stack(hub_config).of_type(SUBSCRIPTION) == []


def test_notifier_role_is_trusted_by_lambda(hub_stack: RecordedStack) -> None:
    """GIVEN the notifier role THEN only the Lambda service may assume it."""
    role = hub_stack.named(ROLE, f"{COMPONENT}-notifier-role")
    (statement,) = role.json_input("assumeRolePolicy")["Statement"]
    assert statement["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"


def test_notifier_policy_is_least_privilege(hub_stack: RecordedStack) -> None:
    """GIVEN the notifier policy THEN each permission names only its own queue, topic, key or log group."""
    policy = hub_stack.named(ROLE_POLICY, f"{COMPONENT}-notifier-policy")
    assert policy.inputs["role"] == hub_stack.named(ROLE, f"{COMPONENT}-notifier-role").outputs["name"]
    by_sid = statements(policy.json_input("policy"))
    assert by_sid == {
        "ConsumeBufferQueue": {
            "Sid": "ConsumeBufferQueue",
            "Effect": "Allow",
            "Action": [
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                "sqs:ChangeMessageVisibility",
            ],
            "Resource": hub_stack.named(QUEUE, f"{COMPONENT}-buffer").arn,
        },
        "PublishNotifications": {
            "Sid": "PublishNotifications",
            "Effect": "Allow",
            "Action": "sns:Publish",
            "Resource": hub_stack.named(TOPIC, f"{COMPONENT}-topic").arn,
        },
        "UseTopicKey": {
            "Sid": "UseTopicKey",
            "Effect": "Allow",
            "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
            "Resource": hub_stack.one(KEY).arn,
        },
        "WriteOwnLogs": {
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": (
                f"arn:aws:logs:{HUB_REGION}:{HUB_ACCOUNT}:log-group:/aws/lambda/root-activity-monitor-notifier:*"
            ),
        },
    }


def test_hub_forwards_its_own_root_activity_in_every_region(hub_stack: RecordedStack) -> None:
    """GIVEN three regions THEN the hub has a default-bus rule per region, matching root activity or its own
    heartbeats, delivering to its own bus."""
    bus = hub_stack.one(BUS)
    role = hub_stack.named(ROLE, f"{COMPONENT}-forward-role")
    heartbeat_role = str(hub_stack.named(ROLE, f"{COMPONENT}-forward-heartbeat-role").arn)
    for region in REGIONS:
        rule = hub_stack.named(RULE, f"{COMPONENT}-forward-{region}-rule")
        target = hub_stack.named(TARGET, f"{COMPONENT}-forward-{region}-target")
        assert rule.inputs["region"] == target.inputs["region"] == region
        assert "eventBusName" not in rule.inputs  # the account's default bus
        pattern = json.loads(rule.inputs["eventPattern"])
        assert pattern == json.loads(watching_the_tamper_rule(heartbeat.forwarding_pattern(heartbeat_role)))
        assert root_activity_pattern() in pattern["$or"]
        assert rule.inputs["state"] == ROOT_ACTIVITY_RULE_STATE
        assert target.inputs["arn"] == bus.arn
        assert target.inputs["roleArn"] == role.arn
    trust = role.json_input("assumeRolePolicy")["Statement"][0]
    assert trust["Condition"] == {
        "StringEquals": {"aws:SourceAccount": HUB_ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:events:*:{HUB_ACCOUNT}:rule/{MONITOR_NAME_PREFIX}*"},
    }
    permission = hub_stack.named(ROLE_POLICY, f"{COMPONENT}-forward-role-policy").json_input("policy")
    assert permission["Statement"][0]["Resource"] == bus.arn


def test_hub_outputs_are_exported(hub_stack: RecordedStack) -> None:
    """GIVEN the hub program THEN it exports the bus, topic, queue, DLQ and function of the component, and
    the heartbeat interval."""
    assert hub_stack.exports == {
        "eventBusArn": hub_stack.one(BUS).arn,
        "eventBusName": "root-activity-monitor",
        "topicArn": hub_stack.named(TOPIC, f"{COMPONENT}-topic").arn,
        "queueUrl": hub_stack.named(QUEUE, f"{COMPONENT}-buffer").outputs["url"],
        "deadLetterQueueArn": hub_stack.named(QUEUE, f"{COMPONENT}-buffer-dlq").arn,
        "functionName": "root-activity-monitor-notifier",
        "heartbeatIntervalMinutes": 60,
    }


def test_resources_wait_for_the_permissions_they_need(hub_stack: RecordedStack) -> None:
    """GIVEN the hub THEN the function, mapping and targets are created after the policies they rely on."""
    notifier_policy = hub_stack.named(ROLE_POLICY, f"{COMPONENT}-notifier-policy").urn
    # Creating an SQS event source mapping fails unless the role may already read the queue.
    assert notifier_policy in hub_stack.one(EVENT_SOURCE_MAPPING).dependencies
    assert notifier_policy in hub_stack.named(FUNCTION, NOTIFIER).dependencies
    notify_target = hub_stack.named(TARGET, f"{COMPONENT}-notify-target")
    assert hub_stack.named(QUEUE_POLICY, f"{COMPONENT}-buffer-policy").urn in notify_target.dependencies
    assert hub_stack.named(QUEUE_POLICY, f"{COMPONENT}-notify-dlq-policy").urn in notify_target.dependencies
    forward_policy = hub_stack.named(ROLE_POLICY, f"{COMPONENT}-forward-role-policy").urn
    for region in REGIONS:
        target = hub_stack.named(TARGET, f"{COMPONENT}-forward-{region}-target")
        assert forward_policy in target.dependencies
        assert (
            hub_stack.named(QUEUE_POLICY, f"{COMPONENT}-forward-{region}-dlq-policy").urn
            in target.dependencies
        )
