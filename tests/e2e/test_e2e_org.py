"""`simulate --org`: the org stack's StackSet rolled out to a simulated organization, and what it covers."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from root_activity_monitor import organization_rollout
from root_activity_monitor.arns import parse_event_bus_arn
from root_activity_monitor.regions import GLOBAL_EVENTS_REGION
from root_activity_monitor.simulate import SimulationReport, cli, simulate
from root_activity_monitor.simulate.cli import main, render_text
from root_activity_monitor.simulate.organization import MANAGEMENT_ACCOUNT
from root_activity_monitor.simulate.rollout import DEFAULT_MEMBERS
from root_activity_monitor.simulate.stacks import StackInputError, load_stack_file

from tests.e2e.command import CommandRun, run_command

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_ORG = REPO_ROOT / "Pulumi.org.yaml"
ORG_FILE = load_stack_file(EXAMPLE_ORG)
HUB_ACCOUNT = parse_event_bus_arn(ORG_FILE.value("hubEventBusArn"), "hubEventBusArn").account_id
ORG_REGIONS = {*ORG_FILE.regions, GLOBAL_EVENTS_REGION}


@pytest.fixture(scope="session")
def org_run(example_hub: Path) -> CommandRun:
    """`simulate --org Pulumi.org.yaml --json` with the example hub, run once for the tests that read it."""
    return run_command(["simulate", "--hub", str(example_hub), "--org", str(EXAMPLE_ORG), "--json"])


@pytest.fixture(scope="session")
def org_report(org_run: CommandRun) -> SimulationReport:
    """The report of that run."""
    return org_run.report


def _members(report: SimulationReport) -> set[str]:
    return {i.account for i in report.stack_instances if i.resources}


def _row(report: SimulationReport, account: str, region: str) -> tuple[bool, str]:
    rows = [row for row in report.coverage if (row.account, row.region) == (account, region)]
    assert len(rows) == 1, f"expected one coverage row for {account} {region}"
    return rows[0].covered, rows[0].reason


def test_every_account_of_the_organization_is_covered_in_every_region(org_report: SimulationReport) -> None:
    """GIVEN the example org and hub stacks WHEN simulated THEN members, late joiner, management and hub are
    covered in every region."""
    members = _members(org_report)
    assert len(members) == DEFAULT_MEMBERS + 1
    assert org_report.late_joiner in members
    accounts = {*members, MANAGEMENT_ACCOUNT, HUB_ACCOUNT}
    expected = {(account, region) for account in accounts for region in ORG_REGIONS}
    assert {(row.account, row.region) for row in org_report.coverage} == expected
    assert [row for row in org_report.coverage if not row.covered] == []


def test_each_root_event_is_notified_once(org_report: SimulationReport) -> None:
    """GIVEN the org rollout WHEN root events are put in every account THEN each is in one notification."""
    root_events = [event for event in org_report.driven if event.root]
    assert {event.account_id for event in root_events} >= _members(org_report)
    assert {event.event_id: org_report.entries_for(event.event_id) for event in root_events} == {
        event.event_id: 1 for event in root_events
    }
    assert org_report.problems == []


def test_late_joiner_gets_the_stack_set_in_every_region(org_report: SimulationReport) -> None:
    """GIVEN an account joining an OU after the rollout WHEN auto-deployment runs THEN it has a rule,
    dead-letter queue and role in every region."""
    regions = {i.region for i in org_report.stack_instances if i.account == org_report.late_joiner}
    assert regions == set(ORG_FILE.regions)
    for instance in org_report.stack_instances:
        if instance.account == org_report.late_joiner:
            kinds = {entry.split()[0] for entry in instance.resources}
            assert kinds == {"rule", "queue", "role"}


def test_stack_set_never_deploys_to_the_management_account(org_report: SimulationReport) -> None:
    """GIVEN callAs SELF WHEN the StackSet rolls out THEN the management account has no stack instance."""
    assert MANAGEMENT_ACCOUNT not in {i.account for i in org_report.stack_instances}


def test_the_posture_report_lists_every_simulated_member_without_root_credentials(
    org_report: SimulationReport,
) -> None:
    """GIVEN the example org and hub WHEN simulated THEN the hub's audit publishes one posture summary
    naming every member as without root credentials, and the run reports no problem."""
    assert org_report.problems == []
    (summary,) = org_report.posture
    document = summary.document
    assert (document["category"], document["severity"]) == ("posture", "INFO")
    listed = {label.rsplit("(", 1)[-1].rstrip(")") for label in document["posture"]["withoutRootCredentials"]}
    assert MANAGEMENT_ACCOUNT not in listed
    assert _members(org_report) <= listed
    assert document["posture"]["withPassword"] == document["posture"]["withAccessKeys"] == []
    assert "without root credentials" in summary.subject


def test_organization_page_quotes_what_simulate_prints(org_report: SimulationReport) -> None:
    """GIVEN the example hub and org stack WHEN simulated THEN docs/organization.md quotes exactly the report
    `simulate --org Pulumi.org.yaml` prints."""
    page = (REPO_ROOT / "docs" / "organization.md").read_text(encoding="utf-8")
    head = "```\n$ python -m root_activity_monitor simulate --org Pulumi.org.yaml\n"
    start = page.index(head) + len(head)
    assert page[start : page.index("```", start)] == render_text(org_report)


def test_json_lists_the_stack_instances_and_the_late_joiner(org_run: CommandRun) -> None:
    """GIVEN --org --json WHEN run THEN the document lists each stack instance, names the late joiner, and
    the command exits 0."""
    document = json.loads(org_run.out)
    assert org_run.code == 0
    late = document["lateJoiner"]
    assert late == org_run.report.late_joiner
    rows = [row for row in document["stackInstances"] if row["account"] == late]
    assert {row["region"] for row in rows} == set(ORG_FILE.regions)
    assert all(row["resources"] for row in rows)


def test_delegated_admin_leaves_the_management_account_uncovered(
    write_stack: Callable[..., Path], example_hub: Path, example_spoke: Path
) -> None:
    """GIVEN callAs DELEGATED_ADMIN WHEN simulated THEN the management account is NOT covered, unless a
    spoke stack is deployed there."""
    org = write_stack(EXAMPLE_ORG, "org", callAs="DELEGATED_ADMIN")
    alone = simulate(example_hub, [], org_path=org, members=1)
    with_spoke = simulate(example_hub, [example_spoke], org_path=org, members=1)
    for region in ORG_REGIONS:
        covered, reason = _row(alone, MANAGEMENT_ACCOUNT, region)
        assert not covered
        assert "no rule" in reason
        assert _row(with_spoke, MANAGEMENT_ACCOUNT, region)[0]
    assert [row.account for row in alone.coverage if not row.covered] == [MANAGEMENT_ACCOUNT] * len(
        ORG_REGIONS
    )
    assert with_spoke.all_covered


def test_hub_account_in_an_ou_gets_no_stack_set_resources(example_hub: Path) -> None:
    """GIVEN the hub account in a targeted OU WHEN the StackSet rolls out THEN its instances create nothing
    and the hub is still covered by its own rules."""
    report = simulate(example_hub, [], org_path=EXAMPLE_ORG, members=1, hub_in_ou=True)
    hub_instances = [i for i in report.stack_instances if i.account == HUB_ACCOUNT]
    assert {i.region for i in hub_instances} == set(ORG_FILE.regions)
    assert all(i.resources == () for i in hub_instances)
    assert report.problems == []
    assert report.all_covered


def test_organization_root_target_skips_the_management_account(
    write_stack: Callable[..., Path], example_hub: Path
) -> None:
    """GIVEN the root as deployment target WHEN the StackSet rolls out THEN the management account and the
    hub get nothing from it, and every account is covered."""
    org = write_stack(EXAMPLE_ORG, "org", organizationalUnitIds=["r-ab12"])
    report = simulate(example_hub, [], org_path=org, members=1)
    with_resources = {i.account for i in report.stack_instances if i.resources}
    assert MANAGEMENT_ACCOUNT not in {i.account for i in report.stack_instances}
    assert HUB_ACCOUNT not in with_resources
    assert report.all_covered
    # A leftover StackSet rule next to the management account's own forwarder would notify twice.
    assert {report.entries_for(event.event_id) for event in report.driven if event.root} == {1}


def test_rule_state_enabled_in_the_template_shows_the_read_only_gap(
    example_hub: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a template whose rule is ENABLED WHEN simulated THEN members are NOT covered, for read-only
    calls only, while the management account's own forwarder still is."""
    body = json.loads(organization_rollout.spoke_template_body())
    for resource in body["Resources"].values():
        if resource["Type"] == "AWS::Events::Rule":
            resource["Properties"]["State"] = "ENABLED"
    monkeypatch.setattr(organization_rollout, "spoke_template_body", lambda *_: json.dumps(body))
    report = simulate(example_hub, [], org_path=EXAMPLE_ORG, members=1)
    member = next(iter(_members(report)))
    for region in ORG_FILE.regions:
        covered, reason = _row(report, member, region)
        assert not covered
        assert "read-only" in reason
        assert _row(report, MANAGEMENT_ACCOUNT, region)[0]


