"""The pack's copy of what it enforces stays equal to the project's own values."""

from __future__ import annotations

import json

from root_activity_monitor import event_pattern, heartbeat, regions, tamper
from root_activity_monitor.hub_notifier import TYPE_TOKEN as HUB_TYPE
from root_activity_monitor.spoke_forwarder import TYPE_TOKEN as SPOKE_TYPE
from root_activity_policies import expected


def test_pattern_copy_equals_the_shared_pattern() -> None:
    """GIVEN the shared root-activity pattern WHEN compared with the pack's copy THEN they are equal.

    If this fails, the pattern changed: update expected.py in the same change, so review sees both.
    """
    assert json.loads(event_pattern.ROOT_ACTIVITY_EVENT_PATTERN) == expected.ROOT_ACTIVITY_EVENT_PATTERN
    assert expected.FORWARDED_PATTERNS[expected.ROOT_ACTIVITY_KIND] == event_pattern.root_activity_pattern()


def test_rule_state_and_region_copies_equal_the_project() -> None:
    """GIVEN the project's rule state and global region WHEN compared with the pack's THEN they are equal."""
    assert expected.RULE_STATE == event_pattern.ROOT_ACTIVITY_RULE_STATE
    assert expected.GLOBAL_EVENTS_REGION == regions.GLOBAL_EVENTS_REGION


def test_component_type_tokens_carry_the_monitor_prefix() -> None:
    """GIVEN the components' type tokens WHEN the pack picks out monitor resources THEN it knows both."""
    assert HUB_TYPE.startswith(expected.MONITOR_TYPE_PREFIX)
    assert SPOKE_TYPE.startswith(expected.MONITOR_TYPE_PREFIX)


def test_config_keys_the_pack_names_are_the_projects_keys() -> None:
    """GIVEN the config keys the pack's fixes name WHEN compared with the project's declarations THEN each
    is a declared key, of that namespace, becoming the argument the fix names."""
    from root_activity_monitor import config_keys

    assert expected.CONFIG_NAMESPACE == config_keys.NAMESPACE
    for name, argument in expected.CONFIG_KEY_ARGUMENTS.items():
        assert config_keys.BY_NAME[name].setting == argument


def test_root_or_heartbeat_copy_equals_the_project_s() -> None:
    """GIVEN a heartbeat role WHEN the pack's root-or-heartbeat pattern (with the tamper rule's changes) is
    compared with what the components give their root-activity rules THEN they are equal, and so is the role
    name prefix."""
    role_arn = f"arn:aws:iam::222222222222:role/{heartbeat.ROLE_NAME_PREFIX}abc123"
    project = tamper.watching_the_tamper_rule(heartbeat.forwarding_pattern(role_arn))
    assert expected.root_or_heartbeat_pattern(role_arn) == json.loads(project)
    assert expected.HEARTBEAT_ROLE_NAME_PREFIX == heartbeat.ROLE_NAME_PREFIX
