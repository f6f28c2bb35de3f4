"""The `posture` notification: the first audit's summary, a later run's changes, or "turn the feature on".

Same delivery as every category (``MessageStructure=json``: text for ``email``, an AWS Chatbot card for
``https``, the JSON document for ``default``) and the same document fields, with ``category`` ``posture``
and one entry in ``events`` per change, or per account that still has root credentials in a summary. A
summary also lists the accounts by group (``posture``), names cut to fit SNS's 256 KB.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .envelope import envelope, event_fields
from .posture import RootCredentials
from .posture_changes import HIGH, INFO, PostureChange
from .sns_request import (
    PublishRequest,
    chatbot_card,
    compact_json,
    message_attributes,
    structured_message,
    subject_line,
)
from .textsafe import md_plain

CATEGORY = "posture"
MEDIUM = "MEDIUM"
SEVERITY_ORDER = (INFO, "LOW", MEDIUM, HIGH, "CRITICAL")
# A thousand names fit easily; this keeps ten thousand inside SNS's 256 KB.
MAX_LISTED = 2000
CHATBOT_ROWS = 10
ENABLE_HOW = (
    "In the management account: aws organizations enable-aws-service-access --service-principal "
    "iam.amazonaws.com; then aws iam enable-organizations-root-credentials-management and aws iam "
    "enable-organizations-root-sessions (or IAM console > Root access management > Enable). See "
    "docs/posture.md."
)
DELETE_HOW = (
    "Accounts that need no root credentials: delete them from the management account with AssumeRoot and "
    "the IAMDeleteRootUserCredentials task (IAM console > Root access management > the account > Delete "
    "root user credentials). See docs/posture.md."
)


def label(account_id: str, account_name: str) -> str:
    return account_id if not account_name or account_name == account_id else f"{account_name} ({account_id})"


def holdings(row: RootCredentials) -> str:
    """What the root user holds, in words: "a password, 1 active access key, 2 MFA devices"."""
    parts = ["a password"] if row.password else []
    for count, what in (
        (row.active_keys, "active access key"),
        (row.inactive_keys, "inactive access key"),
        (row.certificates, "signing certificate"),
        (row.mfa_devices, "MFA device"),
    ):
        if count:
            parts.append(f"{count} {what}{'s' if count != 1 else ''}")
    return ", ".join(parts) or "no root credentials"


def features_off_request(topic_arn: str, missing: Sequence[str], now: str) -> PublishRequest:
    """The one notification sent while centralized root access is off: what is off and how to turn it on."""
    title = f"Root credential audit cannot run: {', '.join(missing)} off"
    verb = "is" if len(missing) == 1 else "are"
    reason = f"{' and '.join(missing)} {verb} not enabled for the organization"
    events = [_event("organization", "CentralizedRootAccessOff", when=now, severity=MEDIUM, reason=reason)]
    text = (
        "\n".join([title, "", f"Checked: {now}", "", reason + ".", "", "How to enable:", ENABLE_HOW]) + "\n"
    )
    return _request(
        topic_arn,
        level=MEDIUM,
        title=title,
        account_id="",
        account_name="organization",
        events=events,
        text=text,
        card_rows=[reason],
        extra={},
    )


def run_request(
    topic_arn: str,
    now: str,
    *,
    summary: Sequence[RootCredentials] | None = None,
    failed: Mapping[str, str] | None = None,
    changes: Sequence[PostureChange] = (),
) -> PublishRequest:
    """The first complete audit's summary (`summary`), or a later run's `changes`."""
    if summary is not None:
        return _summary_request(topic_arn, now, summary, failed or {})
    return _changes_request(topic_arn, now, changes)


def _summary_request(
    topic_arn: str, now: str, rows: Sequence[RootCredentials], failed: Mapping[str, str]
) -> PublishRequest:
    rows = sorted(rows, key=lambda row: (row.account_name.lower(), row.account_id))
    clean = [row for row in rows if not row.has_credentials]
    password = [row for row in rows if row.password]
    keys = [row for row in rows if row.keys]
    holding = [row for row in rows if row.has_credentials]
    title = (
        f"Root credential posture: {len(clean)} of {len(rows)} accounts without root credentials, "
        f"{len(password)} with a password, {len(keys)} with access keys"
    )
    level = MEDIUM if holding or failed else INFO
    events = [
        _event(
            row.account_id,
            "RootCredentialsPresent",
            when=now,
            severity=MEDIUM,
            reason=holdings(row),
            account_name=row.account_name,
        )
        for row in holding
    ]
    groups = {
        "withoutRootCredentials": [label(r.account_id, r.account_name) for r in clean],
        "withPassword": [label(r.account_id, r.account_name) for r in password],
        "withAccessKeys": [label(r.account_id, r.account_name) for r in keys],
        "withOtherCredentials": [
            label(r.account_id, r.account_name) for r in holding if not r.password and not r.keys
        ],
        "notAudited": [f"{account}: {error}" for account, error in sorted(failed.items())],
    }
    lines = [title, "", f"Checked: {now}", f"Accounts audited: {len(rows)}", ""]
    headings = {
        "withoutRootCredentials": "Without root credentials",
        "withPassword": "With a root password",
        "withAccessKeys": "With root access keys",
        "withOtherCredentials": "With only MFA devices or signing certificates",
        "notAudited": "Not audited (retried on the next run)",
    }
    for key, names in groups.items():
        if names:
            lines += [f"{headings[key]} ({len(names)}):", *(f"- {name}" for name in names[:MAX_LISTED]), ""]
    if holding:
        lines += ["What each holds:"]
        lines += [f"- {label(r.account_id, r.account_name)}: {holdings(r)}" for r in holding]
        lines += ["", "What to do:", DELETE_HOW]
    rows_for_card = [
        f"*{md_plain(label(r.account_id, r.account_name))}*: {md_plain(holdings(r))}" for r in holding
    ]
    posture = {key: names[:MAX_LISTED] for key, names in groups.items()}
    truncated = any(len(names) > MAX_LISTED for names in groups.values())
    return _request(
        topic_arn,
        level=level,
        title=title,
        account_id="",
        account_name="organization",
        events=events,
        text="\n".join(lines) + "\n",
        card_rows=rows_for_card,
        extra={"posture": posture},
        truncated=truncated,
    )


def _changes_request(topic_arn: str, now: str, changes: Sequence[PostureChange]) -> PublishRequest:
    level = max((change.severity for change in changes), key=SEVERITY_ORDER.index)
    accounts = list(dict.fromkeys((c.account_id, c.account_name) for c in changes))
    gained = [c for c in changes if c.severity == HIGH]
    if len(changes) == 1:
        title = f"{_headline(changes[0])}: {changes[0].reason}"
    else:
        title = f"Root credential posture: {len(changes)} changes in {len(accounts)} accounts"
        if gained:
            title += f", {len(gained)} gained"
    account_id, account_name = accounts[0] if len(accounts) == 1 else ("", "organization")
    events = [
        _event(
            c.account_id,
            c.event_name,
            when=c.checked_at,
            severity=c.severity,
            reason=c.reason,
            account_name=c.account_name,
        )
        for c in changes
    ]
    lines = [title, "", f"Checked: {now}", ""]
    lines += [
        f"- [{c.severity}] {label(c.account_id, c.account_name)}: {_headline(c)}: {c.reason}" for c in changes
    ]
    if gained:
        lines += ["", "What to do:", "Ask the account's owner why root has credentials again. " + DELETE_HOW]
    rows = [f"*{md_plain(label(c.account_id, c.account_name))}*: {md_plain(c.reason)}" for c in changes]
    return _request(
        topic_arn,
        level=level,
        title=title,
        account_id=account_id,
        account_name=account_name,
        events=events,
        text="\n".join(lines) + "\n",
        card_rows=rows,
        extra={},
    )


def _headline(change: PostureChange) -> str:
    words = {
        "RootPasswordGained": "Root password gained",
        "RootPasswordRemoved": "Root password removed",
        "RootAccessKeyGained": "Root access key gained",
        "RootAccessKeyRemoved": "Root access key removed",
        "RootSigningCertificateGained": "Root signing certificate gained",
        "RootSigningCertificateRemoved": "Root signing certificate removed",
        "RootMFADeviceRemoved": "Root MFA device removed",
        "RootMFADeviceAdded": "Root MFA device added",
        "AccountLeft": "Account left",
    }
    return words.get(change.event_name, change.event_name)


def _event(
    account_id: str, event_name: str, *, when: str, severity: str, reason: str, account_name: str = ""
) -> dict[str, Any]:
    return {
        **event_fields(
            event_id=f"{CATEGORY}:{account_id}:{event_name}:{when}",
            event_name=event_name,
            event_time=when,
            aws_region="",
            source_ip="",
            user_agent="",
            severity=severity,
            reason=reason,
        ),
        "account": {"id": account_id, "name": account_name or account_id},
    }


def _request(
    topic_arn: str,
    *,
    level: str,
    title: str,
    account_id: str,
    account_name: str,
    events: list[dict[str, Any]],
    text: str,
    card_rows: list[str],
    extra: dict[str, Any],
    truncated: bool = False,
) -> PublishRequest:
    cut = truncated or len(events) > MAX_LISTED
    document = envelope(
        category=CATEGORY,
        severity=level,
        title=title,
        account_id=account_id,
        account_name=account_name,
        event_count=len(events),
        events=events[:MAX_LISTED],
        truncated=cut,
        extra=extra,
    )
    more = len(card_rows) - CHATBOT_ROWS
    card = chatbot_card(
        md_plain(f"[{level}] {title}"),
        "\n".join(card_rows[:CHATBOT_ROWS] + ([f"and {more} more"] if more > 0 else [])),
    )
    message = structured_message(compact_json(document), text, card)
    top = events[0]["eventName"] if events else "PostureSummary"
    attributes = message_attributes(CATEGORY, level, account_id or account_name, top)
    subject = subject_line(level, title, account_id or account_name, account_name)
    return PublishRequest(topic_arn, subject, message, attributes, cut, ())
