"""Validators shared by the stack config and the components' arguments.

Every validator takes `where`, the name a user would look for (a config key such as
`root-activity-monitor:spokeAccountIds[1]`, or a component argument such as
`HubNotifierArgs.spoke_account_ids[1]`), and raises `ConfigError` with a message that names it, shows
the offending value and says what is expected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_ORGANIZATION_ID = re.compile(r"^o-[a-z0-9]{10,32}$")
# Deliberately plain: SNS sends a confirmation mail, which is the real test of an address.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Letters, digits, - and _ only, because the bus name also names the notifier function (64 characters
# at most, no dots) and its log group.
_EVENT_BUS_NAME = re.compile(r"^[A-Za-z0-9_-]{1,55}$")
_SCHEDULE = re.compile(r"^(rate\(\d{1,4} (minute|minutes|hour|hours|day|days)\)|cron\([^()]{9,200}\))$")
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
SCHEDULE_OFF = "off"
# AWS Organizations IDs: an organizational unit (ou-<root part>-<8 to 32>) or the root (r-<4 to 32>).
_ORGANIZATIONAL_UNIT_ID = re.compile(r"^(?:ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$")
# CloudFormation StackSet names: a letter, then letters, digits and hyphens, 128 characters at most.
_STACK_SET_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,127}$")
CALL_AS_VALUES = ("SELF", "DELEGATED_ADMIN")
# A stack name, optionally qualified as project/stack or organization/project/stack.
_STACK_NAME = re.compile(r"^[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+){0,2}$")
_PRINCIPAL_ARN = re.compile(r"^arn:aws[a-z-]*:(iam::\d{12}:(role|user)/|sts::\d{12}:assumed-role/)\S+$")

MIN_BATCH_WINDOW_SECONDS = 0
MAX_BATCH_WINDOW_SECONDS = 300
# The values CloudWatch Logs accepts for retentionInDays.
LOG_RETENTION_DAYS_ALLOWED = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip
# AWS tagging limits shared by every service the components use; `aws:` keys are reserved for AWS.
MAX_TAGS = 50
MAX_TAG_KEY_CHARS = 128
MAX_TAG_VALUE_CHARS = 256


class ConfigError(ValueError):
    """A config value or component argument is missing or malformed; the message names it."""


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
    require_distinct(ids, where)
    return ids


def require_principal_arns(values: object, where: str) -> tuple[str, ...]:
    """A list of distinct IAM role/user (or STS assumed-role) ARNs, possibly empty."""
    if not isinstance(values, Sequence) or isinstance(values, str):
        message = f"{where} must be a list of IAM role or user ARNs, got {values!r}"
        raise ConfigError(message)
    for index, item in enumerate(values):
        if not isinstance(item, str) or not _PRINCIPAL_ARN.match(item):
            message = (
                f"{where}[{index}] must be an IAM role or user ARN like "
                f"'arn:aws:iam::111122223333:role/deploy', got {item!r}"
            )
            raise ConfigError(message)
    arns = tuple(values)
    require_distinct(arns, where)
    return arns


def require_role_arn(value: object, where: str) -> str:
    """An IAM role ARN."""
    if not isinstance(value, str) or not _ROLE_ARN.match(value):
        message = (
            f"{where} must be an IAM role ARN like 'arn:aws:iam::111122223333:role/reader', got {value!r}"
        )
        raise ConfigError(message)
    return value


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
    require_distinct(tuple(item.lower() for item in items), where)
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


def require_log_retention(value: object, where: str) -> int:
    """Days a log group keeps its logs: one of the values CloudWatch Logs accepts."""
    if isinstance(value, bool) or value not in LOG_RETENTION_DAYS_ALLOWED:
        message = (
            f"{where} must be one of CloudWatch Logs' retention values "
            f"{', '.join(map(str, LOG_RETENTION_DAYS_ALLOWED))}, got {value!r}"
        )
        raise ConfigError(message)
    return int(value)


def require_tags(values: object, where: str) -> dict[str, str]:
    """A map of tag key to value within AWS's limits (50 tags, keys 1-128 characters, values up to 256)."""
    if not isinstance(values, Mapping):
        message = f"{where} must be a map of tag key to value, e.g. {{team: security}}, got {values!r}"
        raise ConfigError(message)
    if len(values) > MAX_TAGS:
        message = f"{where} has {len(values)} tags; AWS allows at most {MAX_TAGS} per resource"
        raise ConfigError(message)
    tags: dict[str, str] = {}
    for key, value in values.items():
        if not isinstance(key, str) or not 1 <= len(key) <= MAX_TAG_KEY_CHARS:
            message = f"{where} key must be a string of 1 to {MAX_TAG_KEY_CHARS} characters, got {key!r}"
            raise ConfigError(message)
        if key.lower().startswith("aws:"):
            message = f"{where} key {key!r} starts with 'aws:', which AWS reserves for its own tags"
            raise ConfigError(message)
        if not isinstance(value, str) or len(value) > MAX_TAG_VALUE_CHARS:
            message = (
                f"{where}[{key!r}] must be a string of at most {MAX_TAG_VALUE_CHARS} characters "
                f"(quote numbers in YAML), got {value!r}"
            )
            raise ConfigError(message)
        tags[key] = value
    return tags


