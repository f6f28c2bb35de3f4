"""Recording the program under Pulumi mocks, evaluation after evaluation, as the suite and `simulate` do."""

from __future__ import annotations

import asyncio
import gc
import warnings

import pytest
from root_activity_monitor import ConfigError
from root_activity_monitor.program import main
from root_activity_monitor.simulate import record_program


def test_evaluations_leave_no_unclosed_event_loop_behind() -> None:
    """GIVEN failed evaluations one after another WHEN the collector runs THEN it finds no event loop left
    unclosed (it would close one after the loop's own sockets, which fails as an unraisable error), and the
    loop left current after the last evaluation is open for code that reads Outputs."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        for _ in range(3):
            with pytest.raises(ConfigError, match="mode must be"):
                record_program(main, {"mode": "central", "aws:region": "eu-west-1"})
        gc.collect()
    assert [str(w.message) for w in caught if "unclosed event loop" in str(w.message)] == []
    assert not asyncio.get_event_loop().is_closed()
