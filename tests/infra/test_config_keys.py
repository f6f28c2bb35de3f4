"""Every config key declared once: the program, the components, Pulumi.yaml and the README all follow it."""

from __future__ import annotations

import json
import re
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
import yaml
from infra_fixtures import HUB_BUS_ARN, REGIONS
from root_activity_monitor import ConfigError, config_keys
from root_activity_monitor.hub_notifier import HubNotifierArgs
from root_activity_monitor.organization_rollout import OrganizationRolloutArgs
from root_activity_monitor.program import main
from root_activity_monitor.settings import HubSettings, OrgSettings, SpokeSettings
from root_activity_monitor.spoke_forwarder import SpokeForwarderArgs

from tests.recording import RecordStack

REPO_ROOT = Path(__file__).resolve().parents[2]
NS = config_keys.NAMESPACE
# What each mode's settings and component arguments are.
READERS: dict[str, tuple[type, type]] = {
    "hub": (HubSettings, HubNotifierArgs),
    "spoke": (SpokeSettings, SpokeForwarderArgs),
    "org": (OrgSettings, OrganizationRolloutArgs),
}


def config_for(request: pytest.FixtureRequest, mode: str) -> dict[str, Any]:
    """A complete config of `mode`, this test's own copy."""
    config: dict[str, Any] = request.getfixturevalue(f"{mode}_config")
    return config


def test_pulumi_yaml_schema_is_rendered_from_the_declarations() -> None:
    """GIVEN Pulumi.yaml THEN its config schema is exactly the one the key declarations render."""
    project = yaml.safe_load((REPO_ROOT / "Pulumi.yaml").read_text(encoding="utf-8"))
    assert project["config"] == config_keys.pulumi_yaml_schema()


def test_pulumi_yaml_names_the_map_keys_its_schema_cannot_type() -> None:
    """GIVEN the map and list-of-maps keys (which a project schema cannot type) THEN Pulumi.yaml's comment
    names each."""
    text = (REPO_ROOT / "Pulumi.yaml").read_text(encoding="utf-8")
    assert config_keys.map_keys() == ("accountNames", "tags", "expectedRootUse", "highPriorityEndpoints")
    for name in config_keys.map_keys():
        assert f"# - `{name}`" in text


