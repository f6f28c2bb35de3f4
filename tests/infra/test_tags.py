"""Tags: a `tags` argument (and config key) reaches every child resource that AWS lets us tag."""

from __future__ import annotations

import importlib
import inspect
import re
from typing import Any

import pytest
from infra_fixtures import HUB_ACCOUNT, HUB_BUS_ARN, SPOKE_ACCOUNT
from root_activity_monitor import (
    ConfigError,
    HubNotifier,
    HubNotifierArgs,
    SpokeForwarder,
    SpokeForwarderArgs,
)
from root_activity_monitor.simulate import RecordedStack

TAGS = {"team": "security", "cost-center": "4711"}


def is_taggable(type_token: str) -> bool:
    """Whether the pulumi-aws resource class behind a type token takes a `tags` input."""
    module_name = type_token.split(":")[1].split("/", maxsplit=1)[0]
    try:
        module = importlib.import_module(f"pulumi_aws.{module_name}")
    except ModuleNotFoundError:  # Python keywords get a trailing underscore, e.g. lambda_
        module = importlib.import_module(f"pulumi_aws.{module_name}_")
    resource_class = getattr(module, type_token.split(":")[2])
    return "tags" in inspect.signature(resource_class._internal_init).parameters


def taggable_children(recorded: RecordedStack) -> list[Any]:
    return [r for r in recorded.resources if r.custom and r.type.startswith("aws:") and is_taggable(r.type)]


def test_hub_tags_every_taggable_child(record_stack: Any) -> None:
    """GIVEN HubNotifier with tags THEN each taggable child (bus, rules, queues, key, topic…) has them."""
    recorded = record_stack(
        {},
        program=lambda: HubNotifier(
            "hub",
            HubNotifierArgs(regions=["us-east-1", "eu-west-1"], organization_id="o-a1b2c3d4e5", tags=TAGS),
        ),
        account_id=HUB_ACCOUNT,
    )
    children = taggable_children(recorded)
    expected = {"EventBus", "EventRule", "Queue", "Role", "Key", "Topic", "LogGroup", "Function"}
    assert {r.type.split(":")[2] for r in children} >= {*expected, "EventSourceMapping"}
    untagged = [r.name for r in children if r.inputs.get("tags") != TAGS]
    assert untagged == []


def test_spoke_tags_every_taggable_child(record_stack: Any) -> None:
    """GIVEN SpokeForwarder with tags THEN the role, every rule, DLQ, health topic and alarm have them."""
    recorded = record_stack(
        {},
        program=lambda: SpokeForwarder(
            "spoke", SpokeForwarderArgs(hub_event_bus_arn=HUB_BUS_ARN, regions=["us-east-1"], tags=TAGS)
        ),
        account_id=SPOKE_ACCOUNT,
    )
    children = taggable_children(recorded)
    assert {r.type.split(":")[2] for r in children} == {"EventRule", "Queue", "Role"}
    assert [r.name for r in children if r.inputs.get("tags") != TAGS] == []


def test_without_tags_no_tags_input_is_sent(hub_stack: RecordedStack) -> None:
    """GIVEN no tags THEN resources carry no `tags` input at all (nothing changes for existing stacks)."""
    assert [r.name for r in hub_stack.resources if "tags" in r.inputs] == []


@pytest.mark.parametrize("mode", ["hub", "spoke"])
def test_tags_config_key_reaches_the_resources(
    record_stack: Any, hub_config: dict[str, Any], spoke_config: dict[str, Any], mode: str
) -> None:
    """GIVEN `tags` in a hub or spoke stack file THEN the program's resources are tagged with it."""
    config = {**(hub_config if mode == "hub" else spoke_config), "tags": TAGS}
    recorded = record_stack(config, account_id=HUB_ACCOUNT if mode == "hub" else SPOKE_ACCOUNT)
    children = taggable_children(recorded)
    assert children
    assert all(r.inputs.get("tags") == TAGS for r in children)


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ({"aws:createdBy": "me"}, "root-activity-monitor:tags key 'aws:createdBy' starts with 'aws:'"),
        ({"owner": 7}, "root-activity-monitor:tags['owner'] must be a string"),
        ({"": "x"}, "root-activity-monitor:tags key must be a string of 1 to 128 characters"),
        ({f"k{i}": "v" for i in range(51)}, "root-activity-monitor:tags has 51 tags; AWS allows at most 50"),
        (["team"], "root-activity-monitor:tags must be a map of tag key to value"),
    ],
)
def test_bad_tags_in_config_name_the_key(
    record_stack: Any, hub_config: dict[str, Any], tags: Any, message: str
) -> None:
    """GIVEN malformed tags in the stack file THEN ConfigError names the `tags` key and the problem."""
    with pytest.raises(ConfigError, match=re.escape(message)):
        record_stack({**hub_config, "tags": tags})


def test_bad_tags_argument_names_the_argument(record_stack: Any) -> None:
    """GIVEN SpokeForwarderArgs.tags with a reserved key THEN ConfigError names the argument."""
    args = SpokeForwarderArgs(hub_event_bus_arn=HUB_BUS_ARN, regions=["us-east-1"], tags={"aws:x": "y"})
    with pytest.raises(
        ConfigError, match=re.escape("SpokeForwarderArgs.tags key 'aws:x' starts with 'aws:'")
    ):
        record_stack({}, program=lambda: SpokeForwarder("spoke", args))
