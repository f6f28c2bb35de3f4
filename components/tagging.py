"""Tags: the map a user gives a component, applied to every child resource AWS lets us tag."""

from __future__ import annotations

from collections.abc import Mapping

Tags = Mapping[str, str]


def tag_input(tags: Tags) -> dict[str, str] | None:
    """The `tags` input of a taggable resource; None (no input at all) when there are no tags."""
    return dict(tags) or None
