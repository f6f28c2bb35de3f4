"""What to do next, per kind of event a notification holds: the advice the email and chat message end with."""

from __future__ import annotations

from .root_notification import RootNotification

NEXT_STEPS: dict[str, str] = {
    "suspicious": "The account EventBridge saw send this event is not the one it claims: someone may be "
    "forging alerts. Check who may put events on the hub bus and that its rules require an aws. source.",
    "signin-no-mfa": "Turn on MFA for the root user now (IAM console > Security credentials) "
    "and change its password.",
    "password-guessing": "Someone may be guessing the root password: check the source IPs, "
    "make sure root has MFA and a long unique password.",
    "signin-failed": "Check who tried to sign in as root from these IPs; make sure root has MFA.",
    "critical-call": "Check the credential or security setting that changed and undo it if it was "
    "not planned (e.g. delete unexpected root access keys, restart CloudTrail logging).",
    "no-root-credentials": "The last audit found no root credentials in this account, so its root should "
    "not act without centralized root access: find how it did (a password recovery, a credential made "
    "since the audit) and treat it as an incident until explained.",
    "assume-root": "Confirm the AssumeRoot caller and task were planned; review the session's actions "
    "in the target account.",
    "root-path": "Someone other than root re-opened or changed root (email, recovery, central management): "
    "confirm with the caller named that it was planned; if not, revert it and treat the caller as "
    "compromised.",
    "assume-root-outside-task": "A root session did something its AssumeRoot task does not allow, or "
    "after it ended: check the management-account caller and the member account's root credentials now.",
    "unparseable": "Some records could not be read: look at the raw bodies and the notifier's logs; "
    "a rule or a sender may be misconfigured, and real root activity may be hidden in them.",
}
FIRST_STEP = (
    "Confirm with whoever holds this account's root credentials that it was them; if nobody did it, "
    "treat it as a security incident."
)
LAST_STEP = (
    "Review every event with the CloudTrail links; prefer IAM roles, or centralized root access "
    "(sts:AssumeRoot), for routine tasks."
)


def next_steps(notification: RootNotification) -> list[str]:
    kinds = {e.verdict.kind for e in notification.entries}
    if notification.unparseable:
        kinds.add("unparseable")
    steps = [step for kind, step in NEXT_STEPS.items() if kind in kinds]
    return [FIRST_STEP, *steps, LAST_STEP] if notification.entries else steps
