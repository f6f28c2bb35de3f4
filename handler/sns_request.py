"""An SNS publish request as every category builds it: one body per protocol, filter attributes, a subject.

Published with ``MessageStructure=json``: ``email`` gets the text, ``https`` the AWS Chatbot notification,
and every other protocol (``sqs``, ``lambda``, ``email-json``, ``application``) the ``default`` body, the
JSON document. The document is written once, as ``default``, not repeated under ``sqs``/``lambda``/
``email-json``: SNS counts the whole message, subject and attributes against 262,144 bytes, and each copy
would take room from the events.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from .textsafe import one_line, printable_ascii, shorten, valid_unicode

SNS_MESSAGE_LIMIT = 262_144
SUBJECT_LIMIT = 100
ATTRIBUTE_CHARS = 256
# SNS sends ``default`` to every protocol without a key of its own: sqs, lambda, email-json, application.
DOCUMENT_PROTOCOLS = ("default",)
# One encoder for every body: json.dumps with separators builds a new encoder on each call.
compact_json = json.JSONEncoder(separators=(",", ":")).encode


@dataclass(frozen=True, slots=True)
class PublishRequest:
    topic_arn: str
    subject: str
    message: str
    """The ``MessageStructure=json`` message: one body per protocol."""
    attributes: dict[str, str]
    truncated: bool
    message_ids: tuple[str, ...]
    """The SQS records behind this notification: what to retry if publishing fails."""

    @property
    def size(self) -> int:
        """Bytes SNS counts against its limit: message, subject and attribute names, types and values."""
        attributes = sum(
            len(k.encode()) + len(b"String") + len(v.encode()) for k, v in self.attributes.items()
        )
        return len(self.message.encode()) + len(self.subject.encode()) + attributes


def filter_attributes(values: Mapping[str, str]) -> dict[str, str]:
    """Message attributes for subscription filter policies: one line, valid UTF-8, 256 characters at most."""
    return {k: valid_unicode(shorten(one_line(v), ATTRIBUTE_CHARS)) or "unknown" for k, v in values.items()}


def message_attributes(category: str, severity: str, account_id: str, event_name: str) -> dict[str, str]:
    """``category``, ``severity``, ``accountId``, ``eventName``: the attributes every notification carries."""
    values = {"category": category, "severity": severity, "accountId": account_id, "eventName": event_name}
    return filter_attributes(values)


def chatbot_card(title: str, description: str) -> str:
    """An AWS Chatbot custom notification (Slack/Teams, ``client-markdown``): the ``https`` body. Both texts
    are already markdown-safe."""
    content = {"textType": "client-markdown", "title": title, "description": description}
    return compact_json({"version": "1.0", "source": "custom", "content": content})


def structured_message(document_json: str, email: str, https: str) -> str:
    """The ``MessageStructure=json`` message: the JSON document for ``default`` (every protocol without a key
    of its own), the text for ``email``, the AWS Chatbot card for ``https``."""
    bodies = dict.fromkeys(DOCUMENT_PROTOCOLS, document_json) | {"email": email, "https": https}
    return compact_json(bodies)


def subject_line(severity: str, headline: str, account_id: str, account_name: str) -> str:
    """``[SEVERITY] headline - name (id)``: printable ASCII, one line, at most 100 characters (SNS's rule).

    Every category's subject: the headline is cut to fit, never the account it names.
    """
    head = f"[{severity}] "
    account_id = printable_ascii(account_id)[:20]
    name = printable_ascii(account_name)
    account = f"{shorten(name, 30)} ({account_id})" if name and name != account_id else account_id
    tail = f" - {account}"
    room = SUBJECT_LIMIT - len(head) - len(tail)
    return head + shorten(printable_ascii(headline), room) + tail
