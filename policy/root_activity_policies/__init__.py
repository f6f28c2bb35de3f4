"""The policies of the root-activity-monitor pack, importable without starting the policy server.

`policy/__main__.py` hands `ALL_POLICIES` to `PolicyPack`, whose constructor serves them over gRPC and never
returns; tests import the policies from here and call their `validate` directly. A new policy is one
validate function and one `ResourceValidationPolicy`/`StackValidationPolicy` in the module of its concept,
plus an entry in `ALL_POLICIES`.
"""

from __future__ import annotations

from pulumi_policy import Policy

from .access import BUS_POLICY_POLICY, PUBLISH_POLICY, RESOURCE_POLICY_POLICY
from .coverage import GLOBAL_REGION_POLICY
from .encryption import KEY_ROTATION_POLICY, QUEUE_ENCRYPTION_POLICY, TOPIC_KEY_POLICY
from .expected_use import EXPECTED_USE_POLICY
from .health import ALARM_ACTION_POLICY, MISSING_DATA_POLICY
from .rules import RULE_PATTERN_POLICY, RULE_STATE_POLICY, TARGET_DELIVERY_POLICY
from .self_monitoring import DEAD_LETTER_ALARM_POLICY, TAMPER_RULE_POLICY

PACK_NAME = "root-activity-monitor"

ALL_POLICIES: tuple[Policy, ...] = (
    RULE_STATE_POLICY,
    RULE_PATTERN_POLICY,
    TARGET_DELIVERY_POLICY,
    TOPIC_KEY_POLICY,
    QUEUE_ENCRYPTION_POLICY,
    KEY_ROTATION_POLICY,
    BUS_POLICY_POLICY,
    RESOURCE_POLICY_POLICY,
    PUBLISH_POLICY,
    ALARM_ACTION_POLICY,
    MISSING_DATA_POLICY,
    GLOBAL_REGION_POLICY,
    TAMPER_RULE_POLICY,
    DEAD_LETTER_ALARM_POLICY,
    EXPECTED_USE_POLICY,
)

__all__ = [
    "ALARM_ACTION_POLICY",
    "ALL_POLICIES",
    "BUS_POLICY_POLICY",
    "DEAD_LETTER_ALARM_POLICY",
    "EXPECTED_USE_POLICY",
    "GLOBAL_REGION_POLICY",
    "KEY_ROTATION_POLICY",
    "MISSING_DATA_POLICY",
    "PACK_NAME",
    "PUBLISH_POLICY",
    "QUEUE_ENCRYPTION_POLICY",
    "RESOURCE_POLICY_POLICY",
    "RULE_PATTERN_POLICY",
    "RULE_STATE_POLICY",
    "TAMPER_RULE_POLICY",
    "TARGET_DELIVERY_POLICY",
    "TOPIC_KEY_POLICY",
]
