"""The Pulumi package other languages use: its name, the components it hosts, and the schema Pulumi derives.

`provider/` hosts these components with the Python SDK's component provider, so TypeScript, Go, C# and YAML
programs get them through `pulumi package add`. The schema comes from the components' type annotations
(TypedDict arguments with a docstring per field, annotated outputs); `provider/schema.json` pins it, so a
changed argument or output shows up in review.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pulumi

from .hub_notifier import HubNotifier
from .organization_rollout import OrganizationRollout
from .spoke_forwarder import SpokeForwarder

PACKAGE_NAME = "root-activity-monitor"
"""The package part of every type token (`root-activity-monitor:index:HubNotifier`)."""
DISTRIBUTION = "pulumi-root-activity-monitor"
"""The name pyproject.toml gives the installed distribution."""
PACKAGE_VERSION = version(DISTRIBUTION)
"""The installed distribution's version (pyproject.toml's), which the provider serves with the schema."""
HOSTED_COMPONENTS: list[type[pulumi.ComponentResource]] = [HubNotifier, SpokeForwarder, OrganizationRollout]
PINNED_SCHEMA = Path(__file__).resolve().parent.parent / "provider" / "schema.json"
"""The reviewed schema, in a checkout (it is not shipped in the wheel)."""


def package_schema() -> dict[str, Any]:
    """The package schema exactly as the component provider host serves it to `pulumi package add`."""
    from pulumi.provider.experimental.component import ComponentProvider  # noqa: PLC0415 - only here

    provider = ComponentProvider(HOSTED_COMPONENTS, PACKAGE_NAME, version=PACKAGE_VERSION)
    if provider.schema is None:
        message = "the component provider derived no schema from the components"
        raise RuntimeError(message)
    schema: dict[str, Any] = json.loads(provider.schema)
    return schema


def write_pinned_schema(path: Path = PINNED_SCHEMA) -> None:
    """Regenerate the pinned schema after an intended change of arguments or outputs."""
    path.write_text(json.dumps(package_schema(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
