"""bench/scale.py at a tiny size, to keep it working: generate, export to Parquet,
count the reviews' figures in Bình Yên and in DuckDB (they must be equal), measure the
review's memory and see a fresh tip counted. Runs on the suite's database engine."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.bench
def test_scale_benchmark_finds_the_same_figures_as_duckdb():
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    with tempfile.TemporaryDirectory() as folder:
        if connection.vendor == "postgresql":
            settings = connection.settings_dict
            url = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:" + (
                f"{settings['PORT'] or 5432}/binhyen_bench_scale_ci"
            )
        else:
            url = f"sqlite:///{folder}/scale.sqlite3"
        done = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "scale.py"), "--small", "--synthetic",
             "--database-url", url],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith(("whole", "a "))]
    assert len(rows) == 3 and all(row.endswith("equal") for row in rows), done.stdout
    assert "(counted)" in done.stdout
    assert "memory: national review peak RSS" in done.stdout
