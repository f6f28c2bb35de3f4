"""Which (account, region) pairs fell silent, never reported, or recovered: a pure decision over the table.

The watchdog reads every pair's state from the heartbeat table and the pairs it expects from its schedule,
and this module says what changed since it last notified. A pair is silent once it has not been heard for
`threshold` seconds; an expected pair that was never heard gets the same time, counted from when the
watchdog first looked for it, so a fresh deployment is not reported before its first heartbeats arrive.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SILENT = "silent"
NEVER = "never"
RECOVERED = "recovered"


@dataclass(frozen=True, slots=True)
class PairState:
    """One item of the heartbeat table."""

    account_id: str
    region: str
    last_heard: int | None = None
    watched_since: int | None = None
    """When the watchdog first expected this pair (set for expected pairs only)."""
    gap: str = ""
    """The gap already notified, SILENT or NEVER; empty when none is open."""


@dataclass(frozen=True, slots=True)
class Change:
    """A gap that opened or closed in this run."""

    account_id: str
    region: str
    kind: str
    """SILENT, NEVER or RECOVERED."""
    last_heard: int | None
    since: int | None
    """When the silence began: the last heartbeat, or when the watchdog started expecting one."""


@dataclass(frozen=True, slots=True)
class Assessment:
    changes: list[Change]
    newly_expected: list[tuple[str, str]]
    """Expected pairs the table does not hold yet: the watchdog starts their clock now."""


def assess(
    states: Iterable[PairState], expected: Iterable[tuple[str, str]], *, now: int, threshold: int
) -> Assessment:
    """What to notify: each open gap once, each recovery once."""
    known = {(state.account_id, state.region): state for state in states}
    changes: list[Change] = []
    for state in known.values():
        change = _change(state, now=now, threshold=threshold)
        if change is not None:
            changes.append(change)
    newly_expected = sorted(pair for pair in set(expected) if pair not in known)
    changes.sort(key=lambda change: (change.account_id, change.region))
    return Assessment(changes=changes, newly_expected=newly_expected)


def _change(state: PairState, *, now: int, threshold: int) -> Change | None:
    heard = state.last_heard
    if heard is not None and now - heard < threshold:
        if state.gap:
            return Change(state.account_id, state.region, RECOVERED, heard, None)
        return None
    if state.gap:
        return None  # already notified; say nothing until it recovers
    if heard is not None:
        return Change(state.account_id, state.region, SILENT, heard, heard)
    if state.watched_since is not None and now - state.watched_since >= threshold:
        return Change(state.account_id, state.region, NEVER, None, state.watched_since)
    return None
