"""Shared test helpers: the repository root and a fixture that records a program under Pulumi mocks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest

if TYPE_CHECKING:
    from root_activity_monitor.simulate import RecordedStack

REPO_ROOT = Path(__file__).resolve().parent.parent


class RecordStack(Protocol):
    """Signature of the `record_stack` fixture."""

    def __call__(
        self,
        config: Mapping[str, Any],
        *,
        program: Callable[[], object] | None = None,
        account_id: str = ...,
        stack: str = ...,
        stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> RecordedStack: ...


@pytest.fixture
def record_stack() -> RecordStack:
    """Evaluate a program (by default this project's `main`) with `config` and return what it registered."""
    # Imported here so test folders that never record a stack (the notifier's) do not load Pulumi.
    from root_activity_monitor.program import main
    from root_activity_monitor.simulate import record_program

    def record(
        config: Mapping[str, Any],
        *,
        program: Callable[[], object] | None = None,
        account_id: str = "111111111111",
        stack: str = "test",
        stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> RecordedStack:
        return record_program(
            program or main, config, account_id=account_id, stack=stack, stack_outputs=stack_outputs
        )

    return record
