"""Every config key of the stack program, declared once: the stacks that read it, type, default, check.

Everything else about a key is read from `KEYS`: the stack program (`program.config`) reads and refuses
keys by it, the components' argument checks (`settings`) take each setting's default and check from it,
Pulumi.yaml's `config:` schema and the README's configuration table are rendered from it
(`pulumi_yaml_schema`, `readme_table`; tests/infra/test_config_keys.py keeps both files equal to it, and
`write_docs()` rewrites them), and the policy pack's copy of the key names it quotes is tested against it.

Adding a key is one entry in `KEYS`:

    ConfigKey(
        "runbookBaseUrl",              # the name users write, without the namespace
        stacks=(HUB,),                 # the modes that read it; any other mode refuses it
        type="string",                 # string, integer, array (of strings) or map
        setting="runbook_base_url",    # the component argument it becomes, if any
        default="https://…",           # applied when it is not set (None: no default)
        check=require_url,             # (value, where) -> the value, or ConfigError naming `where`
        description="Hub: where `runbook` links in notifications point.",
    ),

then the argument on the component's Args TypedDict and settings dataclass, and `write_docs()`. A key that
is declared must be read: the program refuses unknown keys and keys of another mode, so a key is never
accepted and ignored.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import routing, validation
from .arns import parse_event_bus_arn
from .regions import require_regions
from .validation import ConfigError

NAMESPACE = "root-activity-monitor"
"""The project's name in Pulumi.yaml, hence the namespace of its keys (`root-activity-monitor:regions`)."""
HUB, SPOKE, ORG = "hub", "spoke", "org"
MODES = (HUB, SPOKE, ORG)

Check = Callable[[Any, str], Any]
# What an unset list or map means: none.
_EMPTY: dict[str, Any] = {"array": [], "map": {}, "maps": []}
# Types Pulumi.yaml's schema cannot declare: a map, and a list of maps.
UNTYPED = ("map", "maps")

MIN_HEARTBEAT_INTERVAL_MINUTES = 1
MAX_HEARTBEAT_INTERVAL_MINUTES = 24 * 60
DEFAULT_HEARTBEAT_INTERVAL_MINUTES = 60
DEFAULT_POSTURE_SCHEDULE = "rate(1 day)"
MIN_HEARTBEAT_SILENT_INTERVALS = 2
MAX_HEARTBEAT_SILENT_INTERVALS = 48


@dataclass(frozen=True)
class ConfigKey:
    """One config key of the `root-activity-monitor` namespace."""

    name: str
    stacks: tuple[str, ...]
    """The modes whose stacks read it; in any other mode, setting it is an error."""
    type: str
    """`string`, `integer`, `array` (of strings), `map` (string → string) or `maps` (a list of maps);
    Pulumi.yaml cannot type the last two."""
    description: str
    setting: str | None = None
    """The component argument (and settings field) the key becomes; None for keys only the program reads."""
    default: Any = None
    """The value that applies when the key is not set; None: no default (required, or "none")."""
    check: Check | None = None
    """Checks a set value: `(value, where)` → the value, or ConfigError naming `where`."""
    not_set: Any = None
    """The value Pulumi.yaml declares as the default, which the CLI hands to every stack that does not set the
    key; the program reads it as "not set". None: the type's empty value, or `default` when there is one."""
    shown_default: str | None = None
    """The README's default column when `default` alone does not say it."""
    required: bool = False

    @property
    def schema_default(self) -> Any:
        """Pulumi.yaml's default for the key (the CLI applies it to every stack)."""
        if self.not_set is not None:
            return self.not_set
        if self.default is not None:
            return self.default
        return {"string": "", **_EMPTY}[self.type]

    def applies_to(self, mode: str) -> bool:
        """Whether stacks of `mode` read the key."""
        return mode in self.stacks


def require_mode(value: object, where: str) -> str:
    """One of the three modes."""
    if value not in MODES:
        message = f"{where} must be 'hub', 'spoke' or 'org', got {value!r}"
        raise ConfigError(message)
    return str(value)


def _event_bus_arn(value: object, where: str) -> object:
    """A hub bus ARN, checked now when it is a string (an Output is checked when it resolves)."""
    if isinstance(value, str):
        parse_event_bus_arn(value, where)
    return value


heartbeat_interval_check = functools.partial(
    validation.require_whole_number,
    low=MIN_HEARTBEAT_INTERVAL_MINUTES,
    high=MAX_HEARTBEAT_INTERVAL_MINUTES,
    meaning="minutes between heartbeats",
)

