"""Recording the program under Pulumi mocks, evaluation after evaluation, as the suite and `simulate` do."""

from __future__ import annotations

import asyncio
import gc
import warnings

import pytest
from root_activity_monitor import ConfigError
from root_activity_monitor.program import main
from root_activity_monitor.simulate import record_program

SPOKE = {
    "aws:region": "eu-west-1",
    "mode": "spoke",
    "regions": ["us-east-1", "eu-west-1"],
    "hubEventBusArn": "arn:aws:events:eu-west-1:111111111111:event-bus/root-activity-monitor",
}


def _open_loops() -> set[int]:
    return {
        id(thing)
        for thing in gc.get_objects()
        if isinstance(thing, asyncio.AbstractEventLoop) and not thing.is_closed()
    }


def test_evaluations_leave_no_unclosed_event_loop_behind() -> None:
    """GIVEN failed and successful evaluations one after another WHEN they are done THEN no event loop of
    theirs is left open (the collector would close it after the loop's own sockets, which fails as an
    unraisable error) but the one left current, which is open for code that reads Outputs."""
    before = _open_loops()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        for _ in range(2):
            with pytest.raises(ConfigError, match="mode must be"):
                record_program(main, {"mode": "central", "aws:region": "eu-west-1"})
            assert record_program(main, SPOKE, account_id="222222222222").resources
        left = _open_loops() - before
        gc.collect()
    assert [str(w.message) for w in caught if "unclosed event loop" in str(w.message)] == []
    assert left == {id(asyncio.get_event_loop())}
    assert not asyncio.get_event_loop().is_closed()
