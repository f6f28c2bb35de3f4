"""Which non-root records are tamper records, read into TamperEvents.

Intake sorts a batch into root events, unparseable and ignored records; the tamper rule's records land among
the ignored (their identity is not root). A readable write to one of the watched services is taken out of
them here; anything else, a read or another service, stays ignored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
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
    )
)
READ_PREFIXES = ("Get", "List", "Describe", "Head", "Lookup", "Search", "Check", "View")
# requestParameters fields that name what was changed, most specific first.
RESOURCE_FIELDS = (
    "rule", "name", "eventBusName", "trailName", "queueUrl", "functionName", "uUID", "subscriptionArn",
    "topicArn", "keyId", "roleName", "alarmNames", "alarmName", "accountId",
)  # fmt: skip


def read_tamper(record: object) -> TamperEvent | None:
    """The tamper event in an SQS record, or None when the record is not a non-root change we watch."""
    body = record.get("body") if isinstance(record, dict) else None
    try:
        envelope = json.loads(body) if isinstance(body, str) else None
    except (ValueError, RecursionError):
        return None
    detail = envelope.get("detail") if isinstance(envelope, dict) else None
    if not isinstance(envelope, dict) or not isinstance(detail, dict):
        return None
    if envelope.get("detail-type") != API_CALL_DETAIL_TYPE:
        return None
    identity = detail.get("userIdentity")
    name = detail.get("eventName")
    if not isinstance(identity, dict) or identity.get("type") == "Root" or not isinstance(name, str):
        return None
    source = detail.get("eventSource")
    if not isinstance(source, str) or source not in WATCHED_SOURCES or name.startswith(READ_PREFIXES):
        return None
    session = identity.get("sessionContext")
    issuer = session.get("sessionIssuer") if isinstance(session, dict) else None
    return TamperEvent(
        message_id=_text(record.get("messageId") if isinstance(record, dict) else None),
        event_id=_text(detail.get("eventID")),
        event_name=_text(name),
        event_source=_text(detail.get("eventSource")),
        event_time=_text(detail.get("eventTime")) or _text(envelope.get("time")),
        aws_region=_text(detail.get("awsRegion")) or _text(envelope.get("region")),
        account_id=_text(detail.get("recipientAccountId")) or _text(envelope.get("account")),
        actor=_text(identity.get("arn")) or _text(identity.get("invokedBy")) or _text(identity.get("type")),
        issuer=_text(issuer.get("arn")) if isinstance(issuer, dict) else "",
        source_ip=_text(detail.get("sourceIPAddress")),
        user_agent=_text(detail.get("userAgent")),
        resource=_resource(detail.get("requestParameters"), name),
        error_code=_text(detail.get("errorCode")),
        error_message=_text(detail.get("errorMessage")),
    )


def take_tamper(sqs_event: object, ignored: Iterable[Any]) -> tuple[list[TamperEvent], list[Any]]:
    """Split the records intake ignored (non-root) into tamper events and the rest, still ignored."""
    records = sqs_event.get("Records") if isinstance(sqs_event, dict) else None
    records = records if isinstance(records, list) else []
    by_id = {
        r["messageId"]: r for r in records if isinstance(r, dict) and isinstance(r.get("messageId"), str)
    }
    tampered: list[TamperEvent] = []
    rest: list[Any] = []
    for item in ignored:
        try:
            event = read_tamper(by_id.get(item.message_id))
        except Exception:  # a reader bug must not fail the batch: the record stays ignored, and is logged
            event = None
        if event is None:
            rest.append(item)
        else:
            tampered.append(event)
    return tampered, rest


def _resource(parameters: object, event_name: str) -> str:
    if isinstance(parameters, Mapping):
        for key in RESOURCE_FIELDS:
            value = parameters.get(key)
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                value = ", ".join(value)  # DeleteAlarms names several alarms
            if value:
                return _text(value)
    return "the organization" if event_name == "LeaveOrganization" else "(not named in the record)"


def _text(value: object) -> str:
    if isinstance(value, str):
        return valid_unicode(value)
    return "" if value is None else json.dumps(value, default=str, separators=(",", ":"))
