"""Contract every component keeps: type token, TypedDict args, documented outputs, named children."""

from __future__ import annotations

import ast
import inspect
import typing
from dataclasses import dataclass
from typing import Any

import pulumi
import pytest
import root_activity_monitor
from root_activity_monitor import (
    HubNotifier,
    HubNotifierArgs,
    OrganizationRollout,
    OrganizationRolloutArgs,
    SpokeForwarder,
    SpokeForwarderArgs,
)
from root_activity_monitor.simulate import RecordedStack

from tests.recording import RecordStack

HUB_BUS_ARN = "arn:aws:events:eu-west-1:111111111111:event-bus/root-activity-monitor"


@dataclass(frozen=True)
class ComponentCase:
    """One component and what the contract expects of it."""

    component: type[pulumi.ComponentResource]
    args: Any
    type_token: str
    required_args: frozenset[str]
    outputs: frozenset[str]
    example: dict[str, Any]


CASES = [
    ComponentCase(
        component=HubNotifier,
        args=HubNotifierArgs,
        type_token="root-activity-monitor:index:HubNotifier",
        required_args=frozenset({"regions"}),
        outputs=frozenset(
            {
                "event_bus_arn",
                "event_bus_name",
                "topic_arn",
                "queue_url",
                "dead_letter_queue_arn",
                "function_name",
            }
        ),
        example={"regions": ["us-east-1"], "organization_id": "o-a1b2c3d4e5"},
    ),
    ComponentCase(
        component=SpokeForwarder,
        args=SpokeForwarderArgs,
        type_token="root-activity-monitor:index:SpokeForwarder",
        required_args=frozenset({"hub_event_bus_arn", "regions"}),
        outputs=frozenset({"rule_arns", "delivery_role_arn"}),
        example={"regions": ["us-east-1"], "hub_event_bus_arn": HUB_BUS_ARN},
    ),
    ComponentCase(
        component=OrganizationRollout,
        args=OrganizationRolloutArgs,
        type_token="root-activity-monitor:index:OrganizationRollout",
        required_args=frozenset({"hub_event_bus_arn", "regions", "organizational_unit_ids"}),
        outputs=frozenset(
            {
                "stack_set_name",
                "stack_set_arn",
                "own_account_rule_arns",
                "posture_audit_role_arn",
                "organizations_role_arn",
                "protection_policy_id",
            }
        ),
        example={
            "regions": ["us-east-1"],
            "hub_event_bus_arn": HUB_BUS_ARN,
            "organizational_unit_ids": ["r-a1b2"],
        },
    ),
]
IDS = [case.component.__name__ for case in CASES]


def documented_attributes(cls: type) -> dict[str, str]:
    """Annotated class attributes and the docstring that follows each (empty when missing)."""
    tree = ast.parse(inspect.getsource(cls))
    (class_def,) = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    documented: dict[str, str] = {}
    for statement, following in zip(class_def.body, [*class_def.body[1:], None], strict=True):
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            docstring = ""
            if isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant):
                docstring = str(following.value.value)
            documented[statement.target.id] = docstring
    return documented


