"""Benchmark of the term map: one mapping applied to a demo store, beside re-importing the corrected file.

``bench_terms`` builds a store of N demo cases (the validated import is timed: it is the baseline,
what an analyst without a term map would do, correct the file and import it again into a new store),
plants a recruitment term no vocabulary knows in every tenth case as the importer keeps one
(``?oferta de empleo`` attribute, case_unmapped row, flag), then times ``map_term`` to ``job_offer``
(the rollups of the months touched included) and ``unmap_term``, and checks that both are exact.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from turquesa_geo.demo.generator import write_demo
from turquesa_geo.ingest.flat import import_file
from turquesa_geo.ingest.terms import UNMAPPED_TERM_RULE, map_term, unmap_term
from turquesa_geo.store import queries as sql
from turquesa_geo.store.connection import connect, transaction
from turquesa_geo.store.rollups import refresh
from turquesa_geo.vocab import term_key, unmapped_code

__all__ = ["TERMS_TARGET_S", "bench_terms"]

#: Applying one mapping on a 1,000,000-case store, rollups included (issue 15).
TERMS_TARGET_S = 5.0
#: Every tenth case gets the planted term.
PLANT_EVERY = 10
_DIMENSION, _TEXT, _CODE = "recruitment_method", "oferta de empleo", "job_offer"


def _count(con, query: sql.Query) -> int:
    return int(con.execute(*query).fetchall()[0][0])


def _plant(con) -> int:
    """Give every tenth case the unmapped term (rollups rebuilt); return how many cases hold it."""
    with transaction(con):
        for query in sql.plant_unmapped(
            PLANT_EVERY, _DIMENSION, _DIMENSION, _TEXT, term_key(_TEXT), unmapped_code(_TEXT), UNMAPPED_TERM_RULE
        ):
            con.execute(*query)
        refresh(con)
    return _count(con, sql.code_cases(_DIMENSION, unmapped_code(_TEXT)))


def _state(con) -> tuple[int, int, int, int]:
    """Cases holding job_offer and the unmapped code, in the case tables and in the rollups."""
    return (
        _count(con, sql.code_cases(_DIMENSION, _CODE)),
        _count(con, sql.rollup_code_cases(_DIMENSION, _CODE)),
        _count(con, sql.code_cases(_DIMENSION, unmapped_code(_TEXT))),
        _count(con, sql.rollup_code_cases(_DIMENSION, unmapped_code(_TEXT))),
    )


def _timed(func) -> tuple[float, object]:
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def bench_terms(rows: int, seed: int = 7) -> dict:
    """Time one term mapping (and its undoing) on a store of ``rows`` demo cases against the import of the file.

    Returns the seconds of the baseline import, of ``map_term`` and ``unmap_term``, and of a full rollup
    refresh (for comparison: the mapping rebuilds only the months it touches), the cases re-resolved,
    ``ratio`` (import over mapping) and whether each step left the case tables and rollups exact.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"bench-{rows}.parquet"
        write_demo(path, rows=rows, seed=seed)
        con = connect(Path(tmp) / "store.duckdb")
        import_s, _ = _timed(lambda: import_file(con, path))
        cases = _count(con, sql.case_count())
        start = _state(con)
        planted = _plant(con)
        map_s, mapped = _timed(lambda: map_term(con, _DIMENSION, _TEXT, _CODE, "bench"))
        after_map = _state(con)
        unmap_s, unmapped = _timed(lambda: unmap_term(con, _DIMENSION, _TEXT, "bench"))
        after_unmap = _state(con)
        refresh_s, _ = _timed(lambda: _full_refresh(con))
        con.close()
    return {
        "rows": rows,
        "cases": cases,
        "planted_cases": planted,
        "map_s": round(map_s, 3),
        "unmap_s": round(unmap_s, 3),
        "cases_re_resolved": mapped,
        "cases_put_back": unmapped,
        "full_rollup_refresh_s": round(refresh_s, 3),
        "baseline_reimport_s": round(import_s, 3),
        "baseline": "validated import of the whole demo file into a new store (what correcting the file and "
        "importing it again costs without a term map)",
        "ratio": round(import_s / map_s, 1),
        "target_s": TERMS_TARGET_S,
        "meets_target": map_s <= TERMS_TARGET_S,
        "map_exact": mapped == planted
        and start[0] <= after_map[0] == after_map[1] <= start[0] + planted
        and after_map[2:] == (0, 0),
        "unmap_exact": unmapped == planted and after_unmap[:2] == start[:2] and after_unmap[2:] == (planted, planted),
    }


def _full_refresh(con) -> None:
    with transaction(con):
        refresh(con)
