"""The stack's configuration: `mode` picks the hub, spoke or org settings, checked naming each config key.

Which keys exist, the stacks that read them, their types, defaults and checks are declared in
`config_keys`; this module reads them. Pulumi hands every value over as a string (lists and maps as JSON).
Pulumi.yaml declares a default for every optional key and the CLI applies it to every stack, so a value equal
to that default (`""`, `[]`, `0` for `heartbeatIntervalMinutes`, `30` for `batchWindowSeconds`) means "not
set" here; the components apply the real defaults, because Pulumi's test mocks do not read Pulumi.yaml.
A key of another mode that holds Pulumi.yaml's default cannot be told from one the CLI filled in, and is let
through.

A key of the namespace that no stack reads, or one the stack's mode does not read, is refused: a misspelt
`notificationEmail` must not leave a hub without subscribers while the stack deploys without a word.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config

from ..config_keys import (
    BY_NAME,
    NAMESPACE,
    ConfigKey,
    heartbeat_interval_check,
    key_name,
    keys_for,
    require_mode,
    unknown_key_error,
    wrong_mode_error,
)
from ..regions import require_region
from ..settings import HubSettings, Namer, OrgSettings, SpokeSettings, check_hub, check_org, check_spoke
from ..validation import ConfigError, require_stack_name

__all__ = [
    "NAMESPACE",
    "HubStackConfig",
    "OrgStackConfig",
    "SpokeStackConfig",
    "agreed_heartbeat_interval",
    "load_stack_config",
]

HEARTBEAT_INTERVAL_KEY = "heartbeatIntervalMinutes"


@dataclass(frozen=True)
class HubStackConfig:
    """A hub stack's settings."""

    settings: HubSettings


@dataclass(frozen=True)
class OrgStackConfig:
    """An org stack's settings; the hub bus ARN comes from exactly one of two keys."""

    settings: OrgSettings
    hub_stack: str | None
    heartbeat_interval: int | None
    """`heartbeatIntervalMinutes` when the stack sets it; None leaves it to the hub stack (or the default)."""


@dataclass(frozen=True)
class SpokeStackConfig:
    """A spoke stack's settings; the hub bus ARN comes from exactly one of two keys."""

    settings: SpokeSettings
    """`hub_event_bus_arn` is None when `hub_stack` names the stack to read it from."""
    hub_stack: str | None
    heartbeat_interval: int | None
    """As for OrgStackConfig."""


def config_namer() -> Namer:
    """Names settings by their config key, e.g. `root-activity-monitor:spokeAccountIds`.

    A setting without a config key (a component argument only) keeps its default, which never fails a
    check; it is named as is.
    """
    names = {key.setting: key.name for key in BY_NAME.values() if key.setting is not None}
    return lambda setting: key_name(names.get(setting, setting))


def load_stack_config() -> HubStackConfig | SpokeStackConfig | OrgStackConfig:
    """Read and check the current stack's config; raises ConfigError naming the first bad key."""
    given = _given_values()
    raw_mode = given.get("mode")
    if raw_mode is None:
        message = (
            f"{key_name('mode')} is required: set it to 'hub' (the account that notifies), 'spoke' "
            "(one member account) or 'org' (every account of some OUs, through a StackSet), e.g. "
            "`pulumi config set mode hub`"
        )
        raise ConfigError(message)
    mode = require_mode(raw_mode, key_name("mode"))
    for name in sorted(given):
        if name not in BY_NAME:
            raise unknown_key_error(name)
        if not BY_NAME[name].applies_to(mode):
            raise wrong_mode_error(name, mode)
    values = {
        key.setting: given[key.name]
        for key in keys_for(mode)
        if key.setting is not None and key.name in given
    }
    values["regions"] = _regions(values.get("regions"))
    if mode == "hub":
        return HubStackConfig(check_hub(values, config_namer()))
    stack = _hub_source(given, mode)
    interval = values.get("heartbeat_interval_minutes")
    if mode == "org":
        settings = check_org(values, config_namer(), hub_from_stack=stack is not None)
        return OrgStackConfig(settings=settings, hub_stack=stack, heartbeat_interval=interval)
    spoke = check_spoke(values, config_namer(), hub_from_stack=stack is not None)
    return SpokeStackConfig(settings=spoke, hub_stack=stack, heartbeat_interval=interval)


