"""The wheel other Pulumi projects install: it carries the components and the notifier, and finds it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "components", "handler")


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built from a copy of the sources with setuptools' PEP 517 backend."""
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        path = REPO_ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / name)
    out = tmp_path_factory.mktemp("dist")
    build = f"import setuptools.build_meta as b; print(b.build_wheel({str(out)!r}))"
    subprocess.run([sys.executable, "-c", build], cwd=source, check=True, capture_output=True)
    (built,) = out.glob("*.whl")
    return built


def test_wheel_ships_the_package_and_exactly_the_handler_files(wheel: Path) -> None:
    """GIVEN the built wheel THEN it holds root_activity_monitor and every handler module under it."""
    names = set(zipfile.ZipFile(wheel).namelist())
    handler_modules = {path.name for path in (REPO_ROOT / "handler").glob("*.py")}
    assert "__init__.py" in handler_modules

    shipped_handler = {n.rsplit("/", 1)[1] for n in names if n.startswith("root_activity_monitor/handler/")}
    assert wheel.name.startswith("pulumi_root_activity_monitor-")
    assert shipped_handler == handler_modules
    assert {
        "root_activity_monitor/__init__.py",
        "root_activity_monitor/hub_notifier.py",
        "root_activity_monitor/hub/notifier.py",
        "root_activity_monitor/program/__init__.py",
        "root_activity_monitor/simulate/cli.py",
        "root_activity_monitor/simulate/samples/root_console_signin_mfa.json",
    } <= names
    assert not any(n.startswith(("tests/", "bench/", "handler/")) for n in names)


def test_wheel_ships_every_module_of_the_package(wheel: Path) -> None:
    """GIVEN the built wheel THEN every module under components/, subpackages included, is in it: a subpackage
    missing from pyproject.toml's package list would fail only after a pip install."""
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {
        "root_activity_monitor/" + path.relative_to(REPO_ROOT / "components").as_posix()
        for path in (REPO_ROOT / "components").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert modules - names == set()


def test_wheel_ships_the_apache_license_it_declares(wheel: Path) -> None:
    """GIVEN the built wheel THEN its metadata declares Apache-2.0 and it carries the repository's LICENSE,
    the full Apache License 2.0 text."""
    archive = zipfile.ZipFile(wheel)
    (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
    (license_file,) = [n for n in archive.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
    headers = archive.read(metadata).decode().split("\n\n", 1)[0].splitlines()
    assert "License-Expression: Apache-2.0" in headers
    assert "License-File: LICENSE" in headers
    shipped = archive.read(license_file).decode()
    assert shipped == (REPO_ROOT / "LICENSE").read_text(encoding="utf-8")
    words = shipped.split()
    assert words[:4] == ["Apache", "License", "Version", "2.0,"]
    assert "END OF TERMS AND CONDITIONS" in shipped
    assert "APPENDIX: How to apply the Apache License to your work." in shipped


def run_installed(wheel: Path, tmp_path: Path, probe: str) -> tuple[Path, list[str]]:
    """The wheel unpacked as the only site-packages; `probe` run from another directory; its output lines."""
    site = tmp_path / "site-packages"
    zipfile.ZipFile(wheel).extractall(site)
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
        text=True,
    )
    return site, result.stdout.splitlines()


def test_installed_package_finds_the_handler_inside_itself(wheel: Path, tmp_path: Path) -> None:
    """GIVEN the wheel unpacked as site-packages WHEN the asset is located from another directory THEN it is
    the packaged copy, not the checkout."""
    probe = (
        "import root_activity_monitor.lambda_bundle as b; d = b.find_handler_dir(); "
        "print(d); print(sorted(b.handler_archive(d).assets))"
    )
    site, (found, assets) = run_installed(wheel, tmp_path, probe)
    assert Path(found) == site / "root_activity_monitor" / "handler"
    assert "handler/app.py" in assets


def test_installed_handler_is_an_importable_package(wheel: Path, tmp_path: Path) -> None:
    """GIVEN the wheel unpacked as site-packages WHEN root_activity_monitor.handler.app is imported THEN it
    loads from the wheel with no sys.path change, and its entry point is there."""
    probe = (
        "import root_activity_monitor.handler.app as a; print(a.__file__); print(callable(a.lambda_handler))"
    )
    site, (location, entry) = run_installed(wheel, tmp_path, probe)
    assert Path(location) == site / "root_activity_monitor" / "handler" / "app.py"
    assert entry == "True"


def test_deployment_package_runs_as_lambda_imports_it(tmp_path: Path) -> None:
    """GIVEN the files of the Lambda asset laid out as Lambda unpacks them in /var/task WHEN the function's
    handler setting is imported from there THEN the entry point loads (no module is missing from the zip)."""
    from root_activity_monitor import lambda_bundle

    for name, asset in lambda_bundle.handler_archive().assets.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(asset.path, target)  # type: ignore[union-attr]
    module, _, function = lambda_bundle.HANDLER_FUNCTION.rpartition(".")
    probe = (
        f"import importlib as i; m = i.import_module({module!r}); print(m.__file__, callable(m.{function}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, check=True, capture_output=True, text=True
    )
    location, entry = result.stdout.split()
    assert Path(location) == tmp_path / "handler" / "app.py"
    assert entry == "True"
