"""The pack's entry point, run by the Pulumi CLI (`pulumi preview --policy-pack policy`).

Constructing PolicyPack starts the analyzer's gRPC server and blocks, so nothing else imports this file.
"""

from pulumi_policy import PolicyPack
from root_activity_policies import ALL_POLICIES, PACK_NAME

PolicyPack(name=PACK_NAME, policies=list(ALL_POLICIES))