def agreed_heartbeat_interval(hub_interval: object, own: int | None, hub_stack: str) -> int:
    """The one heartbeat interval of the deployment, from the hub stack's output and this stack's key.

    The hub's watchdog judges silence by its own interval, so a spoke beating at another one is either
    reported silent when it is not or noticed late: a different value is refused, never overridden.
    A hub stack that does not export its interval (deployed before it did) leaves it to this stack.
    """
    where = key_name(HEARTBEAT_INTERVAL_KEY)
    if hub_interval is None:
        return heartbeat_interval_check(
            own if own is not None else BY_NAME[HEARTBEAT_INTERVAL_KEY].default, where
        )
    hub = heartbeat_interval_check(
        int(hub_interval) if isinstance(hub_interval, float) and hub_interval.is_integer() else hub_interval,
        f"the {HEARTBEAT_INTERVAL_KEY} output of hub stack {hub_stack!r}",
    )
    if own is not None and own != hub:
        message = (
            f"{where} is {own}, but hub stack {hub_stack!r} runs its watchdog every {hub} minutes and "
            f"would misread this stack's heartbeats: remove {where} (the hub's interval is taken) or set it "
            f"to {hub}"
        )
        raise ConfigError(message)
    return hub


def _given_values() -> dict[str, Any]:
    """The namespace's keys this stack sets, decoded by type; keys holding Pulumi.yaml's default are left out.

    Every key the stack sets is here, the unknown ones too: the language host hands the program the whole
    config at start (`pulumi.runtime.set_all_config`, from the `PULUMI_CONFIG` environment variable), and
    Pulumi's test mocks take it the same way.
    """
    prefix = f"{NAMESPACE}:"
    names = {
        full.removeprefix(prefix)
        for full in (*runtime_config.CONFIG.get(), *runtime_config.get_config_env())
        if full.startswith(prefix)
    }
    reader = pulumi.Config(NAMESPACE)
    given: dict[str, Any] = {}
    for name in names:
        raw = reader.get(name)
        if raw is None:
            continue
        key = BY_NAME.get(name)
        value = raw if key is None else _decode(key, raw)
        if value is not None:
            given[name] = value
    return given


def _decode(key: ConfigKey, raw: str) -> Any:
    """A key's value from its config text, or None when it holds Pulumi.yaml's default ("not set")."""
    text = raw.strip()
    value: Any = text
    if key.type in ("array", "map", "maps") and text:
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            message = f"{key_name(key.name)} must be a YAML list or map in the stack file, got {raw!r}"
            raise ConfigError(message) from None
    elif key.type == "integer" and text:
        try:
            value = int(text)
        except ValueError:
            message = f"{key_name(key.name)} must be a whole number, got {raw!r}"
            raise ConfigError(message) from None
    return None if value in ("", key.schema_default) else value


def _regions(configured: object) -> object:
    """The configured regions, or the provider's region when `regions` is not set."""
    if configured is not None:
        return configured
    default_region = pulumi.Config("aws").get("region")
    if not default_region:
        message = (
            f"{key_name('regions')} is not set and neither is aws:region: list the regions to watch "
            "(include us-east-1), or set aws:region"
        )
        raise ConfigError(message)
    return [require_region(default_region, "aws:region")]


def _hub_source(given: Mapping[str, Any], mode: str) -> str | None:
    """The hub stack to read the bus ARN from, or None when hubEventBusArn gives it; exactly one is set."""
    arn = given.get("hubEventBusArn")
    stack = given.get("hubStack")
    if (arn is None) == (stack is None):
        found = "both are set" if arn is not None else "neither is set"
        stack_kind = "a spoke" if mode == "spoke" else "an org stack"
        message = (
            f"{stack_kind} needs exactly one of {key_name('hubEventBusArn')} (the hub's eventBusArn output) "
            f"or {key_name('hubStack')} (the hub stack's name, e.g. 'my-org/root-activity-monitor/hub'); "
            f"{found}"
        )
        raise ConfigError(message)
    return None if stack is None else require_stack_name(stack, key_name("hubStack"))
