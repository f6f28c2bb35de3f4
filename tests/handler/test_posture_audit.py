"""The root credential audit: one summary first, then only changes, and never a word while nothing changed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from moto import mock_aws
from posture_fixtures import (
    CLEAN,
    REGION,
    TABLE,
    Root,
    StubbedAws,
    create_organization,
    create_table,
    remove_account,
)

from handler import organizations, posture_audit, posture_clients, publisher
from handler.posture_audit import run
from handler.sns_request import PublishRequest

if TYPE_CHECKING:
    from conftest import SnsToSqs

DAY1 = "2026-12-01T03:00:00Z"
DAY2 = "2026-12-02T03:00:00Z"
DAY3 = "2026-12-03T03:00:00Z"


class Audit:
    """Runs the audit against moto and the stubs, keeping what subscribers received."""

    def __init__(self, topic: SnsToSqs) -> None:
        self.topic = topic
        self.sleeps: list[float] = []
        self.requests: list[PublishRequest] = []

    def run(self, stubbed: StubbedAws, now: str, **options: Any) -> list[dict[str, Any]]:
        # One worker unless a test says otherwise: the Stubber answers AssumeRoot in account-ID order.
        options.setdefault("workers", 1)
        self.result = run(
            stubbed.clients(),
            table=TABLE,
            topic_arn=self.topic.topic_arn,
            now=now,
            publish=self.publish,
            sleep=self.sleeps.append,
            **options,
        )
        stubbed.assert_all_used()
        return [envelope["Message"] for envelope in self.topic.received()]

    def publish(self, request: PublishRequest) -> str:
        self.requests.append(request)
        return publisher.publish(request)

    def email(self) -> str:
        """The email body of the last notification."""
        return json.loads(self.requests[-1].message)["email"]


@pytest.fixture
def audit(sns_to_sqs: SnsToSqs) -> Iterator[Audit]:
    with mock_aws():
        create_table()
        yield Audit(sns_to_sqs)


def document(message: dict[str, Any]) -> dict[str, Any]:
    """What an sqs subscriber receives: the JSON document."""
    return message


def test_features_off_notifies_once_how_to_enable_and_audits_nobody(audit: Audit) -> None:
    """GIVEN root sessions off WHEN the audit runs twice THEN one posture notification says how to enable, no
    AssumeRoot."""
    ids = create_organization(["prod"])
    first = audit.run(StubbedAws(features=["RootCredentialsManagement"]), DAY1)
    second = audit.run(StubbedAws(features=["RootCredentialsManagement"]), DAY2)
    assert len(first) == 1
    assert second == []
    doc = document(first[0])
    assert (doc["category"], doc["events"][0]["eventName"]) == ("posture", "CentralizedRootAccessOff")
    assert "RootSessions" in doc["title"]
    assert "enable-organizations-root-sessions" in audit.email()
    assert ids["prod"] not in audit.email()


def test_first_run_without_members_sends_one_summary_of_nothing(audit: Audit) -> None:
    """GIVEN an organization with no member WHEN the audit first runs THEN one INFO summary of 0 accounts
    arrives."""
    create_organization([])
    messages = audit.run(StubbedAws(), DAY1)
    assert len(messages) == 1
    doc = document(messages[0])
    assert (doc["severity"], doc["eventCount"]) == ("INFO", 0)
    assert doc["title"].startswith("Root credential posture: 0 of 0 accounts without root credentials")


def test_first_run_with_one_member_names_its_password(audit: Audit) -> None:
    """GIVEN one member whose root has a password WHEN the audit first runs THEN the summary names it under
    password."""
    ids = create_organization(["payments"])
    messages = audit.run(StubbedAws(roots={ids["payments"]: Root(password=True, mfa_devices=1)}), DAY1)
    doc = document(messages[0])
    assert doc["posture"]["withPassword"] == [f"payments ({ids['payments']})"]
    assert doc["events"][0]["reason"] == "a password, 1 MFA device"
    assert doc["severity"] == "MEDIUM"


def test_first_run_with_many_members_groups_every_kind_of_credential(audit: Audit) -> None:
    """GIVEN members holding each kind of root credential WHEN the audit first runs THEN one summary groups
    them by name."""
    roots = {
        "clean-a": CLEAN,
        "clean-b": CLEAN,
        "password": Root(password=True),
        "active-key": Root(active_keys=1),
        "inactive-key": Root(inactive_keys=2),
        "mfa-only": Root(mfa_devices=1),
        "certificate": Root(certificates=1),
    }
    ids = create_organization(list(roots))
    messages = audit.run(StubbedAws(roots={ids[name]: root for name, root in roots.items()}), DAY1)
    assert len(messages) == 1
    posture = document(messages[0])["posture"]
    names = {group: [label.split(" (")[0] for label in labels] for group, labels in posture.items()}
    assert names == {
        "withoutRootCredentials": ["clean-a", "clean-b"],
        "withPassword": ["password"],
        "withAccessKeys": ["active-key", "inactive-key"],
        "withOtherCredentials": ["certificate", "mfa-only"],
        "notAudited": [],
    }
    assert document(messages[0])["title"] == (
        "Root credential posture: 2 of 7 accounts without root credentials, 1 with a password, "
        "2 with access keys"
    )


def test_throttling_midway_backs_off_and_still_audits_everyone(audit: Audit) -> None:
    """GIVEN AssumeRoot and an IAM read throttled midway WHEN the audit runs THEN it backs off and every
    account gets a row."""
    ids = create_organization(["a", "b", "c"])
    stubbed = StubbedAws(
        roots={ids["a"]: CLEAN, ids["b"]: Root(active_keys=1), ids["c"]: CLEAN},
        errors={
            (ids["b"], "assume_root"): ["Throttling", "Throttling"],
            (ids["c"], "list_access_keys"): ["Throttling"],
        },
    )
    messages = audit.run(stubbed, DAY1, workers=1)
    assert len(audit.sleeps) == 3
    assert audit.result.audited == 3
    assert document(messages[0])["posture"]["withAccessKeys"] == [f"b ({ids['b']})"]


def test_an_account_that_refuses_the_audit_is_listed_and_the_rest_audited(audit: Audit) -> None:
    """GIVEN one member refusing AssumeRoot WHEN the audit first runs THEN the summary lists it as not
    audited."""
    ids = create_organization(["ok", "locked"])
    stubbed = StubbedAws(
        roots={ids["locked"]: CLEAN, ids["ok"]: CLEAN},
        errors={(ids["locked"], "assume_root"): ["AccessDenied"]},
    )
    messages = audit.run(stubbed, DAY1, workers=1)
    posture = document(messages[0])["posture"]
    assert posture["notAudited"] == [f"{ids['locked']}: AccessDenied"]
    assert posture["withoutRootCredentials"] == [f"ok ({ids['ok']})"]


def test_a_change_between_two_runs_is_one_notification_and_no_change_is_none(audit: Audit) -> None:
    """GIVEN a first run WHEN one account gains a password and another loses its key THEN one HIGH
    notification, then silence."""
    ids = create_organization(["a", "b", "c"])
    day1 = {ids["a"]: CLEAN, ids["b"]: Root(active_keys=1), ids["c"]: CLEAN}
    day2 = {ids["a"]: Root(password=True), ids["b"]: CLEAN, ids["c"]: CLEAN}
    audit.run(StubbedAws(roots=day1), DAY1, workers=1)
    changed = audit.run(StubbedAws(roots=day2), DAY2, workers=1)
    quiet = audit.run(StubbedAws(roots=day2), DAY3, workers=1)
    assert quiet == []
    assert len(changed) == 1
    doc = document(changed[0])
    events = {(e["account"]["id"], e["eventName"], e["severity"]) for e in doc["events"]}
    assert events == {(ids["a"], "RootPasswordGained", "HIGH"), (ids["b"], "RootAccessKeyRemoved", "INFO")}
    assert doc["severity"] == "HIGH"
    assert f"- [HIGH] a ({ids['a']}): Root password gained" in audit.email()


def test_an_account_that_left_is_reported_once_and_forgotten(audit: Audit) -> None:
    """GIVEN an audited member that left WHEN the audit runs again THEN one INFO AccountLeft, and its row is
    gone."""
    ids = create_organization(["stays", "leaves"])
    audit.run(StubbedAws(roots={ids["stays"]: CLEAN, ids["leaves"]: CLEAN}), DAY1, workers=1)
    remove_account(ids["leaves"])
    messages = audit.run(StubbedAws(roots={ids["stays"]: CLEAN}), DAY2, workers=1)
    doc = document(messages[0])
    assert [(e["account"]["id"], e["eventName"], e["severity"]) for e in doc["events"]] == [
        (ids["leaves"], "AccountLeft", "INFO")
    ]
    assert set(posture_audit.read_rows(boto3.client("dynamodb", region_name=REGION), TABLE)) == {ids["stays"]}


def test_a_run_out_of_time_resumes_and_the_summary_waits_for_the_whole_pass(audit: Audit) -> None:
    """GIVEN too little time to start any account WHEN the audit runs twice THEN the first defers all, the
    second sends the summary."""
    ids = create_organization(["a", "b"])
    cut_short = audit.run(StubbedAws(roots={}), DAY1, remaining_ms=lambda: 1000)
    assert (cut_short, audit.result.deferred) == ([], 2)
    messages = audit.run(StubbedAws(roots={ids["a"]: CLEAN, ids["b"]: CLEAN}), DAY1)
    assert len(messages) == 1
    assert document(messages[0])["posture"]["withoutRootCredentials"] == [
        f"a ({ids['a']})",
        f"b ({ids['b']})",
    ]


def test_many_members_audited_side_by_side_each_get_a_row(audit: Audit) -> None:
    """GIVEN 24 clean members WHEN the audit runs with 8 workers THEN every member has a row and one summary
    arrives."""
    ids = create_organization([f"member-{n:02d}" for n in range(24)])
    stubbed = StubbedAws(roots=dict.fromkeys(ids.values(), CLEAN), check_order=False)
    messages = audit.run(stubbed, DAY1, workers=8)
    assert len(messages) == 1
    assert set(posture_audit.read_rows(boto3.client("dynamodb", region_name=REGION), TABLE)) == set(
        ids.values()
    )


def test_a_failed_publish_keeps_the_summary_for_the_next_run(audit: Audit) -> None:
    """GIVEN the summary's publish failing WHEN the audit runs again THEN the summary is sent then."""
    ids = create_organization(["a"])

    def broken(_: PublishRequest) -> str:
        raise RuntimeError("KMS says no")

    with pytest.raises(RuntimeError):
        run(
            StubbedAws(roots={ids["a"]: CLEAN}).clients(),
            table=TABLE,
            topic_arn=audit.topic.topic_arn,
            now=DAY1,
            publish=broken,
        )
    messages = audit.run(StubbedAws(roots={ids["a"]: CLEAN}), DAY2)
    assert document(messages[0])["title"].startswith("Root credential posture: 1 of 1")


@pytest.mark.parametrize("through_reader", [True, False], ids=["reader-role", "directly"])
def test_the_audit_lists_members_as_the_notifier_reads_the_organization(
    audit: Audit, through_reader: bool
) -> None:
    """GIVEN ORGANIZATIONS_ROLE_ARN (or none) WHEN the audit's clients are made THEN its members come from
    Organizations through that reader role's session (or the function's own), not the management role's."""
    ids = create_organization(["a", "b"])
    reader = boto3.client("iam", region_name=REGION).create_role(
        RoleName="organizations-reader", AssumeRolePolicyDocument="{}"
    )["Role"]["Arn"]
    role_arn = reader if through_reader else None
    organizations.forget_credentials()
    try:
        clients = posture_clients.aws_clients(None, role_arn)
        members = organizations.active_members(clients.organizations)
        assert list(organizations._sessions) == [role_arn]
    finally:
        organizations.forget_credentials()
    assert [member.id for member in members] == sorted(ids.values())