KEYS: tuple[ConfigKey, ...] = (
    ConfigKey(
        "mode",
        stacks=MODES,
        type="string",
        required=True,
        check=require_mode,
        shown_default="(required)",
        description=(
            "`hub` (the account that receives and notifies), `spoke` (one member account) or `org` (every "
            "account of some OUs, through a CloudFormation StackSet, run in the management account)"
        ),
    ),
    ConfigKey(
        "regions",
        stacks=MODES,
        type="array",
        setting="regions",
        check=require_regions,
        shown_default="`[aws:region]`",
        description=(
            "regions to cover (`us-east-1` style names, no duplicates); include `us-east-1`: root "
            "console sign-ins and IAM/Organizations/Account events are only delivered there (the program "
            "warns without it). GovCloud and China regions are refused: they cannot send to a bus in "
            "another partition. Empty means `[aws:region]`"
        ),
    ),
    ConfigKey(
        "organizationId",
        stacks=(HUB,),
        type="string",
        setting="organization_id",
        check=validation.require_organization_id,
        description=(
            "`o-` + 10 to 32 lowercase letters/digits; the monitor's delivery roles in any account of the "
            "organization may `PutEvents` to the hub bus (`aws:PrincipalOrgID`, `aws:PrincipalArn`). Give "
            "this, `spokeAccountIds`, or both"
        ),
    ),
    ConfigKey(
        "spokeAccountIds",
        stacks=(HUB,),
        type="array",
        setting="spoke_account_ids",
        check=validation.require_account_ids,
        description=(
            "12-digit account IDs, quoted in YAML, whose delivery roles may `PutEvents` (with or instead of "
            "`organizationId`; at least one of the two)"
        ),
    ),
    ConfigKey(
        "notificationEmails",
        stacks=(HUB,),
        type="array",
        setting="notification_emails",
        check=validation.require_emails,
        description="addresses, one SNS `email` subscription each (each must confirm SNS's mail)",
    ),
    ConfigKey(
        "eventBusName",
        stacks=(HUB,),
        type="string",
        setting="event_bus_name",
        default="root-activity-monitor",
        check=validation.require_event_bus_name,
        description=(
            "name of the hub bus; also names the function `<name>-notifier` and its log group, hence 1 to 55 "
            "letters, digits, `-`, `_` (not `default`)"
        ),
    ),
    ConfigKey(
        "batchWindowSeconds",
        stacks=(HUB,),
        type="integer",
        setting="batch_window_seconds",
        default=30,
        check=validation.require_batch_window,
        description=(
            f"SQS batching window of the notifier, {validation.MIN_BATCH_WINDOW_SECONDS} to "
            f"{validation.MAX_BATCH_WINDOW_SECONDS}: how long a root session is gathered into one "
            "notification; with 0 the batch size drops to 10, as SQS requires"
        ),
    ),
    ConfigKey(
        "accountNames",
        stacks=(HUB,),
        type="map",
        setting="account_names",
        check=validation.require_account_names,
        description=(
            "map of 12-digit account ID (quoted) → display name used in notifications (not in "
            "`Pulumi.yaml`'s typed schema, which has no map type)"
        ),
    ),
    ConfigKey(
        "tags",
        stacks=MODES,
        type="map",
        setting="tags",
        check=validation.require_tags,
        description=(
            "map of tag key → value applied to every resource AWS lets us tag (at most "
            f"{validation.MAX_TAGS}; keys 1 to {validation.MAX_TAG_KEY_CHARS} characters, not starting "
            f"`aws:`; values up to {validation.MAX_TAG_VALUE_CHARS}); not in the typed schema either"
        ),
    ),
    ConfigKey(
        "deployerPrincipalArns",
        stacks=(HUB,),
        type="array",
        setting="deployer_principal_arns",
        check=validation.require_principal_arns,
        description=(
            "IAM role or user ARNs (`arn:aws:iam::<account>:role/<name>`) that deploy the monitor; their "
            "changes to it are still reported as tamper alerts, at `LOW` (see docs/operations.md)"
        ),
    ),
    ConfigKey(
        "heartbeatIntervalMinutes",
        stacks=MODES,
        type="integer",
        setting="heartbeat_interval_minutes",
        default=DEFAULT_HEARTBEAT_INTERVAL_MINUTES,
        not_set=0,
        check=heartbeat_interval_check,
        shown_default=f"`{DEFAULT_HEARTBEAT_INTERVAL_MINUTES}`, or the hub stack's",
        description=(
            f"minutes ({MIN_HEARTBEAT_INTERVAL_MINUTES} to {MAX_HEARTBEAT_INTERVAL_MINUTES}) between the "
            "heartbeats of every covered region (an `events:TestEventPattern` call EventBridge Scheduler "
            "makes, which CloudTrail records and the forwarding rules carry to the hub); the hub's watchdog "
            "runs as often. One interval for the whole deployment: the hub exports it (stack output "
            "`heartbeatIntervalMinutes`) and a spoke or org stack with `hubStack` takes it from there "
            "(a different value is refused); with `hubEventBusArn`, give the hub's value. 0 or unset: "
            "the hub stack's, else "
            f"{DEFAULT_HEARTBEAT_INTERVAL_MINUTES} (see docs/operations.md)"
        ),
    ),
    ConfigKey(
        "heartbeatSilentIntervals",
        stacks=(HUB,),
        type="integer",
        setting="heartbeat_silent_intervals",
        default=3,
        check=functools.partial(
            validation.require_whole_number,
            low=MIN_HEARTBEAT_SILENT_INTERVALS,
            high=MAX_HEARTBEAT_SILENT_INTERVALS,
            meaning="heartbeat intervals without a heartbeat before the watchdog notifies a gap",
        ),
        description=(
            f"intervals ({MIN_HEARTBEAT_SILENT_INTERVALS} to {MAX_HEARTBEAT_SILENT_INTERVALS}) without a "
            "heartbeat from an (account, region) before a `monitoring-gap` notification"
        ),
    ),
    ConfigKey(
        "postureSchedule",
        stacks=(HUB, ORG),
        type="string",
        setting="posture_schedule",
        default=DEFAULT_POSTURE_SCHEDULE,
        check=validation.require_schedule,
        description=(
            "when the root credential audit runs (hub with `organizationId` only): an EventBridge Scheduler "
            "`rate(…)`/`cron(…)` expression, or `off` (see docs/posture.md); in an org stack, `off` leaves "
            "out the management account's audit role (`postureAuditRoleArn`)"
        ),
    ),
    ConfigKey(
        "postureAuditRoleArn",
        stacks=(HUB,),
        type="string",
        setting="posture_audit_role_arn",
        check=validation.require_role_arn,
        shown_default="—",
        description=(
            "the org stack's `postureAuditRoleArn` output: the management account's role the audit "
            "assumes to open audit-only root sessions; leave empty when the hub is the management account "
            "or IAM's delegated administrator for centralized root access"
        ),
    ),
    ConfigKey(
        "expectedRootUse",
        stacks=(HUB,),
        type="maps",
        setting="expected_root_use",
        check=routing.require_expected_root_use,
        description=(
            "approved windows of root use, each `{accountIds, start, end, ticket, approver, tasks?, "
            "eventNames?}` (ISO 8601 UTC, `end` at most 7 days after `start`; `tasks` are AssumeRoot task "
            'names): root activity inside one is still notified, graded at most `LOW`, and says "expected: '
            '<ticket>, approved by <approver>, until <end>". Never downgraded: credential and recovery-path '
            "changes, sign-in without MFA, forgery, an AssumeRoot session outside its task; an ended window "
            "does nothing (see docs/notifications.md). A list of maps, not in the typed schema"
        ),
    ),
    ConfigKey(
        "highPriorityEndpoints",
        stacks=(HUB,),
        type="maps",
        setting="high_priority_endpoints",
        check=routing.require_high_priority_endpoints,
        description=(
            "`{protocol, endpoint}` subscriptions to the notification topic that receive only `CRITICAL` "
            "and `HIGH` notifications (a filter policy on the `severity` message attribute), e.g. a "
            "pager's `https` URL; not in the typed schema"
        ),
    ),
    ConfigKey(
        "runbookBaseUrl",
        stacks=(HUB,),
        type="string",
        setting="runbook_base_url",
        default=routing.DEFAULT_RUNBOOK_BASE_URL,
        not_set="",
        check=routing.require_runbook_base_url,
        description=(
            "where each notification's `runbook` link points: an `https://` URL or a path ending in `/`, "
            "to which the finding's page name is added (e.g. "
            "`https://github.com/<org>/root-activity-monitor/blob/main/docs/runbooks/`). Empty means "
            f"`{routing.DEFAULT_RUNBOOK_BASE_URL}`, this repository's pages"
        ),
    ),
    ConfigKey(
        "hubEventBusArn",
        stacks=(SPOKE, ORG),
        type="string",
        setting="hub_event_bus_arn",
        check=_event_bus_arn,
        description=(
            "the hub bus ARN (`arn:aws:events:<region>:<account>:event-bus/<name>`, the hub stack's "
            "`eventBusArn` output); set this or `hubStack`, not both"
        ),
    ),
    ConfigKey(
        "hubStack",
        stacks=(SPOKE, ORG),
        type="string",
        check=validation.require_stack_name,
        description=(
            "the hub stack (`org/project/stack`), read through a stack reference: its `eventBusArn` output "
            "is the hub bus and its `heartbeatIntervalMinutes` output the heartbeat interval; set this or "
            "`hubEventBusArn`, not both"
        ),
    ),
    ConfigKey(
        "organizationalUnitIds",
        stacks=(ORG,),
        type="array",
        setting="organizational_unit_ids",
        check=validation.require_organizational_unit_ids,
        shown_default="—",
        description=(
            "OU IDs (`ou-…`) or the root (`r-…`) whose accounts, today's and those that join later, get the "
            "spoke StackSet in every region of `regions`"
        ),
    ),
    ConfigKey(
        "expectedOrganizationalUnitIds",
        stacks=(HUB,),
        type="array",
        setting="expected_organizational_unit_ids",
        check=validation.require_organizational_unit_ids,
        shown_default="—",
        description=(
            "the org stack's `organizationalUnitIds` (needs `organizationId`): the watchdog expects a "
            "heartbeat from every active account under them, read from AWS Organizations at each run (new "
            "accounts after a grace period; suspended, closed and departed ones not)"
        ),
    ),
    ConfigKey(
        "organizationsRoleArn",
        stacks=(HUB,),
        type="string",
        setting="organizations_role_arn",
        check=validation.require_role_arn,
        shown_default="—",
        description=(
            "read-only role in the management account (or Organizations delegated administrator) that the "
            "notifier, watchdog and root credential audit assume to name accounts, list the OUs' accounts "
            "and list the members to audit: the org stack's "
            "`organizationsRoleArn` output. Unset, a hub with `organizationId` calls Organizations itself "
            "(it is the management account)"
        ),
    ),
    ConfigKey(
        "callAs",
        stacks=(ORG,),
        type="string",
        setting="call_as",
        default="SELF",
        check=validation.require_call_as,
        description=(
            "`SELF` in the management account (which the stack then covers itself: StackSets never deploy "
            "there); `DELEGATED_ADMIN` in a CloudFormation delegated administrator"
        ),
    ),
    ConfigKey(
        "protectionPolicy",
        stacks=(ORG,),
        type="string",
        setting="protection_policy",
        not_set="",
        check=validation.require_protection_policy,
        shown_default="`attach` with `callAs: SELF`, else `off`",
        description=(
            "`attach`: the stack creates a service control policy that denies every principal of the "
            "member accounts but the StackSet execution role (and `protectionExemptPrincipalArns`) any "
            "change to the monitor, the trail calls that blind it and leaving the organization, and attaches "
            "it to each of `organizationalUnitIds`. Needs all features and the SCP policy type enabled on "
            "the organization's root (otherwise the attachment fails, naming the policy type); `off` "
            "attaches nothing (see docs/operations.md)"
        ),
    ),
    ConfigKey(
        "protectionExemptPrincipalArns",
        stacks=(ORG,),
        type="array",
        setting="protection_exempt_principal_arns",
        check=validation.require_principal_arns,
        description=(
            "IAM role ARNs besides the StackSet execution role that may still change the monitor in member "
            "accounts under `protectionPolicy: attach`, e.g. the role that deploys spoke stacks there"
        ),
    ),
    ConfigKey(
        "stackSetName",
        stacks=(ORG,),
        type="string",
        setting="stack_set_name",
        default="root-activity-monitor-spoke",
        check=validation.require_stack_set_name,
        description="name of the spoke StackSet (a letter, then letters, digits or `-`)",
    ),
)

