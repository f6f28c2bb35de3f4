"""Pulumi components that watch the AWS root user of every account in an organization.

`HubNotifier` goes in one hub account: it receives root activity from every account and region and
notifies people. `SpokeForwarder` goes in each member account: it forwards that account's root
activity, region by region, to the hub. `OrganizationRollout` goes in the management account (or a
delegated administrator): it deploys the spoke to every account of some OUs, new ones included.
"""

from .event_pattern import (
    ROOT_ACTIVITY_DETAIL_TYPES,
    ROOT_ACTIVITY_EVENT_PATTERN,
    ROOT_ACTIVITY_RULE_STATE,
    root_activity_pattern,
)
from .hub_notifier import HubNotifier, HubNotifierArgs
from .organization_rollout import OrganizationRollout, OrganizationRolloutArgs
from .spoke_forwarder import SpokeForwarder, SpokeForwarderArgs
from .validation import ConfigError

__all__ = [
    "ROOT_ACTIVITY_DETAIL_TYPES",
    "ROOT_ACTIVITY_EVENT_PATTERN",
    "ROOT_ACTIVITY_RULE_STATE",
    "ConfigError",
    "HubNotifier",
    "HubNotifierArgs",
    "OrganizationRollout",
    "OrganizationRolloutArgs",
    "SpokeForwarder",
    "SpokeForwarderArgs",
    "root_activity_pattern",
]
