"""CI step: pip-audit over the installed environment, failing on known vulnerabilities, never on a missing network.

pip-audit reports a dependency it cannot look up as skipped ("not found on PyPI") instead of failing: offline, or
behind a mirror without PyPI's JSON API, every dependency is skipped and "no known vulnerabilities" means nothing.
So this prints a skip notice (exit 0) when not a single dependency could be audited, and otherwise exits non-zero
when any audited dependency has a known vulnerability.

    .venv/bin/python scripts/pip_audit_ci.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def main() -> int:
    pip_audit = BIN / "pip-audit"
    if not pip_audit.exists():
        print("pip-audit is not installed (it comes with the dev extra): skipped")
        return 0
    try:
        proc = subprocess.run([str(pip_audit), "--local", "--format", "json", "--progress-spinner", "off"],  # noqa: S603
                              capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        print("pip-audit: the vulnerability source did not answer within 10 minutes: skipped (network)")
        return 0
    try:
        report = json.loads(proc.stdout or "{}")
    except json.JSONDecodeError:
        print("pip-audit could not reach its vulnerability source: skipped (network).")
        print((proc.stderr.strip().splitlines() or [""])[-1])
        return 0
    deps = report.get("dependencies", [])
    audited = [d for d in deps if "skip_reason" not in d]
    if not audited:
        print(f"pip-audit: none of the {len(deps)} installed packages could be looked up (no network or no PyPI "
              "JSON API on this index): skipped, not failed.")
        return 0
    vulnerable = [d for d in audited if d.get("vulns")]
    print(f"pip-audit: {len(audited)} of {len(deps)} packages audited, {len(vulnerable)} with known vulnerabilities")
    for d in vulnerable:
        ids = ", ".join(v.get("id", "?") + (f" (fixed in {', '.join(v['fix_versions'])})" if v.get("fix_versions")
                                           else "") for v in d["vulns"])
        print(f"  {d['name']} {d['version']}: {ids}")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