BY_NAME: dict[str, ConfigKey] = {key.name: key for key in KEYS}
BY_SETTING: dict[str, ConfigKey] = {key.setting: key for key in KEYS if key.setting is not None}


def key_name(key: str) -> str:
    """The fully qualified name of a project config key, as users see it in messages."""
    return f"{NAMESPACE}:{key}"


def default_of(setting: str) -> Any:
    """The default of the key behind a component setting."""
    return BY_SETTING[setting].default


def check_setting(values: Mapping[str, Any], setting: str, where: str) -> Any:
    """The setting's value from `values` checked, or its key's default when absent (lists and maps: empty).

    None only for a key without a default that is not given (e.g. `organization_id`).
    """
    key = BY_SETTING[setting]
    value = values.get(setting)
    if value is None:
        value = key.default if key.default is not None else _EMPTY.get(key.type)
    if value is None or key.check is None:
        return value
    return key.check(value, where)


def closest_key(name: str) -> list[str]:
    """The declared key `name` most likely meant: one it begins (cut short), else the closest spelling."""
    lowered = name.lower()
    started = sorted((key for key in BY_NAME if key.lower().startswith(lowered)), key=len)
    if started:
        return started[:1]
    by_lowered = {key.lower(): key for key in BY_NAME}
    return [by_lowered[match] for match in difflib.get_close_matches(lowered, list(by_lowered), n=1)]


