"""A member account's administrator (not root) attacks the monitor: every sequence that silences root
detection in that account is notified, as tamper or as a monitoring gap, within two heartbeat intervals.

Each row is a sequence of `simulate.attacks.STEPS` replayed against its own spoke account (one replay for the
whole table); sets of steps are tried in every order. A row names the categories the hub's topic delivers
about the account (nothing else may arrive) and whether root acting afterwards is still notified.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pulumi
import pytest
import yaml
from root_activity_monitor import SpokeForwarder, SpokeForwarderArgs
from root_activity_monitor.program import main
from root_activity_monitor.program.config import SpokeStackConfig, load_stack_config
from root_activity_monitor.simulate.attacks import RELAY_ROLE, RELAY_RULE, STEPS, Outcome, run_attacks
from root_activity_monitor.simulate.run import embedded_aws, record_stacks

REPO_ROOT = Path(__file__).resolve().parents[2]
RULE = "aws:cloudwatch/eventRule:EventRule"
NAMESPACE = "root-activity-monitor"
TAMPER, GAP = "tamper", "monitoring-gap"
SILENT_INTERVALS = 2

Expected = tuple[frozenset[str], bool]
"""(categories notified about the attacked account, whether root acting afterwards goes unnotified)."""


def expect(*categories: str, silenced: bool) -> Expected:
    return frozenset(categories), silenced


SINGLE_STEPS: dict[str, Expected] = {
    # The root-activity rule forwards changes to the tamper rule, which cannot report its own.
    "disable tamper rule": expect(TAMPER, silenced=False),
    "delete tamper rule": expect(TAMPER, silenced=False),
    "re-pattern tamper rule": expect(TAMPER, silenced=False),
    # The tamper rule reports every change to the root-activity rule; the heartbeat travels through that rule.
    "disable root rule": expect(TAMPER, GAP, silenced=True),
    "delete root rule": expect(TAMPER, GAP, silenced=True),
    "re-pattern root rule to heartbeats": expect(TAMPER, silenced=True),
    "remove root rule targets": expect(TAMPER, GAP, silenced=True),
    # Every rule delivers through the delivery role: its own change cannot be delivered, the heartbeat stops.
    "delete delivery role policy": expect(GAP, silenced=True),
    "edit delivery role policy": expect(GAP, silenced=True),
    "delete heartbeat role policy": expect(TAMPER, GAP, silenced=False),
    "delete heartbeat schedule": expect(TAMPER, GAP, silenced=False),
    # CloudTrail records StopLogging, then nothing more.
    "stop trail": expect(TAMPER, GAP, silenced=True),
    # The delivery role trusts only the monitor's rules; the hub bus admits only delivery roles.
    "relay heartbeats with the delivery role": expect(silenced=False),
    "relay heartbeats with an own role": expect(silenced=False),
    # A rule named like the monitor's is one the tamper rule reports.
    "relay heartbeats under the monitor's rule names": expect(TAMPER, silenced=False),
    # Within the delivery delay neither rule forwards the other's change, but the heartbeat stops with the
    # root-activity rule.
    "disable tamper rule and root rule at once": expect(GAP, silenced=True),
}

RESIDUAL: dict[str, Expected] = {
    # Two changes within the CloudTrail→EventBridge delivery delay: neither rule forwards the other's record,
    # and the re-patterned root-activity rule still carries heartbeats.
    "disable tamper rule and re-pattern root rule at once": expect(silenced=True),
}
"""What docs/operations.md names as residual risk: silenced without a notification."""


def _same_in_every_order(*steps: str, expected: Expected) -> dict[tuple[str, ...], Expected]:
    return {order: expected for order in itertools.permutations(steps)}


ORDERED: dict[tuple[str, ...], Expected] = {
    **_same_in_every_order(
        "disable tamper rule", "re-pattern root rule to heartbeats", expected=expect(TAMPER, silenced=True)
    ),
    **_same_in_every_order(
        "delete tamper rule",
        "delete root rule",
        "relay heartbeats with the delivery role",
        expected=expect(TAMPER, GAP, silenced=True),
    ),
    **_same_in_every_order(
        "re-pattern tamper rule",
        "remove root rule targets",
        "relay heartbeats with an own role",
        expected=expect(TAMPER, GAP, silenced=True),
    ),
    # The relay, named like the monitor's rules, does carry heartbeats: its creation is what is reported.
    **_same_in_every_order(
        "relay heartbeats under the monitor's rule names",
        "disable tamper rule",
        "disable root rule",
        expected=expect(TAMPER, silenced=True),
    ),
    **_same_in_every_order("disable tamper rule", "stop trail", expected=expect(TAMPER, GAP, silenced=True)),
    **_same_in_every_order(
        "delete heartbeat role policy", "disable tamper rule", expected=expect(TAMPER, GAP, silenced=False)
    ),
    # Once the delivery role is broken, nothing the account forwards arrives, tamper records included.
    ("disable tamper rule", "delete delivery role policy"): expect(TAMPER, GAP, silenced=True),
    ("delete delivery role policy", "disable tamper rule"): expect(GAP, silenced=True),
}

SEQUENCES: dict[tuple[str, ...], Expected] = {
    **{(step,): expected for step, expected in SINGLE_STEPS.items()},
    **{(step,): expected for step, expected in RESIDUAL.items()},
    **ORDERED,
}


# Under the protection policy the first call on the monitor is refused and changes nothing, so a sequence is
# its steps each tried against the intact monitor: every step alone is every row.
OWN_RESOURCES_ONLY = {
    # PutTargets passing the delivery role is refused, but names the administrator's own rule.
    "relay heartbeats with the delivery role",
    # Nothing of the monitor's is touched; the hub bus refuses the role, as without the policy.
    "relay heartbeats with an own role",
}
PROTECTED: dict[tuple[str, ...], Expected] = {
    (step,): expect(silenced=False) if step in OWN_RESOURCES_ONLY else expect(TAMPER, silenced=False)
    for step in STEPS
}
"""Every step under the protection policy: refused; the refused call (recorded with errorCode) is the tamper
notification, and root is still notified."""


def _stack_file(directory: Path, name: str, **changes: object) -> Path:
    document = yaml.safe_load((REPO_ROOT / f"Pulumi.{name}.yaml").read_text())
    for key, value in changes.items():
        if value is None:
            document["config"].pop(f"{NAMESPACE}:{key}")
        else:
            document["config"][f"{NAMESPACE}:{key}"] = value
    path = directory / f"Pulumi.{name}.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


Outcomes = dict[tuple[str, ...], Outcome]
ACME = "acme-root-watch"
ACME_STACK = "acme"
ACME_ROWS = ("disable tamper rule", "disable root rule")
"""Replayed against spokes whose SpokeForwarder is named otherwise than the hub (a library user's)."""


def _program() -> None:
    """The project's program, but in stack `acme` a SpokeForwarder named `acme-root-watch`."""
    config = load_stack_config()
    if pulumi.get_stack() == ACME_STACK and isinstance(config, SpokeStackConfig):
        SpokeForwarder(ACME, cast(SpokeForwarderArgs, config.settings.as_args()))
    else:
        main()


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Outcomes, Outcomes, Outcomes]]:
    """Every sequence of the table, every protected row, then the rows against `acme-root-watch` spokes,
    replayed (once) each against its own spoke account of the example stacks, in one region, with the hub's
    watchdog notifying after two silent intervals."""
    directory = tmp_path_factory.mktemp("attacks")
    hub = _stack_file(
        directory,
        "hub",
        regions=["us-east-1"],
        spokeAccountIds=None,
        heartbeatSilentIntervals=SILENT_INTERVALS,
    )
    spoke = _stack_file(directory, "spoke", regions=["us-east-1"])
    acme_file = directory / f"Pulumi.{ACME_STACK}.yaml"
    acme_file.write_text(spoke.read_text())
    sequences, shielded, acme = list(SEQUENCES), list(PROTECTED), [(row,) for row in ACME_ROWS]
    paths = [spoke] * (len(sequences) + len(shielded)) + [acme_file] * len(acme)
    stacks = record_stacks(hub, paths, program=_program)
    bus = next(r for r in stacks[0].recorded.resources if r.type == "aws:cloudwatch/eventBus:EventBus")
    with embedded_aws():
        results = run_attacks(
            stacks,
            sequences + shielded + acme,
            hub_bus_arn=str(bus.outputs["arn"]),
            protected=[False] * len(sequences) + [True] * len(shielded),
        )
    # The acme spokes' resources are named from their component, logically.
    assert {r.name.split("-forward-")[0] for r in stacks[-1].recorded.of_type(RULE)} == {ACME}
    first, second = len(sequences), len(sequences) + len(shielded)
    yield (
        dict(zip(sequences, results[:first], strict=True)),
        dict(zip(shielded, results[first:second], strict=True)),
        dict(zip(acme, results[second:], strict=True)),
    )


