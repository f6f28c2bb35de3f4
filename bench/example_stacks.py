"""What the benchmarks share: every commercial region they cover, and copies of the example stack files.

Imported by the scripts beside it (run as `uv run python bench/<script>.py`, so this folder is on the path).
"""

from __future__ import annotations

from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
REGIONS = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1",
    "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
    "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-southeast-1", "ap-southeast-2", "sa-east-1",
]  # fmt: skip


def write_example(example: str, directory: Path, **changes: object) -> Path:
    """A copy of the repository's example stack file `example` in `directory`, with project keys changed."""
    document = yaml.safe_load((REPO_ROOT / example).read_text())
    for key, value in changes.items():
        document["config"][f"root-activity-monitor:{key}"] = value
    path = directory / example
    path.write_text(yaml.safe_dump(document))
    return path
