"""The JSON types the notifier expects of the CloudTrail fields it reads.

EventBridge matches a pattern value against any element of a list, so `"type": ["Root", "x"]` reaches the
notifier as root activity. Such records are reported as unparseable, never guessed at or dropped.

The object fields (``requestParameters``, ``responseElements``, ``additionalEventData``) are another
matter: published samples and exports write them as JSON text, or redact them to a placeholder string. Text
holding a JSON object is read as that object; anything else stands for "not recorded", and is reported only
where the notifier needs the field to grade the record (a sign-in's result and MFA, an AssumeRoot's target,
task and credentials).
"""

from __future__ import annotations

import json
from typing import Any

_ENVELOPE_TEXT = ("id", "account", "time", "region", "source")
_DETAIL_TEXT = (
    "eventID", "eventName", "eventSource", "eventTime", "eventType", "awsRegion", "recipientAccountId",
    "sourceIPAddress", "userAgent", "errorCode", "errorMessage",
)  # fmt: skip
_IDENTITY_TEXT = ("type", "arn", "accountId", "principalId", "accessKeyId", "invokedBy")
_DETAIL_OBJECTS = ("additionalEventData", "responseElements", "requestParameters")
_SIGNIN = "signin.amazonaws.com"
_ASSUME_ROOT = ("sts.amazonaws.com", "AssumeRoot")


def wrong_types(envelope: dict[str, Any], detail: dict[str, Any], identity: dict[str, Any]) -> list[str]:
    """Paths of the fields the notifier reads whose JSON type is not what CloudTrail writes.

    Object fields given as JSON text are replaced in ``detail`` by the object they hold, and unneeded ones
    that hold none by None, so that readers see objects or nothing.
    """
    wrong = [f"{k} ({_kind(envelope[k])})" for k in _ENVELOPE_TEXT if not _text_or_none(envelope.get(k))]
    wrong += [f"detail.{k} ({_kind(detail[k])})" for k in _DETAIL_TEXT if not _text_or_none(detail.get(k))]
    wrong += [
        f"userIdentity.{k} ({_kind(identity[k])})"
        for k in _IDENTITY_TEXT
        if not _text_or_none(identity.get(k))
    ]
    for key in _DETAIL_OBJECTS:
        value = detail.get(key)
        if value is None or isinstance(value, dict):  # nearly always: needed_objects is seldom asked
            continue
        held = _object_in(value)
        if held is not None:
            detail[key] = held
        elif key in needed_objects(detail):
            wrong.append(f"detail.{key} ({_kind(value)})")
        else:
            detail[key] = None
    context = identity.get("sessionContext")
    if context is not None and not isinstance(context, dict):
        wrong.append(f"userIdentity.sessionContext ({_kind(context)})")
    return wrong


def needed_objects(detail: dict[str, Any]) -> frozenset[str]:
    """The object fields that decide this record's grade."""
    source, name = detail.get("eventSource"), detail.get("eventName")
    needed: set[str] = set()
    if source == _SIGNIN:
        needed.add("responseElements")  # "Success"/"Failure" of a sign-in or a password reset step
    if name == "ConsoleLogin":
        needed |= {"responseElements", "additionalEventData"}  # the result and whether MFA was used
    if (source, name) == _ASSUME_ROOT:
        needed |= {"requestParameters", "responseElements"}  # target, task, issued key and expiry
    return frozenset(needed)


def _object_in(value: object) -> dict[str, Any] | None:
    if not isinstance(value, str) or not value.lstrip().startswith("{"):
        return None
    try:
        held = json.loads(value)
    except (ValueError, RecursionError):
        return None
    return held if isinstance(held, dict) else None


def _text_or_none(value: object) -> bool:
    return value is None or value.__class__ is str


def _kind(value: object) -> str:
    return {dict: "object", list: "list", bool: "boolean"}.get(type(value), type(value).__name__)
