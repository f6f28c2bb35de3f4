"""OrganizationRollout: the spoke in every account of some OUs, also tomorrow's, through a StackSet.

Run in the organization's management account (call as SELF) or a CloudFormation delegated administrator
(DELEGATED_ADMIN). A service-managed StackSet with auto-deployment deploys `spoke.template`'s spoke
region to every account of the OUs in every region, and removes it when an account leaves. StackSets never
deploy to the management account, so when run there the component covers that account itself with a
SpokeForwarder; the hub account's stack instances create nothing (the hub watches itself).
"""

# No `from __future__ import annotations` here: TypedDict must see NotRequired at runtime to tell
# required arguments from optional ones.

from collections.abc import Mapping, Sequence
from typing import Any, NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from .arns import parse_event_bus_arn
from .organizations_reader import DEFAULT_HUB_NAME, organizations_reader_role
from .posture_role import management_audit_role
from .protection import protect_the_monitor
from .regions import GLOBAL_EVENTS_REGION, MISSING_GLOBAL_REGION_WARNING
from .settings import argument_namer, check_org
from .spoke.template import HUB_ACCOUNT_ID, HUB_EVENT_BUS_ARN, heartbeat_parameters, spoke_template_body
from .spoke_forwarder import SpokeForwarder, SpokeForwarderArgs
from .tagging import tag_input
from .validation import PROTECTION_ATTACH, SCHEDULE_OFF

TYPE_TOKEN = "root-activity-monitor:index:OrganizationRollout"

# Regions roll out side by side; within a region a quarter of the accounts at a time, and a region
# stops once a tenth of its accounts failed (the rest keep going, so one bad account blocks nothing).
MAX_CONCURRENT_PERCENTAGE = 25
FAILURE_TOLERANCE_PERCENTAGE = 10
# The template names its roles (so the tamper rule can watch them, and the hub can tell heartbeat roles).
CAPABILITIES = ["CAPABILITY_NAMED_IAM"]


class OrganizationRolloutArgs(TypedDict):
    """Arguments of OrganizationRollout."""

    hub_event_bus_arn: pulumi.Input[str]
    """ARN of the hub event bus (the hub stack's `eventBusArn` output); may be an Output."""
    regions: Sequence[str]
    """Regions of every member account to cover (include us-east-1: sign-ins and IAM are recorded there)."""
    organizational_unit_ids: Sequence[str]
    """OU IDs (`ou-…`) or the root (`r-…`) whose accounts, present and future, get the spoke."""
    call_as: NotRequired[str]
    """`SELF` in the management account (default), `DELEGATED_ADMIN` in a delegated administrator."""
    stack_set_name: NotRequired[str]
    """Name of the StackSet. Default `root-activity-monitor-spoke`."""
    cover_own_account: NotRequired[bool]
    """Cover this account too (StackSets skip the management account). Default: only when SELF."""
    posture_schedule: NotRequired[str]
    """The hub's `postureSchedule`: `off` (no audit) lends no audit role here. Default `rate(1 day)`."""
    posture_audit_role: NotRequired[bool]
    """Create the role the hub's root credential audit assumes (output postureAuditRoleArn). Default: SELF."""
    tags: NotRequired[Mapping[str, str]]
    """Tags for the StackSet (CloudFormation passes them on to each stack's resources) and own children."""
    organizations_reader: NotRequired[bool]
    """Create the read-only Organizations role the hub assumes (output organizationsRoleArn). Default true."""
    hub_name: NotRequired[str]
    """The HubNotifier's name: only its function roles may assume the reader role. Default the program's."""
    heartbeat_interval_minutes: NotRequired[pulumi.Input[int]]
    """Minutes (1 to 1440) between heartbeats: the hub's `heartbeatIntervalMinutes` output. Default 60."""
    protection_policy: NotRequired[str]
    """`attach` (an SCP: only the StackSet changes the monitor in the OUs) or `off`. Default: SELF."""
    protection_exempt_principal_arns: NotRequired[Sequence[str]]
    """Roles besides the StackSet execution role that the protection policy lets change the monitor."""


