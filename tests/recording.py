"""The `record_stack` fixture's type, for the tests that take it (the fixture lives in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from root_activity_monitor.simulate import RecordedStack


class RecordStack(Protocol):
    """Evaluate a program (by default the project's own) with `config` and return what it registered."""

    def __call__(
        self,
        config: Mapping[str, Any],
        *,
        program: Callable[[], object] | None = None,
        account_id: str = ...,
        stack: str = ...,
        stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> RecordedStack: ...
