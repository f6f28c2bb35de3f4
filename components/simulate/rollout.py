"""`simulate --org`: the org stack's rollout replayed into a simulated organization.

The org program runs in the management account (callAs SELF) or, with callAs DELEGATED_ADMIN, in a
delegated administrator (the first member account); then the docs' advice for that case applies, and the
first `--spoke` file stands for the spoke stack deployed in the management account. In moto: the
organization (`organization`), the StackSet and its instances (`stack_sets`), the management account's
own SpokeForwarder like any recorded resource, then one more account joining an OU after the rollout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..regions import GLOBAL_EVENTS_REGION
from .organization import MANAGEMENT_ACCOUNT, MAX_MEMBERS, member_account
from .stacks import SimulatedStack, StackFile, StackInputError

if TYPE_CHECKING:
    from .accounts import AwsAccounts
    from .stack_sets import DeployedInstance

DEFAULT_MEMBERS = 3


def check_members(members: int) -> None:
    """`--members` must be a count the simulated organization can hold."""
    if not 1 <= members <= MAX_MEMBERS:
        message = f"--members must be between 1 and {MAX_MEMBERS}, got {members}"
        raise StackInputError(message)


def delegated(org_file: StackFile) -> bool:
    """Whether the org stack runs in a delegated administrator rather than the management account."""
    return bool(org_file.value("callAs") == "DELEGATED_ADMIN")


def org_stack_account(org_file: StackFile) -> str:
    """The account the org program runs in."""
    return member_account(0) if delegated(org_file) else MANAGEMENT_ACCOUNT


def spoke_accounts_beside(org_file: StackFile, accounts: Sequence[str]) -> list[str]:
    """Spoke stacks' accounts next to an org stack: the management account first when it is delegated."""
    return [MANAGEMENT_ACCOUNT, *accounts[:-1]] if delegated(org_file) and accounts else list(accounts)


@dataclass
class Rollout:
    """What the org replay created and where root events must be driven."""

    places: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Every account of the organization → the regions to drive events in."""
    instances: list[DeployedInstance] = field(default_factory=list)
    late_joiner: str | None = None
    problems: list[str] = field(default_factory=list)


def replay_rollout(
    aws: AwsAccounts, org: SimulatedStack, *, hub_account: str, members: int, hub_in_ou: bool
) -> Rollout:
    """Create the organization, deploy the recorded StackSets into it, and let one more account join."""
    from .organization import create_organization, join_late  # noqa: PLC0415 - needs moto
    from .stack_sets import StackSetReplay  # noqa: PLC0415 - needs moto

    configured = [str(ou) for ou in org.file.value("organizationalUnitIds") or []]
    organization = create_organization(
        aws,
        management_account=MANAGEMENT_ACCOUNT,
        organizational_unit_ids=configured,
        members=members,
        hub_account=hub_account,
        hub_in_ou=hub_in_ou,
    )
    stack_sets = StackSetReplay(aws, organization, org.recorded, hub_account)
    stack_sets.deploy()
    late_joiner = join_late(aws, organization, configured[0])
    stack_sets.auto_deploy(late_joiner, configured[0])
    regions = tuple(dict.fromkeys([*org.file.regions, GLOBAL_EVENTS_REGION]))
    everyone = [MANAGEMENT_ACCOUNT, hub_account, *organization.members]
    return Rollout(
        places=dict.fromkeys(everyone, regions),
        instances=list(stack_sets.deployed.values()),
        late_joiner=late_joiner,
        problems=stack_sets.problems,
    )
