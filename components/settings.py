"""The hub's and a spoke's settings: checked once, completed with defaults, whoever supplies them.

Two front ends feed the same checks: the components take keyword arguments (`HubNotifierArgs`), the stack
program takes config keys (`root-activity-monitor:spokeAccountIds`). Each hands over the raw values keyed
by setting and a `Namer` that turns a setting into the name its user typed, so every error names the
argument or the config key, whichever the user wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

import pulumi

from . import validation
from .config_keys import check_setting, default_of
from .validation import ConfigError

Namer = Callable[[str], str]
"""Setting name (`spoke_account_ids`) → the name the user sees (`HubNotifierArgs.spoke_account_ids`)."""

DEFAULT_LOG_RETENTION_DAYS = 365

# The batching window only folds a session if the batch can hold it. SQS allows up to 10,000 with a
# window but only 10 without one (batch size above 10 requires a window of at least 1 s).
BATCH_SIZE_WITH_WINDOW = 1000
BATCH_SIZE_WITHOUT_WINDOW = 10


def argument_namer(args_type: str) -> Namer:
    """Names settings as a component's arguments, e.g. `HubNotifierArgs.regions`."""
    return lambda setting: f"{args_type}.{setting}"


def _as_args(settings: object) -> dict[str, Any]:
    """The settings as component arguments (same names); unset optional inputs are left out."""
    values = {item.name: getattr(settings, item.name) for item in fields(settings)}  # type: ignore[arg-type]
    return {name: value for name, value in values.items() if value is not None}


@dataclass(frozen=True)
class HubSettings:
    """What a HubNotifier deploys, checked and with defaults applied."""

    regions: tuple[str, ...]
    organization_id: str | None
    spoke_account_ids: tuple[str, ...]
    notification_emails: tuple[str, ...]
    event_bus_name: str
    batch_window_seconds: int
    account_names: Mapping[str, str]
    log_retention_days: int
    tags: Mapping[str, str]
    deployer_principal_arns: tuple[str, ...]
    heartbeat_interval_minutes: int
    heartbeat_silent_intervals: int
    posture_schedule: str
    posture_audit_role_arn: str | None
    expected_root_use: tuple[Mapping[str, Any], ...]
    high_priority_endpoints: tuple[Mapping[str, str], ...]
    runbook_base_url: str
    organizations_role_arn: str | None = None
    expected_organizational_unit_ids: tuple[str, ...] = ()

    def as_args(self) -> dict[str, Any]:
        """The arguments of a HubNotifier with these settings."""
        return _as_args(self)

    @property
    def batch_size(self) -> int:
        """Records per notifier invocation: large with a window, so one batch folds a whole session."""
        return BATCH_SIZE_WITH_WINDOW if self.batch_window_seconds > 0 else BATCH_SIZE_WITHOUT_WINDOW

    @property
    def organizations_lookup(self) -> bool:
        """Whether the hub's functions ask AWS Organizations for names and accounts: a hub of an
        organization does, through `organizations_role_arn` or directly."""
        return self.organization_id is not None or self.organizations_role_arn is not None

    @property
    def function_name(self) -> str:
        """The notifier function's name, derived from the bus name."""
        return f"{self.event_bus_name}-notifier"

    @property
    def posture_audit(self) -> bool:
        """Whether the hub audits root credentials: it watches an organization and the schedule is on."""
        return self.organization_id is not None and self.posture_schedule != validation.SCHEDULE_OFF

    @property
    def watchdog_function_name(self) -> str:
        """The heartbeat watchdog function's name, derived from the bus name."""
        return f"{self.event_bus_name}-watchdog"


@dataclass(frozen=True)
class SpokeSettings:
    """What a SpokeForwarder deploys, checked."""

    regions: tuple[str, ...]
    hub_event_bus_arn: pulumi.Input[str] | None
    """Checked now when a string; an Output (a stack reference) is checked when it resolves. None only
    when the stack config names a hub stack to read it from (`hub_from_stack`)."""
    account_id: pulumi.Input[str] | None
    tags: Mapping[str, str]
    heartbeat_interval_minutes: pulumi.Input[int]
    """Checked now when a number; an Output (the hub stack's interval) is checked when it resolves."""

    def as_args(self) -> dict[str, Any]:
        """The arguments of a SpokeForwarder with these settings."""
        return _as_args(self)


def check_hub(values: Mapping[str, Any], name: Namer) -> HubSettings:
    """HubSettings from raw values keyed by setting; a missing key takes its default."""
    regions = check_setting(values, "regions", name("regions"))
    organization_id = check_setting(values, "organization_id", name("organization_id"))
    spoke_account_ids = check_setting(values, "spoke_account_ids", name("spoke_account_ids"))
    if organization_id is None and not spoke_account_ids:
        message = (
            f"a hub needs {name('organization_id')}, {name('spoke_account_ids')} or both, so the hub bus "
            "accepts events from the spokes (an unconditioned '*' principal is never used)"
        )
        raise ConfigError(message)
    return HubSettings(
        regions=regions,
        organization_id=organization_id,
        spoke_account_ids=spoke_account_ids,
        notification_emails=check_setting(values, "notification_emails", name("notification_emails")),
        event_bus_name=check_setting(values, "event_bus_name", name("event_bus_name")),
        batch_window_seconds=check_setting(values, "batch_window_seconds", name("batch_window_seconds")),
        account_names=check_setting(values, "account_names", name("account_names")),
        log_retention_days=validation.require_log_retention(
            values.get("log_retention_days", DEFAULT_LOG_RETENTION_DAYS), name("log_retention_days")
        ),
        tags=_tags(values, name),
        deployer_principal_arns=check_setting(
            values, "deployer_principal_arns", name("deployer_principal_arns")
        ),
        heartbeat_interval_minutes=check_setting(
            values, "heartbeat_interval_minutes", name("heartbeat_interval_minutes")
        ),
        heartbeat_silent_intervals=check_setting(
            values, "heartbeat_silent_intervals", name("heartbeat_silent_intervals")
        ),
        posture_schedule=check_setting(values, "posture_schedule", name("posture_schedule")),
        posture_audit_role_arn=check_setting(
            values, "posture_audit_role_arn", name("posture_audit_role_arn")
        ),
        expected_root_use=check_setting(values, "expected_root_use", name("expected_root_use")),
        high_priority_endpoints=check_setting(
            values, "high_priority_endpoints", name("high_priority_endpoints")
        ),
        runbook_base_url=check_setting(values, "runbook_base_url", name("runbook_base_url")),
        **_organization_lookup(values, name, organization_id),
    )


