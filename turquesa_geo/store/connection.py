"""The embedded incident store: one DuckDB file with versioned schema migrations.

Opening a store applies pending migrations; connections never download or load
DuckDB extensions, so the store works on machines with no network.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb

from turquesa_geo import columns as C
from turquesa_geo.i18n import N_, LocalizedError
from turquesa_geo.store import queries as sql
from turquesa_geo.store.rollups import refresh

__all__ = [
    "DB_ENV",
    "DEFAULT_DB",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "StoreBusy",
    "connect",
    "data_version",
    "lock_down",
    "migrate",
    "resolve_db_path",
    "schema_version",
    "transaction",
]

DEFAULT_DB = Path("data") / "turquesa.duckdb"
DB_ENV = "TURQUESA_DB"

#: A migration step that is not SQL: rebuild the rollups from the case tables.
REFRESH_ROLLUPS = "REFRESH ROLLUPS"

# Each migration is (version, statements); a store records the versions it has.
# Never edit a released migration: append a new one. The case tables carry no
# PRIMARY KEY or UNIQUE constraint: index upkeep made bulk imports several times
# slower, and the importer is the only writer and keeps (source, incident_id) unique.
MIGRATIONS: Sequence[tuple[int, Sequence[str]]] = (
    (
        1,
        (
            """CREATE TABLE imports (
                import_id INTEGER PRIMARY KEY,
                file_name VARCHAR NOT NULL,
                sha256 VARCHAR NOT NULL,
                profile VARCHAR NOT NULL,
                source VARCHAR,
                rows_read BIGINT,
                rows_accepted BIGINT,
                rows_quarantined BIGINT,
                rows_inserted BIGINT,
                rows_updated BIGINT,
                rows_unchanged BIGINT,
                dropped_columns VARCHAR,
                ignored_columns VARCHAR,
                started TIMESTAMP NOT NULL,
                finished TIMESTAMP,
                status VARCHAR NOT NULL
            )""",
            """CREATE TABLE quarantine (
                import_id INTEGER NOT NULL,
                line BIGINT NOT NULL,
                column_name VARCHAR,
                rule VARCHAR NOT NULL,
                value VARCHAR,
                message VARCHAR NOT NULL,
                record VARCHAR
            )""",
            """CREATE TABLE cases (
                case_uid BIGINT NOT NULL,
                source VARCHAR NOT NULL,
                incident_id VARCHAR NOT NULL,
                network VARCHAR,
                reporting_country VARCHAR,
                crime_type VARCHAR NOT NULL,
                case_date DATE NOT NULL,
                nationality VARCHAR,
                origin VARCHAR,
                transit VARCHAR,
                destination VARCHAR,
                detection_country VARCHAR,
                place VARCHAR,
                lat DOUBLE,
                lon DOUBLE,
                import_id INTEGER NOT NULL,
                row_hash VARCHAR NOT NULL
            )""",
            """CREATE TABLE case_persons (
                case_uid BIGINT NOT NULL,
                role VARCHAR NOT NULL,
                gender VARCHAR NOT NULL,
                age_group VARCHAR NOT NULL,
                nationality VARCHAR,
                persons INTEGER NOT NULL
            )""",
            """CREATE TABLE case_events (
                case_uid BIGINT NOT NULL,
                seq SMALLINT NOT NULL,
                event_type VARCHAR NOT NULL,
                route_role VARCHAR NOT NULL,
                country VARCHAR,
                place VARCHAR,
                lat DOUBLE,
                lon DOUBLE,
                event_date DATE,
                precision VARCHAR NOT NULL
            )""",
            """CREATE TABLE case_attributes (
                case_uid BIGINT NOT NULL,
                dimension VARCHAR NOT NULL,
                code VARCHAR NOT NULL
            )""",
        ),
    ),
)

# Version 2: every case's route as events. Flat records keep their route in the
# cases table (origin, transit, destination, detection point) and are expanded
# here on read; HTCDS records store their detailed events in case_events.
MIGRATIONS = (
    *MIGRATIONS,
    (
        2,
        (
            """CREATE VIEW route_events AS
    SELECT case_uid, seq, event_type, route_role, country, place, lat, lon, event_date, precision
    FROM case_events
    UNION ALL
    SELECT case_uid, 0, CASE WHEN crime_type = 'smuggling' THEN 'departure' ELSE 'recruitment' END, 'origin',
           origin, NULL, NULL, NULL, NULL, 'country'
    FROM cases WHERE origin IS NOT NULL AND case_uid NOT IN (SELECT case_uid FROM case_events)
    UNION ALL
    SELECT case_uid, CAST(seq AS SMALLINT), 'transit', 'transit', country, NULL, NULL, NULL, NULL, 'country'
    FROM (SELECT case_uid, unnest(parts) AS country, unnest(range(1, len(parts) + 1)) AS seq
          FROM (SELECT case_uid, string_split(transit, '>') AS parts FROM cases
                WHERE transit IS NOT NULL AND case_uid NOT IN (SELECT case_uid FROM case_events)))
    UNION ALL
    SELECT case_uid, CAST(coalesce(len(string_split(transit, '>')), 0) + 1 AS SMALLINT),
           CASE WHEN crime_type = 'smuggling' THEN 'arrival' ELSE 'exploitation' END, 'destination',
           destination, NULL, NULL, NULL, NULL, 'country'
    FROM cases WHERE destination IS NOT NULL AND case_uid NOT IN (SELECT case_uid FROM case_events)
    UNION ALL
    SELECT case_uid, CAST(coalesce(len(string_split(transit, '>')), 0) + 2 AS SMALLINT), 'interception',
           'detection', detection_country, place, lat, lon, case_date,
           CASE WHEN lat IS NOT NULL THEN 'point' WHEN place IS NOT NULL THEN 'place' ELSE 'country' END
    FROM cases WHERE (detection_country IS NOT NULL OR lat IS NOT NULL OR place IS NOT NULL)
          AND case_uid NOT IN (SELECT case_uid FROM case_events)""",
        ),
    ),
)

# Version 3: the export log. Every file handed over is recorded first: when, by whom
# (if known), what, for which view and audience, under which marking, from which data,
# and the SHA-256 of its bytes.
MIGRATIONS = (
    *MIGRATIONS,
    (
        3,
        (
            """CREATE TABLE exports (
        export_id INTEGER PRIMARY KEY,
        exported_at TIMESTAMP NOT NULL,
        user_name VARCHAR,
        kind VARCHAR NOT NULL,
        file_name VARCHAR NOT NULL,
        filters VARCHAR NOT NULL,
        view_url VARCHAR,
        marking VARCHAR NOT NULL,
        audience VARCHAR NOT NULL,
        data_version VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        bytes BIGINT NOT NULL
    )""",
        ),
    ),
)


# Version 4: the rollups that keep corridor and trend queries fast (turquesa_geo.store.rollups),
# filled here for stores that already hold cases and rebuilt by every import.
MIGRATIONS = (*MIGRATIONS, (4, (*sql.rollup_tables(flagged=False), REFRESH_ROLLUPS)))

# Version 5: public reference data (turquesa_geo.ingest.profiles.common). Cases gain the details public
# incident sources give (IOM Missing Migrants: dead, missing, survivors; the source's
# own route name and quality grade; how exact the date and the point are), and
# aggregate counts (UNODC GLOTIP: detected victims by year, country, citizenship, form
# of exploitation, sex and age) get their own table: they are counts, not cases.
MIGRATIONS = (
    *MIGRATIONS,
    (
        5,
        (
            "ALTER TABLE cases ADD COLUMN dead INTEGER",
            "ALTER TABLE cases ADD COLUMN missing INTEGER",
            "ALTER TABLE cases ADD COLUMN survivors INTEGER",
            "ALTER TABLE cases ADD COLUMN children INTEGER",
            "ALTER TABLE cases ADD COLUMN route_label VARCHAR",
            "ALTER TABLE cases ADD COLUMN source_quality VARCHAR",
            "ALTER TABLE cases ADD COLUMN date_precision VARCHAR",
            "ALTER TABLE cases ADD COLUMN location_precision VARCHAR",
            """CREATE TABLE aggregate_counts (
        source VARCHAR NOT NULL,
        indicator VARCHAR NOT NULL,
        dimension VARCHAR NOT NULL,
        category VARCHAR NOT NULL,
        country VARCHAR,
        area VARCHAR NOT NULL,
        sex VARCHAR NOT NULL,
        age_group VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        unit VARCHAR NOT NULL,
        value BIGINT,
        censored VARCHAR,
        import_id INTEGER NOT NULL,
        row_hash VARCHAR NOT NULL
    )""",
        ),
    ),
)

# Version 6: real files enter whole (keep and flag). A case that is doubtful is kept with
# flags (case_flags: the rule, the column, the value as read, a message); a value of a
# coded field the vocabularies do not know is kept as an unmapped term (case_unmapped:
# the field's vocabulary, or "country", the text as read and its lookup key; in
# case_attributes its code is vocab.unmapped_code(text)); the analyst's own mappings of
# such terms live in term_map and every change to it in term_map_log. Cases that are
# probably the same incident reported twice are linked in case_links. Quarantine rows
# remember the import that resolved them; imports count their flagged rows, the rows
# merged into another (split records, repeats) and the probable duplicates found.
MIGRATIONS = (
    *MIGRATIONS,
    (
        6,
        (
            """CREATE TABLE case_flags (
        case_uid BIGINT NOT NULL,
        rule VARCHAR NOT NULL,
        column_name VARCHAR,
        value VARCHAR,
        message VARCHAR NOT NULL
    )""",
            """CREATE TABLE case_unmapped (
        case_uid BIGINT NOT NULL,
        field VARCHAR NOT NULL,
        column_name VARCHAR NOT NULL,
        text VARCHAR NOT NULL,
        term_key VARCHAR NOT NULL
    )""",
            """CREATE TABLE term_map (
        field VARCHAR NOT NULL,
        term_key VARCHAR NOT NULL,
        text VARCHAR NOT NULL,
        code VARCHAR NOT NULL,
        mapped_by VARCHAR,
        mapped_at TIMESTAMP NOT NULL
    )""",
            """CREATE TABLE term_map_log (
        logged_at TIMESTAMP NOT NULL,
        user_name VARCHAR,
        action VARCHAR NOT NULL,
        field VARCHAR NOT NULL,
        term_key VARCHAR NOT NULL,
        code VARCHAR,
        cases BIGINT NOT NULL
    )""",
            """CREATE TABLE case_links (
        case_uid BIGINT NOT NULL,
        linked_to BIGINT NOT NULL,
        method VARCHAR NOT NULL,
        score DOUBLE,
        status VARCHAR NOT NULL,
        import_id INTEGER,
        decided_by VARCHAR,
        decided_at TIMESTAMP
    )""",
            "ALTER TABLE quarantine ADD COLUMN resolved_by INTEGER",
            "ALTER TABLE imports ADD COLUMN rows_flagged BIGINT",
            "ALTER TABLE imports ADD COLUMN rows_merged BIGINT",
            "ALTER TABLE imports ADD COLUMN probable_duplicates BIGINT",
        ),
    ),
)

# Version 7: the analyst's term map re-resolves the stored cases (turquesa_geo.ingest.terms). A term a
# mapping resolves moves from case_unmapped to case_mapped, with the code it gave, whether the case got
# that code from the mapping (``added``: false when the case already held it) and the message of the flag
# the mapping lifted, so that unmapping puts back exactly what was there. An unknown transit country keeps
# its ``position`` among the parts of the transit as read (1-based), so that a mapped country takes its place.
MIGRATIONS = (
    *MIGRATIONS,
    (
        7,
        (
            "ALTER TABLE case_unmapped ADD COLUMN position SMALLINT",
            """CREATE TABLE case_mapped (
        case_uid BIGINT NOT NULL,
        field VARCHAR NOT NULL,
        column_name VARCHAR NOT NULL,
        text VARCHAR NOT NULL,
        term_key VARCHAR NOT NULL,
        position SMALLINT,
        code VARCHAR NOT NULL,
        added BOOLEAN NOT NULL,
        message VARCHAR
    )""",
        ),
    ),
)

# Version 8: the rollups gain the key "flagged" (the case has a row in case_flags), so that "exclude flagged
# cases" is still answered from them; rebuilt whole from the case tables.
MIGRATIONS = (
    *MIGRATIONS,
    (8, ("DROP TABLE rollup_routes", "DROP TABLE rollup_modus", *sql.rollup_tables(), REFRESH_ROLLUPS)),
)

# Version 9: a case is counted once. A report linked to an earlier report of the same case
# (case_links, status 'linked') stays stored and visible, but every count reads the view
# counted_cases, which leaves it out; the rollups are rebuilt from it. ``counted`` is derived from case_links after every
# write (turquesa_geo.ingest.overlaps.sync_counted): case_links is the truth, and a case
# re-inserted under its uid by an import (a changed row) gets its state back from it.
# ``persons_moved`` (victims plus smuggled migrants) is what the overlap check compares: kept
# on the case so that the check sums persons once per new case, not once per stored case;
# NULL until the next check fills it (a case an importer writes or rewrites gets NULL).
MIGRATIONS = (
    *MIGRATIONS,
    (
        9,
        (
            "ALTER TABLE cases ADD COLUMN counted BOOLEAN DEFAULT TRUE",
            "ALTER TABLE cases ADD COLUMN persons_moved INTEGER",
            "CREATE VIEW counted_cases AS SELECT * FROM cases WHERE counted",
            REFRESH_ROLLUPS,
        ),
    ),
)

# Version 10: periods, not points. A record dated to a band of years (CTDC's "2014-2018") keeps
# the band's last day beside its first (case_date, date_precision "period"); see
# turquesa_geo.columns.PERIOD_END.
MIGRATIONS = (*MIGRATIONS, (10, ("ALTER TABLE cases ADD COLUMN period_end DATE",)))

# Version 11: deaths and disappearances during migration (IOM Missing Migrants Project) are their own
# measure, not trafficking or smuggling cases. Their records keep their place in ``cases`` (one incident,
# its point, route, dead, missing, survivors and the dead and missing by sex and age) under the crime
# type columns.OUTCOME_CRIME_TYPE; ``counted_cases``, which every count of cases and persons reads,
# leaves them out, and ``outcome_incidents`` holds them. IOM incidents imported before (as smuggling)
# move; the rollups are rebuilt without them. Cases gain the source's cause of death.
_OUTCOME = f"crime_type = '{C.OUTCOME_CRIME_TYPE}'"
MIGRATIONS = (
    *MIGRATIONS,
    (
        11,
        (
            "ALTER TABLE cases ADD COLUMN cause_of_death VARCHAR",
            f"UPDATE cases SET crime_type = '{C.OUTCOME_CRIME_TYPE}' "
            "WHERE import_id IN (SELECT import_id FROM imports WHERE profile = 'mmp')",
            "DROP VIEW counted_cases",
            f"CREATE VIEW counted_cases AS SELECT * FROM cases WHERE counted AND NOT {_OUTCOME}",
            f"CREATE VIEW outcome_incidents AS SELECT * FROM cases WHERE counted AND {_OUTCOME}",
            REFRESH_ROLLUPS,
        ),
    ),
)

# Version 12: finer public counts. US CBP's nationwide encounters are monthly and split by title of
# authority; the US TIP report's routes by form of trafficking. Aggregate counts gain the calendar
# month of a monthly count (NULL: a count of the whole year) and one further split the source
# publishes beside dimension, sex and age (breakdown; 'total' when it has none). Both are part of a
# count's key (turquesa_geo.store.queries.ingest_counts.COUNT_KEY).
MIGRATIONS = (
    *MIGRATIONS,
    (
        12,
        (
            "ALTER TABLE aggregate_counts ADD COLUMN month SMALLINT",
            "ALTER TABLE aggregate_counts ADD COLUMN breakdown VARCHAR DEFAULT 'total'",
        ),
    ),
)

SCHEMA_VERSION = max(version for version, _ in MIGRATIONS)

_SAFE_CONFIG = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


def resolve_db_path(db: str | os.PathLike[str] | None = None) -> Path:
    """Return the store path: the argument, else ``$TURQUESA_DB``, else ``data/turquesa.duckdb``.

    >>> str(resolve_db_path("x.duckdb"))
    'x.duckdb'
    """
    if db:
        return Path(db)
    env = os.environ.get(DB_ENV)
    return Path(env) if env else DEFAULT_DB


class StoreBusy(LocalizedError, RuntimeError):
    """The store file is held by another process (DuckDB allows one writer process).

    ``str(exc)`` is the English message, ``exc.text(lang)`` the message in ``lang``.
    """


def connect(
    db: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    external_access: bool = True,
    allowed_directories: Sequence[str | os.PathLike[str]] = (),
) -> duckdb.DuckDBPyConnection:
    """Open the store, creating and migrating it unless ``read_only``.

    Parameters
    ----------
    db : path, optional
        Store file, or ``":memory:"``; see :func:`resolve_db_path`.
    read_only : bool
        Open without write access.
    external_access : bool
        When False the connection can read or write no file but the store and those
        under ``allowed_directories``, and its configuration is locked (the
        dashboard's connection: its SQL can never reach ``/etc/passwd``, ``ATTACH``
        another database, ``COPY`` data out or load an extension).
    allowed_directories : paths
        Folders still readable when ``external_access`` is False (the upload folder).

    Raises
    ------
    StoreBusy
        When another process holds the store (the dashboard, or an import running).
    """
    path = str(resolve_db_path(db))
    if path != ":memory:":
        if read_only and not Path(path).exists():
            raise FileNotFoundError(f"no store at {path}: run 'turquesa demo' or 'turquesa import' first")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(path, read_only=read_only, config=dict(_SAFE_CONFIG))
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        holder = re.search(r"\(PID (\d+)\)", str(exc))
        if holder:
            raise StoreBusy(
                N_(
                    "store busy: {path} is open in another process (process {pid}), e.g. the dashboard "
                    "or an import; wait for it to finish, or stop it, then try again"
                ),
                path=path,
                pid=holder.group(1),
            ) from None
        raise StoreBusy(
            N_(
                "store busy: {path} is open in another process, e.g. the dashboard or an import; "
                "wait for it to finish, or stop it, then try again"
            ),
            path=path,
        ) from None
    con.execute(*sql.disable_progress_bar())  # no bar drawn over the CLI's own output
    if not read_only:
        migrate(con)
    if not external_access:
        lock_down(con, allowed_directories)
    return con


def lock_down(con: duckdb.DuckDBPyConnection, allowed_directories: Sequence[str | os.PathLike[str]] = ()) -> None:
    """Forbid file access outside the store and ``allowed_directories``, then lock the configuration."""
    folders = [str(Path(d).resolve()).rstrip("/") + "/" for d in allowed_directories]
    if folders:
        con.execute(*sql.allowed_directories(folders))
    con.execute(*sql.disable_external_access())
    con.execute(*sql.lock_configuration())


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """Return the highest migration applied to the store (0 for an empty database)."""
    if not con.execute(*sql.migrations_table_exists()).fetchall()[0][0]:
        return 0
    return int(con.execute(*sql.applied_version()).fetchall()[0][0])


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply pending migrations, each in its own transaction; return the schema version.

    The rollups are rebuilt once, by the last pending migration that asks for it: the
    rebuild is today's code, which reads today's schema (the key ``flagged`` of version 8,
    the view ``counted_cases`` of version 9), so an earlier request is served by the later one.
    """
    con.execute(*sql.create_migrations_table())
    current = schema_version(con)
    last_refresh = max((v for v, statements in MIGRATIONS if v > current and REFRESH_ROLLUPS in statements), default=0)
    for version, statements in MIGRATIONS:
        if version <= current:
            continue
        with transaction(con):
            for statement in statements:
                if statement == REFRESH_ROLLUPS:
                    if version == last_refresh:
                        refresh(con)
                else:
                    con.execute(statement)
            con.execute(*sql.record_migration(version))
    return schema_version(con)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run the block in one transaction: committed when it ends, rolled back when it raises
    (also on KeyboardInterrupt: a half-written transaction never stays open)."""
    con.execute(sql.BEGIN)
    try:
        yield con
        con.execute(sql.COMMIT)
    except BaseException:
        con.execute(sql.ROLLBACK)
        raise


def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """Return a short fingerprint of the imports the store holds and of its case links (changes on every
    import, and whenever two cases are linked or unlinked).

    Pages key their caches on it; exports print it so a reader can tell which data a
    figure was built from.
    """
    digests = con.execute(*sql.data_version()).fetchall()[0][0]
    links = con.execute(*sql.links_version()).fetchall()[0][0]
    # Without links the version is what it was before links existed: earlier exports keep their match.
    text = digests if links is None else f"{digests}|links:{links}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]
