"""Replay the hub and spoke stacks into an embedded AWS (moto) and prove which root activity gets notified.

1. The program runs under Pulumi mocks once per stack file, each in its own simulated account: the hub
   in the account its spokes' `hubEventBusArn` names (111111111111 when none does), every spoke in a
   distinct one.
2. The recorded resources are created in moto in their account and region (`_replay_moto`); types it
   does not create are listed in the report with a reason.
3. CloudTrail-shaped events (`_replay_events`) are put on every account's default bus in each configured
   region and us-east-1; `_replay_bus` delivers them as EventBridge would, enforcing the policies the
   program wrote; `_replay_notifier` runs the notifier on what reached the buffer queue.
4. What SNS delivered to an SQS subscriber of the topic is the list of notifications; an (account,
   region) is covered when every root event put there appears in one.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._replay_events import SIGN_IN_REGION, DrivenEvent, events_for
from ._replay_stacks import (
    SimulatedStack,
    StackFile,
    StackInputError,
    hub_account_for,
    load_stack_file,
    record_stack,
    spoke_accounts,
)

if TYPE_CHECKING:
    from ._replay_aws import AwsAccounts
    from ._replay_bus import Trace
    from ._replay_moto import NotReplayed

__all__ = ["Coverage", "Notification", "SimulationReport", "StackInputError", "simulate"]

OBSERVER_QUEUE = "root-activity-monitor-simulate-observer"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Coverage:
    """Whether root activity in one account and region reached a notification, and why not."""

    account: str
    region: str
    covered: bool
    reason: str

    def as_json(self) -> dict[str, Any]:
        """The entry of the report's `coverage` list."""
        return {
            "account": self.account,
            "region": self.region,
            "covered": self.covered,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Notification:
    """One message the topic delivered: the JSON document, and what an email subscriber reads."""

    document: dict[str, Any]
    subject: str
    email_text: str

    def event_ids(self) -> list[str]:
        """The CloudTrail eventIDs the notification reports, one per entry."""
        return [str(event.get("eventID")) for event in self.document.get("events", [])]


@dataclass
class SimulationReport:
    """What a simulation found."""

    coverage: list[Coverage]
    notifications: list[Notification]
    not_replayed: list[NotReplayed]
    driven: list[DrivenEvent]
    problems: list[str] = field(default_factory=list)

    @property
    def all_covered(self) -> bool:
        """True when every (account, region) tried is covered."""
        return all(row.covered for row in self.coverage)

    def entries_for(self, event_id: str) -> int:
        """How many notification entries report the event with this CloudTrail eventID."""
        return sum(notification.event_ids().count(event_id) for notification in self.notifications)

    def notification_for(self, event_id: str) -> Notification | None:
        """The notification that reports this event, if any."""
        return next((n for n in self.notifications if event_id in n.event_ids()), None)

    def as_json(self) -> dict[str, Any]:
        """The document `simulate --json` prints."""
        return {
            "coverage": [row.as_json() for row in self.coverage],
            "notifications": [notification.document for notification in self.notifications],
            "notReplayed": [entry.as_json() for entry in self.not_replayed],
        }


def _default_program() -> Callable[[], object]:
    from .program import main  # noqa: PLC0415 - tests pass their own programs; import only when needed

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
) -> SimulationReport:
    """Record the stacks, replay them into moto, drive root and non-root events, and report coverage."""
    say = progress or (lambda _: None)
    say("evaluating the program for each stack under Pulumi mocks")
    stacks = record_stacks(hub_path, spoke_paths, program=program)
    with _embedded_aws():
        return _run(stacks, say)


def _run(stacks: list[SimulatedStack], say: Progress) -> SimulationReport:
    # These need boto3 and moto, the optional `simulate` extra: imported once moto is known to be there.
    from ._replay_aws import AwsAccounts  # noqa: PLC0415
    from ._replay_bus import EventRouter, Trace  # noqa: PLC0415
    from ._replay_moto import replay  # noqa: PLC0415
    from ._replay_notifier import run_notifiers  # noqa: PLC0415

    aws = AwsAccounts()
    say("creating the recorded resources in moto")
    not_replayed = replay(aws, [(stack.account_id, stack.recorded.resources) for stack in stacks])
    hub = stacks[0]
    observers = _subscribe_observers(aws, hub)
    organization = hub.file.value("organizationId")
    key_policy = _key_policy_lookup(stacks)
    router = EventRouter(
        aws,
        organization_id=str(organization) if organization else None,
        key_policy=key_policy,
    )
    driven: list[DrivenEvent] = []
    traces: dict[str, Trace] = {}
    say("putting CloudTrail events on every account's default bus")
    for stack in stacks:
        regions = dict.fromkeys([*stack.file.regions, SIGN_IN_REGION])
        for event in events_for(stack.account_id, regions):
            driven.append(event)
            traces[event.event_id] = trace = Trace()
            router.put_from_cloudtrail(event.event, trace)
    say("running the notifier on the buffer queue")
    problems: list[str] = []
    for stack in stacks:
        problems.extend(run_notifiers(aws, stack.recorded, key_policy).problems)
    notifications = [
        n for account, region, url in observers for n in _read_observer(aws, account, region, url)
    ]
    report = SimulationReport(
        coverage=[],
        notifications=notifications,
        not_replayed=not_replayed,
        driven=driven,
        problems=problems,
    )
    report.coverage = _coverage(report, traces, problems)
    for event in driven:
        if not event.root and report.entries_for(event.event_id):
            problems.append(
                f"a non-root event was notified: {event.kind} in {event.account_id} {event.region}"
            )
    return report


