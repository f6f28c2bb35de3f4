"""Which runbook a notification links to: one page per finding class, under the hub's `runbookBaseUrl`.

The components pass the base as `RUNBOOK_BASE_URL` (default `docs/runbooks/`, the pages in this repository);
a page's file name is added to it. The pages live in docs/runbooks/, and a test keeps every class here
backed by one.
"""

from __future__ import annotations

import os

from .root_notification import Entry

ENVIRONMENT_VARIABLE = "RUNBOOK_BASE_URL"
DEFAULT_BASE_URL = "docs/runbooks/"
# Finding class → page.
PAGES: dict[str, str] = {
    "console-sign-in": "console-sign-in.md",
    "credential-change": "credential-change.md",
    "root-activity": "root-activity.md",
    "assume-root-task": "assume-root-task.md",
    "recovery-path": "recovery-path.md",
    "forgery": "forgery.md",
    "tamper": "tamper.md",
    "monitoring-gap": "monitoring-gap.md",
    "health": "health.md",
    "posture": "posture.md",
}
# Grading kind (severity.RULES and the kinds added after it) → finding class; any other kind is plain
# root activity.
KIND_CLASSES: dict[str, str] = {
    "suspicious": "forgery",
    "signin-failed": "console-sign-in",
    "signin-no-mfa": "console-sign-in",
    "signin-mfa": "console-sign-in",
    "password-guessing": "console-sign-in",
    "signin-step": "console-sign-in",
    "critical-call": "credential-change",
    "critical-failed": "credential-change",
    "assume-root": "assume-root-task",
    "assume-root-action": "assume-root-task",
    "assume-root-outside-task": "assume-root-task",
    "assume-root-expired": "assume-root-task",
    "root-path": "recovery-path",
    "root-path-on": "recovery-path",
}
_RECOVERY_STEPS = ("PasswordRecoveryRequested", "PasswordRecoveryCompleted")


def runbook_url(finding_class: str) -> str:
    """The link for a finding class; an unknown class gets the root-activity page."""
    base = os.environ.get(ENVIRONMENT_VARIABLE, "").strip() or DEFAULT_BASE_URL
    return base + PAGES.get(finding_class, PAGES["root-activity"])


def root_activity_class(top: Entry | None) -> str:
    """The class of a root-activity notification: that of its most severe, earliest event (``top``)."""
    if top is None:
        return "root-activity"
    if top.event.event_name in _RECOVERY_STEPS:
        return "recovery-path"
    return KIND_CLASSES.get(top.verdict.kind, "root-activity")
