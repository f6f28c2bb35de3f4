"""Which non-root records are tamper records, read into TamperEvents.

Intake reads each record once and offers a readable non-root CloudTrail record here: a write to one of the
watched services is a tamper event; anything else, a read, another service or a heartbeat's call, is not.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .tamper import TamperEvent
from .textsafe import valid_unicode

API_CALL_DETAIL_TYPE = "AWS API Call via CloudTrail"
WATCHED_SOURCES = frozenset(
    f"{service}.amazonaws.com"
    for service in (
        "events",
        "cloudtrail",
        "sqs",
        "lambda",
        "sns",
        "kms",
        "iam",
        "organizations",
        "scheduler",
        "monitoring",
        "dynamodb",
    )
)
READ_PREFIXES = ("Get", "List", "Describe", "Head", "Lookup", "Search", "Check", "View")
# Calls that change nothing although their names do not say so: the heartbeat's own call among them, which
# is recorded or ignored, never mailed as tampering.
NOT_CHANGES = frozenset({("events.amazonaws.com", "TestEventPattern")})
# requestParameters fields that name what was changed, most specific first.
RESOURCE_FIELDS = (
    "rule", "name", "eventBusName", "trailName", "queueUrl", "functionName", "uUID", "subscriptionArn",
    "topicArn", "keyId", "roleName", "alarmNames", "alarmName", "accountId", "tableName", "resourceArn",
)  # fmt: skip


def is_tamper(envelope: Mapping[str, Any], detail: Mapping[str, Any]) -> bool:
    """A non-root record (intake has checked) that changes a service the monitor is made of."""
    if envelope.get("detail-type") != API_CALL_DETAIL_TYPE:
        return False
    source, name = detail.get("eventSource"), detail["eventName"]
    if source not in WATCHED_SOURCES or (source, name) in NOT_CHANGES:
        return False
    return not name.startswith(READ_PREFIXES)


def tamper_event(
    message_id: str,
    envelope: Mapping[str, Any],
    detail: Mapping[str, Any],
    identity: Mapping[str, Any],
    *,
    account: str,
    claimed: str,
    dedupe_id: str,
) -> TamperEvent:
    """The tamper event of a record ``is_tamper`` accepted; text fields are already known to be text."""
    session = identity.get("sessionContext")
    issuer = session.get("sessionIssuer") if isinstance(session, dict) else None
    return TamperEvent(
        message_id=message_id,
        event_id=_text(detail.get("eventID")),
        event_name=_text(detail["eventName"]),
        event_source=_text(detail.get("eventSource")),
        event_time=_text(detail.get("eventTime")) or _text(envelope.get("time")),
        aws_region=_text(detail.get("awsRegion")) or _text(envelope.get("region")),
        account_id=account,
        actor=_text(identity.get("arn")) or _text(identity.get("invokedBy")) or _text(identity.get("type")),
        issuer=_text(issuer.get("arn")) if isinstance(issuer, dict) else "",
        source_ip=_text(detail.get("sourceIPAddress")),
        user_agent=_text(detail.get("userAgent")),
        resource=_resource(detail.get("requestParameters"), detail["eventName"]),
        error_code=_text(detail.get("errorCode")),
        error_message=_text(detail.get("errorMessage")),
        dedupe_id=dedupe_id,
        claimed_account=claimed,
    )


def _resource(parameters: object, event_name: str) -> str:
    if isinstance(parameters, Mapping):
        for key in RESOURCE_FIELDS:
            value = parameters.get(key)
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                value = ", ".join(value)  # DeleteAlarms names several alarms
            if value:
                shown = (
                    value if isinstance(value, str) else json.dumps(value, default=str, separators=(",", ":"))
                )
                return valid_unicode(shown)
    return "the organization" if event_name == "LeaveOrganization" else "(not named in the record)"


def _text(value: object) -> str:
    return valid_unicode(value) if isinstance(value, str) else ""
