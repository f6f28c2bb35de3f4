"""The stack's configuration: `mode` picks the hub or spoke settings, checked naming each config key.

Pulumi hands every value over as a string (lists and maps as JSON). Pulumi.yaml declares defaults for
every optional key, and the CLI applies them, so an empty string or list here means "not set". The
components apply the same defaults, because Pulumi's test mocks do not read Pulumi.yaml.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import pulumi

from .. import validation
from ..regions import require_region, require_regions
from ..settings import (
    DEFAULT_BATCH_WINDOW_SECONDS,
    DEFAULT_CALL_AS,
    DEFAULT_EVENT_BUS_NAME,
    DEFAULT_HEARTBEAT_INTERVAL_MINUTES,
    DEFAULT_HEARTBEAT_SILENT_INTERVALS,
    DEFAULT_STACK_SET_NAME,
    HubSettings,
    Namer,
    OrgSettings,
    SpokeSettings,
    check_hub,
    check_org,
    check_spoke,
)
from ..validation import ConfigError

NAMESPACE = "root-activity-monitor"
MODES = ("hub", "spoke", "org")

# Setting (the component argument's name) → config key, per mode.
HUB_KEYS: dict[str, str] = {
    "regions": "regions",
    "organization_id": "organizationId",
    "spoke_account_ids": "spokeAccountIds",
    "notification_emails": "notificationEmails",
    "event_bus_name": "eventBusName",
    "batch_window_seconds": "batchWindowSeconds",
    "account_names": "accountNames",
    "tags": "tags",
    "deployer_principal_arns": "deployerPrincipalArns",
    "heartbeat_interval_minutes": "heartbeatIntervalMinutes",
    "heartbeat_silent_intervals": "heartbeatSilentIntervals",
    "organizations_role_arn": "organizationsRoleArn",
    "organizational_unit_ids": "organizationalUnitIds",
}
SPOKE_KEYS: dict[str, str] = {
    "regions": "regions",
    "hub_event_bus_arn": "hubEventBusArn",
    "tags": "tags",
    "heartbeat_interval_minutes": "heartbeatIntervalMinutes",
}
ORG_KEYS: dict[str, str] = {
    "regions": "regions",
    "hub_event_bus_arn": "hubEventBusArn",
    "tags": "tags",
    "organizational_unit_ids": "organizationalUnitIds",
    "call_as": "callAs",
    "stack_set_name": "stackSetName",
}
HUB_STACK_KEY = "hubStack"
"""Spoke only: the hub stack whose `eventBusArn` output replaces `hubEventBusArn`."""
# Keys that only some modes read: setting one in another mode gives a warning.
_MODE_KEYS = {
    "hub": set(HUB_KEYS.values()),
    "spoke": {*SPOKE_KEYS.values(), HUB_STACK_KEY},
    "org": {*ORG_KEYS.values(), HUB_STACK_KEY},
}
_ALL_KEYS = set().union(*_MODE_KEYS.values())

# Keys whose text is parsed as JSON (lists and maps) and keys that hold whole numbers.
_JSON_KEYS = frozenset(
    {
        "regions",
        "spokeAccountIds",
        "notificationEmails",
        "accountNames",
        "tags",
        "organizationalUnitIds",
        "deployerPrincipalArns",
    }
)
_INTEGER_KEYS = frozenset({"batchWindowSeconds", "heartbeatIntervalMinutes", "heartbeatSilentIntervals"})
# Values that mean "left at the Pulumi.yaml default": such a key does not trigger the "ignored in
# this mode" warning.
_UNSET_VALUES = frozenset(
    {
        "[]",
        "{}",
        DEFAULT_EVENT_BUS_NAME,
        str(DEFAULT_BATCH_WINDOW_SECONDS),
        DEFAULT_CALL_AS,
        DEFAULT_STACK_SET_NAME,
        str(DEFAULT_HEARTBEAT_INTERVAL_MINUTES),
        str(DEFAULT_HEARTBEAT_SILENT_INTERVALS),
    }
)
# A stack name, optionally qualified as project/stack or organization/project/stack.
_STACK_NAME = re.compile(r"^[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+){0,2}$")

T = TypeVar("T")


@dataclass(frozen=True)
class HubStackConfig:
    """A hub stack's settings."""

    settings: HubSettings


@dataclass(frozen=True)
class OrgStackConfig:
    """An org stack's settings; the hub bus ARN comes from exactly one of two keys."""

    settings: OrgSettings
    hub_stack: str | None


@dataclass(frozen=True)
class SpokeStackConfig:
    """A spoke stack's settings; the hub bus ARN comes from exactly one of two keys."""

    settings: SpokeSettings
    """`hub_event_bus_arn` is None when `hub_stack` names the stack to read it from."""
    hub_stack: str | None


