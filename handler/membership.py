"""Which of the organization's accounts the watchdog expects heartbeats from, and which it still watches.

Active accounts under the targeted OUs are expected once a grace period past their joining has gone by (a
StackSet takes minutes to reach a new account, and its first heartbeat an interval more); suspended, closed
and departed accounts are neither expected nor watched: their silence is no monitoring gap.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .organizations import Account

# A new account is expected this many heartbeat intervals after it joined; its "never received" clock
# then runs as for any pair.
GRACE_INTERVALS = 2


@dataclass(frozen=True, slots=True)
class Membership:
    """The organization's view of the accounts, as the watchdog uses it."""

    expected: frozenset[str]
    """Active, and joined longer ago than the grace period: a missing heartbeat is a gap."""
    watched: frozenset[str]
    """Active: a heartbeat already recorded still counts, a silence is still a gap."""


def membership(accounts: Iterable[Account], *, now: int, interval_seconds: int) -> Membership:
    """Expected and watched accounts at `now`."""
    grace = GRACE_INTERVALS * interval_seconds
    active = [account for account in accounts if account.active]
    expected = {a.id for a in active if a.joined is None or now - a.joined >= grace}
    return Membership(expected=frozenset(expected), watched=frozenset(a.id for a in active))
