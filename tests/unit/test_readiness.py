"""Readiness is cheap from the first probe: it checks the recommender's weights file without
importing the recommender (whose imports cost ~1 s of CPU, 4-6 s for a first /ready before)."""

from __future__ import annotations

import subprocess
import sys

from backend.services import health
from tests.jobs.processes import REPO


def test_readiness_checks_the_file_the_recommender_loads():
    from models.data2vis.recommend import WEIGHTS_PATH

    assert health.DATA2VIS_WEIGHTS == WEIGHTS_PATH


def test_readiness_imports_no_recommender(tmp_path):
    # A fresh interpreter: in this one another test may have imported the recommender already.
    code = (
        "import sys\n"
        "from backend.services.health import readiness\n"
        "from backend.storage.sqlite import SqliteStore\n"
        f"checks = readiness(SqliteStore({str(tmp_path / 'data')!r}))\n"
        "assert checks == {'store': 'ok', 'data2vis_weights': 'ok'}, checks\n"
        "print(sorted(m for m in sys.modules if m.startswith(('models.data2vis.', 'torch', 'scipy'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
