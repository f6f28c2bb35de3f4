"""`simulate`: the stacks replayed into an embedded AWS (moto), proving which root activity is notified.

Modules, in the order a run uses them: `stacks` reads stack files and gives each an account, `recording`
evaluates the program under Pulumi mocks, `resources` creates what it recorded in moto (through
`accounts`), `events` builds CloudTrail events, `delivery` delivers them as EventBridge would (deciding
with `iam`), `notifier` runs the notifier as its event source mapping would (loading its code with
`lambda_task`), `observer` reads what the topic delivered and `report` says what was covered; `run`
records the stacks and runs `phases` (create → put events → notify → heartbeats → report) inside moto, and
`cli` is the command. With `--org`, `rollout` builds the organization
(`organization`) and deploys the org stack's StackSets through moto (`stack_sets`, correcting moto's
gaps with `stack_set_gaps`). Names exported here need only Pulumi; the modules that
talk to moto need the `simulate` extra.
"""

from .recording import RecordedResource, RecordedStack, record_program
from .report import Coverage, DeliveredNotification, SimulationReport
from .run import record_stacks, simulate
from .stacks import StackInputError

__all__ = [
    "Coverage",
    "DeliveredNotification",
    "RecordedResource",
    "RecordedStack",
    "SimulationReport",
    "StackInputError",
    "record_program",
    "record_stacks",
    "simulate",
]
