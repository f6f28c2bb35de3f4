"""A function's code loaded as Lambda loads it: fresh module state per load, only the package's own files."""

from __future__ import annotations

import pulumi
import pytest
from root_activity_monitor.simulate.lambda_task import loaded_handler

COUNTER = """
calls = []


def handle(event, context):
    calls.append(event)
    return {"seen": len(calls), "marker": MARKER}
"""


def _archive(marker: str) -> pulumi.AssetArchive:
    source = COUNTER.replace("MARKER", repr(marker))
    return pulumi.AssetArchive(
        {
            "task": pulumi.AssetArchive(
                {"__init__.py": pulumi.StringAsset(""), "app.py": pulumi.StringAsset(source)}
            )
        }
    )


def test_each_load_starts_from_fresh_module_state() -> None:
    """GIVEN the same archive loaded twice WHEN each load's handler is called THEN the second load does not
    see what the first stored at module level (as two cold Lambda starts would not)."""
    code = _archive("one")
    with loaded_handler(code, "task.app.handle", {}) as handle:
        assert handle({"n": 1}, None)["seen"] == 1
        assert handle({"n": 2}, None)["seen"] == 2
    with loaded_handler(code, "task.app.handle", {}) as handle:
        assert handle({"n": 3}, None)["seen"] == 1


def test_a_changed_archive_runs_its_own_code() -> None:
    """GIVEN two archives that differ in one file WHEN loaded one after the other THEN each runs its own code
    (nothing of the first is reused for the second)."""
    with loaded_handler(_archive("first"), "task.app.handle", {}) as handle:
        assert handle({}, None)["marker"] == "first"
    with loaded_handler(_archive("second"), "task.app.handle", {}) as handle:
        assert handle({}, None)["marker"] == "second"


def test_a_module_missing_from_the_archive_fails_to_load() -> None:
    """GIVEN an archive without the module its handler setting names THEN loading fails as Lambda's import
    would."""
    code = pulumi.AssetArchive({"task": pulumi.AssetArchive({"__init__.py": pulumi.StringAsset("")})})
    with pytest.raises(ModuleNotFoundError, match=r"task\.app"), loaded_handler(code, "task.app.handle", {}):
        pass