def _subscribe_observers(aws: AwsAccounts, hub: SimulatedStack) -> list[tuple[str, str, str]]:
    """An SQS queue subscribed to each topic of the hub: it receives what an `sqs` subscriber would."""
    observers: list[tuple[str, str, str]] = []
    for topic in hub.recorded.of_type("aws:sns/topic:Topic"):
        sqs = aws.sqs(hub.account_id, topic.region)
        url = sqs.create_queue(QueueName=OBSERVER_QUEUE)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        aws.sns(hub.account_id, topic.region).subscribe(TopicArn=str(topic.arn), Protocol="sqs", Endpoint=arn)
        observers.append((hub.account_id, topic.region, url))
    return observers


def _email_texts(account: str, region: str) -> dict[str, tuple[str, str]]:
    """SNS message ID → (subject, email body), from what moto's SNS received.

    moto delivers nothing to email subscribers, so the replay reads the published message from moto's
    record of it and picks the `email` variant of the MessageStructure=json body, as SNS does.
    """
    from moto.sns.models import sns_backends  # noqa: PLC0415 - the optional `simulate` extra

    texts: dict[str, tuple[str, str]] = {}
    for topic in sns_backends[account][region].topics.values():
        for message_id, message, subject, _attributes, _group in topic.sent_notifications:
            try:
                structured = json.loads(message)
                body = str(structured.get("email") or structured["default"])
            except (ValueError, KeyError, AttributeError):
                body = message
            texts[message_id] = (subject or "", body)
    return texts


def _read_observer(aws: AwsAccounts, account: str, region: str, url: str) -> list[Notification]:
    sqs = aws.sqs(account, region)
    emails = _email_texts(account, region)
    notifications: list[Notification] = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return notifications
        for message in messages:
            envelope = json.loads(message["Body"])
            subject, email_text = emails.get(envelope["MessageId"], (envelope.get("Subject") or "", ""))
            notifications.append(
                Notification(document=json.loads(envelope["Message"]), subject=subject, email_text=email_text)
            )
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def _key_policy_lookup(stacks: list[SimulatedStack]) -> Callable[[str], str | None]:
    policies: dict[str, str] = {}
    for stack in stacks:
        for key in stack.recorded.of_type("aws:kms/key:Key"):
            policy = key.inputs.get("policy")
            text = policy if isinstance(policy, str) else json.dumps(policy or {})
            for reference in (key.arn, key.outputs.get("keyId"), key.outputs.get("id")):
                if reference:
                    policies[str(reference)] = text
        for alias in stack.recorded.of_type("aws:kms/alias:Alias"):
            target = str(alias.inputs.get("targetKeyId", ""))
            if target in policies:
                policies[str(alias.inputs.get("name"))] = policies[target]
    return policies.get


def _gap_reason(region: str, drop: str) -> str:
    if drop == f"no rule in {region}":
        if region == SIGN_IN_REGION:
            return f"{drop}: root console sign-ins and IAM calls go unseen"
        return f"{drop}: root activity there goes unseen"
    return drop


def _coverage(report: SimulationReport, traces: dict[str, Trace], problems: list[str]) -> list[Coverage]:
    places: dict[tuple[str, str], list[DrivenEvent]] = {}
    for event in report.driven:
        if event.root:
            places.setdefault((event.account_id, event.region), []).append(event)
    rows: list[Coverage] = []
    for (account, region), events in places.items():
        missed = [event for event in events if report.entries_for(event.event_id) == 0]
        if not missed:
            rows.append(Coverage(account, region, True, f"all {len(events)} root events notified"))
            continue
        reasons: dict[str, list[str]] = {}
        for event in missed:
            trace = traces[event.event_id]
            if trace.queued:
                why = "reached the buffer queue but no notification reported it"
                if problems:
                    why += f" ({problems[0]})"
            else:
                why = _gap_reason(region, trace.drops[0] if trace.drops else "dropped without a trace")
                if trace.dead_letters:
                    why += f"; {trace.dead_letters[0]}"
            reasons.setdefault(why, []).append(event.kind)
        if len(reasons) == 1 and len(missed) == len(events):
            reason = next(iter(reasons))
        else:
            reason = "; ".join(f"{why} ({', '.join(kinds)})" for why, kinds in reasons.items())
        rows.append(Coverage(account, region, False, reason))
    return rows
