"""The hub's routing and on-call settings: expected root use, high-priority endpoints, runbook links.

`expectedRootUse` windows reach the notifier as JSON in its `EXPECTED_ROOT_USE` environment variable, and
`runbookBaseUrl` as `RUNBOOK_BASE_URL`; `highPriorityEndpoints` become topic subscriptions filtered on the
`severity` message attribute. Each value is checked here, naming the key (and the window's index).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from .validation import ConfigError, require_account_ids

MAX_WINDOW = timedelta(days=7)
ROOT_TASKS = (
    "IAMAuditRootUserCredentials",
    "IAMCreateRootUserPassword",
    "IAMDeleteRootUserCredentials",
    "S3UnlockBucketPolicy",
    "SQSUnlockQueuePolicy",
)
WINDOW_KEYS = ("accountIds", "start", "end", "ticket", "approver", "tasks", "eventNames")
# Where `runbook` links point unless `runbookBaseUrl` says otherwise: the pages shipped in this repository.
DEFAULT_RUNBOOK_BASE_URL = "docs/runbooks/"
HIGH_PRIORITY_SEVERITIES = ("CRITICAL", "HIGH")
ENDPOINT_PROTOCOLS = ("email", "email-json", "https", "sqs", "lambda", "sms", "firehose", "application")
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

Window = Mapping[str, Any]
Endpoint = Mapping[str, str]


def require_expected_root_use(values: object, where: str) -> tuple[Window, ...]:
    """Approved windows, each `{accountIds, start, end, ticket, approver, tasks?, eventNames?}`, ≤ 7 days."""
    if not isinstance(values, Sequence) or isinstance(values, str):
        message = (
            f"{where} must be a list of windows {{accountIds, start, end, ticket, approver}}, got {values!r}"
        )
        raise ConfigError(message)
    return tuple(_window(item, f"{where}[{index}]") for index, item in enumerate(values))


def _window(item: object, where: str) -> Window:
    if not isinstance(item, Mapping):
        message = f"{where} must be a map {{accountIds, start, end, ticket, approver}}, got {item!r}"
        raise ConfigError(message)
    unknown = sorted(set(item) - set(WINDOW_KEYS))
    if unknown:
        message = f"{where} has unknown keys {unknown}: a window takes {', '.join(WINDOW_KEYS)}"
        raise ConfigError(message)
    accounts = require_account_ids(item.get("accountIds", ()), f"{where}.accountIds")
    if not accounts:
        message = f"{where}.accountIds must list at least one account the window applies to"
        raise ConfigError(message)
    start = _utc(item.get("start"), f"{where}.start")
    end = _utc(item.get("end"), f"{where}.end")
    if not start < end <= start + MAX_WINDOW:
        message = (
            f"{where} must end after it starts and last at most 7 days, "
            f"got {item.get('start')!r} to {item.get('end')!r}"
        )
        raise ConfigError(message)
    window: dict[str, Any] = {
        "accountIds": list(accounts),
        "start": start.strftime(_TIME_FORMAT),
        "end": end.strftime(_TIME_FORMAT),
        "ticket": _text(item.get("ticket"), f"{where}.ticket", "the change or incident ticket"),
        "approver": _text(item.get("approver"), f"{where}.approver", "who approved the root use"),
    }
    if "tasks" in item:
        tasks = _texts(item["tasks"], f"{where}.tasks")
        wrong = [task for task in tasks if task not in ROOT_TASKS]
        if wrong:
            message = f"{where}.tasks must name AssumeRoot tasks ({', '.join(ROOT_TASKS)}), got {wrong}"
            raise ConfigError(message)
        window["tasks"] = tasks
    if "eventNames" in item:
        window["eventNames"] = _texts(item["eventNames"], f"{where}.eventNames")
    return window


def _utc(value: object, where: str) -> datetime:
    expected = f"{where} must be an ISO 8601 UTC time such as '2026-12-01T09:00:00Z', got {value!r}"
    if not isinstance(value, str):
        raise ConfigError(expected)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(expected) from None
    if moment.utcoffset() != timedelta(0):
        raise ConfigError(expected)
    return moment.astimezone(UTC)


def _text(value: object, where: str, meaning: str) -> str:
    if not isinstance(value, str) or not value.strip():
        message = f"{where} is required: {meaning}, as text, got {value!r}"
        raise ConfigError(message)
    return value.strip()


def _texts(values: object, where: str) -> list[str]:
    if not isinstance(values, Sequence) or isinstance(values, str) or not values:
        message = f"{where} must be a non-empty list of names, got {values!r}"
        raise ConfigError(message)
    return [_text(value, f"{where}[{index}]", "a name") for index, value in enumerate(values)]


def expected_root_use_variable(windows: Sequence[Window]) -> str:
    """The notifier's EXPECTED_ROOT_USE value."""
    return json.dumps(list(windows), sort_keys=True, separators=(",", ":"))


def require_high_priority_endpoints(values: object, where: str) -> tuple[Endpoint, ...]:
    """Endpoints `{protocol, endpoint}` that receive only CRITICAL and HIGH notifications (e.g. a pager)."""
    if not isinstance(values, Sequence) or isinstance(values, str):
        message = f"{where} must be a list of {{protocol, endpoint}} maps, got {values!r}"
        raise ConfigError(message)
    endpoints: list[Endpoint] = []
    for index, item in enumerate(values):
        at = f"{where}[{index}]"
        if not isinstance(item, Mapping) or set(item) != {"protocol", "endpoint"}:
            message = f"{at} must be a map with exactly protocol and endpoint, got {item!r}"
            raise ConfigError(message)
        protocol = item["protocol"]
        if protocol not in ENDPOINT_PROTOCOLS:
            message = f"{at}.protocol must be one of {', '.join(ENDPOINT_PROTOCOLS)}, got {protocol!r}"
            raise ConfigError(message)
        endpoint = _text(item["endpoint"], f"{at}.endpoint", "the address, URL or ARN to deliver to")
        if protocol == "https" and not endpoint.startswith("https://"):
            message = f"{at}.endpoint must be an https:// URL for protocol https, got {endpoint!r}"
            raise ConfigError(message)
        endpoints.append({"protocol": protocol, "endpoint": endpoint})
    return tuple(endpoints)


def severity_filter_policy() -> str:
    """The subscription filter policy that lets only CRITICAL and HIGH notifications through."""
    return json.dumps({"severity": list(HIGH_PRIORITY_SEVERITIES)})


def require_runbook_base_url(value: object, where: str) -> str:
    """An https:// URL or a relative path ending in '/', to which each runbook page's file name is added."""
    if not isinstance(value, str) or not value.endswith("/") or " " in value or value.startswith("http://"):
        message = (
            f"{where} must be an https:// URL or a path ending in '/' (e.g. "
            f"'https://github.com/my-org/root-activity-monitor/blob/main/docs/runbooks/'), got {value!r}"
        )
        raise ConfigError(message)
    return value
