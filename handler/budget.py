"""One time budget for a whole batch, and the loop that spends it in order of importance.

The function's timeout is read once (Lambda's context), less a safety margin: the time one call at its worst
(bounded client timeouts and retries) takes, plus time to log and return. Work is started most important
first: root notifications, then tamper, then health, then heartbeat writes. What has not started when the
budget is spent is handed back (SQS retries it), never dropped, and a flood of lesser work cannot hold back
a root notification: it is queued behind it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from . import jsonlog

T = TypeVar("T")
RemainingMillis = Callable[[], float]
DONE, FAILED, OUT_OF_TIME = "done", "failed", "out of time"
# A few calls in flight cover the latency of SNS and DynamoDB without tripping their throttling.
WORKERS = 4


class Budget:
    """The monotonic time after which no call may start; none when the caller gave no clock (tests)."""

    def __init__(self, remaining_ms: RemainingMillis | None, margin_ms: float) -> None:
        self.margin_ms = margin_ms
        # The context's clock is the function's timeout; ours is cheap to read.
        self.deadline = (
            None if remaining_ms is None else time.monotonic() + (remaining_ms() - margin_ms) / 1000
        )

    def spent(self) -> bool:
        return self.deadline is not None and time.monotonic() > self.deadline


def run_in_order(
    items: Sequence[T],
    work: Callable[[T], object],
    budget: Budget,
    on_error: Callable[[T, Exception], None],
) -> list[str]:
    """Run ``work`` on each item, started in the given order, a few at a time; one outcome per item:
    DONE, FAILED (it raised; ``on_error`` logs it) or OUT_OF_TIME (the budget was spent before it started)."""

    def attempt(item: T) -> str:
        if budget.spent():
            return OUT_OF_TIME
        try:
            work(item)
        # Throttling, KMS, a missing topic or table, or a bug: hand the records back, never lose them.
        except Exception as exc:
            on_error(item, exc)
            return FAILED
        return DONE

    if len(items) <= 1:
        return [attempt(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(items))) as pool:
        return list(pool.map(attempt, items))


def log_out_of_time(what: str, outcomes: Sequence[str], budget: Budget) -> None:
    """One error line when part of the work did not start in time."""
    late = sum(1 for outcome in outcomes if outcome == OUT_OF_TIME)
    if late:
        jsonlog.error(
            f"too little time left before the function's timeout; {what} not started are returned for retry",
            notStarted=late,
            safetyMarginMs=budget.margin_ms,
        )