@pytest.fixture(scope="module")
def outcomes(replayed: tuple[Outcomes, Outcomes, Outcomes]) -> Outcomes:
    """The table's sequences, no protection policy attached."""
    return replayed[0]


@pytest.fixture(scope="module")
def protected_outcomes(replayed: tuple[Outcomes, Outcomes, Outcomes]) -> Outcomes:
    """Every step, the attacked account under the protection policy."""
    return replayed[1]


@pytest.fixture(scope="module")
def acme_outcomes(replayed: tuple[Outcomes, Outcomes, Outcomes]) -> Outcomes:
    """The acme rows, against spokes named `acme-root-watch` under the hub named `root-activity-monitor`."""
    return replayed[2]


def _row_id(sequence: tuple[str, ...]) -> str:
    return " → ".join(sequence)


@pytest.mark.parametrize(("sequence", "expected"), SEQUENCES.items(), ids=[_row_id(s) for s in SEQUENCES])
def test_each_attack_is_notified_as_the_row_says_and_nothing_else(
    sequence: tuple[str, ...], expected: Expected, outcomes: dict[tuple[str, ...], Outcome]
) -> None:
    """GIVEN a member administrator's sequence of changes WHEN two heartbeat intervals pass and root acts
    THEN exactly the row's categories are notified about that account, and root is notified unless
    silenced."""
    categories, silenced = expected
    outcome = outcomes[sequence]
    assert outcome.categories == categories
    assert outcome.root_notified is not silenced