def test_org_file_of_another_mode_exits_2(
    example_hub: Path, example_spoke: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GIVEN a spoke stack as --org WHEN run THEN exit 2 and the message names the file and the mode."""
    code = main(["simulate", "--hub", str(example_hub), "--org", str(example_spoke)])
    err = capsys.readouterr().err
    assert code == 2
    assert str(example_spoke) in err
    assert "mode" in err


def test_members_out_of_range_exits_2(example_hub: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """GIVEN --members 0 WHEN run THEN exit 2 naming --members."""
    code = main(["simulate", "--hub", str(example_hub), "--org", str(EXAMPLE_ORG), "--members", "0"])
    assert code == 2
    assert "--members" in capsys.readouterr().err


def test_members_reaches_the_simulation(example_hub: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN --org and --members 7 WHEN run THEN the simulation is asked for that org file and 7 members (it
    is stopped there: only the hand-over is under test)."""
    asked: list[dict[str, object]] = []

    def simulation(hub: Path, spokes: list[Path], **options: object) -> SimulationReport:
        asked.append({"hub": hub, "spokes": spokes, **options})
        raise StackInputError("stopped after the hand-over")

    monkeypatch.setattr(cli, "simulate", simulation)
    argv = ["simulate", "--hub", str(example_hub), "--org", str(EXAMPLE_ORG), "--members", "7"]
    assert main(argv, stderr=io.StringIO()) == 2
    (options,) = asked
    assert (options["hub"], options["spokes"]) == (example_hub, [])
    assert (options["org_path"], options["members"]) == (EXAMPLE_ORG, 7)
