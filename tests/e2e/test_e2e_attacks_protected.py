"""The attack table's steps under the org stack's protection policy, and against a spoke whose
SpokeForwarder is named otherwise than the hub: one replay of their own (the table is in `attack_table`)."""

from __future__ import annotations

import pytest
from root_activity_monitor.simulate.attacks import RELAY_ROLE, RELAY_RULE, STEPS

from tests.e2e.attack_table import (
    ACME_ROWS,
    PROTECTED,
    SINGLE_STEPS,
    TAMPER,
    Expected,
    Outcomes,
    replay_rows,
    row_id,
)


@pytest.fixture(scope="session")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Outcomes, Outcomes]:
    """Every step with the attacked account under the protection policy, then the acme rows, each replayed
    once against its own spoke account."""
    rows = list(PROTECTED)
    return replay_rows(
        tmp_path_factory.mktemp("attacks"),
        rows,
        protected=[True] * len(rows),
        acme=[(row,) for row in ACME_ROWS],
    )


@pytest.fixture(scope="session")
def protected_outcomes(replayed: tuple[Outcomes, Outcomes]) -> Outcomes:
    """Every step, the attacked account under the protection policy."""
    return replayed[0]


@pytest.fixture(scope="session")
def acme_outcomes(replayed: tuple[Outcomes, Outcomes]) -> Outcomes:
    """The acme rows, against spokes named `acme-root-watch` under the hub named `root-activity-monitor`."""
    return replayed[1]


@pytest.mark.parametrize(("sequence", "expected"), PROTECTED.items(), ids=[row_id(s) for s in PROTECTED])
def test_under_the_protection_policy_each_attack_is_refused_and_root_still_notified(
    sequence: tuple[str, ...], expected: Expected, protected_outcomes: Outcomes
) -> None:
    """GIVEN the org stack's protection policy on the attacked account WHEN the administrator tries the step
    THEN its call on the monitor is refused (one the StackSet execution role may make), nothing of the
    monitor changes, the refused attempt is reported as tamper at MEDIUM unless it named only the
    administrator's own resources, and root acting afterwards is notified."""
    categories, silenced = expected
    outcome = protected_outcomes[sequence]
    assert outcome.categories == categories
    assert outcome.severities == ({"MEDIUM"} if categories else set())
    assert outcome.root_notified is not silenced
    assert {call.split(" ")[1] for call in outcome.applied} <= {RELAY_RULE, RELAY_ROLE}
    assert bool(outcome.refused) is (sequence != ("relay heartbeats with an own role",))
    assert outcome.refused_to_execution_role == ()


def test_every_step_is_tried_under_the_policy_and_the_replay_is_clean(
    protected_outcomes: Outcomes, acme_outcomes: Outcomes
) -> None:
    """GIVEN the protected rows and the acme rows THEN every step of the replay is tried under the policy,
    and nothing was notified about another account or before the attack (the replay's own problems)."""
    assert {step for sequence in protected_outcomes for step in sequence} == set(STEPS)
    (problems,) = {outcome.problems for outcome in (*protected_outcomes.values(), *acme_outcomes.values())}
    assert problems == ()


@pytest.mark.parametrize("row", ACME_ROWS)
def test_a_spoke_named_otherwise_than_the_hub_is_notified_as_the_table_says(
    row: str, acme_outcomes: Outcomes
) -> None:
    """GIVEN a SpokeForwarder named `acme-root-watch` and the hub named `root-activity-monitor` WHEN the
    administrator disables one of its rules THEN the hub delivers what it does for the program's own spoke,
    tamper included."""
    categories, silenced = SINGLE_STEPS[row]
    outcome = acme_outcomes[(row,)]
    assert TAMPER in outcome.categories
    assert (outcome.categories, outcome.root_notified) == (categories, not silenced)
    assert outcome.problems == ()
