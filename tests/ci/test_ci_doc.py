"""docs/ci.md tells an operator what to create; it must match what the preview workflow expects."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.ci.workflows import PREVIEW, REPO_ROOT, load_workflow, steps_using

DOC = (REPO_ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
OIDC = "token.actions.githubusercontent.com"


def trust_policy() -> dict[str, Any]:
    """The one JSON block of the doc: the preview role's trust policy."""
    (block,) = re.findall(r"```json\n(.*?)```", DOC, flags=re.S)
    policy: dict[str, Any] = json.loads(block)
    return policy


def test_trust_policy_lets_only_this_repository_s_pull_requests_in_through_github_oidc() -> None:
    """GIVEN the doc's trust policy WHEN read THEN GitHub OIDC may assume it for sts and pull_request only."""
    (statement,) = trust_policy()["Statement"]
    assert statement["Principal"] == {"Federated": f"arn:aws:iam::111111111111:oidc-provider/{OIDC}"}
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert list(statement["Condition"]) == ["StringEquals"], "no StringLike: the subject is matched exactly"
    conditions = statement["Condition"]["StringEquals"]
    assert conditions[f"{OIDC}:aud"] == "sts.amazonaws.com"
    assert re.fullmatch(r"repo:[^:*/]+/[^:*/]+:pull_request", conditions[f"{OIDC}:sub"])


def test_doc_names_every_role_variable_the_matrix_reads_and_the_secret_the_preview_uses() -> None:
    """GIVEN the preview workflow WHEN its inputs are listed THEN the doc tells how to set each."""
    (job,) = load_workflow(PREVIEW)["jobs"].values()
    for entry in job["strategy"]["matrix"]["include"]:
        assert f"| `{entry['stack']}` | `{entry['aws-region']}` | `{entry['role-variable']}` |" in DOC
    (pulumi,) = steps_using(load_workflow(PREVIEW), "pulumi/actions")
    secret = re.fullmatch(r"\$\{\{ secrets\.(\w+) \}\}", pulumi["env"]["PULUMI_ACCESS_TOKEN"])
    assert secret is not None
    assert f"Secret: `{secret.group(1)}`" in DOC
    assert f"`policyPacks: {pulumi['with']['policyPacks']}`" in DOC


def test_doc_says_plainly_that_nothing_was_run_and_how_it_was_checked_instead() -> None:
    """GIVEN the doc WHEN read THEN it says nothing ran and gives .ci/run's offline checks."""
    assert "No workflow, no `pulumi preview` and no policy-pack run was executed" in DOC
    ci_run = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = re.findall(r"^uv run (check-jsonschema .*?|zizmor .*?)\s+#", DOC, flags=re.M)
    assert len(commands) == 2
    for command in commands:
        assert f"uv run --locked {command}" in ci_run, command
    assert "pulumi preview -s hub --policy-pack policy" in DOC
