"""The README is the front door: its code example runs, and its tables name what the program really has."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text of one `## ` section of the README."""
    start = README.index(f"## {title}")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def first_table_column(text: str) -> set[str]:
    """The back-quoted names in the first column of every table row of `text`."""
    return set(re.findall(r"^\| `([^`]+)` \|", text, flags=re.MULTILINE))


def test_library_example_runs_as_written(record_stack: Any) -> None:
    """GIVEN the README's Python example WHEN run as a program THEN it builds a hub and a spoke."""
    code = re.search(r"```python\n(.*?)```", section("Use the components from another Pulumi program"), re.S)
    assert code is not None

    def program() -> None:
        exec(compile(code.group(1), "README.md", "exec"), {"__name__": "__readme__"})

    stack = record_stack({"aws:region": "eu-west-1"}, program=program)

    types = {resource.type for resource in stack}
    assert {"root-activity-monitor:index:HubNotifier", "root-activity-monitor:index:SpokeForwarder"} <= types
    hub_bus_arn = "arn:aws:events:eu-west-1:111111111111:event-bus/root-activity-monitor"
    assert stack.exports["eventBusArn"] == hub_bus_arn


def test_config_reference_lists_every_key_of_the_project() -> None:
    """GIVEN Pulumi.yaml's config schema THEN the README's config table documents every key and no other."""
    schema = yaml.safe_load((REPO_ROOT / "Pulumi.yaml").read_text())["config"]
    documented = first_table_column(section("Configuration reference"))
    untyped = {"accountNames", "tags", "expectedRootUse", "highPriorityEndpoints", "aws:region"}
    assert set(schema) | untyped == documented


def test_stack_outputs_table_names_every_export(record_stack: Any) -> None:
    """GIVEN both example stacks WHEN evaluated THEN the README's outputs table names just their exports."""
    exported: set[str] = set()
    for file_name in ("Pulumi.hub.yaml", "Pulumi.spoke.yaml", "Pulumi.org.yaml"):
        config = yaml.safe_load(Path(REPO_ROOT / file_name).read_text())["config"]
        exported |= set(record_stack(config).exports)
    rows = re.findall(r"^\| (?:hub|spoke|org) \| `([^`]+)` \|", section("Stack outputs"), flags=re.MULTILINE)
    assert set(rows) == exported
