"""What a covered (account, region) deploys, defined once: `cover_account` for the Pulumi components
(SpokeForwarder, and HubNotifier for the hub's own account) and `template` for the StackSet."""

from .cover import CoveredAccount, cover_account, covered_events

__all__ = ["CoveredAccount", "cover_account", "covered_events"]
