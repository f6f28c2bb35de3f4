"""The org stack's StackSets replayed through moto's CloudFormation StackSets into the member accounts.

The StackSet and its stack instances are created with boto3 in the management account from the inputs
the program registered (template body, parameters, permission model, call_as, capabilities, each
instance's region and OUs, rewritten to moto's OU IDs), so moto's CloudFormation deploys the template's
resources into every member account and region. Where moto departs from CloudFormation, the replay
corrects it (see `stack_set_gaps`).
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .accounts import AwsAccounts
from .organization import SimulatedOrganization
from .recording import RecordedResource, RecordedStack
from .stack_set_gaps import correct_instance

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient

STACK_SET = "aws:cloudformation/stackSet:StackSet"
STACK_SET_INSTANCE = "aws:cloudformation/stackSetInstance:StackSetInstance"
STACK_SET_TYPES = (STACK_SET, STACK_SET_INSTANCE)
"""Created here rather than by `resources.replay`."""


@dataclass(frozen=True)
class DeployedInstance:
    """One stack instance: where moto deployed it, and what the template created there."""

    stack_set: str
    account: str
    region: str
    resources: tuple[str, ...]
    """Physical names of the template's rules, queues and roles found in the account and region."""

    def as_json(self) -> dict[str, Any]:
        """The entry of the report's `stackInstances` list."""
        return {
            "stackSet": self.stack_set,
            "account": self.account,
            "region": self.region,
            "resources": list(self.resources),
        }


@contextlib.contextmanager
def _quiet_about_known_gaps() -> Iterator[None]:
    # moto warns (log and UserWarning) for each resource type it cannot create; the one it meets here,
    # AWS::SQS::QueuePolicy, is corrected by `stack_set_gaps` and must not look like a failure.
    moto_log = logging.getLogger("moto")  # the logger moto.cloudformation.parsing writes to
    level = moto_log.level
    moto_log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Tried to parse AWS::SQS::QueuePolicy")
            yield
    finally:
        moto_log.setLevel(level)


@contextlib.contextmanager
def parsed_once() -> Iterator[None]:
    """moto's CloudFormation parses the template again for every stack instance (a YAML parse of the JSON
    body: most of a rollout's time at a hundred accounts). Within this block each distinct template is parsed
    once by moto's own parser, and every instance gets a deep copy of that result (moto changes it)."""
    from moto.cloudformation import models  # noqa: PLC0415 - moto is present once a run is under way

    stack_type: Any = models.Stack

    original = stack_type.parse_template
    parsed: dict[str, dict[str, Any]] = {}

    def parse_template(template: str) -> dict[str, Any]:
        if template not in parsed:
            parsed[template] = original(template)
        return copy.deepcopy(parsed[template])

    stack_type.parse_template = staticmethod(parse_template)
    try:
        yield
    finally:
        stack_type.parse_template = staticmethod(original)


