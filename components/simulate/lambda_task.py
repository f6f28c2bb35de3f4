"""A Lambda function's code, unpacked and imported the way the Lambda runtime does it.

Lambda unpacks the deployment package into /var/task, puts that directory first on the import path and
imports the module its `handler` setting names. The replay does the same with the function's recorded
`code` archive in a temporary directory, so a module missing from the package fails here as it would
in Lambda. The environment and the modules it imported are put back afterwards.

Each load imports the package afresh (no module state survives from one invocation's load to the next), but
an archive already unpacked in this process is imported from the same directory: Python then reads the
bytecode it compiled the first time instead of compiling ~50 modules again (a third of a replay's CPU).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import importlib
import os
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pulumi

from ..arns import parse_arn
from .accounts import AwsAccounts
from .recording import RecordedResource

Handler = Callable[[Any, Any], Any]


class UnpackError(ValueError):
    """The recorded code is not an archive the replay can unpack; the message says what it is."""


def unpack(code: object, task: Path) -> None:
    """Write the files of a Pulumi archive under `task`, with the paths they have in the zip."""
    if isinstance(code, pulumi.AssetArchive):
        for name, item in code.assets.items():
            target = task / name
            if isinstance(item, pulumi.Archive):
                target.mkdir(parents=True, exist_ok=True)
                unpack(item, target)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                _write_asset(item, target)
    elif isinstance(code, pulumi.FileArchive):
        source = Path(code.path)
        if source.is_dir():
            shutil.copytree(source, task, dirs_exist_ok=True)
        else:
            with zipfile.ZipFile(source) as archive:
                archive.extractall(task)
    else:
        message = f"the function's code is {type(code).__name__}, not an archive the replay can unpack"
        raise UnpackError(message)


def _write_asset(asset: object, target: Path) -> None:
    if isinstance(asset, pulumi.FileAsset):
        shutil.copyfile(asset.path, target)
    elif isinstance(asset, pulumi.StringAsset):
        target.write_text(asset.text, encoding="utf-8")
    else:
        message = f"{target.name} is a {type(asset).__name__}, which the replay cannot read"
        raise UnpackError(message)


_UNPACKED: dict[str, Path] = {}
"""Directories of archives unpacked in this process, by the digest of their files."""


def _digest(task: Path) -> str:
    files = hashlib.sha256()
    for path in sorted(p for p in task.rglob("*") if p.is_file()):
        files.update(str(path.relative_to(task)).encode())
        files.update(b"\0")
        files.update(hashlib.sha256(path.read_bytes()).digest())
    return files.hexdigest()


def unpacked(code: object) -> Path:
    """The directory holding `code`'s files: unpacked once per distinct content in this process."""
    fresh = Path(tempfile.mkdtemp(prefix="simulated-task-"))
    unpack(code, fresh)
    digest = _digest(fresh)
    known = _UNPACKED.get(digest)
    if known is not None and known.is_dir():
        shutil.rmtree(fresh)
        return known
    _UNPACKED[digest] = fresh
    return fresh


@atexit.register
def _remove_unpacked() -> None:
    for directory in _UNPACKED.values():
        shutil.rmtree(directory, ignore_errors=True)
    _UNPACKED.clear()


def function_environment(aws: AwsAccounts, account_id: str, function: RecordedResource) -> dict[str, str]:
    """What Lambda gives a recorded function's code: its variables, its region and its role's credentials."""
    variables = (function.inputs.get("environment") or {}).get("variables") or {}
    role = parse_arn(str(function.inputs["role"]))
    credentials = aws.credentials(account_id, role.resource_name if role is not None else "")
    return {
        **{key: str(value) for key, value in variables.items()},
        "AWS_REGION": function.region,
        "AWS_DEFAULT_REGION": function.region,
        "AWS_ACCESS_KEY_ID": credentials["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": credentials["aws_secret_access_key"],
        "AWS_SESSION_TOKEN": credentials["aws_session_token"],
        "AWS_LAMBDA_FUNCTION_NAME": str(function.outputs.get("name")),
    }


def _import_caching_bytecode(module_name: str) -> Any:
    # The directory is the replay's own: bytecode written there is read back by the next load of the same
    # archive, whatever PYTHONDONTWRITEBYTECODE says for the rest of the process.
    saved = sys.dont_write_bytecode
    sys.dont_write_bytecode = False
    try:
        return importlib.import_module(module_name)
    finally:
        sys.dont_write_bytecode = saved


@contextlib.contextmanager
def loaded_handler(code: object, handler: str, environment: Mapping[str, str]) -> Iterator[Handler]:
    """The function named by `handler` (e.g. `handler.app.lambda_handler`) from the unpacked `code`."""
    module_name, _, attribute = handler.rpartition(".")
    top_level = module_name.split(".")[0]

    def own(name: str) -> bool:
        return name == top_level or name.startswith(f"{top_level}.")

    saved_modules = {name: sys.modules.pop(name) for name in list(sys.modules) if own(name)}
    saved_environ = dict(os.environ)
    directory = str(unpacked(code))
    sys.path.insert(0, directory)
    try:
        os.environ.update(environment)
        yield getattr(_import_caching_bytecode(module_name), attribute)
    finally:
        sys.path.remove(directory)
        for name in [name for name in sys.modules if own(name)]:
            del sys.modules[name]
        sys.modules.update(saved_modules)
        os.environ.clear()
        os.environ.update(saved_environ)