def require_organizational_unit_ids(values: object, where: str) -> tuple[str, ...]:
    """A non-empty list of distinct OU IDs (`ou-…`) or the organization's root (`r-…`)."""
    items = require_string_list(values, where)
    if not items:
        message = f"{where} must list at least one OU ID ('ou-ab12-cd34ef56') or the root ('r-ab12')"
        raise ConfigError(message)
    for index, item in enumerate(items):
        if not _ORGANIZATIONAL_UNIT_ID.match(item):
            message = (
                f"{where}[{index}] must be an organizational unit ID like 'ou-ab12-cd34ef56' or the root ID "
                "like 'r-ab12' (`aws organizations list-roots`, `list-organizational-units-for-parent`), "
                f"got {item!r}"
            )
            raise ConfigError(message)
    require_distinct(tuple(items), where)
    return tuple(items)


def require_call_as(value: object, where: str) -> str:
    """Who the StackSet is managed as: the management account (SELF) or a delegated administrator."""
    if value not in CALL_AS_VALUES:
        message = (
            f"{where} must be 'SELF' (run in the organization's management account) or 'DELEGATED_ADMIN' "
            f"(run in a CloudFormation delegated administrator account), got {value!r}"
        )
        raise ConfigError(message)
    return str(value)


PROTECTION_ATTACH = "attach"
PROTECTION_OFF = "off"
PROTECTION_VALUES = (PROTECTION_ATTACH, PROTECTION_OFF)


def require_protection_policy(value: object, where: str) -> str:
    """Whether the org stack attaches its service control policy: `attach` or `off`."""
    if value not in PROTECTION_VALUES:
        message = (
            f"{where} must be 'attach' (create the service control policy that protects the monitor and "
            f"attach it to the organizational units) or 'off', got {value!r}"
        )
        raise ConfigError(message)
    return str(value)


def require_stack_set_name(value: object, where: str) -> str:
    """A CloudFormation StackSet name."""
    if not isinstance(value, str) or not _STACK_SET_NAME.match(value):
        message = (
            f"{where} must be a StackSet name: a letter, then up to 127 letters, digits or '-', got {value!r}"
        )
        raise ConfigError(message)
    return value


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


def require_distinct(values: tuple[str, ...], where: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            message = f"{where} lists {value!r} more than once"
            raise ConfigError(message)
        seen.add(value)


def require_whole_number(value: object, where: str, *, low: int, high: int, meaning: str) -> int:
    """A whole number from `low` to `high`; `meaning` says what it counts."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        message = f"{where} must be a whole number from {low} to {high} ({meaning}), got {value!r}"
        raise ConfigError(message)
    return value


def require_stack_name(value: object, where: str) -> str:
    """A Pulumi stack name, optionally qualified as project/stack or organization/project/stack."""
    if not isinstance(value, str) or not _STACK_NAME.match(value):
        message = (
            f"{where} must be a stack name such as 'hub' or 'my-org/root-activity-monitor/hub', got {value!r}"
        )
        raise ConfigError(message)
    return value


def require_schedule(value: object, where: str) -> str:
    """An EventBridge Scheduler rate or cron expression, or "off"."""
    if not isinstance(value, str) or not (value == SCHEDULE_OFF or _SCHEDULE.match(value)):
        message = (
            f"{where} must be an EventBridge Scheduler expression such as 'rate(1 day)' or "
            f"'cron(0 3 * * ? *)', or 'off' to turn the audit off, got {value!r}"
        )
        raise ConfigError(message)
    return value
