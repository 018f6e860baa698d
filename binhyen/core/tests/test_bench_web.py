"""bench/web_load.py at a tiny size, to keep it working: it must run end to end (demo
geography, gunicorn, the four endpoints) and find every acknowledged tip stored once."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.bench
def test_web_load_runs_and_loses_no_tip():
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the production settings, not the tests'
    env.pop("DATABASE_URL", None)  # its own SQLite file in a temporary directory
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "web_load.py"),
            "--small",
            "--requests=10",
            "--concurrency=2",
            "--workers=1",
            "--threads=2",
            "--max-seconds=30",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "lost tips: 0; duplicated codes: 0; stored but unacknowledged: 0" in done.stdout
    table = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    assert len(table) == 5  # the header and the four endpoints
    for row in table[1:]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[1] == "10" and cells[2] == "0", row  # every request answered, no error
