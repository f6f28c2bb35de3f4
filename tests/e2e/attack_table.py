"""The attack table: a member account's administrator's sequences of changes to the monitor, what each must
bring about, and one replay of any of them (`replay_rows`), shared by the unprotected and protected tables.

Each row is a sequence of `simulate.attacks.STEPS` replayed against its own spoke account (one replay for a
whole table); sets of steps are tried in every order. A row names the categories the hub's topic delivers
about the account (nothing else may arrive) and whether root acting afterwards is still notified.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import pulumi
import yaml
from root_activity_monitor import SpokeForwarder, SpokeForwarderArgs
from root_activity_monitor.program import main
from root_activity_monitor.program.config import SpokeStackConfig, load_stack_config
from root_activity_monitor.simulate.attacks import STEPS, Outcome, run_attacks
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


def replay_rows(
    directory: Path,
    rows: Sequence[tuple[str, ...]],
    *,
    protected: Sequence[bool],
    acme: Sequence[tuple[str, ...]] = (),
) -> tuple[Outcomes, Outcomes]:
    """Replay `rows` (each under the protection policy where `protected` says so) against spokes of the
    example stacks, then `acme` against spokes named `acme-root-watch`, all in one region, with the hub's
    watchdog notifying after two silent intervals: the outcomes of `rows` and of `acme`."""
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
    stacks = record_stacks(hub, [spoke] * len(rows) + [acme_file] * len(acme), program=_program)
    bus = next(r for r in stacks[0].recorded.resources if r.type == "aws:cloudwatch/eventBus:EventBus")
    with embedded_aws():
        results = run_attacks(
            stacks,
            [*rows, *acme],
            hub_bus_arn=str(bus.outputs["arn"]),
            protected=[*protected, *([False] * len(acme))],
        )
    if acme:
        # The acme spokes' resources are named from their component, logically.
        assert {r.name.split("-forward-")[0] for r in stacks[-1].recorded.of_type(RULE)} == {ACME}
    return (
        dict(zip(rows, results[: len(rows)], strict=True)),
        dict(zip(acme, results[len(rows) :], strict=True)),
    )


def row_id(sequence: tuple[str, ...]) -> str:
    """A row's test ID: its steps joined by arrows."""
    return " → ".join(sequence)
