"""The embedded default (`make run`) runs the metrics jobs on SQLite: the job tests must pass
there too, not only on PostgreSQL."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.slow
def test_the_jobs_compute_the_same_hand_checked_figures_on_sqlite(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'kcc.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/dashboard/test_jobs.py", "tests/dashboard/test_callback_facts.py",
         "-q", "-m", "not slow", "-p", "no:cacheprovider"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
