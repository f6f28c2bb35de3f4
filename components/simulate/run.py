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
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from ..regions import GLOBAL_EVENTS_REGION
from .events import DrivenEvent, events_for
from .report import SimulationReport, coverage
from .stacks import (
    SimulatedStack,
    StackFile,
    StackInputError,
    hub_account_for,
    key_policy_lookup,
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
    hub_path: Path, spoke_paths: Sequence[Path], *, program: Callable[[], object] | None = None
) -> list[SimulatedStack]:
    """Evaluate the program for the hub and each spoke file, each in its own simulated account."""
    hub_file = load_stack_file(hub_path)
    spoke_files = [load_stack_file(path) for path in spoke_paths]
    _require_mode(hub_file, "hub", "--hub")
    for spoke_file in spoke_files:
        _require_mode(spoke_file, "spoke", "--spoke")
    run = program or _default_program()
    hub_account = hub_account_for(spoke_files)
    hub = record_stack(run, hub_file, role="hub", account_id=hub_account)
    stacks = [hub]
    for spoke_file, account in zip(spoke_files, spoke_accounts(len(spoke_files), hub_account), strict=True):
        reference = spoke_file.value("hubStack")
        outputs = {str(reference): hub.recorded.exports} if reference else None
        stacks.append(record_stack(run, spoke_file, role="spoke", account_id=account, stack_outputs=outputs))
    return stacks


@contextlib.contextmanager
def _embedded_aws() -> Iterator[None]:
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


def simulate(
    hub_path: Path,
    spoke_paths: Sequence[Path],
    *,
    program: Callable[[], object] | None = None,
    progress: Progress | None = None,
    breakage: str | None = None,
) -> SimulationReport:
    """Record the stacks, replay them into moto, drive root and non-root events, and report coverage.

    `breakage` (a key of `heartbeat_run.BREAKS`) breaks one spoke after the heartbeats arrived, and
    advances the clock until the watchdog notifies the gap.
    """
    say = progress or (lambda _: None)
    say("evaluating the program for each stack under Pulumi mocks")
    stacks = record_stacks(hub_path, spoke_paths, program=program)
    with _embedded_aws():
        return _run(stacks, say, breakage)


def _run(stacks: list[SimulatedStack], say: Progress, breakage: str | None = None) -> SimulationReport:
    # These need boto3 and moto, the optional `simulate` extra: imported once moto is known to be there.
    from .accounts import AwsAccounts  # noqa: PLC0415
    from .delivery import EventRouter, Trace  # noqa: PLC0415
    from .heartbeat_run import replay_heartbeats  # noqa: PLC0415
    from .notifier import run_notifiers  # noqa: PLC0415
    from .observer import read_observer, subscribe_observers  # noqa: PLC0415
    from .resources import replay  # noqa: PLC0415

    aws = AwsAccounts()
    say("creating the recorded resources in moto")
    not_replayed = replay(aws, [(stack.account_id, stack.recorded.resources) for stack in stacks])
    hub = stacks[0]
    observers = subscribe_observers(aws, hub)
    organization = hub.file.value("organizationId")
    key_policy = key_policy_lookup(stacks)
    router = EventRouter(
        aws,
        organization_id=str(organization) if organization else None,
        key_policy=key_policy,
    )
    driven: list[DrivenEvent] = []
    traces: dict[str, Trace] = {}
    say("putting CloudTrail events on every account's default bus")
    for stack in stacks:
        regions = dict.fromkeys([*stack.file.regions, GLOBAL_EVENTS_REGION])
        for event in events_for(stack.account_id, regions):
            driven.append(event)
            traces[event.event_id] = trace = Trace()
            router.put_from_cloudtrail(event.event, trace)
    say("running the notifier on the buffer queue")
    problems: list[str] = []
    for stack in stacks:
        problems.extend(run_notifiers(aws, stack.recorded, key_policy).problems)
    notifications = [
        n for account, region, url in observers for n in read_observer(aws, account, region, url)
    ]
    report = SimulationReport(
        coverage=[],
        notifications=notifications,
        not_replayed=not_replayed,
        driven=driven,
        problems=problems,
    )
    report.coverage = coverage(report, traces, problems)
    say("firing every heartbeat schedule and running the watchdog")
    beats = replay_heartbeats(
        aws,
        stacks,
        organization_id=str(organization) if organization else None,
        key_policy=key_policy,
        observers=observers,
        breakage=breakage,
    )
    report.heartbeats, report.gap_notifications, report.broken = (
        beats.rows,
        beats.gap_notifications,
        beats.broken,
    )
    problems.extend(beats.problems)
    for event in driven:
        if not event.root and report.entries_for(event.event_id):
            problems.append(
                f"a non-root event was notified: {event.kind} in {event.account_id} {event.region}"
            )
    return report
