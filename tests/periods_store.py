"""A tiny store of records dated to a day, a month, a year, a band of years and not at all (issue 16, item 5).

Seven trafficking cases VEN>PER, one victim row or two each, hand-written:

====  ======  ==========  =========  ==========  ========  ==========================
uid   source  case_date   precision  period_end  platform  victims
====  ======  ==========  =========  ==========  ========  ==========================
1     PNC     2023-03-10  day                    facebook  2 women
2     PNC     2023-11-20  (none)                 facebook  1 man
3     PNC     2024-02-05  month                  tiktok    1 girl
4     CTDC    2024-01-01  year                   tiktok    3 women
5     CTDC    2014-01-01  period     2018-12-31  facebook  4 women, 1 of unknown sex
6     CTDC    2019-01-01  period     2020-12-31  tiktok    2 men
7     CTDC    1900-01-01  unknown                facebook  1 woman
====  ======  ==========  =========  ==========  ========  ==========================
"""

from __future__ import annotations

from turquesa_geo.store import queries as sql
from turquesa_geo.store.connection import connect

#: (uid, source, day, precision, last day of a band, platform, ((gender, age group, persons), ...)).
PERIOD_CASES = (
    (1, "PNC", "2023-03-10", "day", None, "facebook", (("female", "adult", 2),)),
    (2, "PNC", "2023-11-20", None, None, "facebook", (("male", "adult", 1),)),
    (3, "PNC", "2024-02-05", "month", None, "tiktok", (("female", "minor", 1),)),
    (4, "CTDC", "2024-01-01", "year", None, "tiktok", (("female", "adult", 3),)),
    (5, "CTDC", "2014-01-01", "period", "2018-12-31", "facebook", (("female", "adult", 4), ("unknown", "adult", 1))),
    (6, "CTDC", "2019-01-01", "period", "2020-12-31", "tiktok", (("male", "adult", 2),)),
    (7, "CTDC", "1900-01-01", "unknown", None, "facebook", (("female", "adult", 1),)),
)


def periods_store(path: str = ":memory:"):
    """A new store (in memory unless ``path``) holding :data:`PERIOD_CASES`, rollups refreshed."""
    con = connect(path)
    con.execute(
        "INSERT INTO imports (import_id, file_name, sha256, profile, source, rows_read, rows_accepted, "
        "rows_quarantined, rows_inserted, rows_updated, rows_unchanged, started, finished, status) VALUES "
        "(1, 'periods.csv', 'p', 'flat', NULL, 7, 7, 0, 7, 0, 0, TIMESTAMP '2026-01-02 10:00:00', "
        "TIMESTAMP '2026-01-02 10:00:01', 'done')"
    )
    for uid, source, day, precision, last, platform, persons in PERIOD_CASES:
        con.execute(
            "INSERT INTO cases (case_uid, source, incident_id, crime_type, case_date, nationality, origin, "
            "destination, detection_country, import_id, row_hash, date_precision, period_end) VALUES "
            "(?, ?, ?, 'trafficking', CAST(? AS DATE), 'VEN', 'VEN', 'PER', 'PER', 1, ?, ?, CAST(? AS DATE))",
            [uid, source, f"P{uid}", day, f"h{uid}", precision, last],
        )
        con.execute(
            "INSERT INTO case_attributes (case_uid, dimension, code) VALUES (?, 'platform', ?)", [uid, platform]
        )
        for gender, age, n in persons:
            con.execute(
                "INSERT INTO case_persons (case_uid, role, gender, age_group, nationality, persons) "
                "VALUES (?, 'victim', ?, ?, NULL, ?)",
                [uid, gender, age, n],
            )
    for text, params in sql.refresh_rollups():
        con.execute(text, params)
    return con
