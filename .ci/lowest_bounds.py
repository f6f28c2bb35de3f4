"""The package at the lowest versions pyproject.toml allows: the provider schema, the org stack, a simulation.

.ci/run installs the project with `--resolution lowest-direct` (every direct dependency at its declared lower
bound, the `simulate` extra included) into a fresh venv and runs this there, from outside the checkout so the
installed wheel is what is imported. A lower bound that is too low fails here: an import, the SDK's schema
derivation, a component under Pulumi mocks or the replay in moto. Usage: python lowest_bounds.py <checkout>.
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version
from pathlib import Path

from root_activity_monitor import package
from root_activity_monitor.simulate import record_stacks, simulate


def main(checkout: Path) -> int:
    installed = ", ".join(f"{name} {version(name)}" for name in ("pulumi", "pulumi-aws", "pyyaml", "moto"))
    print(f"lowest direct versions: {installed}")
    schema = package.package_schema()
    pinned = json.loads((checkout / "provider" / "schema.json").read_text(encoding="utf-8"))
    if schema != pinned:
        print("the schema derived at the lowest versions differs from provider/schema.json", file=sys.stderr)
        return 1
    (_, org) = record_stacks(checkout / "Pulumi.hub.yaml", [], org_path=checkout / "Pulumi.org.yaml")
    report = simulate(checkout / "Pulumi.hub.yaml", [checkout / "Pulumi.spoke.yaml"])
    for problem in report.problems:
        print(f"simulate: {problem}", file=sys.stderr)
    covered = sum(row.covered for row in report.coverage)
    print(
        f"schema as pinned; org stack recorded ({len(org.recorded.resources)} resources); simulate covered "
        f"{covered} of {len(report.coverage)} account/region pairs, {len(report.notifications)} notifications"
    )
    return 0 if report.all_covered and not report.problems else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]).resolve()))