def test_no_sequence_silences_root_unnoticed_but_the_named_residual(
    outcomes: dict[tuple[str, ...], Outcome],
) -> None:
    """GIVEN every sequence of the table THEN whenever root acting goes unnotified, a tamper or monitoring-gap
    notification arrived, except for the changes made within the delivery delay that the docs name."""
    unnoticed = {
        sequence
        for sequence, outcome in outcomes.items()
        if not outcome.root_notified and not outcome.categories & {TAMPER, GAP}
    }
    assert unnoticed == {(step,) for step in RESIDUAL}


@pytest.mark.parametrize(("sequence", "expected"), PROTECTED.items(), ids=[_row_id(s) for s in PROTECTED])
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


def test_the_table_covers_every_step_and_the_replay_is_clean(
    outcomes: Outcomes, protected_outcomes: Outcomes
) -> None:
    """GIVEN the table THEN every step of the replay is tried, with and without the protection policy, and
    nothing was notified about another account or before the attack (the replay's own problems)."""
    assert {step for sequence in outcomes for step in sequence} == set(STEPS)
    assert {step for sequence in protected_outcomes for step in sequence} == set(STEPS)
    (problems,) = {outcome.problems for outcome in (*outcomes.values(), *protected_outcomes.values())}
    assert problems == ()


def test_the_operations_page_quotes_the_table_s_size() -> None:
    """GIVEN docs/operations.md THEN the numbers of attack sequences it quotes are the table's."""
    text = (REPO_ROOT / "docs" / "operations.md").read_text()
    assert f"`tests/e2e/test_e2e_attacks.py`: {len(SEQUENCES)} attack sequences" in text
    assert f"{len(PROTECTED)} more under the protection policy" in text


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
