"""The `simulate` command: exit codes, messages for bad input, and the --json document."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from root_activity_monitor.simulate.cli import main

from tests.e2e.command import CommandRun


def test_text_output_shows_the_table_and_the_sign_in_email(example_run: CommandRun) -> None:
    """The human report has a coverage row per account/region and the sign-in mail with its subject, and
    the command exits 0 when every pair is covered."""
    out = example_run.out
    assert example_run.code == 0
    assert "222222222222  us-east-1     covered" in out
    assert "Subject: " in out
    assert "ConsoleLogin" in out


def test_missing_stack_file_exits_2_naming_it(
    example_hub: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A spoke file that does not exist is bad input: exit 2, and the message names the file."""
    missing = tmp_path / "Pulumi.nowhere.yaml"
    code = main(["simulate", "--hub", str(example_hub), "--spoke", str(missing)])
    assert code == 2
    assert str(missing) in capsys.readouterr().err


def test_unparseable_stack_file_exits_2_naming_it(
    example_spoke: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A hub file that is not YAML is bad input: exit 2, and the message names the file."""
    broken = tmp_path / "Pulumi.hub.yaml"
    broken.write_text("config: [unclosed\n")
    code = main(["simulate", "--hub", str(broken), "--spoke", str(example_spoke)])
    assert code == 2
    assert str(broken) in capsys.readouterr().err


def test_config_error_exits_2_naming_file_and_key(
    write_stack: Callable[..., Path],
    example_hub: Path,
    example_spoke: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Config the program refuses is bad input: exit 2, naming the stack file and the key."""
    hub = write_stack(example_hub, "hub", organizationId="not-an-org")
    code = main(["simulate", "--hub", str(hub), "--spoke", str(example_spoke)])
    err = capsys.readouterr().err
    assert code == 2
    assert str(hub) in err
    assert "organizationId" in err


def test_swapped_stack_files_exit_2(
    example_hub: Path, example_spoke: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Giving a spoke stack as --hub is bad input that says which mode was expected."""
    code = main(["simulate", "--hub", str(example_spoke), "--spoke", str(example_hub)])
    assert code == 2
    assert "mode" in capsys.readouterr().err


def test_module_runs_as_a_command_from_the_stack_directory(
    example_hub: Path, example_spoke: Path, tmp_path: Path
) -> None:
    """`python -m root_activity_monitor simulate --json` reads the default stack files from the cwd, exits 0,
    and prints coverage, notifications, notReplayed, heartbeats and the trail assumption."""
    shutil.copy(example_hub, tmp_path / "Pulumi.hub.yaml")
    shutil.copy(example_spoke, tmp_path / "Pulumi.spoke.yaml")
    done = subprocess.run(
        [sys.executable, "-m", "root_activity_monitor", "simulate", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert set(document) == {
        "coverage",
        "notifications",
        "notReplayed",
        "heartbeats",
        "monitoringGaps",
        "broken",
        "assumptions",
    }
    assert document["coverage"] and all(row["covered"] for row in document["coverage"])
    assert all(set(row) == {"account", "region", "covered", "reason"} for row in document["coverage"])
    assert document["heartbeats"] and all(row["arrived"] for row in document["heartbeats"])
    assert document["monitoringGaps"] == [] and document["broken"] is None
    assert "trail with logging" in document["assumptions"][0]
    assert document["notifications"]
    assert all(doc["schemaVersion"] and doc["events"] for doc in document["notifications"])
    assert all(set(entry) >= {"type", "name", "reason"} for entry in document["notReplayed"])


@pytest.mark.parametrize(
    "content", [b"\xff\xfe\x00c\x00o\x00n\x00f\x00i\x00g", b"config:\x00\n", b"\x89PNG\r\n\x1a\n\x00\x00"]
)
def test_binary_or_undecodable_stack_file_exits_2_without_a_traceback(
    example_spoke: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    """GIVEN a hub stack file that is binary or not UTF-8 WHEN simulated THEN exit 2 with a message naming the
    file, and no traceback."""
    broken = tmp_path / "Pulumi.hub.yaml"
    broken.write_bytes(content)
    code = main(["simulate", "--hub", str(broken), "--spoke", str(example_spoke)])
    err = capsys.readouterr().err
    assert code == 2
    assert str(broken) in err
    assert "Traceback" not in err