def unknown_key_error(name: str) -> ConfigError:
    """The error for a key of the namespace that no stack reads, with the closest known key if any."""
    close = closest_key(name)
    hint = f"; did you mean `{close[0]}`?" if close else f"; the known keys are {', '.join(sorted(BY_NAME))}"
    return ConfigError(f"{key_name(name)} is not a config key of this project{hint}")


def wrong_mode_error(name: str, mode: str) -> ConfigError:
    """The error for a key that stacks of `mode` do not read."""
    stacks = " and ".join(BY_NAME[name].stacks)
    return ConfigError(
        f"{key_name(name)} applies to {stacks} stacks only, and this stack's mode is {mode}: remove it from "
        "this stack"
    )


# Rendering Pulumi.yaml's schema and the README's table.

REPO_ROOT = Path(__file__).resolve().parent.parent
"""The checkout (Pulumi.yaml and README.md are not shipped in the wheel)."""
README_TABLE_START = "| key | stacks | default | meaning |"
AWS_REGION_ROW = (
    "| `aws:region` | all | (required) | the stack's default region; for the hub, the region of the bus, "
    "queue, Lambda and topic |"
)


def _stacks_text(key: ConfigKey) -> str:
    return "all" if key.stacks == MODES else ", ".join(key.stacks)


