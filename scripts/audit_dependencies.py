"""Audit the installed Python dependencies for known vulnerabilities (CI runs it).

pip-audit asks PyPI's per-release JSON for each installed version. Where that answer is
unreachable (some closed networks serve only the project pages), the project page still
lists the vulnerabilities of the newest release: a dependency installed at that release
is audited from it, an older one is reported as not audited. Exit status 1 if any known
vulnerability is found; with AUDIT_STRICT=1 also if a dependency could not be audited.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

PIP_AUDIT = Path(sys.executable).parent / "pip-audit"


def pip_audit() -> dict:
    result = subprocess.run(
        [str(PIP_AUDIT), "--skip-editable", "--progress-spinner", "off", "-f", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode not in (0, 1) or not result.stdout.strip():
        sys.exit(f"pip-audit failed:\n{result.stderr}")
    return json.loads(result.stdout)


def newest_release(name: str) -> tuple[str, list] | None:
    try:
        with urllib.request.urlopen(f"https://pypi.org/pypi/{name}/json", timeout=20) as page:
            data = json.load(page)
    except (OSError, ValueError):
        return None
    return data["info"]["version"], data.get("vulnerabilities") or []


def installed_version(reason: str) -> str:
    # "Dependency not found on PyPI and could not be audited: anyio (4.16.0)"
    return reason.rsplit("(", 1)[-1].rstrip(")") if "(" in reason else ""


def main() -> int:
    report = pip_audit()
    found, audited, not_audited = [], 0, []
    for dep in report["dependencies"]:
        name = dep["name"]
        if "vulns" in dep:
            audited += 1
            found += [(name, dep["version"], v["id"], v.get("fix_versions")) for v in dep["vulns"]]
            continue
        if "editable" in dep.get("skip_reason", ""):
            continue
        version = installed_version(dep.get("skip_reason", ""))
        newest = newest_release(name)
        if newest is None or newest[0] != version:
            not_audited.append(f"{name} {version}" + (f" (newest {newest[0]})" if newest else ""))
            continue
        audited += 1
        found += [(name, version, v["id"], v.get("fixed_in")) for v in newest[1]]
    for name, version, vuln, fixed in found:
        print(f"VULNERABLE {name} {version}: {vuln} (fixed in {', '.join(fixed or []) or '?'})")
    print(f"{audited} dependencies audited, {len(found)} known vulnerabilities")
    if not_audited:
        print(f"{len(not_audited)} not audited (their release's data is unreachable here):")
        print("  " + ", ".join(not_audited))
    if found:
        return 1
    if not_audited and os.environ.get("AUDIT_STRICT") == "1":
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
