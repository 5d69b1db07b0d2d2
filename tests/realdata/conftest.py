"""The public files in ../shared/realdata: skipped when absent, required under CI=true."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from outcomes.storage.store import PROJECT_ROOT

REALDATA = Path(os.environ.get("OUTCOMES_REALDATA", PROJECT_ROOT.parent / "shared" / "realdata"))


@pytest.fixture(scope="session")
def realdata() -> Path:
    if not REALDATA.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"real data folder {REALDATA} is missing; CI must run the real-data tests")
        pytest.skip(f"real data folder {REALDATA} is absent")
    return REALDATA
