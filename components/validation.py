"""Validators shared by the stack config and the components' arguments.

Every validator takes `where`, the name a user would look for (a config key such as
`root-activity-monitor:spokeAccountIds[1]`, or a component argument such as
`HubNotifierArgs.spoke_account_ids[1]`), and raises `ConfigError` with a message that names it, shows
the offending value and says what is expected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Commercial-partition region names (us-east-1, ap-southeast-4, eu-central-2, ...). GovCloud and China
# are matched separately so they can be refused with a reason rather than "malformed".
_REGION = re.compile(r"^[a-z]{2}-[a-z]+-\d{1,2}$")
_ISOLATED_REGION = re.compile(r"^(?:[a-z]{2}-gov-[a-z]+-\d{1,2}|cn-[a-z]+-\d{1,2})$")
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_ORGANIZATION_ID = re.compile(r"^o-[a-z0-9]{10,32}$")
# Deliberately plain: SNS sends a confirmation mail, which is the real test of an address.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Letters, digits, - and _ only, because the bus name also names the notifier function (64 characters
# at most, no dots) and its log group.
_EVENT_BUS_NAME = re.compile(r"^[A-Za-z0-9_-]{1,55}$")
_EVENT_BUS_ARN = re.compile(
    r"^arn:aws:events:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):event-bus/(?P<name>[A-Za-z0-9._-]{1,256})$"
)

MIN_BATCH_WINDOW_SECONDS = 0
MAX_BATCH_WINDOW_SECONDS = 300


class ConfigError(ValueError):
    """A config value or component argument is missing or malformed; the message names it."""


@dataclass(frozen=True)
class EventBusArn:
    """The parts of an event bus ARN."""

    arn: str
    region: str
    account_id: str
    name: str


def require_region(value: object, where: str) -> str:
    """A commercial-partition AWS region name."""
    if isinstance(value, str) and _ISOLATED_REGION.match(value):
        message = (
            f"{where}: {value!r} is a GovCloud or China region; EventBridge cannot forward events across "
            "regions there, so this project supports the commercial partition only"
        )
        raise ConfigError(message)
    if not isinstance(value, str) or not _REGION.match(value):
        message = f"{where} must be an AWS region name such as 'us-east-1' or 'eu-west-1', got {value!r}"
        raise ConfigError(message)
    return value


def require_regions(values: object, where: str) -> tuple[str, ...]:
    """A non-empty list of distinct region names."""
    items = require_string_list(values, where)
    if not items:
        message = (
            f"{where} must list at least one region (include us-east-1: root sign-ins are recorded there)"
        )
        raise ConfigError(message)
    regions = tuple(require_region(item, f"{where}[{index}]") for index, item in enumerate(items))
    _require_distinct(regions, where)
    return regions


def require_account_id(value: object, where: str) -> str:
    """A 12-digit AWS account ID (given as a string, so leading zeros survive)."""
    if not isinstance(value, str) or not _ACCOUNT_ID.match(value):
        message = f"{where} must be a 12-digit AWS account ID, got {value!r}"
        if isinstance(value, int):
            message += " (quote it in YAML so leading zeros are kept)"
        raise ConfigError(message)
    return value


def require_account_ids(values: object, where: str) -> tuple[str, ...]:
    """A list of distinct 12-digit account IDs (possibly empty)."""
    if not isinstance(values, Sequence) or isinstance(values, str):
        message = f"{where} must be a list of 12-digit AWS account IDs, got {values!r}"
        raise ConfigError(message)
    ids = tuple(require_account_id(item, f"{where}[{index}]") for index, item in enumerate(values))
    _require_distinct(ids, where)
    return ids


def require_organization_id(value: object, where: str) -> str:
    """An AWS Organizations ID: `o-` and 10 to 32 lowercase letters or digits."""
    if not isinstance(value, str) or not _ORGANIZATION_ID.match(value):
        message = (
            f"{where} must be an AWS Organizations ID like 'o-a1b2c3d4e5' ('o-' and 10 to 32 lowercase "
            f"letters or digits; see `aws organizations describe-organization`), got {value!r}"
        )
        raise ConfigError(message)
    return value


def require_emails(values: object, where: str) -> tuple[str, ...]:
    """A list of distinct e-mail addresses (possibly empty)."""
    items = require_string_list(values, where)
    for index, item in enumerate(items):
        if not _EMAIL.match(item):
            message = (
                f"{where}[{index}] must be an e-mail address such as 'security@example.com', got {item!r}"
            )
            raise ConfigError(message)
    _require_distinct(tuple(item.lower() for item in items), where)
    return tuple(items)


def require_event_bus_name(value: object, where: str) -> str:
    """A custom event bus name that can also name the notifier function."""
    if not isinstance(value, str) or not _EVENT_BUS_NAME.match(value) or value == "default":
        message = (
            f"{where} must be 1 to 55 letters, digits, '-' or '_' and not 'default' (it also names the "
            f"notifier function), got {value!r}"
        )
        raise ConfigError(message)
    return value


def parse_event_bus_arn(value: object, where: str) -> EventBusArn:
    """An event bus ARN in the commercial partition, split into its parts."""
    match = _EVENT_BUS_ARN.match(value) if isinstance(value, str) else None
    if match is None:
        message = (
            f"{where} must be an event bus ARN like "
            f"'arn:aws:events:eu-west-1:111111111111:event-bus/root-activity-monitor' (the hub stack's "
            f"eventBusArn output), got {value!r}"
        )
        raise ConfigError(message)
    region = require_region(match["region"], f"{where} (region part)")
    return EventBusArn(arn=match.string, region=region, account_id=match["account"], name=match["name"])


def require_batch_window(value: object, where: str) -> int:
    """Seconds the notifier waits to fill a batch: an integer from 0 to 300."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not MIN_BATCH_WINDOW_SECONDS <= value <= MAX_BATCH_WINDOW_SECONDS
    ):
        message = (
            f"{where} must be a whole number of seconds from {MIN_BATCH_WINDOW_SECONDS} to "
            f"{MAX_BATCH_WINDOW_SECONDS} (SQS batching window), got {value!r}"
        )
        raise ConfigError(message)
    return value


def require_account_names(values: object, where: str) -> dict[str, str]:
    """A map of 12-digit account ID to a non-empty display name."""
    if not isinstance(values, Mapping):
        message = f"{where} must be a map of 12-digit account ID to display name, got {values!r}"
        raise ConfigError(message)
    names: dict[str, str] = {}
    for key, name in values.items():
        account_id = require_account_id(key, f"{where} key")
        if not isinstance(name, str) or not name.strip():
            message = f"{where}[{key!r}] must be a non-empty display name, got {name!r}"
            raise ConfigError(message)
        names[account_id] = name
    return names


def require_string_list(values: object, where: str) -> list[str]:
    """A list whose items are all strings."""
    if not isinstance(values, Sequence) or isinstance(values, str):
        message = f"{where} must be a list of strings, got {values!r}"
        raise ConfigError(message)
    for index, item in enumerate(values):
        if not isinstance(item, str):
            message = f"{where}[{index}] must be a string, got {item!r}"
            raise ConfigError(message)
    return list(values)


def _require_distinct(values: tuple[str, ...], where: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            message = f"{where} lists {value!r} more than once"
            raise ConfigError(message)
        seen.add(value)
