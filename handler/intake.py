"""Read an SQS batch, each body parsed once: every record is a root event, a tamper event, a heartbeat, an
unparseable record or an ignored non-root event, and lands in exactly one list.

Each SQS body should be an EventBridge event carrying a CloudTrail record. Nothing here raises for bad input:
a record that cannot be read is kept, with its raw body, so it can still be reported. Only records the rules
matched reach the notifier, so a record with a field of the wrong JSON type (EventBridge matches a list
that contains "Root") is reported as unparseable rather than guessed at or dropped.

The order of the questions matters: a heartbeat is recognised first (it is never root activity nor tamper);
a root actor's record is root activity whatever it did; a non-root change to the monitor's services is
tamper; anything else is ignored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .heartbeat import Heartbeat, heartbeat_of
from .root_event import RootEvent, assume_root_call, member, mfa_used, text
from .root_paths import root_path
from .shape import wrong_types
from .tamper import TamperEvent
from .tamper_intake import is_tamper, tamper_event
from .textsafe import valid_unicode

CLOUDTRAIL_DETAIL_TYPES = frozenset(
    {
        "AWS API Call via CloudTrail",
        "AWS Console Sign In via CloudTrail",
        # The EventBridge documentation spells it both ways.
        "AWS Console Signin via CloudTrail",
        "AWS Console Action via CloudTrail",
        "AWS Service Event via CloudTrail",
    }
)


@dataclass(frozen=True, slots=True)
class Unparseable:
    """A record that is not JSON, not an EventBridge event, not a CloudTrail record, or malformed."""

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
    """Root activity."""
    tamper: list[TamperEvent] = field(default_factory=list)
    heartbeats: list[Heartbeat] = field(default_factory=list)
    unparseable: list[Unparseable] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)


Record = RootEvent | TamperEvent | Heartbeat | Unparseable | Ignored


def read_batch(sqs_event: object) -> Intake:
    """Sort every record of an SQS event into the intake's lists."""
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
        elif isinstance(outcome, TamperEvent):
            intake.tamper.append(outcome)
        elif isinstance(outcome, Heartbeat):
            intake.heartbeats.append(outcome)
        elif isinstance(outcome, Unparseable):
            intake.unparseable.append(outcome)
        else:
            intake.ignored.append(outcome)
    return intake


def read_record(record: object) -> Record:
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
    account_hint = valid_unicode(text(envelope.get("account")))
    detail_type = envelope.get("detail-type")
    detail = envelope.get("detail")
    if not isinstance(detail_type, str) or not isinstance(detail, dict):
        reason = "body is not an EventBridge event (no detail-type or detail)"
        return Unparseable(message_id, reason, body, account_hint)
    if detail_type not in CLOUDTRAIL_DETAIL_TYPES:
        reason = f"not a CloudTrail record (detail-type {detail_type[:100]!r})"
        return Unparseable(message_id, reason, body, account_hint)
    identity = detail.get("userIdentity")
    if not isinstance(identity, dict) or not isinstance(detail.get("eventName"), str):
        reason = "not a CloudTrail record (missing or malformed eventName or userIdentity)"
        return Unparseable(message_id, reason, body, account_hint)
    beat = heartbeat_of(message_id, envelope, detail)
    if beat is not None:
        return beat
    malformed = wrong_types(envelope, detail, identity)
    if malformed:
        reason = f"matched the rule but has fields of the wrong type: {', '.join(malformed)}"
        return Unparseable(message_id, reason, body, account_hint)
    return _classified(message_id, envelope, detail, identity)


def _classified(
    message_id: str, envelope: dict[str, Any], detail: dict[str, Any], identity: dict[str, Any]
) -> RootEvent | TamperEvent | Ignored:
    assumed_root = _flag(member(identity.get("sessionContext"), "assumedRoot")) is True
    identity_type = text(identity.get("type"))
    call = assume_root_call(detail, identity)
    event_id = valid_unicode(text(detail.get("eventID")))
    path = root_path(detail, identity) if identity_type != "Root" else None
    envelope_account = text(envelope.get("account"))
    recipient = text(detail.get("recipientAccountId"))
    # EventBridge sets the envelope's account (the sender for PutEvents); the detail is whatever was sent.
    account = _s(envelope_account or recipient or text(identity.get("accountId")))
    claimed = _s(recipient if envelope_account and recipient and recipient != envelope_account else "")
    dedupe_id = event_id or _s(envelope.get("id")) or message_id
    if identity_type != "Root" and not assumed_root and call is None and path is None:
        if is_tamper(envelope, detail):
            return tamper_event(
                message_id, envelope, detail, identity, account=account, claimed=claimed, dedupe_id=dedupe_id
            )
        return Ignored(message_id, event_id, valid_unicode(detail["eventName"]), valid_unicode(identity_type))
    # A granted AssumeRoot is about the member account it opened; a refused one is the caller's business.
    if call is not None and call.target_account and not claimed:
        account = call.target_account
    if path is not None and path.target_account and not claimed:
        account = path.target_account
    return RootEvent(
        message_id=message_id,
        event_id=event_id,
        event_name=valid_unicode(detail["eventName"]),
        event_source=_s(detail.get("eventSource")),
        event_time=_s(detail.get("eventTime") or envelope.get("time")),
        event_type=_s(detail.get("eventType")),
        aws_region=_s(detail.get("awsRegion") or envelope.get("region")),
        account_id=account,
        source_ip=_s(detail.get("sourceIPAddress")),
        user_agent=_s(detail.get("userAgent")),
        access_key_id=_s(identity.get("accessKeyId")),
        invoked_by=_s(identity.get("invokedBy")),
        error_code=_s(detail.get("errorCode")),
        error_message=_s(detail.get("errorMessage")),
        read_only=_flag(detail.get("readOnly")),
        assumed_root=assumed_root and call is None,
        mfa_used=mfa_used(detail.get("additionalEventData")),
        result=_s(member(detail.get("responseElements"), detail["eventName"])),
        dedupe_id=dedupe_id,
        claimed_account=claimed,
        identity_arn=_s(identity.get("arn")),
        assume_root_call=call,
        root_path=_s(path.label) if path else "",
        issued_by_root=path.issued_by_root if path else False,
    )


def _s(value: object) -> str:
    """A text field as valid UTF-8, or empty; called for every field of every record, hence inlined."""
    if isinstance(value, str):
        return value if value.isascii() else valid_unicode(value)
    return ""


def _message_id(record: object) -> str:
    message_id = record.get("messageId") if isinstance(record, dict) else None
    if isinstance(message_id, str):
        return valid_unicode(message_id)
    return "" if message_id is None else json.dumps(message_id, default=str)


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
