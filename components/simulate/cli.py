"""`python -m root_activity_monitor simulate`: try the stacks on an embedded AWS, no account needed.

Exit codes: 0 every (account, region) tried is covered, 1 some are not, 2 bad input (a stack file that
is missing or does not parse, or config the program refuses).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from .breaks import BREAKS as TAMPER_BREAKS
from .heartbeat_run import BREAKS as HEARTBEAT_BREAKS
from .report import TRAIL_ASSUMPTION, SimulationReport
from .rollout import DEFAULT_MEMBERS
from .run import simulate
from .stacks import StackInputError

EXIT_COVERED = 0
EXIT_GAPS = 1
EXIT_BAD_INPUT = 2
_QUIET_SECONDS = 0.5  # progress appears only once a run takes longer than this


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m root_activity_monitor")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "simulate",
        help="replay the stacks into an embedded AWS and report which root activity is notified",
        description=(
            "Evaluate the program for a hub stack and spoke stacks under Pulumi mocks, create what they "
            "would deploy in moto (each spoke in its own account), put root and non-root CloudTrail events "
            "on every account's default bus in every configured region and us-east-1, and report coverage."
        ),
    )
    run.add_argument("--hub", type=Path, default=Path("Pulumi.hub.yaml"), help="hub stack file")
    run.add_argument(
        "--spoke",
        type=Path,
        action="append",
        help="spoke stack file; repeat for more spokes (each gets its own account)",
    )
    run.add_argument(
        "--org",
        type=Path,
        help=(
            "org stack file: its StackSet is rolled out through moto's CloudFormation to a simulated "
            "organization, then one more account joins an OU; --spoke then defaults to none, and with "
            "callAs DELEGATED_ADMIN the first --spoke file is deployed in the management account"
        ),
    )
    run.add_argument(
        "--members",
        type=int,
        default=DEFAULT_MEMBERS,
        help=f"with --org: member accounts in the OUs before the late joiner (default {DEFAULT_MEMBERS})",
    )
    run.add_argument("--json", action="store_true", help="print the report as JSON")
    run.add_argument(
        "--break",
        dest="breaks",
        action="append",
        choices=sorted({*TAMPER_BREAKS, *HEARTBEAT_BREAKS}),
        default=[],
        help="break the monitor and show the alert it raises: disable-rule (a spoke's forwarding rule "
        "disabled: a tamper alert); after the heartbeats arrived, with the clock advanced until the "
        "watchdog's monitoring-gap notification: spoke-rule, disable-spoke-rule (a spoke's root-activity "
        "rule, which carries its heartbeats, deleted or disabled), "
        "role-policy, heartbeat-policy (its delivery or heartbeat role's policy deleted), trail-stopped "
        "(its trail stopped), bus-policy (the hub bus policy no longer admits it), hub-outage (the hub bus "
        "gone: every account falls silent); repeated, each heartbeat break takes the next --spoke",
    )
    return parser


class _Progress:
    """Progress lines on stderr, but only once the run has taken more than a moment."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._start = time.monotonic()

    def __call__(self, message: str) -> None:
        elapsed = time.monotonic() - self._start
        if elapsed > _QUIET_SECONDS:
            print(f"[{elapsed:5.1f}s] {message}", file=self._stream, flush=True)


def _table(report: SimulationReport) -> list[str]:
    rows = [("ACCOUNT", "REGION", "COVERAGE")]
    for row in report.coverage:
        rows.append((row.account, row.region, "covered" if row.covered else f"NOT COVERED: {row.reason}"))
    width = [max(len(row[i]) for row in rows) for i in range(2)]
    return [f"{a:<{width[0]}}  {b:<{width[1]}}  {c}" for a, b, c in rows]


def _login_email(report: SimulationReport) -> list[str]:
    sign_ins = [event for event in report.driven if event.kind == "root console sign-in"]
    # Prefer a spoke's sign-in: it shows the cross-account path; the hub's own comes first in the list.
    for event in [*sign_ins[1:], *sign_ins[:1]]:
        notification = report.notification_for(event.event_id)
        if notification is not None:
            return [
                f"What an email subscriber receives for the root console sign-in in {event.account_id}:",
                "",
                f"Subject: {notification.subject}",
                "",
                *notification.email_text.rstrip().splitlines(),
            ]
    return ["No root console sign-in reached a notification, so there is no email to show."]