class StackSetReplay:
    """Creates the recorded StackSets and their instances in moto, and deploys to accounts that join later."""

    def __init__(
        self, aws: AwsAccounts, organization: SimulatedOrganization, recorded: RecordedStack, hub_account: str
    ) -> None:
        self._aws = aws
        self._organization = organization
        self._recorded = recorded
        self._hub_account = hub_account
        self._regions: dict[str, str] = {}
        """The region each StackSet is administered from."""
        self._templates: dict[str, tuple[dict[str, Any], dict[str, str]]] = {}
        self.deployed: dict[tuple[str, str, str], DeployedInstance] = {}
        self.problems: list[str] = []

    def _cloudformation(self, region: str) -> CloudFormationClient:
        # moto reads the organization only in the account that created it, and ignores CallAs: the
        # StackSet is created with the management account's credentials, whichever account the program
        # ran in (a delegated administrator, with callAs DELEGATED_ADMIN).
        return self._aws.cloudformation(self._organization.management_account, region)

    def deploy(self) -> None:
        """Create every recorded StackSet, then every recorded stack instance, and correct moto's gaps."""
        for stack_set in self._recorded.of_type(STACK_SET):
            self._create_stack_set(stack_set)
        for instance in self._recorded.of_type(STACK_SET_INSTANCE):
            self._create_instances(instance, instance.inputs["deploymentTargets"]["organizationalUnitIds"])
        self._settle()

    def auto_deploy(self, account: str, organizational_unit_id: str) -> None:
        """What auto-deployment does when `account` joins an OU: moto does not, so create its instances.

        CloudFormation deploys every StackSet that targets the OU, in each region it has instances in.
        moto skips (account, region) pairs that already have an instance, so only the new account gets one.
        """
        for instance in self._recorded.of_type(STACK_SET_INSTANCE):
            if organizational_unit_id in instance.inputs["deploymentTargets"]["organizationalUnitIds"]:
                self._create_instances(instance, [organizational_unit_id])
        self._settle(only_account=account)

    def _create_stack_set(self, resource: RecordedResource) -> None:
        inputs = resource.inputs
        name = str(resource.outputs.get("name") or inputs["name"])
        parameters: Mapping[str, Any] = inputs.get("parameters") or {}
        auto = inputs.get("autoDeployment") or {}
        self._cloudformation(resource.region).create_stack_set(
            StackSetName=name,
            TemplateBody=str(inputs["templateBody"]),
            Parameters=[{"ParameterKey": k, "ParameterValue": str(v)} for k, v in parameters.items()],
            PermissionModel=str(inputs.get("permissionModel") or "SELF_MANAGED"),  # type: ignore[arg-type]
            AutoDeployment={
                "Enabled": bool(auto.get("enabled")),
                "RetainStacksOnAccountRemoval": bool(auto.get("retainStacksOnAccountRemoval")),
            },
            CallAs=str(inputs.get("callAs") or "SELF"),  # type: ignore[arg-type]
            Capabilities=list(inputs.get("capabilities") or []),
        )
        self._regions[name] = resource.region
        values = {str(key): str(value) for key, value in parameters.items()}
        self._templates[name] = (json.loads(str(inputs["templateBody"])), values)

    def _create_instances(self, resource: RecordedResource, organizational_unit_ids: Sequence[str]) -> None:
        inputs = resource.inputs
        name = str(inputs["stackSetName"])
        with _quiet_about_known_gaps(), parsed_once():
            self._cloudformation(self._regions[name]).create_stack_instances(
                StackSetName=name,
                Regions=[str(inputs["stackSetInstanceRegion"])],
                DeploymentTargets={
                    "OrganizationalUnitIds": self._organization.moto_ou_ids(organizational_unit_ids)
                },
                CallAs=str(inputs.get("callAs") or "SELF"),  # type: ignore[arg-type]
            )

    def _settle(self, only_account: str | None = None) -> None:
        """Correct each new instance (of `only_account` when given) and record what it holds."""
        management = self._organization.management_account
        for name, (template, parameters) in self._templates.items():
            client = self._cloudformation(self._regions[name])
            summaries = client.list_stack_instances(StackSetName=name)["Summaries"]
            # moto deploys to the management account when it sits in a targeted parent (the root);
            # StackSets never deploy there: remove those instances, as CloudFormation would not create them.
            stray = sorted({s["Region"] for s in summaries if s["Account"] == management})
            if stray:
                client.delete_stack_instances(
                    StackSetName=name, Accounts=[management], Regions=stray, RetainStacks=False
                )
            for summary in summaries:
                account, region = summary["Account"], summary["Region"]
                if account == management or (only_account and account != only_account):
                    continue
                if (name, account, region) in self.deployed:
                    continue
                found = correct_instance(self._aws, template, account, region, parameters)
                self.deployed[(name, account, region)] = DeployedInstance(name, account, region, found)
                if account == self._hub_account and found:
                    self.problems.append(
                        f"StackSet {name} created {', '.join(found)} in the hub account {account} in {region}"
                    )
