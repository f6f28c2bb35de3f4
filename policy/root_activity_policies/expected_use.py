"""Approved windows of root use: short and tied to a ticket, or root activity goes quietly unpaged.

The notifier caps root activity inside an `expectedRootUse` window at LOW. A window of weeks, or one nobody
can trace to a change, turns that into a standing exemption. The components refuse both at deploy time;
this policy holds any program that builds the notifier another way (or edits its environment) to the same.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

from .expected import EXPECTED_ROOT_USE_VARIABLE, MAX_EXPECTED_WINDOW_DAYS
from .graph import in_monitor, known, plain

LAMBDA_FUNCTION = "aws:lambda/function:Function"


def window_problems(raw: object) -> list[str]:
    """What is wrong with each window of an EXPECTED_ROOT_USE value, one line per problem."""
    try:
        windows = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return [f"{EXPECTED_ROOT_USE_VARIABLE} is not JSON"]
    if not isinstance(windows, list):
        return [f"{EXPECTED_ROOT_USE_VARIABLE} is not a list of windows"]
    problems: list[str] = []
    for index, window in enumerate(windows):
        if not isinstance(window, dict):
            problems.append(f"window {index} is not a map")
            continue
        if not str(window.get("ticket") or "").strip():
            problems.append(f"window {index} has no ticket")
        try:
            start = datetime.fromisoformat(str(window.get("start")).replace("Z", "+00:00"))
            end = datetime.fromisoformat(str(window.get("end")).replace("Z", "+00:00"))
        except ValueError:
            problems.append(f"window {index} has no readable start and end")
            continue
        if end - start > timedelta(days=MAX_EXPECTED_WINDOW_DAYS):
            problems.append(f"window {index} lasts {end - start}, more than {MAX_EXPECTED_WINDOW_DAYS} days")
    return problems


def validate_expected_use(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """The monitor's notifier may only treat root use as expected in short windows with a ticket."""
    if args.resource_type != LAMBDA_FUNCTION or not in_monitor(args.urn):
        return
    environment = plain(known(args.props, "environment")) or {}
    variables = environment.get("variables") or {} if isinstance(environment, dict) else {}
    raw = variables.get(EXPECTED_ROOT_USE_VARIABLE) if isinstance(variables, dict) else None
    if raw in (None, "", "[]"):
        return
    for problem in window_problems(raw):
        report_violation(
            f"Function {args.name}: expected root use {problem}. Inside a window root activity is graded "
            f"LOW: keep each window to at most {MAX_EXPECTED_WINDOW_DAYS} days and name the ticket that "
            "approved it (expectedRootUse: [{accountIds, start, end, ticket, approver}]).",
            None,
        )


EXPECTED_USE_POLICY = ResourceValidationPolicy(
    name="monitor-expected-root-use-bounded",
    description="Windows of expected root use last at most 7 days and name a ticket.",
    validate=validate_expected_use,
    enforcement_level=EnforcementLevel.MANDATORY,
)
