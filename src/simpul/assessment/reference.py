"""Reference data of the assessment app: the shipped frameworks (data/frameworks/, sources in data/README.md).

Every file is validated before anything is saved; one broken file stops the load with every reason listed,
so an install never holds half a framework. Loading is idempotent (unchanged files are skipped).
"""

from __future__ import annotations

from typing import Any

from simpul.assessment.frameworks import FrameworkError, load_framework_file, shipped_framework_files
from simpul.assessment.services import framework_load


def load(*, stdout: Any) -> None:
    specs, problems = [], []
    for path in shipped_framework_files():
        try:
            specs.append(load_framework_file(path))
        except FrameworkError as exc:
            problems.append(str(exc))
    if problems:
        raise FrameworkError(problems)
    for spec in specs:
        outcome = framework_load(spec=spec)
        flag = "" if spec.verified else " [UNVERIFIED DRAFT]"
        stdout.write(f"assessment framework {spec.slug}: {outcome.state}{flag}")
