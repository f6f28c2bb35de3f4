"""The components as a Pulumi package for other languages: the schema the SDK derives, pinned for review."""

from __future__ import annotations

import ast
import json
import re
import tomllib
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml
from root_activity_monitor import package

REPO_ROOT = Path(__file__).resolve().parents[2]
PROVIDER = REPO_ROOT / "provider"
REGENERATE = (
    'uv run python -c "from root_activity_monitor.package import write_pinned_schema; write_pinned_schema()"'
)


@pytest.fixture(scope="session")
def schema() -> dict[str, Any]:
    """The schema derived in-process from the components' type annotations, as the provider host serves it."""
    return package.package_schema()


def test_derived_schema_is_the_pinned_one(schema: dict[str, Any]) -> None:
    """GIVEN the components as they are THEN the derived schema equals provider/schema.json, so any change
    of an argument or output shows up in review (regenerate deliberately with the command in the message)."""
    pinned = json.loads((PROVIDER / "schema.json").read_text())
    assert schema == pinned, f"the package schema changed; review it and regenerate with: {REGENERATE}"


def test_every_component_is_in_the_package(schema: dict[str, Any]) -> None:
    """GIVEN the schema THEN each hosted component appears under its own type token."""
    assert schema["name"] == package.PACKAGE_NAME
    tokens = {f"root-activity-monitor:index:{component.__name__}" for component in package.HOSTED_COMPONENTS}
    assert set(schema["resources"]) == tokens
    assert all(resource["isComponent"] for resource in schema["resources"].values())


@pytest.mark.parametrize(
    ("component", "required", "outputs"),
    [
        ("HubNotifier", ["regions"], {"eventBusArn", "topicArn", "queueUrl", "functionName"}),
        ("SpokeForwarder", ["hubEventBusArn", "regions"], {"ruleArns", "deliveryRoleArn"}),
        ("OrganizationRollout", ["hubEventBusArn", "organizationalUnitIds", "regions"], {"stackSetArn"}),
    ],
)
def test_arguments_and_outputs_reach_other_languages(
    schema: dict[str, Any], component: str, required: list[str], outputs: set[str]
) -> None:
    """GIVEN a component THEN its required arguments are required in the schema, every argument carries its
    docstring, and its outputs are there."""
    resource = schema["resources"][f"root-activity-monitor:index:{component}"]
    assert sorted(resource["requiredInputs"]) == required
    assert all(prop.get("description") for prop in resource["inputProperties"].values())
    assert outputs <= set(resource["properties"])


def test_hub_bus_arn_accepts_an_output_from_another_resource(schema: dict[str, Any]) -> None:
    """GIVEN the spoke and org components THEN hubEventBusArn is an input (not plain), so a TypeScript or YAML
    program can pass the hub's output or a stack reference."""
    for component in ("SpokeForwarder", "OrganizationRollout"):
        prop = schema["resources"][f"root-activity-monitor:index:{component}"]["inputProperties"][
            "hubEventBusArn"
        ]
        assert prop["type"] == "string"
        assert not prop.get("plain", False)


def test_plugin_manifest_and_entry_point_host_the_package() -> None:
    """GIVEN provider/ THEN PulumiPlugin.yaml names the python runtime and __main__.py hosts the package's
    components under its name."""
    manifest = yaml.safe_load((PROVIDER / "PulumiPlugin.yaml").read_text())
    assert manifest["runtime"]["name"] == "python"
    tree = ast.parse((PROVIDER / "__main__.py").read_text())
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    host = [c for c in calls if isinstance(c.func, ast.Name) and c.func.id == "component_provider_host"]
    assert len(host) == 1
    assert [arg.id for arg in host[0].args if isinstance(arg, ast.Name)] == ["HOSTED_COMPONENTS"]
    assert {kw.arg for kw in host[0].keywords} == {"name", "version"}


def descriptions(node: object) -> list[str]:
    """Every `description` anywhere in a schema document."""
    if isinstance(node, dict):
        return [
            text
            for key, value in node.items()
            for text in ([value] if key == "description" and isinstance(value, str) else descriptions(value))
        ]
    if isinstance(node, list):
        return [text for item in node for text in descriptions(item)]
    return []


def test_descriptions_read_as_other_languages_see_them(schema: dict[str, Any]) -> None:
    """GIVEN the schema THEN no description carries a docstring's indentation or a Python argument name
    (a TypeScript or YAML user knows `callAs`, not `call_as`)."""
    python_names = {
        name
        for component in package.HOSTED_COMPONENTS
        for name in typing.get_type_hints(component.__init__)["args"].__annotations__
        if "_" in name
    }
    texts = descriptions(schema)
    assert texts
    for text in texts:
        assert "\n " not in text, text
        assert not python_names & set(re.findall(r"\w+", text)), text


def test_the_package_version_is_the_distributions(schema: dict[str, Any]) -> None:
    """GIVEN pyproject.toml's version THEN the provider serves the package under that version."""
    declared = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert declared == package.PACKAGE_VERSION
    assert schema["version"] == declared
