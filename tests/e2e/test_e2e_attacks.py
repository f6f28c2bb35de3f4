"""A member account's administrator (not root) attacks the monitor: every sequence that silences root
detection in that account is notified, as tamper or as a monitoring gap, within two heartbeat intervals.

The table and its replay are in `attack_table`; the same steps under the protection policy, and against a
spoke named otherwise than the hub, are in test_e2e_attacks_protected.py (a replay of their own, which the
suite runs beside this one).
"""

from __future__ import annotations

import pytest
from root_activity_monitor.simulate.attacks import STEPS

from tests.e2e.attack_table import (
    GAP,
    PROTECTED,
    REPO_ROOT,
    RESIDUAL,
    SEQUENCES,
    TAMPER,
    Expected,
    Outcomes,
    replay_rows,
    row_id,
)


@pytest.fixture(scope="session")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> Outcomes:
    """Every sequence of the table, no protection policy attached, replayed once each against its own spoke
    account."""
    rows = list(SEQUENCES)
    replayed, _ = replay_rows(tmp_path_factory.mktemp("attacks"), rows, protected=[False] * len(rows))
    return replayed


@pytest.mark.parametrize(("sequence", "expected"), SEQUENCES.items(), ids=[row_id(s) for s in SEQUENCES])
def test_each_attack_is_notified_as_the_row_says_and_nothing_else(
    sequence: tuple[str, ...], expected: Expected, outcomes: Outcomes
) -> None:
    """GIVEN a member administrator's sequence of changes WHEN two heartbeat intervals pass and root acts
    THEN exactly the row's categories are notified about that account, and root is notified unless
    silenced."""
    categories, silenced = expected
    outcome = outcomes[sequence]
    assert outcome.categories == categories
    assert outcome.root_notified is not silenced


def test_no_sequence_silences_root_unnoticed_but_the_named_residual(outcomes: Outcomes) -> None:
    """GIVEN every sequence of the table THEN whenever root acting goes unnotified, a tamper or monitoring-gap
    notification arrived, except for the changes made within the delivery delay that the docs name."""
    unnoticed = {
        sequence
        for sequence, outcome in outcomes.items()
        if not outcome.root_notified and not outcome.categories & {TAMPER, GAP}
    }
    assert unnoticed == {(step,) for step in RESIDUAL}


def test_the_table_covers_every_step_and_the_replay_is_clean(outcomes: Outcomes) -> None:
    """GIVEN the table THEN every step of the replay is tried, and nothing was notified about another account
    or before the attack (the replay's own problems)."""
    assert {step for sequence in outcomes for step in sequence} == set(STEPS)
    (problems,) = {outcome.problems for outcome in outcomes.values()}
    assert problems == ()


def test_the_operations_page_quotes_the_table_s_size() -> None:
    """GIVEN docs/operations.md THEN the numbers of attack sequences it quotes are the table's."""
    text = (REPO_ROOT / "docs" / "operations.md").read_text()
    assert f"`tests/e2e/test_e2e_attacks.py`: {len(SEQUENCES)} attack sequences" in text
    assert f"{len(PROTECTED)} more under the protection policy" in text