class OrganizationRollout(pulumi.ComponentResource):
    """Deploys the spoke to every account of some OUs in every region, and keeps deploying it to new ones."""

    stack_set_name: pulumi.Output[str]
    """Name of the StackSet."""
    stack_set_arn: pulumi.Output[str]
    """ARN of the StackSet."""
    own_account_rule_arns: dict[str, pulumi.Output[str]]
    """This account's forwarding rule in each region, when the component covers its own account."""
    posture_audit_role_arn: pulumi.Output[str] | None
    """The role the hub's root credential audit assumes (its `postureAuditRoleArn`), when created."""
    organizations_role_arn: pulumi.Output[str] | None
    """ARN of the read-only Organizations role for the hub (its `organizationsRoleArn`), when created."""
    protection_policy_id: pulumi.Output[str] | None
    """ID of the service control policy that protects the monitor, when attached."""

    def __init__(
        self, name: str, args: OrganizationRolloutArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        where = argument_namer("OrganizationRolloutArgs")
        settings = check_org(args, where)
        cover_own_account = args.get("cover_own_account", settings.call_as == "SELF")
        super().__init__(TYPE_TOKEN, name, None, opts)
        if GLOBAL_EVENTS_REGION not in settings.regions:
            pulumi.log.warn(
                MISSING_GLOBAL_REGION_WARNING.format(name=name, regions=list(settings.regions)), resource=self
            )
        hub = pulumi.Output.from_input(settings.hub_event_bus_arn).apply(
            lambda arn: parse_event_bus_arn(arn, where("hub_event_bus_arn"))
        )
        preferences: dict[str, Any] = {
            "region_concurrency_type": "PARALLEL",
            "max_concurrent_percentage": MAX_CONCURRENT_PERCENTAGE,
            "failure_tolerance_percentage": FAILURE_TOLERANCE_PERCENTAGE,
        }
        stack_set = aws.cloudformation.StackSet(
            f"{name}-stack-set",
            name=settings.stack_set_name,
            description="root-activity-monitor spoke: forwards each account's root activity to the hub",
            permission_model="SERVICE_MANAGED",
            auto_deployment=aws.cloudformation.StackSetAutoDeploymentArgs(
                enabled=True, retain_stacks_on_account_removal=False
            ),
            managed_execution=aws.cloudformation.StackSetManagedExecutionArgs(active=True),
            call_as=settings.call_as,
            capabilities=CAPABILITIES,
            template_body=spoke_template_body(),
            parameters={
                HUB_EVENT_BUS_ARN: hub.apply(lambda bus: bus.arn),
                HUB_ACCOUNT_ID: hub.apply(lambda bus: bus.account_id),
                **heartbeat_parameters(settings.heartbeat_interval_minutes),
            },
            operation_preferences=aws.cloudformation.StackSetOperationPreferencesArgs(**preferences),
            tags=tag_input(settings.tags),
            # Service-managed StackSets report an administration role AWS manages; a refresh must not
            # turn it into a diff.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["administrationRoleArn"]),
        )
        for region in settings.regions:
            aws.cloudformation.StackSetInstance(
                f"{name}-{region}-instances",
                stack_set_name=stack_set.name,
                stack_set_instance_region=region,
                call_as=settings.call_as,
                deployment_targets=aws.cloudformation.StackSetInstanceDeploymentTargetsArgs(
                    organizational_unit_ids=list(settings.organizational_unit_ids)
                ),
                operation_preferences=aws.cloudformation.StackSetInstanceOperationPreferencesArgs(
                    **preferences
                ),
                retain_stack=False,
                opts=pulumi.ResourceOptions(parent=self),
            )

        self.own_account_rule_arns = {}
        if cover_own_account:
            own = SpokeForwarder(
                f"{name}-own-account",
                SpokeForwarderArgs(
                    hub_event_bus_arn=settings.hub_event_bus_arn,  # type: ignore[typeddict-item]
                    regions=settings.regions,
                    tags=settings.tags,
                    heartbeat_interval_minutes=settings.heartbeat_interval_minutes,
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.own_account_rule_arns = own.rule_arns
        self.protection_policy_id = None
        if settings.protection_policy == PROTECTION_ATTACH:
            self.protection_policy_id = protect_the_monitor(
                name,
                hub_account_id=hub.apply(lambda bus: bus.account_id),
                targets=settings.organizational_unit_ids,
                exempt_principal_arns=settings.protection_exempt_principal_arns,
                parent=self,
                tags=settings.tags,
            )
        self.posture_audit_role_arn = None
        audited = settings.posture_schedule != SCHEDULE_OFF
        if args.get("posture_audit_role", settings.call_as == "SELF" and audited):
            role = management_audit_role(name, hub=hub, parent=self, tags=settings.tags)
            self.posture_audit_role_arn = role.arn
        self.organizations_role_arn = None
        if args.get("organizations_reader", True):
            reader = organizations_reader_role(
                name,
                hub=hub,
                hub_name=args.get("hub_name", DEFAULT_HUB_NAME),
                parent=self,
                tags=settings.tags,
                posture_audit=audited,
            )
            self.organizations_role_arn = reader.arn
        self.stack_set_name = stack_set.name
        self.stack_set_arn = stack_set.arn
        self.register_outputs(
            {
                "stack_set_name": self.stack_set_name,
                "stack_set_arn": self.stack_set_arn,
                "own_account_rule_arns": self.own_account_rule_arns,
                "posture_audit_role_arn": self.posture_audit_role_arn,
                "organizations_role_arn": self.organizations_role_arn,
                "protection_policy_id": self.protection_policy_id,
            }
        )
