"""The notifier's code as a Pulumi asset: the handler's own Python files, as the package `handler`.

The deployment package holds `handler/__init__.py`, `handler/app.py`, … exactly as the repository's
`handler/` folder, so the modules import each other relatively (`from .digest import fold`) in the zip,
in a checkout and inside the installed wheel (`root_activity_monitor.handler`) alike. boto3 comes from the
Lambda runtime. The files are found relative to this package, never the working directory.
"""

from __future__ import annotations

from pathlib import Path

import pulumi

HANDLER_PACKAGE = "handler"
"""The package's name inside the deployment package."""
HANDLER_ENTRY_MODULE = "app.py"
HANDLER_FUNCTION = f"{HANDLER_PACKAGE}.app.lambda_handler"
"""The function's `handler` setting: module path inside the zip, then the function."""


class HandlerNotFoundError(FileNotFoundError):
    """The notifier's code is neither inside the installed package nor in the source checkout."""


def handler_dir_candidates() -> tuple[Path, ...]:
    """Where the handler may live: inside the installed package, then beside it in a checkout."""
    package_dir = Path(__file__).parent
    return (package_dir / "handler", package_dir.resolve().parent / "handler")


def find_handler_dir(candidates: tuple[Path, ...] | None = None) -> Path:
    """The first candidate directory (by default `handler_dir_candidates()`) with the entry module."""
    candidates = candidates if candidates is not None else handler_dir_candidates()
    for candidate in candidates:
        if (candidate / HANDLER_ENTRY_MODULE).is_file():
            return candidate
    searched = ", ".join(str(path) for path in candidates)
    message = (
        f"the notifier's {HANDLER_ENTRY_MODULE} was not found (searched {searched}); reinstall "
        "pulumi-root-activity-monitor, or run from a checkout that has handler/app.py"
    )
    raise HandlerNotFoundError(message)


def handler_files(handler_dir: Path) -> dict[str, Path]:
    """Archive path → file for every top-level Python file of the handler (no tests, no caches)."""
    return {
        f"{HANDLER_PACKAGE}/{path.name}": path for path in sorted(handler_dir.glob("*.py")) if path.is_file()
    }


def handler_archive(handler_dir: Path | None = None) -> pulumi.AssetArchive:
    """The Lambda deployment package: the `handler` package at the archive root."""
    directory = handler_dir if handler_dir is not None else find_handler_dir()
    assets: dict[str, pulumi.Asset | pulumi.Archive] = {
        name: pulumi.FileAsset(str(path)) for name, path in handler_files(directory).items()
    }
    return pulumi.AssetArchive(assets)
