"""The JSON types the notifier expects of the CloudTrail fields it reads.

EventBridge matches a pattern value against any element of a list, so `"type": ["Root", "x"]` reaches the
notifier as root activity. Such records are reported as unparseable, never guessed at or dropped.
"""

from __future__ import annotations

from typing import Any

_ENVELOPE_TEXT = ("id", "account", "time", "region", "source")
_DETAIL_TEXT = (
    "eventID", "eventName", "eventSource", "eventTime", "eventType", "awsRegion", "recipientAccountId",
    "sourceIPAddress", "userAgent", "errorCode", "errorMessage",
)  # fmt: skip
_IDENTITY_TEXT = ("type", "arn", "accountId", "principalId", "accessKeyId", "invokedBy")
_DETAIL_OBJECTS = ("additionalEventData", "responseElements", "requestParameters")


def wrong_types(envelope: dict[str, Any], detail: dict[str, Any], identity: dict[str, Any]) -> list[str]:
    """Paths of the fields the notifier reads whose JSON type is not what CloudTrail writes."""
    wrong = [f"{k} ({_kind(envelope[k])})" for k in _ENVELOPE_TEXT if _not_text(envelope.get(k))]
    wrong += [f"detail.{k} ({_kind(detail[k])})" for k in _DETAIL_TEXT if _not_text(detail.get(k))]
    wrong += [
        f"userIdentity.{k} ({_kind(identity[k])})" for k in _IDENTITY_TEXT if _not_text(identity.get(k))
    ]
    wrong += [
        f"detail.{k} ({_kind(detail[k])})"
        for k in _DETAIL_OBJECTS
        if detail.get(k) is not None and not isinstance(detail[k], dict)
    ]
    context = identity.get("sessionContext")
    if context is not None and not isinstance(context, dict):
        wrong.append(f"userIdentity.sessionContext ({_kind(context)})")
    return wrong


def _not_text(value: object) -> bool:
    return value is not None and not isinstance(value, str)


def _kind(value: object) -> str:
    return {dict: "object", list: "list", bool: "boolean"}.get(type(value), type(value).__name__)