def record_component(record_stack: RecordStack, case: ComponentCase, name: str = "example") -> RecordedStack:
    """A program that builds just this component with its example args."""

    def program() -> None:
        case.component(name, case.args(**case.example))

    return record_stack({"aws:region": "eu-west-1"}, program=program, account_id="222222222222")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_component_registers_under_its_type_token(record_stack: RecordStack, case: ComponentCase) -> None:
    """GIVEN a component WHEN built THEN it registers with the package:index:Noun type token."""
    recorded = record_component(record_stack, case)
    (component,) = [r for r in recorded if r.type == case.type_token]
    assert not component.custom
    assert component.name == "example"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_args_are_a_typed_dict_with_a_docstring_per_field(case: ComponentCase) -> None:
    """GIVEN the args class THEN it is a TypedDict whose every field has a docstring."""
    assert typing.is_typeddict(case.args)
    fields = documented_attributes(case.args)
    assert set(fields) == set(case.args.__annotations__)
    assert all(docstring.strip() for docstring in fields.values()), fields
    assert case.args.__required_keys__ == case.required_args


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_constructor_takes_name_args_and_options(case: ComponentCase) -> None:
    """GIVEN the component THEN its constructor is (name, args, opts=None), like every Pulumi component."""
    parameters = list(inspect.signature(case.component.__init__).parameters.values())
    assert [p.name for p in parameters] == ["self", "name", "args", "opts"]
    assert parameters[-1].default is None


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_outputs_are_documented_annotated_attributes(case: ComponentCase) -> None:
    """GIVEN the component class THEN each output is an annotated attribute with a docstring."""
    attributes = documented_attributes(case.component)
    assert set(attributes) == case.outputs
    assert all(docstring.strip() for docstring in attributes.values()), attributes


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_register_outputs_is_called_last_with_the_documented_outputs(
    record_stack: RecordStack, monkeypatch: pytest.MonkeyPatch, case: ComponentCase
) -> None:
    """GIVEN the component WHEN built THEN register_outputs gets exactly its outputs, after every child."""
    calls: list[tuple[set[str], int]] = []
    created: list[str] = []
    original_init = pulumi.CustomResource.__init__

    def counting_init(self: pulumi.CustomResource, *args: Any, **kwargs: Any) -> None:
        created.append(str(args[1] if len(args) > 1 else kwargs.get("name")))
        original_init(self, *args, **kwargs)

    def capture(self: pulumi.ComponentResource, outputs: dict[str, Any]) -> None:
        if isinstance(self, case.component):
            calls.append((set(outputs), len(created)))

    monkeypatch.setattr(pulumi.CustomResource, "__init__", counting_init)
    monkeypatch.setattr(pulumi.ComponentResource, "register_outputs", capture)
    record_component(record_stack, case)
    assert calls == [(set(case.outputs), len(created))]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_children_are_parented_and_named_from_the_component(
    record_stack: RecordStack, case: ComponentCase
) -> None:
    """GIVEN the component THEN every resource it creates descends from it and has a name starting with
    the component's."""
    recorded = record_component(record_stack, case, name="watch")
    (component,) = [r for r in recorded if r.type == case.type_token]
    parents = {r.urn: r.parent_urn for r in recorded}
    children = [r for r in recorded if r is not component]
    assert children
    for child in children:
        ancestor = child.parent_urn
        while ancestor in parents and ancestor != component.urn:
            ancestor = parents[ancestor]
        assert ancestor == component.urn, child.name
        assert child.name.startswith("watch-"), child.name


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_two_instances_do_not_collide(record_stack: RecordStack, case: ComponentCase) -> None:
    """GIVEN two instances in one program THEN every logical name is distinct (no hard-coded child names)."""
    example = dict(case.example)

    def program() -> None:
        case.component("first", case.args(**example))
        second = dict(example)
        if case.component is HubNotifier:
            second["event_bus_name"] = "second-bus"  # physical names follow the bus name
        if case.component is OrganizationRollout:
            second["stack_set_name"] = "second-stack-set"
        case.component("second", case.args(**second))

    recorded = record_stack({"aws:region": "eu-west-1"}, program=program, account_id="222222222222")
    urns = [r.urn for r in recorded]
    assert len(urns) == len(set(urns))


def test_package_exports_the_public_api() -> None:
    """GIVEN the package THEN __all__ names the components, their args, the pattern and ConfigError."""
    components = {case.component.__name__ for case in CASES} | {case.args.__name__ for case in CASES}
    assert {*components, "ConfigError"} <= set(root_activity_monitor.__all__)
    for name in root_activity_monitor.__all__:
        assert hasattr(root_activity_monitor, name), name


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_children_use_the_callers_provider(record_stack: RecordStack, case: ComponentCase) -> None:
    """GIVEN a provider passed to the component THEN every child resource is created with it."""
    import pulumi_aws as aws
    from root_activity_monitor.simulate.recording import RecordingMonitor

    providers: dict[str, str] = {}
    original = RecordingMonitor.RegisterResource

    def spy(self: RecordingMonitor, request: Any) -> Any:
        response = original(self, request)
        if request.custom and not request.type.startswith("pulumi:providers:"):
            providers[request.name] = request.provider
        return response

    def program() -> None:
        provider = aws.Provider("audit-account", region="eu-west-1")
        case.component("example", case.args(**case.example), pulumi.ResourceOptions(providers=[provider]))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(RecordingMonitor, "RegisterResource", spy)
        record_stack({"aws:region": "eu-west-1"}, program=program, account_id="222222222222")
    assert providers
    for name, provider in providers.items():
        assert "pulumi:providers:aws::audit-account" in provider, name
