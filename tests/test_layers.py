"""Layers point down (STYLE.md, docs/development.md): `lint-imports` checks `.importlinter`'s contract, counting
imports inside functions too. An upward import fails here with the chain that makes it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    # This checkout's src first, so the contract is checked against the code under test, not an installed copy.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