def pulumi_yaml_schema() -> dict[str, dict[str, Any]]:
    """Pulumi.yaml's `config:` section: every key but the maps, each with type, description and default."""
    schema: dict[str, dict[str, Any]] = {}
    for key in KEYS:
        if key.type in UNTYPED:
            continue
        entry: dict[str, Any] = {"type": key.type}
        if key.type == "array":
            entry["items"] = {"type": "string"}
        stacks = "All stacks" if key.stacks == MODES else " and ".join(key.stacks).capitalize()
        entry["description"] = f"{stacks}: {key.description}." + (" Required." if key.required else "")
        if not key.required:
            entry["default"] = key.schema_default
        schema[key.name] = entry
    return schema


def map_keys() -> tuple[str, ...]:
    """Keys Pulumi.yaml cannot type (maps, lists of maps): its header comment names them instead."""
    return tuple(key.name for key in KEYS if key.type in UNTYPED)


def _shown_default(key: ConfigKey) -> str:
    if key.shown_default is not None:
        return key.shown_default
    if key.default is not None:
        return f"`{key.default}`"
    return {"array": "`[]`", "map": "`{}`", "maps": "`[]`"}.get(key.type, "—")


def readme_table() -> str:
    """The README's configuration table: one row per key, then `aws:region`."""
    rows = [README_TABLE_START, "|---|---|---|---|"]
    rows += [
        f"| `{key.name}` | {_stacks_text(key)} | {_shown_default(key)} | {key.description} |" for key in KEYS
    ]
    rows.append(AWS_REGION_ROW)
    return "\n".join(rows) + "\n"


def _replace_table(text: str, table: str) -> str:
    start = text.index(README_TABLE_START)
    end = text.index("\n\n", start) + 1
    return text[:start] + table + text[end:]


FOLDED_FROM_CHARS = 60
"""Pulumi.yaml writes longer descriptions as folded blocks (`>-`), which wrap."""


def _render_schema(schema: dict[str, dict[str, Any]]) -> str:
    import yaml  # noqa: PLC0415 - only when the docs are rewritten

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    def folded(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
        style = ">" if len(text) > FOLDED_FROM_CHARS else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)

    Dumper.add_representer(str, folded)
    return yaml.dump({"config": schema}, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)


def write_docs(root: Path = REPO_ROOT) -> None:
    """Rewrite Pulumi.yaml's `config:` section and the README's table from `KEYS` after a key changed."""
    project = root / "Pulumi.yaml"
    text = project.read_text(encoding="utf-8")
    project.write_text(
        text[: text.index("\nconfig:\n") + 1] + _render_schema(pulumi_yaml_schema()), encoding="utf-8"
    )
    readme = root / "README.md"
    readme.write_text(_replace_table(readme.read_text(encoding="utf-8"), readme_table()), encoding="utf-8")


def keys_for(mode: str) -> Iterable[ConfigKey]:
    """The keys stacks of `mode` read."""
    return (key for key in KEYS if key.applies_to(mode))