def key_name(key: str) -> str:
    """The fully qualified name of a project config key, as users see it in messages."""
    return f"{NAMESPACE}:{key}"


def config_namer(keys: Mapping[str, str]) -> Namer:
    """Names settings by their config key, e.g. `root-activity-monitor:spokeAccountIds`.

    A setting without a config key keeps its default, which never fails a check; it is named as is.
    """
    return lambda setting: key_name(keys.get(setting, setting))


def load_stack_config() -> HubStackConfig | SpokeStackConfig | OrgStackConfig:
    """Read and check the current stack's config; raises ConfigError naming the first bad key."""
    reader = _Reader(pulumi.Config(NAMESPACE))
    mode = reader.text("mode")
    if mode is None:
        message = (
            f"{key_name('mode')} is required: set it to 'hub' (the account that notifies), 'spoke' "
            "(one member account) or 'org' (every account of some OUs, through a StackSet), e.g. "
            "`pulumi config set mode hub`"
        )
        raise ConfigError(message)
    if mode not in MODES:
        message = f"{key_name('mode')} must be 'hub', 'spoke' or 'org', got {mode!r}"
        raise ConfigError(message)
    regions = _regions(reader)
    reader.warn_if_set(tuple(sorted(_ALL_KEYS - _MODE_KEYS[mode])), mode)
    if mode == "hub":
        values = reader.values(HUB_KEYS, skip={"regions"})
        return HubStackConfig(check_hub({**values, "regions": regions}, config_namer(HUB_KEYS)))
    stack = _hub_source(reader, mode)
    if mode == "org":
        values = {**reader.values(ORG_KEYS, skip={"regions"}), "regions": regions}
        settings = check_org(values, config_namer(ORG_KEYS), hub_from_stack=stack is not None)
        return OrgStackConfig(settings=settings, hub_stack=stack)
    values = {**reader.values(SPOKE_KEYS, skip={"regions"}), "regions": regions}
    spoke = check_spoke(values, config_namer(SPOKE_KEYS), hub_from_stack=stack is not None)
    return SpokeStackConfig(settings=spoke, hub_stack=stack)


def _regions(reader: _Reader) -> tuple[str, ...]:
    configured = reader.json("regions", validation.require_string_list)
    if configured:
        return require_regions(configured, key_name("regions"))
    default_region = pulumi.Config("aws").get("region")
    if not default_region:
        message = (
            f"{key_name('regions')} is not set and neither is aws:region: list the regions to watch "
            "(include us-east-1), or set aws:region"
        )
        raise ConfigError(message)
    return (require_region(default_region, "aws:region"),)


def _hub_source(reader: _Reader, mode: str) -> str | None:
    """The hub stack to read the bus ARN from, or None when hubEventBusArn gives it; exactly one is set."""
    arn = reader.text("hubEventBusArn")
    stack = reader.text(HUB_STACK_KEY)
    if (arn is None) == (stack is None):
        found = "both are set" if arn is not None else "neither is set"
        stack_kind = "a spoke" if mode == "spoke" else "an org stack"
        message = (
            f"{stack_kind} needs exactly one of {key_name('hubEventBusArn')} (the hub's eventBusArn output) "
            "or "
            f"{key_name(HUB_STACK_KEY)} (the hub stack's name, e.g. 'my-org/root-activity-monitor/hub'); "
            f"{found}"
        )
        raise ConfigError(message)
    if stack is not None and not _STACK_NAME.match(stack):
        message = (
            f"{key_name(HUB_STACK_KEY)} must be a stack name such as 'hub' or "
            f"'my-org/root-activity-monitor/hub', got {stack!r}"
        )
        raise ConfigError(message)
    return stack


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

    def values(self, keys: Mapping[str, str], *, skip: set[str]) -> dict[str, Any]:
        """Raw values by setting, decoded from their config text; unset keys are left out (defaults)."""
        values: dict[str, Any] = {}
        for setting, key in keys.items():
            if setting in skip:
                continue
            if key in _JSON_KEYS:
                value: Any = self.json(key, lambda raw, _where: raw)
                if value in ([], {}):
                    value = None  # Pulumi.yaml's default for an optional list or map
            elif key in _INTEGER_KEYS:
                value = self.integer(key)
            else:
                value = self.text(key)
            if value is not None:
                values[setting] = value
        return values

    def warn_if_set(self, keys: tuple[str, ...], mode: str) -> None:
        """Warn about keys the current mode ignores, unless they hold Pulumi.yaml's default."""
        for key in keys:
            raw = self.text(key)
            if raw is not None and raw not in _UNSET_VALUES:
                pulumi.log.warn(f"{key_name(key)} is ignored in {mode} mode; remove it from this stack")
