"""The notifier's deployment package: the handler's own files as the package `handler`, found relative to
the components."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pulumi
import pytest
from root_activity_monitor import lambda_bundle
from root_activity_monitor.simulate import RecordedStack

REPO_ROOT = Path(__file__).resolve().parents[2]
HANDLER_DIR = REPO_ROOT / "handler"


def shipped_files() -> set[str]:
    """The handler's top-level Python files under `handler/`, the set the archive must hold."""
    return {f"handler/{path.name}" for path in HANDLER_DIR.glob("*.py")}


def test_archive_holds_exactly_the_handlers_python_files(hub_stack: RecordedStack) -> None:
    """GIVEN the hub's function THEN the archive holds each handler/*.py under handler/, nothing else."""
    code = hub_stack.named("aws:lambda/function:Function", "root-activity-monitor-notifier").inputs["code"]
    assert isinstance(code, pulumi.AssetArchive)
    assert set(code.assets) == shipped_files()
    assert {"handler/__init__.py", "handler/app.py"} <= set(code.assets)
    for name, asset in code.assets.items():
        assert isinstance(asset, pulumi.FileAsset)
        assert Path(asset.path).resolve() == (REPO_ROOT / name).resolve()
        assert "__pycache__" not in asset.path and "tests" not in Path(asset.path).parts


def test_entry_module_defines_the_configured_handler() -> None:
    """GIVEN handler/app.py THEN it defines lambda_handler(event, context), the function the Lambda runs."""
    package, module, function = lambda_bundle.HANDLER_FUNCTION.split(".")
    assert package == HANDLER_DIR.name
    tree = ast.parse((HANDLER_DIR / f"{module}.py").read_text())
    definitions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert function in definitions
    assert [arg.arg for arg in definitions[function].args.args] == ["event", "context"]


def test_handler_is_found_beside_the_package_in_a_checkout(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """GIVEN another working directory THEN the handler is still found next to components/."""
    monkeypatch.chdir(tmp_path)
    assert lambda_bundle.find_handler_dir().resolve() == HANDLER_DIR.resolve()


def test_installed_location_is_tried_first() -> None:
    """GIVEN the candidates THEN the installed package's handler/ comes before the checkout's."""
    package_dir = Path(lambda_bundle.__file__).parent
    assert lambda_bundle.handler_dir_candidates() == (
        package_dir / "handler",
        package_dir.resolve().parent / "handler",
    )


def test_first_candidate_with_the_entry_module_wins(tmp_path: Path) -> None:
    """GIVEN two candidate directories with app.py THEN the first is used; one without app.py is skipped."""
    empty, installed, checkout = tmp_path / "empty", tmp_path / "installed", tmp_path / "checkout"
    for directory in (empty, installed, checkout):
        directory.mkdir()
    (installed / "app.py").write_text("def lambda_handler(event, context): ...\n")
    (checkout / "app.py").write_text("def lambda_handler(event, context): ...\n")
    assert lambda_bundle.find_handler_dir((empty, installed, checkout)) == installed


def test_missing_handler_is_a_clear_error(tmp_path: Path) -> None:
    """GIVEN no candidate with app.py THEN the error names the paths searched and how to fix it."""
    with pytest.raises(
        lambda_bundle.HandlerNotFoundError, match=r"app\.py was not found \(searched .*nowhere"
    ):
        lambda_bundle.find_handler_dir((tmp_path / "nowhere",))


def test_archive_skips_caches_and_non_python_files(tmp_path: Path) -> None:
    """GIVEN a handler dir with caches, tests and notes THEN only top-level .py files are archived."""
    (tmp_path / "app.py").write_text("")
    (tmp_path / "helpers.py").write_text("")
    (tmp_path / "README.md").write_text("")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "app.cpython-313.pyc").write_bytes(b"")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_app.py").write_text("")
    archive: Any = lambda_bundle.handler_archive(tmp_path)
    assert set(archive.assets) == {"handler/app.py", "handler/helpers.py"}


def test_handler_modules_import_each_other_relatively() -> None:
    """GIVEN every handler module THEN none touches sys.path and each imports its siblings relatively, so
    the package works under any name (`handler` in the zip, `root_activity_monitor.handler` installed)."""
    siblings = {path.stem for path in HANDLER_DIR.glob("*.py")}
    for path in HANDLER_DIR.glob("*.py"):
        tree = ast.parse(path.read_text())
        assert "sys.path" not in path.read_text(), path.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert not {alias.name for alias in node.names} & siblings, path.name
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                assert node.module not in siblings, path.name
