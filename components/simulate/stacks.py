"""Read Pulumi stack files, give each stack a simulated account, and record what the program creates."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..arns import parse_event_bus_arn
from ..program.config import NAMESPACE as CONFIG_NAMESPACE
from ..validation import ConfigError
from .iam import KeyPolicyLookup
from .recording import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, RecordedStack, record_program


class StackInputError(Exception):
    """A stack file is missing, unreadable, or its config makes the program fail; the message names it."""


@dataclass(frozen=True)
class StackFile:
    """One stack file as the user gave it."""

    path: Path
    stack: str
    config: dict[str, Any]

    def value(self, key: str, default: Any = None) -> Any:
        """A config value by key; keys without a namespace belong to the project."""
        full_key = key if ":" in key else f"{CONFIG_NAMESPACE}:{key}"
        return self.config.get(full_key, default)

    @property
    def regions(self) -> tuple[str, ...]:
        """The regions this stack covers, as the program reads them (`regions`, else `aws:region`)."""
        configured = self.value("regions")
        if isinstance(configured, list) and configured:
            return tuple(str(region) for region in configured)
        return (str(self.value("aws:region", DEFAULT_REGION)),)


@dataclass(frozen=True)
class SimulatedStack:
    """A stack file, the account it was evaluated for, and what the program registered there."""

    file: StackFile
    role: str
    recorded: RecordedStack

    @property
    def account_id(self) -> str:
        """The simulated account this stack was deployed into."""
        return self.recorded.account_id


def load_stack_file(path: Path) -> StackFile:
    """Parse a Pulumi stack file (`Pulumi.<stack>.yaml`); raises StackInputError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        message = f"{path}: no such stack file"
        raise StackInputError(message) from error
    except OSError as error:
        message = f"{path}: cannot read the stack file ({error.strerror})"
        raise StackInputError(message) from error
    except UnicodeDecodeError as error:
        message = f"{path}: not a text file in UTF-8 (byte {error.start}); give a Pulumi stack file (YAML)"
        raise StackInputError(message) from error
    if "\x00" in text:
        message = f"{path}: a binary file (it holds NUL bytes), not a Pulumi stack file (YAML)"
        raise StackInputError(message)
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        message = f"{path}: not valid YAML: {error}"
        raise StackInputError(message) from error
    config = document.get("config", {}) if isinstance(document, dict) else None
    if not isinstance(config, dict):
        message = f"{path}: expected a Pulumi stack file with a `config:` map at the top level"
        raise StackInputError(message)
    for key, value in config.items():
        if isinstance(value, dict) and "secure" in value:
            message = (
                f"{path}: {key} is a secret; the simulation cannot decrypt it — give a plain value in a copy "
                "of the stack file"
            )
            raise StackInputError(message)
    stack = path.name.removeprefix("Pulumi.").removesuffix(".yaml").removesuffix(".yml")
    return StackFile(path=path, stack=stack, config={str(k): v for k, v in config.items()})


def hub_account_for(spokes: Sequence[StackFile]) -> str:
    """The account in the spokes' hubEventBusArn, or the default hub account when none names one."""
    for spoke in spokes:
        try:
            return parse_event_bus_arn(spoke.value("hubEventBusArn"), "hubEventBusArn").account_id
        except ConfigError:
            continue  # no ARN (hubStack instead), or a malformed one the program will refuse, naming it
    return DEFAULT_ACCOUNT_ID


def spoke_accounts(count: int, hub_account: str) -> list[str]:
    """Distinct 12-digit accounts for the spokes: 222222222222, 333333333333, … then counting on."""
    accounts: list[str] = []
    candidate = 2
    while len(accounts) < count:
        account = str(candidate) * 12 if candidate < 10 else f"{candidate:012d}"
        if account != hub_account:
            accounts.append(account)
        candidate += 1
    return accounts


def record_stack(
    program: Callable[[], object],
    file: StackFile,
    *,
    role: str,
    account_id: str,
    stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
) -> SimulatedStack:
    """Evaluate the program for one stack file in one account; config errors name the file and key."""
    try:
        recorded = record_program(
            program,
            file.config,
            stack=file.stack,
            account_id=account_id,
            stack_outputs=stack_outputs,
        )
    except ConfigError as error:
        message = f"{file.path}: {error}"
        raise StackInputError(message) from error
    return SimulatedStack(file=file, role=role, recorded=recorded)


def key_policy_lookup(stacks: list[SimulatedStack]) -> KeyPolicyLookup:
    """Finds the policy of any KMS key the stacks create, by the key's ARN, ID or alias."""
    policies: dict[str, str] = {}
    for stack in stacks:
        for key in stack.recorded.of_type("aws:kms/key:Key"):
            policy = key.inputs.get("policy")
            text = policy if isinstance(policy, str) else json.dumps(policy or {})
            for reference in (key.arn, key.outputs.get("keyId"), key.outputs.get("id")):
                if reference:
                    policies[str(reference)] = text
        for alias in stack.recorded.of_type("aws:kms/alias:Alias"):
            target = str(alias.inputs.get("targetKeyId", ""))
            if target in policies:
                policies[str(alias.inputs.get("name"))] = policies[target]
    return policies.get
