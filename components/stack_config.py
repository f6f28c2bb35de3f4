"""The stack's configuration, read and checked: `mode` decides between hub and spoke settings.

Pulumi hands every value over as a string (lists and maps as JSON). Pulumi.yaml declares defaults for
every optional key, and the CLI applies them, so an empty string or list here means "not set". The
same defaults are applied here because Pulumi's test mocks do not read Pulumi.yaml.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pulumi

from . import hub_settings, validation
from .validation import ConfigError

NAMESPACE = "root-activity-monitor"
MODES = ("hub", "spoke")
HUB_ONLY_KEYS = (
    "organizationId",
    "spokeAccountIds",
    "notificationEmails",
    "eventBusName",
    "batchWindowSeconds",
    "accountNames",
)
SPOKE_ONLY_KEYS = ("hubEventBusArn", "hubStack")
# Values that mean "left at the Pulumi.yaml default": such a key does not trigger the "ignored in
# this mode" warning.
_UNSET_VALUES = frozenset(
    {"[]", "{}", hub_settings.DEFAULT_EVENT_BUS_NAME, str(hub_settings.DEFAULT_BATCH_WINDOW_SECONDS)}
)
# A stack name, optionally qualified as project/stack or organization/project/stack.
_STACK_NAME = re.compile(r"^[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+){0,2}$")

T = TypeVar("T")


@dataclass(frozen=True)
class HubStackConfig:
    """Settings of a hub stack."""

    regions: tuple[str, ...]
    organization_id: str | None
    spoke_account_ids: tuple[str, ...]
    notification_emails: tuple[str, ...]
    event_bus_name: str
    batch_window_seconds: int
    account_names: dict[str, str]


@dataclass(frozen=True)
class SpokeStackConfig:
    """Settings of a spoke stack: the hub bus ARN comes from exactly one of two keys."""

    regions: tuple[str, ...]
    hub_event_bus_arn: str | None
    hub_stack: str | None


def key_name(key: str) -> str:
    """The fully qualified name of a project config key, as users see it in messages."""
    return f"{NAMESPACE}:{key}"


def load_stack_config() -> HubStackConfig | SpokeStackConfig:
    """Read and check the current stack's config; raises ConfigError naming the first bad key."""
    reader = _Reader(pulumi.Config(NAMESPACE))
    mode = reader.text("mode")
    if mode is None:
        message = (
            f"{key_name('mode')} is required: set it to 'hub' (the account that notifies) or 'spoke' "
            "(each member account), e.g. `pulumi config set mode hub`"
        )
        raise ConfigError(message)
    if mode not in MODES:
        message = f"{key_name('mode')} must be 'hub' or 'spoke', got {mode!r}"
        raise ConfigError(message)
    regions = _regions(reader)
    if mode == "hub":
        reader.warn_if_set(SPOKE_ONLY_KEYS, mode)
        return _hub(reader, regions)
    reader.warn_if_set(HUB_ONLY_KEYS, mode)
    return _spoke(reader, regions)


def _regions(reader: _Reader) -> tuple[str, ...]:
    configured = reader.json("regions", validation.require_string_list)
    if configured:
        return validation.require_regions(configured, key_name("regions"))
    default_region = pulumi.Config("aws").get("region")
    if not default_region:
        message = (
            f"{key_name('regions')} is not set and neither is aws:region: list the regions to watch "
            "(include us-east-1), or set aws:region"
        )
        raise ConfigError(message)
    return (validation.require_region(default_region, "aws:region"),)


def _hub(reader: _Reader, regions: tuple[str, ...]) -> HubStackConfig:
    organization_id = reader.text("organizationId")
    spoke_account_ids = reader.json("spokeAccountIds", validation.require_account_ids) or ()
    if organization_id is None and not spoke_account_ids:
        message = (
            f"a hub needs {key_name('organizationId')}, {key_name('spokeAccountIds')} or both: they say "
            "who may put events on the hub bus"
        )
        raise ConfigError(message)
    return HubStackConfig(
        regions=regions,
        organization_id=(
            validation.require_organization_id(organization_id, key_name("organizationId"))
            if organization_id is not None
            else None
        ),
        spoke_account_ids=spoke_account_ids,
        notification_emails=reader.json("notificationEmails", validation.require_emails) or (),
        event_bus_name=validation.require_event_bus_name(
            reader.text("eventBusName") or hub_settings.DEFAULT_EVENT_BUS_NAME, key_name("eventBusName")
        ),
        batch_window_seconds=validation.require_batch_window(
            _or_default(reader.integer("batchWindowSeconds"), hub_settings.DEFAULT_BATCH_WINDOW_SECONDS),
            key_name("batchWindowSeconds"),
        ),
        account_names=reader.json("accountNames", validation.require_account_names) or {},
    )


def _spoke(reader: _Reader, regions: tuple[str, ...]) -> SpokeStackConfig:
    arn = reader.text("hubEventBusArn")
    stack = reader.text("hubStack")
    if (arn is None) == (stack is None):
        found = "both are set" if arn is not None else "neither is set"
        message = (
            f"a spoke needs exactly one of {key_name('hubEventBusArn')} (the hub's eventBusArn output) or "
            f"{key_name('hubStack')} (the hub stack's name, e.g. 'my-org/root-activity-monitor/hub'); {found}"
        )
        raise ConfigError(message)
    if arn is not None:
        validation.parse_event_bus_arn(arn, key_name("hubEventBusArn"))
    if stack is not None and not _STACK_NAME.match(stack):
        message = (
            f"{key_name('hubStack')} must be a stack name such as 'hub' or "
            f"'my-org/root-activity-monitor/hub', got {stack!r}"
        )
        raise ConfigError(message)
    return SpokeStackConfig(regions=regions, hub_event_bus_arn=arn, hub_stack=stack)


def _or_default(value: T | None, default: T) -> T:
    return default if value is None else value


class _Reader:
    """Reads raw config strings and turns "" (Pulumi.yaml's default for optional keys) into None."""

    def __init__(self, config: pulumi.Config) -> None:
        self._config = config

    def text(self, key: str) -> str | None:
        value = self._config.get(key)
        return (value.strip() or None) if value is not None else None

    def json(self, key: str, check: Callable[[object, str], T]) -> T | None:
        raw = self.text(key)
        if raw is None:
            return None
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            message = f"{key_name(key)} must be a YAML list or map in the stack file, got {raw!r}"
            raise ConfigError(message) from None
        return check(value, key_name(key))

    def integer(self, key: str) -> int | None:
        raw = self.text(key)
        if raw is None:
            return None
        try:
            return int(raw)
        except ValueError:
            message = f"{key_name(key)} must be a whole number, got {raw!r}"
            raise ConfigError(message) from None

    def warn_if_set(self, keys: tuple[str, ...], mode: str) -> None:
        for key in keys:
            raw = self.text(key)
            if raw is not None and raw not in _UNSET_VALUES:
                pulumi.log.warn(f"{key_name(key)} is ignored in {mode} mode; remove it from this stack")