def test_readme_table_is_rendered_from_the_declarations() -> None:
    """GIVEN the README THEN its configuration table is exactly the one the key declarations render."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert config_keys.readme_table() in readme


def test_write_docs_reproduces_the_checked_in_files(tmp_path: Path) -> None:
    """GIVEN copies of Pulumi.yaml and the README WHEN write_docs renders them again THEN nothing changes."""
    for name in ("Pulumi.yaml", "README.md"):
        (tmp_path / name).write_text((REPO_ROOT / name).read_text(encoding="utf-8"), encoding="utf-8")
    config_keys.write_docs(tmp_path)
    for name in ("Pulumi.yaml", "README.md"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (REPO_ROOT / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "key", [key for key in config_keys.KEYS if key.setting is not None], ids=lambda key: key.name
)
def test_each_key_is_an_argument_of_exactly_the_modes_that_read_it(key: config_keys.ConfigKey) -> None:
    """GIVEN a declared key THEN the settings and component arguments of each mode that reads it have its
    setting, and those of the other modes do not: no key is accepted and then ignored."""
    for mode, (settings, args) in READERS.items():
        in_settings = key.setting in {item.name for item in fields(settings)}
        in_args = key.setting in args.__required_keys__ | args.__optional_keys__  # type: ignore[attr-defined]
        assert in_settings == in_args == key.applies_to(mode), (key.name, mode)


@pytest.mark.parametrize(
    ("stray", "value", "hint"),
    [
        pytest.param(
            "notificationEmail", ["a@example.com"], "did you mean `notificationEmails`?", id="email"
        ),
        pytest.param("organisationId", "o-a1b2c3d4e5", "did you mean `organizationId`?", id="british"),
        pytest.param("heartbeatInterval", 30, "did you mean `heartbeatIntervalMinutes`?", id="interval"),
        pytest.param("colour", "blue", "the known keys are accountNames, batchWindowSeconds", id="no-match"),
    ],
)
def test_an_unknown_key_is_refused_with_the_closest_known_one(
    record_stack: RecordStack, hub_config: dict[str, Any], stray: str, value: Any, hint: str
) -> None:
    """GIVEN a key of the namespace that no stack reads THEN the program fails naming it and the closest
    key, or every key when none is close."""
    hub_config[stray] = value
    with pytest.raises(
        ConfigError, match=re.escape(f"{NS}:{stray} is not a config key of this project; {hint}")
    ):
        record_stack(hub_config)


def test_keys_of_other_namespaces_are_not_the_programs(
    record_stack: RecordStack, hub_config: dict[str, Any]
) -> None:
    """GIVEN keys of other namespaces (a provider's, another project's) THEN the program deploys."""
    hub_config["aws:profile"] = "security"
    hub_config["other-project:colour"] = "blue"
    assert record_stack(hub_config).exports["eventBusName"] == "root-activity-monitor"


@pytest.mark.parametrize(
    ("mode", "stray", "value"),
    [
        ("spoke", "organizationId", "o-a1b2c3d4e5"),
        ("spoke", "batchWindowSeconds", 5),
        ("spoke", "notificationEmails", ["security@example.com"]),
        ("hub", "hubEventBusArn", HUB_BUS_ARN),
        ("hub", "organizationalUnitIds", ["ou-ab12-cd34ef56"]),
        ("org", "heartbeatSilentIntervals", 4),
        ("org", "accountNames", {"222222222222": "production"}),
    ],
)
def test_a_key_of_another_mode_is_refused(
    request: pytest.FixtureRequest,
    record_stack: RecordStack,
    *,
    mode: str,
    stray: str,
    value: Any,
) -> None:
    """GIVEN a key that stacks of this mode do not read THEN the program fails naming the key, the modes that
    read it and this one, instead of deploying without it."""
    config = config_for(request, mode)
    config[stray] = value
    stacks = " and ".join(config_keys.BY_NAME[stray].stacks)
    expected = f"{NS}:{stray} applies to {stacks} stacks only, and this stack's mode is {mode}: remove it"
    with pytest.raises(ConfigError, match=re.escape(expected)):
        record_stack(config, account_id="222222222222")


def test_a_key_of_another_mode_at_the_pulumi_yaml_default_is_let_through(
    record_stack: RecordStack, spoke_config: dict[str, Any]
) -> None:
    """GIVEN a spoke holding the defaults the CLI hands every stack from Pulumi.yaml THEN it deploys: those
    cannot be told from keys the stack never set."""
    defaults = {
        name: entry["default"]
        for name, entry in config_keys.pulumi_yaml_schema().items()
        if "default" in entry
    }
    recorded = record_stack({**defaults, **spoke_config}, account_id="222222222222")
    assert set(recorded.exports["ruleArns"]) == set(REGIONS)


# One bad value per declared key: the mode it is tried in, the value, and what the error must say.
BAD_VALUES: dict[str, tuple[str, Any, str]] = {
    "mode": ("hub", "central", "must be 'hub', 'spoke' or 'org', got 'central'"),
    "regions": ("spoke", ["Europe"], "[0] must be an AWS region"),
    "organizationId": ("hub", "o-123", "must be an AWS Organizations ID like 'o-a1b2c3d4e5'"),
    "spokeAccountIds": ("hub", ["12345"], "[0] must be a 12-digit AWS account ID, got '12345'"),
    "notificationEmails": ("hub", ["security"], "[0] must be an e-mail address"),
    "eventBusName": ("hub", "default", "must be 1 to 55 letters, digits, '-' or '_' and not 'default'"),
    "batchWindowSeconds": ("hub", 301, "must be a whole number of seconds from 0 to 300"),
    "accountNames": ("hub", ["prod"], "must be a map of 12-digit account ID to display name"),
    "tags": ("spoke", {"aws:team": "x"}, " key 'aws:team' starts with 'aws:'"),
    "deployerPrincipalArns": ("hub", ["deployer"], "[0] must be an IAM role or user ARN"),
    "heartbeatIntervalMinutes": ("spoke", 1441, "must be a whole number from 1 to 1440 (minutes between"),
    "heartbeatSilentIntervals": ("hub", 1, "must be a whole number from 2 to 48 (heartbeat intervals"),
    "postureSchedule": ("hub", "daily", "must be an EventBridge Scheduler expression such as 'rate(1 day)'"),
    "postureAuditRoleArn": ("hub", "arn:aws:iam::999999999999:user/audit", "must be an IAM role ARN"),
    "hubEventBusArn": ("spoke", "arn:aws:sqs:eu-west-1:111111111111:queue", "must be an event bus ARN"),
    "hubStack": ("org", "not a stack!", "must be a stack name such as 'hub'"),
    "organizationalUnitIds": (
        "org",
        ["ou-x"],
        "[0] must be an organizational unit ID like 'ou-ab12-cd34ef56'",
    ),
    "expectedOrganizationalUnitIds": ("hub", ["ou-x"], "[0] must be an organizational unit ID like"),
    "organizationsRoleArn": (
        "hub",
        "reader",
        "must be an IAM role ARN like 'arn:aws:iam::111122223333:role/",
    ),
    "callAs": ("org", "ME", "must be 'SELF' (run in the organization's management account) or"),
    "stackSetName": ("org", "1-spoke", "must be a StackSet name: a letter, then"),
    "protectionPolicy": ("org", "on", "must be 'attach' (create the service control policy that protects"),
    "protectionExemptPrincipalArns": ("org", ["deployer"], "[0] must be an IAM role or user ARN like"),
    "expectedRootUse": ("hub", [{"accountIds": ["222222222222"]}], "[0].start must be an ISO 8601 UTC time"),
    "highPriorityEndpoints": ("hub", [{"protocol": "pager", "endpoint": "x"}], "[0].protocol must be one of"),
    "runbookBaseUrl": ("hub", "http://wiki/", "must be an https:// URL or a path ending in '/'"),
}


def test_every_declared_key_has_a_bad_value_below() -> None:
    """GIVEN the declarations THEN the table of bad values covers every key, so a new key gets a row."""
    assert set(BAD_VALUES) == set(config_keys.BY_NAME)


@pytest.mark.parametrize("name", sorted(BAD_VALUES))
def test_each_constraint_names_the_key_and_what_is_expected(
    request: pytest.FixtureRequest, record_stack: RecordStack, name: str
) -> None:
    """GIVEN one bad value of a key WHEN the program runs THEN ConfigError names the key and says what it
    expects."""
    mode, value, expected = BAD_VALUES[name]
    config = config_for(request, mode)
    if name == "hubStack":
        del config["hubEventBusArn"]
    config[name] = value
    separator = "" if expected.startswith(("[", " ")) else " "
    with pytest.raises(ConfigError, match=re.escape(f"{NS}:{name}{separator}{expected}")):
        record_stack(config, account_id="222222222222")


def test_the_watchdogs_fallbacks_are_the_declared_defaults() -> None:
    """GIVEN the watchdog function's fallbacks for a missing environment variable THEN they are the declared
    defaults of the keys that set them (the handler imports nothing of the components)."""
    from handler import watchdog

    assert config_keys.BY_NAME["heartbeatIntervalMinutes"].default == watchdog.DEFAULT_INTERVAL_MINUTES
    assert config_keys.BY_NAME["heartbeatSilentIntervals"].default == watchdog.DEFAULT_SILENT_INTERVALS


def test_an_unknown_key_in_the_language_hosts_environment_is_refused(
    record_stack: RecordStack, hub_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN an unknown key only in PULUMI_CONFIG, the JSON the language host passes the program THEN it is
    refused like one set through the runtime."""
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({f"{NS}:notificationEmail": "a@example.com"}))
    with pytest.raises(ConfigError, match=re.escape(f"{NS}:notificationEmail is not a config key")):
        record_stack(hub_config, program=main)
