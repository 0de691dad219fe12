"""An import killed at any point leaves the store holding all or none of the file."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import GOOD_ROWS, csv_text, run_import

from turquesa_geo.store.connection import connect

ROWS = 120_000
KILLS = 8

IMPORT_SCRIPT = """
import sys
from turquesa_geo.ingest.flat import import_file
from turquesa_geo.store.connection import connect
con = connect(sys.argv[1])
print("started", flush=True)
import_file(con, sys.argv[2])
con.close()
print("finished", flush=True)
"""


def _big_file(tmp_path: Path) -> Path:
    template = GOOD_ROWS[1]
    lines = [template.replace("A2,", f"K{i},", 1) for i in range(ROWS)]
    path = tmp_path / "big.csv"
    path.write_text(csv_text(*lines))
    return path


def _state(db: Path) -> tuple[int, int, int]:
    con = connect(db, read_only=True)
    try:
        return con.execute(
            "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM imports), (SELECT count(*) FROM case_persons)"
        ).fetchall()[0]
    finally:
        con.close()


@pytest.mark.slow
def test_sigkill_during_import_leaves_all_or_nothing(tmp_path):
    db = tmp_path / "store.duckdb"
    con = connect(db)
    run_import(con, _seed(tmp_path))
    con.close()
    before = _state(db)
    big = _big_file(tmp_path)
    rng = random.Random(20261129)
    outcomes = []
    for attempt in range(KILLS):
        process = subprocess.Popen(
            [sys.executable, "-c", IMPORT_SCRIPT, str(db), str(big)], stdout=subprocess.PIPE, text=True
        )
        assert process.stdout.readline().strip() == "started"
        time.sleep(rng.uniform(0.0, 2.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        cases, imports, persons = _state(db)
        if imports == before[1]:
            assert (cases, persons) == (before[0], before[2]), attempt
            outcomes.append("none")
        else:
            assert imports == before[1] + 1
            assert cases == before[0] + ROWS
            assert persons == before[2] + 3 * ROWS  # victims f adult, f minor, suspects m adult
            outcomes.append("all")
            break
    assert outcomes, "the import was never interrupted"
    assert "none" in outcomes, "no kill landed before the commit: lower the delays"


def _seed(tmp_path: Path) -> Path:
    path = tmp_path / "seed.csv"
    path.write_text(csv_text(*GOOD_ROWS))
    return path
