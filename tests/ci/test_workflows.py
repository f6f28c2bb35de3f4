"""What a reviewer checks in the workflows: pinned actions, safe triggers, least rights, OIDC, real stacks."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.ci.workflows import CI, PREVIEW, REPO_ROOT, all_steps, load_workflow, steps_using

WORKFLOW_FILES = [PREVIEW, CI]
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$")
VERSION_COMMENT = re.compile(r"^\s*#\s*v\d+\.\d+\.\d+\s*$")
PREVIEW_JOB_PERMISSIONS = {"contents": "read", "id-token": "write", "pull-requests": "write"}


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_commit_with_its_version_in_a_comment(path: Path) -> None:
    """GIVEN a workflow WHEN its `uses:` lines are read THEN each names a 40-hex commit and its vX.Y.Z."""
    lines = [m for line in path.read_text().splitlines() if (m := USES_LINE.match(line))]
    used = [step["uses"] for step in all_steps(load_workflow(path)) if "uses" in step]
    assert [m.group(1) for m in lines] == used, "every step's `uses:` is on one line of its own"
    for match in lines:
        assert PINNED.match(match.group(1)), f"{match.group(1)} is not pinned to a full commit SHA"
        assert VERSION_COMMENT.match(match.group(2)), f"{match.group(1)} lacks a `# vX.Y.Z` comment"


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: path.name)
def test_no_workflow_runs_pull_request_code_with_the_base_repository_s_rights(path: Path) -> None:
    """GIVEN a workflow WHEN its triggers are read THEN pull_request is one, pull_request_target none."""
    triggers = load_workflow(path)["on"]
    assert "pull_request_target" not in triggers
    assert "pull_request" in triggers


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: path.name)
def test_checkouts_leave_no_git_credentials_behind(path: Path) -> None:
    """GIVEN a workflow WHEN its checkout steps are read THEN each sets persist-credentials to false."""
    checkouts = steps_using(load_workflow(path), "actions/checkout")
    assert checkouts
    assert all(step["with"]["persist-credentials"] is False for step in checkouts)


def test_preview_grants_nothing_at_workflow_level_and_only_what_the_job_needs() -> None:
    """GIVEN preview.yml WHEN permissions are read THEN the workflow grants none, the job 3 it uses."""
    workflow = load_workflow(PREVIEW)
    assert workflow["permissions"] == {}
    assert [job["permissions"] for job in workflow["jobs"].values()] == [PREVIEW_JOB_PERMISSIONS]


def test_ci_can_only_read_the_repository() -> None:
    """GIVEN ci.yml WHEN permissions are read THEN the workflow and its job may only read contents."""
    workflow = load_workflow(CI)
    assert workflow["permissions"] == {"contents": "read"}
    assert all(job["permissions"] == {"contents": "read"} for job in workflow["jobs"].values())


def test_aws_credentials_come_from_oidc_with_the_role_in_a_repository_variable() -> None:
    """GIVEN the credentials step WHEN its inputs are read THEN the role is from `vars`, no key passed."""
    (step,) = steps_using(load_workflow(PREVIEW), "aws-actions/configure-aws-credentials")
    role = step["with"]["role-to-assume"]
    assert re.fullmatch(r"\$\{\{\s*vars[.\[][^}]*\}\}", role), role
    assert "secrets" not in role
    assert not {"aws-access-key-id", "aws-secret-access-key", "aws-session-token"} & set(step["with"])


def test_preview_runs_pulumi_preview_with_the_policy_pack_and_a_pr_comment() -> None:
    """GIVEN the Pulumi step WHEN its inputs are read THEN it previews the matrix stack with the pack."""
    (step,) = steps_using(load_workflow(PREVIEW), "pulumi/actions")
    assert step["with"]["command"] == "preview"
    assert step["with"]["stack-name"] == "${{ matrix.stack }}"
    assert step["with"]["comment-on-pr"] is True
    assert step["with"]["policyPacks"] == "policy"
    assert step["env"]["PULUMI_ACCESS_TOKEN"] == "${{ secrets.PULUMI_ACCESS_TOKEN }}"


def test_matrix_names_real_stacks_each_in_its_stack_s_region_with_its_own_role() -> None:
    """GIVEN the preview matrix WHEN compared to Pulumi.<stack>.yaml THEN each is a stack in its region."""
    (job,) = load_workflow(PREVIEW)["jobs"].values()
    entries = job["strategy"]["matrix"]["include"]
    assert {"hub", "spoke"} <= {entry["stack"] for entry in entries}
    for entry in entries:
        stack_file = REPO_ROOT / f"Pulumi.{entry['stack']}.yaml"
        assert stack_file.exists(), f"the matrix previews {entry['stack']}, which has no {stack_file.name}"
        config = yaml.safe_load(stack_file.read_text())["config"]
        assert entry["aws-region"] == config["aws:region"], entry
    assert len({entry["role-variable"] for entry in entries}) == len(entries), "one role per stack's account"


def test_a_new_push_cancels_the_running_preview_of_the_same_pull_request() -> None:
    """GIVEN preview.yml WHEN its concurrency is read THEN runs per PR number cancel older ones."""
    concurrency = load_workflow(PREVIEW)["concurrency"]
    assert "github.event.pull_request.number" in concurrency["group"]
    assert concurrency["cancel-in-progress"] is True


def test_ci_runs_the_repository_s_check_script_on_python_3_11_for_main_and_pull_requests() -> None:
    """GIVEN ci.yml WHEN read THEN pushes to main and PRs run `bash .ci/run` on Python 3.11."""
    workflow = load_workflow(CI)
    assert workflow["on"]["push"]["branches"] == ["main"]
    (setup_python,) = steps_using(workflow, "actions/setup-python")
    assert setup_python["with"]["python-version"] == "3.11"
    assert [step["run"] for step in all_steps(workflow) if "run" in step] == ["bash .ci/run"]


def locked_version(package: str) -> str:
    """The version uv.lock pins for `package`."""
    lock = tomllib.loads((REPO_ROOT / "uv.lock").read_text(encoding="utf-8"))
    (version,) = [entry["version"] for entry in lock["package"] if entry["name"] == package]
    return str(version)


def test_preview_pins_the_pulumi_cli_of_the_locked_python_sdk() -> None:
    """GIVEN the Pulumi step WHEN its CLI version is read THEN it is pinned, to the release of the Python SDK
    that uv.lock installs (without a pin pulumi/actions takes the latest 3.x)."""
    (step,) = steps_using(load_workflow(PREVIEW), "pulumi/actions")
    assert str(step["with"]["pulumi-version"]) == locked_version("pulumi")


def test_preview_installs_the_policy_pack_s_requirements_into_its_virtualenv_first() -> None:
    """GIVEN the preview job WHEN its steps are read in order THEN, before the preview, one step creates the
    virtualenv PulumiPolicy.yaml names and installs policy/requirements.txt into it with the lock's versions
    (the CLI runs that virtualenv's python as it finds it, and pulumi/actions installs nothing)."""
    venv = yaml.safe_load((REPO_ROOT / "policy" / "PulumiPolicy.yaml").read_text())["runtime"]["options"]
    steps = all_steps(load_workflow(PREVIEW))
    (pulumi_step,) = steps_using(load_workflow(PREVIEW), "pulumi/actions")
    scripts = [str(step.get("run", "")) for step in steps[: steps.index(pulumi_step)]]
    (install,) = [script for script in scripts if "policy/requirements.txt" in script]
    lines = install.splitlines()
    assert f"uv venv --python 3.11 policy/{venv['virtualenv']}" in lines
    (pip,) = [line for line in lines if line.startswith("uv pip install")]
    assert f"--python policy/{venv['virtualenv']}/bin/python" in pip
    assert "--requirement policy/requirements.txt" in pip
    assert "--constraints" in pip and "uv export --locked" in install
