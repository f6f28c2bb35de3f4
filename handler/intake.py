"""Read an SQS batch: every record becomes a root event, an unparseable record or an ignored non-root event.

Each SQS body should be an EventBridge event carrying a CloudTrail record. Nothing here raises for bad input:
a record that cannot be read is kept, with its raw body, so it can still be reported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .textsafe import valid_unicode

CLOUDTRAIL_DETAIL_TYPES = frozenset(
    {
        "AWS API Call via CloudTrail",
        "AWS Console Sign In via CloudTrail",
        # The EventBridge documentation spells it both ways.
        "AWS Console Signin via CloudTrail",
        "AWS Service Event via CloudTrail",
    }
)


@dataclass(frozen=True, slots=True)
class RootEvent:
    """The fields of a root user's CloudTrail record that classification and notifications use."""

    message_id: str
    event_id: str
    event_name: str
    event_source: str
    event_time: str
    event_type: str
    aws_region: str
    account_id: str
    source_ip: str
    user_agent: str
    access_key_id: str
    invoked_by: str
    error_code: str
    error_message: str
    read_only: bool | None
    assumed_root: bool
    mfa_used: str
    """``"Yes"``/``"No"`` from ``additionalEventData.MFAUsed``; empty when CloudTrail does not say."""
    console_login: str
    """``"Success"``/``"Failure"`` from ``responseElements.ConsoleLogin``; empty for other events."""

    @property
    def session(self) -> str:
        """The actor session: the access key ID, else the source IP address."""
        return self.access_key_id or self.source_ip


@dataclass(frozen=True, slots=True)
class Unparseable:
    """A record that is not JSON, not an EventBridge event or not a CloudTrail record."""

    message_id: str
    reason: str
    raw_body: str
    account_hint: str = ""
    """The EventBridge ``account`` when the envelope could be read far enough to show it."""


@dataclass(frozen=True, slots=True)
class Ignored:
    """A readable CloudTrail record whose actor is not the root user (the rule's pattern let it through)."""

    message_id: str
    event_id: str
    event_name: str
    identity_type: str


@dataclass(slots=True)
class Intake:
    """Every record of one batch, each in exactly one list."""

    events: list[RootEvent] = field(default_factory=list)
    unparseable: list[Unparseable] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)


def read_batch(sqs_event: object) -> Intake:
    """Sort every record of an SQS event into root events, unparseable records and ignored records."""
    intake = Intake()
    records = sqs_event.get("Records") if isinstance(sqs_event, dict) else None
    if not isinstance(records, list):
        return intake
    for record in records:
        try:
            outcome = read_record(record)
        except Exception as exc:  # a reader bug must not lose the record: report it instead
            outcome = Unparseable(_message_id(record), f"could not be read: {exc!r}", _raw(record))
        if isinstance(outcome, RootEvent):
            intake.events.append(outcome)
        elif isinstance(outcome, Unparseable):
            intake.unparseable.append(outcome)
        else:
            intake.ignored.append(outcome)
    return intake


def read_record(record: object) -> RootEvent | Unparseable | Ignored:
    """Read one SQS record."""
    message_id = _message_id(record)
    body = record.get("body") if isinstance(record, dict) else None
    if not isinstance(body, str):
        return Unparseable(message_id, "SQS record has no text body", _raw(record))
    try:
        envelope = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        return Unparseable(message_id, "body is not JSON", body)
    if not isinstance(envelope, dict):
        return Unparseable(message_id, "body is not an EventBridge event (not a JSON object)", body)
    account_hint = _text(envelope.get("account"))
    detail_type = envelope.get("detail-type")
    detail = envelope.get("detail")
    if not isinstance(detail_type, str) or not isinstance(detail, dict):
        reason = "body is not an EventBridge event (no detail-type or detail)"
        return Unparseable(message_id, reason, body, account_hint)
    if detail_type not in CLOUDTRAIL_DETAIL_TYPES:
        reason = f"not a CloudTrail record (detail-type {detail_type[:100]!r})"
        return Unparseable(message_id, reason, body, account_hint)
    identity = detail.get("userIdentity")
    missing = [key for key in ("eventID", "eventName") if not isinstance(detail.get(key), str)]
    if not isinstance(identity, dict):
        missing.append("userIdentity")
    if missing or not isinstance(identity, dict):
        reason = f"not a CloudTrail record (missing or malformed {', '.join(missing)})"
        return Unparseable(message_id, reason, body, account_hint)
    return _root_event_or_ignored(message_id, envelope, detail, identity)


def _root_event_or_ignored(
    message_id: str, envelope: dict[str, Any], detail: dict[str, Any], identity: dict[str, Any]
) -> RootEvent | Ignored:
    session_context = identity.get("sessionContext")
    assumed_root = isinstance(session_context, dict) and _flag(session_context.get("assumedRoot")) is True
    identity_type = _text(identity.get("type"))
    if identity_type != "Root" and not assumed_root:
        return Ignored(message_id, _text(detail["eventID"]), _text(detail["eventName"]), identity_type)
    return RootEvent(
        message_id=message_id,
        event_id=_text(detail["eventID"]),
        event_name=_text(detail["eventName"]),
        event_source=_text(detail.get("eventSource")),
        event_time=_text(detail.get("eventTime")) or _text(envelope.get("time")),
        event_type=_text(detail.get("eventType")),
        aws_region=_text(detail.get("awsRegion")) or _text(envelope.get("region")),
        account_id=(
            _text(detail.get("recipientAccountId"))
            or _text(identity.get("accountId"))
            or _text(envelope.get("account"))
        ),
        source_ip=_text(detail.get("sourceIPAddress")),
        user_agent=_text(detail.get("userAgent")),
        access_key_id=_text(identity.get("accessKeyId")),
        invoked_by=_text(identity.get("invokedBy")),
        error_code=_text(detail.get("errorCode")),
        error_message=_text(detail.get("errorMessage")),
        read_only=_flag(detail.get("readOnly")),
        assumed_root=assumed_root,
        mfa_used=_text(_member(detail.get("additionalEventData"), "MFAUsed")),
        console_login=_text(_member(detail.get("responseElements"), "ConsoleLogin")),
    )


def _message_id(record: object) -> str:
    message_id = record.get("messageId") if isinstance(record, dict) else None
    return _text(message_id)


def _member(container: object, key: str) -> object:
    return container.get(key) if isinstance(container, dict) else None


def _text(value: object) -> str:
    """A field as text: strings as valid Unicode, absent/null as empty, anything else as compact JSON."""
    if isinstance(value, str):
        return valid_unicode(value)
    if value is None:
        return ""
    return json.dumps(value, default=str, separators=(",", ":"))


def _flag(value: object) -> bool | None:
    """CloudTrail booleans arrive as JSON booleans or as the strings "true"/"false"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _raw(record: object) -> str:
    """The record as text, for reporting a record that has no usable body."""
    if isinstance(record, dict) and isinstance(record.get("body"), str):
        return str(record["body"])
    try:
        return json.dumps(record, default=str)
    except (ValueError, RecursionError):
        return repr(record)