def _organization_lookup(
    values: Mapping[str, Any], name: Namer, organization_id: str | None
) -> dict[str, Any]:
    """The reader role to assume, and the OUs whose accounts the watchdog expects (in an organization)."""
    role = values.get("organizations_role_arn")
    units = values.get("expected_organizational_unit_ids")
    checked: dict[str, Any] = {}
    if role is not None:
        checked["organizations_role_arn"] = check_setting(
            values, "organizations_role_arn", name("organizations_role_arn")
        )
    if units is not None and units != ():
        if organization_id is None:
            message = (
                f"{name('expected_organizational_unit_ids')} needs {name('organization_id')}: the watchdog "
                "expects the accounts of these OUs, whose events the hub bus accepts through the organization"
            )
            raise ConfigError(message)
        checked["expected_organizational_unit_ids"] = check_setting(
            values, "expected_organizational_unit_ids", name("expected_organizational_unit_ids")
        )
    return checked


def _tags(values: Mapping[str, Any], name: Namer) -> dict[str, str]:
    tags: dict[str, str] = check_setting(values, "tags", name("tags"))
    return tags


def _heartbeat_interval(values: Mapping[str, Any], name: Namer) -> pulumi.Input[int]:
    """The interval, checked now, or when it resolves if it comes from the hub stack as an Output."""
    value = values.get("heartbeat_interval_minutes", default_of("heartbeat_interval_minutes"))
    where = name("heartbeat_interval_minutes")
    if isinstance(value, pulumi.Output):
        return value.apply(
            lambda minutes: check_setting(
                {"heartbeat_interval_minutes": minutes}, "heartbeat_interval_minutes", where
            )
        )
    checked: int = check_setting({"heartbeat_interval_minutes": value}, "heartbeat_interval_minutes", where)
    return checked


def check_spoke(values: Mapping[str, Any], name: Namer, *, hub_from_stack: bool = False) -> SpokeSettings:
    """SpokeSettings from raw values keyed by setting.

    `hub_from_stack`: the hub bus ARN will be read from the hub stack's outputs, so it may be missing here.
    """
    regions = check_setting(values, "regions", name("regions"))
    hub_event_bus_arn = values.get("hub_event_bus_arn")
    if hub_event_bus_arn is None and not hub_from_stack:
        message = f"{name('hub_event_bus_arn')} is required: the hub stack's eventBusArn output"
        raise ConfigError(message)
    return SpokeSettings(
        regions=regions,
        hub_event_bus_arn=check_setting(values, "hub_event_bus_arn", name("hub_event_bus_arn")),
        account_id=values.get("account_id"),
        tags=_tags(values, name),
        heartbeat_interval_minutes=_heartbeat_interval(values, name),
    )


@dataclass(frozen=True)
class OrgSettings:
    """What an OrganizationRollout deploys, checked."""

    regions: tuple[str, ...]
    hub_event_bus_arn: pulumi.Input[str] | None
    """As for SpokeSettings: None only when the stack config names a hub stack to read it from."""
    organizational_unit_ids: tuple[str, ...]
    call_as: str
    stack_set_name: str
    tags: Mapping[str, str]
    heartbeat_interval_minutes: pulumi.Input[int]
    """As for SpokeSettings: the StackSet's accounts and this account beat at the hub's interval."""
    posture_schedule: str
    """`off`: the hub audits nothing, so the management account lends no role for the audit."""
    protection_policy: str
    """`attach` or `off`; unset, `attach` when the stack runs as the management account (SELF)."""
    protection_exempt_principal_arns: tuple[str, ...]

    def as_args(self) -> dict[str, Any]:
        """The arguments of an OrganizationRollout with these settings."""
        return _as_args(self)


def check_org(values: Mapping[str, Any], name: Namer, *, hub_from_stack: bool = False) -> OrgSettings:
    """OrgSettings from raw values keyed by setting."""
    spoke = check_spoke(values, name, hub_from_stack=hub_from_stack)
    call_as = check_setting(values, "call_as", name("call_as"))
    return OrgSettings(
        regions=spoke.regions,
        hub_event_bus_arn=spoke.hub_event_bus_arn,
        organizational_unit_ids=check_setting(
            values, "organizational_unit_ids", name("organizational_unit_ids")
        ),
        call_as=call_as,
        stack_set_name=check_setting(values, "stack_set_name", name("stack_set_name")),
        tags=spoke.tags,
        heartbeat_interval_minutes=spoke.heartbeat_interval_minutes,
        posture_schedule=check_setting(values, "posture_schedule", name("posture_schedule")),
        protection_policy=check_setting(values, "protection_policy", name("protection_policy"))
        or (validation.PROTECTION_ATTACH if call_as == "SELF" else validation.PROTECTION_OFF),
        protection_exempt_principal_arns=check_setting(
            values, "protection_exempt_principal_arns", name("protection_exempt_principal_arns")
        ),
    )
