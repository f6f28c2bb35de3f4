"""Replay the hub and spoke stacks into an embedded AWS (moto) and prove which root activity gets notified.

1. The program runs under Pulumi mocks once per stack file, each in its own simulated account: the hub
   in the account its spokes' `hubEventBusArn` names (111111111111 when none does), every spoke in a
   distinct one (`stacks`, `recording`).
2. The recorded resources are created in moto in their account and region (`resources`); types it
   does not create are listed in the report with a reason.
3. CloudTrail-shaped events (`events`) are put on every account's default bus in each configured
   region and us-east-1; `delivery` delivers them as EventBridge would, enforcing the policies the
   program wrote (`iam`); `notifier` runs the notifier on what reached the buffer queue.
4. What SNS delivered to an SQS subscriber of the topic (`observer`) is the list of notifications; an
   (account, region) is covered when every root event put there appears in one (`report`).
Steps 2-4, then the heartbeats and the report, are the phases of `phases`, run inside moto.
With an org stack (`--org`), step 2 also rolls its StackSet out to a simulated organization (`rollout`),
and step 3 covers every account of it in the org stack's regions.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from .report import SimulationReport
from .rollout import DEFAULT_MEMBERS, check_members, org_stack_account, spoke_accounts_beside
from .stacks import (
    SimulatedStack,
    StackFile,
    StackInputError,
    hub_account_for,
    load_stack_file,
    record_stack,
    spoke_accounts,
)

Progress = Callable[[str], None]


def _default_program() -> Callable[[], object]:
    from ..program import main  # noqa: PLC0415 - tests pass their own programs; import only when needed

    return main


def _require_mode(file: StackFile, expected: str, option: str) -> None:
    mode = file.value("mode")
    if mode != expected:
        message = (
            f"{file.path}: root-activity-monitor:mode is {mode!r}, but {option} takes a {expected} stack "
            f"(set root-activity-monitor:mode: {expected})"
        )
        raise StackInputError(message)


def record_stacks(
    hub_path: Path,
    spoke_paths: Sequence[Path],
    *,
    org_path: Path | None = None,
    program: Callable[[], object] | None = None,
) -> list[SimulatedStack]:
    """Evaluate the program for the hub, the org file if any, and each spoke, each in its own account."""
    hub_file = load_stack_file(hub_path)
    spoke_files = [load_stack_file(path) for path in spoke_paths]
    org_file = load_stack_file(org_path) if org_path is not None else None
    _require_mode(hub_file, "hub", "--hub")
    for spoke_file in spoke_files:
        _require_mode(spoke_file, "spoke", "--spoke")
    if org_file is not None:
        _require_mode(org_file, "org", "--org")
    run = program or _default_program()
    hub_account = hub_account_for([*([org_file] if org_file else []), *spoke_files])
    hub = record_stack(run, hub_file, role="hub", account_id=hub_account)
    stacks = [hub]

    def outputs(file: StackFile) -> dict[str, dict[str, object]] | None:
        reference = file.value("hubStack")
        return {str(reference): hub.recorded.exports} if reference else None

    accounts = spoke_accounts(len(spoke_files), hub_account)
    if org_file is not None:
        account = org_stack_account(org_file)
        stacks.append(
            record_stack(run, org_file, role="org", account_id=account, stack_outputs=outputs(org_file))
        )
        accounts = spoke_accounts_beside(org_file, accounts)
    for spoke_file, account in zip(spoke_files, accounts, strict=True):
        stacks.append(
            record_stack(run, spoke_file, role="spoke", account_id=account, stack_outputs=outputs(spoke_file))
        )
    return stacks


@contextlib.contextmanager
def embedded_aws() -> Iterator[None]:
    """moto for the duration, with the user's AWS settings out of the way (nothing may reach real AWS)."""
    try:
        from moto import mock_aws  # noqa: PLC0415 - moto is the optional `simulate` extra
    except ImportError as error:
        message = "the simulation needs moto: pip install 'pulumi-root-activity-monitor[simulate]'"
        raise StackInputError(message) from error
    saved = dict(os.environ)
    for key in ("MOTO_ACCOUNT_ID", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(key, None)
    try:
        with mock_aws():
            yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


DRAIN_PER_ACCOUNT = True
"""Run the notifier after each account's events, as it keeps up with them in AWS. Draining once at the end
gives the same notifications on a small organization (a test compares both), but one queue holding every
account's events makes moto's SQS, which scans the whole queue on each call, quadratic in the members."""


def simulate(
    hub_path: Path,
    spoke_paths: Sequence[Path],
    *,
    org_path: Path | None = None,
    members: int = DEFAULT_MEMBERS,
    hub_in_ou: bool = False,
    program: Callable[[], object] | None = None,
    progress: Progress | None = None,
    breaks: Sequence[str] = (),
) -> SimulationReport:
    """Record the stacks, replay them into moto, drive root and non-root events, and report coverage.

    With `org_path`, the org stack's StackSet is rolled out to an organization of `members` accounts
    (and one that joins later); `hub_in_ou` puts the hub account in the first OU instead of the root.
    `breaks`: tamper with the monitor after the ordinary events (`breaks.BREAKS`, e.g. `disable-rule`,
    shown as a tamper alert) or break spokes after the heartbeats arrived (`heartbeat_run.BREAKS`, e.g.
    `spoke-rule`, each break the next spoke: the clock advances until the watchdog notifies the gaps).
    """
    say = progress or (lambda _: None)
    check_members(members)
    say("evaluating the program for each stack under Pulumi mocks")
    stacks = record_stacks(hub_path, spoke_paths, org_path=org_path, program=program)
    with embedded_aws(), contextlib.ExitStack() as resources:
        from .phases import run_phases  # noqa: PLC0415 - needs moto, the optional `simulate` extra

        return run_phases(
            stacks, say, members=members, hub_in_ou=hub_in_ou, breaks=breaks, resources=resources
        )
