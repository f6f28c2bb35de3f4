"""The JSON document every notification carries, whatever its category: one envelope, written once.

Field names are a contract (DESIGN.md, "Contracts"); add fields freely, rename none, and bump SCHEMA_VERSION
when a consumer would have to change. A category adds its own fields through ``extra`` (placed after
``account``); ``events`` holds one object per event, each with at least the fields DESIGN.md lists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .runbook import runbook_url

SCHEMA_VERSION = "1.0"


def event_fields(
    *,
    event_id: str,
    event_name: str,
    event_time: str,
    aws_region: str,
    source_ip: str,
    user_agent: str,
    severity: str,
    reason: str,
) -> dict[str, Any]:
    """The fields every event of every category carries; a category adds its own to the dict."""
    return {
        "eventID": event_id,
        "eventName": event_name,
        "eventTime": event_time,
        "awsRegion": aws_region,
        "sourceIPAddress": source_ip,
        "userAgent": user_agent,
        "severity": severity,
        "reason": reason,
    }


def envelope(
    *,
    category: str,
    runbook: str | None = None,
    severity: str,
    title: str,
    account_id: str,
    account_name: str,
    event_count: int,
    events: Any,
    truncated: bool,
    unparseable: Sequence[Mapping[str, str]] = (),
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The document: ``schemaVersion``, ``category``, ``runbook`` (the page for this kind of finding; by
    default the category's page), ``severity``, ``title``, ``account``, the category's own fields,
    ``eventCount``, ``events``, ``truncated`` and ``unparseable``."""
    return {
        "schemaVersion": SCHEMA_VERSION,
        "category": category,
        "runbook": runbook_url(category) if runbook is None else runbook,
        "severity": severity,
        "title": title,
        "account": {"id": account_id, "name": account_name},
        **(extra or {}),
        "eventCount": event_count,
        "events": events,
        "truncated": truncated,
        "unparseable": list(unparseable),
    }
