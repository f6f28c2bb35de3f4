"""The provider plugin's own lock: the Pulumi CLI's uv toolchain syncs the environment next to the nearest
uv.lock, so provider/uv.lock keeps the plugin in provider/.venv instead of rewriting the repository's."""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PROVIDER = REPO_ROOT / "provider"


def locked(lock_file: Path) -> dict[str, str]:
    """Package name → version, as a uv.lock pins them."""
    lock = tomllib.loads(lock_file.read_text(encoding="utf-8"))
    return {entry["name"]: str(entry["version"]) for entry in lock["package"]}


def test_provider_lock_matches_its_pyproject_and_the_library_it_installs() -> None:
    """GIVEN provider/uv.lock WHEN uv checks it offline THEN it is current for provider/pyproject.toml and
    for the library's own dependencies (re-run `uv lock` in provider/ after changing either)."""
    uv = os.environ.get("UV") or shutil.which("uv")
    assert uv, "uv runs the tests (`uv run pytest`), so it is on the PATH or in $UV"
    result = subprocess.run(
        [uv, "lock", "--check", "--offline"], cwd=PROVIDER, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_the_plugin_runs_the_sdk_and_provider_the_tests_ran() -> None:
    """GIVEN both locks THEN the plugin gets the same pulumi and pulumi-aws as the repository's tests."""
    plugin, tested = locked(PROVIDER / "uv.lock"), locked(REPO_ROOT / "uv.lock")
    for package in ("pulumi", "pulumi-aws"):
        assert plugin[package] == tested[package], package