def _stack_instances(report: SimulationReport) -> list[str]:
    if not report.stack_instances:
        return []
    accounts = sorted({instance.account for instance in report.stack_instances})
    empty = sorted({i.account for i in report.stack_instances if not i.resources})
    lines = [
        "",
        f"StackSet instances moto deployed: {len(report.stack_instances)} in {len(accounts)} accounts "
        f"({report.late_joiner} joined an OU after the rollout; the replay deployed its instances as "
        "auto-deployment would).",
    ]
    if empty:
        lines.append(f"  with no resources (the template's condition IsNotHubAccount): {', '.join(empty)}")
    return lines


def _not_replayed(report: SimulationReport) -> list[str]:
    """One line per type and reason: one resource by name, many of a kind by count (--json lists all)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for entry in report.not_replayed:
        groups.setdefault((entry.type, entry.reason), []).append(entry.name)
    return [
        f"  {kind} {names[0]}: {reason}" if len(names) == 1 else f"  {kind} x{len(names)}: {reason}"
        for (kind, reason), names in sorted(groups.items())
    ]


def render_text(report: SimulationReport) -> str:
    """The human report: coverage table, what was not replayed, and the root sign-in email."""
    lines = ["Coverage (root events put on each account's default bus):", "", *_table(report), ""]
    covered = sum(row.covered for row in report.coverage)
    lines.append(f"{covered} of {len(report.coverage)} account/region pairs covered.")
    lines += ["", f"Not replayed in moto ({len(report.not_replayed)}):", *_not_replayed(report)]
    lines += _stack_instances(report)
    for problem in report.problems:
        lines.append(f"Problem: {problem}")
    lines += ["", *_login_email(report), "", *_heartbeat_lines(report), *_posture_lines(report)]
    lines += _tamper_emails(report)
    return "\n".join(lines) + "\n"


def _posture_lines(report: SimulationReport) -> list[str]:
    """With --org: the root credential audit's summary over the simulated members, as its email reads."""
    if not report.stack_instances:
        return []
    if not report.posture:
        return ["", "Root credential posture: the audit published nothing (see the problems above)."]
    lines = ["", "Root credential posture (the hub's audit over the simulated members):"]
    for note in report.posture:
        lines += [
            "",
            f"Subject: {note.subject}",
            "",
            *(note.email_text or note.document["title"]).splitlines(),
        ]
    return lines


def _tamper_emails(report: SimulationReport) -> list[str]:
    lines: list[str] = []
    for event in report.tampering:
        notification = report.notification_for(event.event_id)
        lines += ["", f"Break-it run: {event.kind} in {event.account_id} {event.region}:"]
        if notification is None:
            lines.append("  NO tamper notification reached the topic.")
            continue
        lines += ["", f"Subject: {notification.subject}", "", *notification.email_text.rstrip().splitlines()]
    return lines


def _heartbeat_lines(report: SimulationReport) -> list[str]:
    rows = [("ACCOUNT", "REGION", "HEARTBEAT")]
    # Sorted: the hub's table is read back in no particular order.
    beats = sorted(report.heartbeats, key=lambda r: (r.account, r.region))
    rows += [(r.account, r.region, "arrived" if r.arrived else f"MISSING: {r.reason}") for r in beats]
    width = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = ["Heartbeats (each schedule fired once, the hub's table read back):", ""]
    lines += [f"{a:<{width[0]}}  {b:<{width[1]}}  {c}" for a, b, c in rows]
    arrived = sum(r.arrived for r in report.heartbeats)
    lines += [
        "",
        f"{arrived} of {len(report.heartbeats)} heartbeats arrived.",
        f"Assumption: {TRAIL_ASSUMPTION}",
    ]
    if report.broken is not None:
        lines += ["", f"Break-it run: {report.broken}."]
        if not report.gap_notifications:
            lines.append("No monitoring-gap notification was published.")
        for note in report.gap_notifications:
            lines += ["", f"Subject: {note.subject}", "", *note.email_text.rstrip().splitlines()]
    return lines


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the command line; returns the exit code."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    arguments = _parser().parse_args(argv)
    default_spokes = [] if arguments.org is not None else [Path("Pulumi.spoke.yaml")]
    spokes = arguments.spoke if arguments.spoke is not None else default_spokes
    try:
        report = simulate(
            arguments.hub,
            spokes,
            org_path=arguments.org,
            members=arguments.members,
            progress=_Progress(err),
            breaks=arguments.breaks,
        )
    except StackInputError as error:
        print(f"simulate: {error}", file=err)
        return EXIT_BAD_INPUT
    if arguments.json:
        json.dump(report.as_json(), out, indent=2)
        out.write("\n")
    else:
        out.write(render_text(report))
    for problem in report.problems:
        print(f"simulate: {problem}", file=err)
    return EXIT_COVERED if report.all_covered else EXIT_GAPS


if __name__ == "__main__":
    sys.exit(main())
