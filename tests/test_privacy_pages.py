"""Privacy end to end: no page and no CLI report shows a count of cases or persons from 1 to 4.

A store is seeded through the flat importer with cells of 0, 1, 4, 5, 6 and 11 persons
and corridors, years and categories of 1 to 4 cases. Every page is visited with every
control that changes what is counted, every CLI report is run, and every count shown
is collected: metric values, count columns of tables, chart values on a count axis,
Sankey links, map tooltips, counts written in captions and signal reasons, and the
count fields of JSON and CSV reports. A count may read ``<5`` or be left out; it may
never read 1 to 4. Then two ways round the rule are tried: working out a hidden cell
from a total shown beside its parts, and subtracting the key figures of neighbouring
filters.

Not checked here (README, Privacy, limits): tables and map tooltips of neighbouring
filters set side by side (the MEX→USA leg's 15 cases for all crime types and 11 for two of
them); counts and shares read together.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import datetime as dt
import io
import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import TODAY, csv_text
from streamlit.testing.v1 import AppTest

from turquesa_geo.cli import main
from turquesa_geo.gender import SPLITS
from turquesa_geo.ingest.flat import import_file
from turquesa_geo.privacy import SECONDARY_MARK, SMALL_CELL_K
from turquesa_geo.store.connection import DB_ENV, connect
from turquesa_geo.trends import TREND_DIMENSIONS
from turquesa_geo.vocab import codes
from turquesa_ui.state import LAST_IMPORTS

K = SMALL_CELL_K
APP = Path(__file__).resolve().parent.parent / "app.py"
TIMEOUT = 30

# --- what counts as a count ---------------------------------------------------------------

#: Table columns (by name, on every page and in every report) that hold counts of cases or persons.
COUNT_COLUMNS = frozenset(
    {
        "cases",  # cases per corridor, source, crime type and year, category and year, signal
        "Cases",  # cooperation page: cases of a shared corridor, of a hub's reporters
        "cases_prev",  # cases the year before (trends page)
        "persons",  # persons per corridor, or per crime type and year (status)
        "known_sex",  # persons of known sex per year and role (gender page)
        "unknown",  # persons of unknown sex per year and role (gender page)
        "reporting",  # cases reporting a dimension per period (trends CLI)
    }
)

#: Every other column a page or report shows, with why it is not a count of cases or persons.
#: A column in neither list fails the test: each new column needs a decision.
NOT_COUNT_COLUMNS = {
    "rank": "a position in a ranking",
    "year": "a year",
    "period": "a date",
    "band": "a band of years (2014–2018)",
    # Cooperation page.
    "Corridor": "names",
    "Quarter": "a quarter",
    "Reported by": "names",
    "Reporters": "how many reporters",
    "Last case": "a date",
    "Hub": "a name",
    "Country": "a name",
    "Network": "a name",
    "Role": "an office's role",
    "Office": "a name",
    "Channel": "a channel",
    "corridor": "names",
    "route": "ISO codes",
    "category": "a label",
    "group": "a label",
    "role": "a label",
    "crime_type": "a label",
    "code": "a code",
    "kind": "a label",
    "what": "a label",
    "direction": "a word",
    "source": "a name",
    "network": "a name",
    "first_case": "a date",
    "last_case": "a date",
    "rule": "a rule",
    "change_pct": "a percentage",
    "women_girls_pct": "a percentage",
    "inferred_pct": "a percentage",
    "share": "a percentage",
    "share_pct": "a percentage",
    "q_value": "a q-value",
    "reason": "text: its counts are read by SIGNAL_REASON",
    # Import bookkeeping: rows of the files a data manager imported, not cases or persons.
    "rows": "file rows",
    "problems": "file problems",
    "import_id": "an id",
    "file_name": "a name",
    "profile": "a word",
    "status": "a word",
    "started": "a time",
    "finished": "a time",
    "rows_read": "file rows",
    "rows_accepted": "file rows",
    "rows_quarantined": "file rows",
    "rows_inserted": "file rows",
    "rows_updated": "file rows",
    "rows_unchanged": "file rows",
    "quarantine_open": "file rows",
    "open": "file rows",
    "rules": "rule codes",
    "resolved_by": "an id",
    "rows_flagged": "file rows",
    "flagged": "an import's stored cases kept with a flag, per rule: bookkeeping beside rows_flagged",
    "meaning": "text: what a rule means",
    # The quarantine listing: the rejected file's own cells, shown back to who uploaded it.
    "line": "a line number",
    "column_name": "a name",
    "value": "a rejected cell",
    "message": "text",
}

#: Metric labels that are counts of cases or persons; the others are counted as NOT_COUNT_METRICS says.
COUNT_METRICS = frozenset({"Cases", "Victims", "Smuggled migrants", "Suspects"})
NOT_COUNT_METRICS = {
    "Women and girls": "a percentage",
    "Corridors": "routes",
    "Legs drawn": "legs",
    "Hubs": "countries",
    "Imports": "imports",
    "Read": "file rows",
    "Accepted": "file rows",
    "Quarantined": "file rows",
    "New": "file rows",
    "Updated": "file rows",
    "Unchanged": "file rows",
    "Accepted with flags": "file rows",
    "Merged": "file rows",
    "Probable duplicates": "file rows",
}

#: Axis titles under which chart values are counts (share axes are percentages).
COUNT_AXES = frozenset({"Cases", "Persons"})

#: Counts written in words ("(<5 cases)", "8 persons") and in signal reasons ("(N cases in 24 months → M in 12)").
COUNT_IN_TEXT = re.compile(r"(<\d+|\d[\d,]*) (?:cases|persons|victims|migrants|suspects)\b")
SIGNAL_REASON = re.compile(r"\((<\d+|[\d,]+) cases in \d+ months → (<\d+|[\d,]+) in \d+\)")
#: The corridor map's note on legs not drawn: a sum of hidden legs.
HIDDEN_LEGS = re.compile(r"([\d,]+) smaller legs \((about )?(<\d+|[\d,]+) cases\)")

#: How a metric says it is a guarded total (rounded to 5), not an exact one.
GUARDED = "Rounded to the nearest"

# --- the store ----------------------------------------------------------------------------

HEADER = (
    "incident_id,source,date,crime_type,nationality,origin,transit,destination,detection_country,"
    "transport_mode,recruitment_method,control_methods,exploitation_forms,concealment,platforms,"
    "document_fraud,linked_crimes,victims_f_adult,victims_f_minor,victims_m_adult,migrants_f_adult,"
    "migrants_m_adult,migrants_u_u,suspects_m_adult"
)

SMUGGLING_LAND = {"transport_mode": "land;river", "concealment": "clandestine_trail", "document_fraud": "none"}
SMUGGLING_AIR = {
    "transport_mode": "air;land",
    "concealment": "false_tourist",
    "document_fraud": "counterfeit",
    "platforms": "whatsapp;tiktok",
    "linked_crimes": "drugs",
}
SEXUAL = {
    "recruitment_method": "job_offer",
    "control_methods": "debt_bondage;threats",
    "exploitation_forms": "sexual",
    "platforms": "facebook",
}
LABOUR = {
    "transport_mode": "land",
    "recruitment_method": "job_offer",
    "control_methods": "withholds_documents",
    "exploitation_forms": "forced_labour_agriculture",
}
MARRIAGE = {
    "recruitment_method": "internet",
    "control_methods": "threats",
    "exploitation_forms": "forced_marriage",
    "platforms": "instagram",
}
BOTH = {
    "transport_mode": "land",
    "concealment": "cargo_truck",
    "document_fraud": "altered",
    "linked_crimes": "firearms",
    "recruitment_method": "smuggling_ransom",
}

#: (id prefix, year, cases, crime type, route, source, modus operandi, persons in each case).
#: In the period (2024): corridors of 11, 11, 6, 4, 4, 1 and 1 cases; on them women 4, girls 1 and 1,
#: men 7, 11, 6 and 20, 6 persons of unknown sex, and a case with no person at all; a source with 4 cases.
GROUPS = (
    ("S1A", 2022, 5, "smuggling", "VEN>COL>PAN>USA", "PNC", SMUGGLING_LAND, {"migrants_m_adult": 1}),
    ("S1B", 2023, 6, "smuggling", "VEN>COL>PAN>USA", "PNC", SMUGGLING_LAND, {"migrants_m_adult": 1}),
    ("S1C", 2024, 7, "smuggling", "VEN>COL>PAN>USA", "PNC", SMUGGLING_LAND, {"migrants_m_adult": 1}),
    (
        "S1D",
        2024,
        4,
        "smuggling",
        "VEN>COL>PAN>USA",
        "PNC",
        {**SMUGGLING_LAND, "linked_crimes": "drugs"},
        {"migrants_f_adult": 1, "suspects_m_adult": 1},
    ),
    ("S2A", 2023, 1, "smuggling", "CUB>NIC>MEX>USA", "PNC", SMUGGLING_AIR, {"migrants_m_adult": 1}),
    ("S2B", 2024, 10, "smuggling", "CUB>NIC>MEX>USA", "PNC", SMUGGLING_AIR, {"migrants_m_adult": 1}),
    ("S2C", 2024, 1, "smuggling", "CUB>NIC>MEX>USA", "PNC", SMUGGLING_AIR, {"migrants_m_adult": 1, "migrants_u_u": 6}),
    ("T1A", 2024, 3, "trafficking", "VEN>PER", "OIM", SEXUAL, {"victims_f_adult": 1}),
    ("T1B", 2024, 1, "trafficking", "VEN>PER", "OIM", SEXUAL, {"victims_f_adult": 1, "victims_f_minor": 1}),
    ("T2A", 2023, 5, "trafficking", "PRY>ARG", "PNC", LABOUR, {"victims_m_adult": 1}),
    ("T2B", 2024, 6, "trafficking", "PRY>ARG", "PNC", LABOUR, {"victims_m_adult": 1}),
    ("T3", 2024, 1, "trafficking", "COL>MEX", "PNC", MARRIAGE, {"victims_f_minor": 1}),
    ("B1A", 2024, 3, "both", "HND>GTM>MEX>USA", "PNC", BOTH, {"migrants_m_adult": 5}),
    ("B1B", 2024, 1, "both", "HND>GTM>MEX>USA", "PNC", BOTH, {"migrants_m_adult": 5, "victims_f_adult": 1}),
    ("Z", 2024, 1, "trafficking", "BOL>CHL", "PNC", {}, {}),
)

#: The last case: the default period is the twelve months up to it.
LAST_DAY = dt.date(2024, 12, 15)


def _case_row(incident_id: str, day: dt.date, crime: str, route: str, source: str, modus: dict, persons: dict) -> str:
    stops = route.split(">")
    cells = {
        "incident_id": incident_id,
        "source": source,
        "date": day.isoformat(),
        "crime_type": crime,
        "nationality": stops[0],
        "origin": stops[0],
        "transit": ">".join(stops[1:-1]),
        "destination": stops[-1],
        "detection_country": stops[-1],
        **modus,
        **{column: str(n) for column, n in persons.items()},
    }
    return ",".join(cells.get(column, "") for column in HEADER.split(","))


def seed_rows() -> list[str]:
    """One CSV row per case of GROUPS, a month apart within the group's year; one row to quarantine."""
    rows = []
    for prefix, year, n, crime, route, source, modus, persons in GROUPS:
        for i in range(n):
            day = LAST_DAY if prefix == "Z" else dt.date(year, 1 + (i + len(prefix)) % 11, 10)
            rows.append(_case_row(f"{prefix}-{i}", day, crime, route, source, modus, persons))
    rows.append(
        _case_row("BAD-1", dt.date(2024, 1, 1), "smuggling", "VEN>COL", "PNC", {}, {}).replace("2024-01-01", "someday")
    )
    return rows


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """The seeded store, set as the app's store; yields (path, import result)."""
    import streamlit as st

    folder = tmp_path_factory.mktemp("privacy_pages")
    path = folder / "cases.csv"
    path.write_text(csv_text(*seed_rows(), header=HEADER), encoding="utf-8", newline="")
    db = folder / "store.duckdb"
    con = connect(db)
    result = import_file(con, path, today=TODAY)
    con.close()
    assert result.reconciles and (result.rows_accepted, result.rows_quarantined) == (len(seed_rows()) - 1, 1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DB_ENV, str(db))
        st.cache_data.clear()
        st.cache_resource.clear()
        yield db, result
        st.cache_data.clear()
        st.cache_resource.clear()


# --- reading what is shown ------------------------------------------------------------------


def as_count(value) -> int | None:
    """A shown value as a count, or None when it shows none (blank, ``<5``, ``·``, missing)."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (int, np.integer, float, np.floating)):
        assert float(value).is_integer(), f"a count that is not whole: {value!r}"
        return int(value)
    text = str(value).strip()
    if text in ("", SECONDARY_MARK) or text.startswith("<"):
        return None
    return int(text.replace(",", ""))


class Shown:
    """Every count a reader sees, with where it was seen."""

    def __init__(self):
        self.counts: list[tuple[str, object]] = []

    def add(self, where: str, value) -> None:
        self.counts.append((where, value))

    def add_text(self, where: str, text: str) -> None:
        for match in itertools.chain(COUNT_IN_TEXT.finditer(text), SIGNAL_REASON.finditer(text)):
            for value in match.groups():
                self.add(f"{where}: {match.group(0)!r}", value)

    def add_table(self, where: str, frame: pd.DataFrame) -> None:
        if _is_country_matrix(frame):  # cooperation page: corridors x reporting countries, every cell a count
            for column in frame.columns:
                for row, value in enumerate(frame[column]):
                    self.add(f"{where}[{column}][{row}]", value)
            return
        unknown = [c for c in frame.columns if c not in COUNT_COLUMNS and c not in NOT_COUNT_COLUMNS]
        assert not unknown, f"{where}: decide whether columns {unknown} hold counts (COUNT_COLUMNS)"
        for column in frame.columns:
            if column in COUNT_COLUMNS:
                for row, value in enumerate(frame[column]):
                    self.add(f"{where}[{column}][{row}]", value)
            elif column == "reason":
                for row, value in enumerate(frame[column]):
                    self.add_text(f"{where}[reason][{row}]", str(value))

    def small(self) -> list[str]:
        """Where a count from 1 to k-1 is shown."""
        return [
            f"{where} = {value!r}" for where, value in self.counts if (n := as_count(value)) is not None and 1 <= n < K
        ]


def _is_country_matrix(frame: pd.DataFrame) -> bool:
    from turquesa_geo.countries import country_name, country_table

    names = {country_name(c) for c in country_table()["iso3"]} | {"Total", "Not stated"}
    return len(frame.columns) > 0 and set(frame.columns) <= names


def _decoded(values) -> list:
    """Plotly's JSON arrays: plain lists or typed arrays ``{"dtype", "bdata"}``."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])).tolist()
    return list(values or [])


def _axis_title(layout: dict, axis: str) -> str:
    title = layout.get(axis, {}).get("title")
    return (title.get("text") if isinstance(title, dict) else title) or ""


def chart_counts(spec: dict) -> list[tuple[str, object]]:
    """(where, value) of every value a figure draws on a count axis, and of every Sankey link."""
    layout, out = spec.get("layout", {}), []
    for i, trace in enumerate(spec.get("data", [])):
        name = f"{trace.get('type')} {trace.get('name', i)!r}"
        if trace.get("type") == "sankey":
            out += [(f"{name} link", v) for v in _decoded(trace.get("link", {}).get("value"))]
            continue
        for axis in ("x", "y"):
            if _axis_title(layout, f"{axis}axis") in COUNT_AXES:
                out += [(f"{name} {axis}", None if pd.isna(v) else v) for v in _decoded(trace.get(axis))]
    return out


def deck_tooltips(at: AppTest) -> list[str]:
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    return [
        record["tooltip"]
        for layer in spec["layers"]
        for record in (layer.get("data") or [])
        if isinstance(record, dict) and "tooltip" in record
    ]


def collect_page(at: AppTest, view: str, shown: Shown) -> None:
    """Everything ``at`` shows now, added to ``shown``."""
    assert not at.exception, f"{view}: {at.exception}"
    for metric in at.metric:
        assert metric.label in COUNT_METRICS or metric.label in NOT_COUNT_METRICS, (
            f"{view}: decide whether metric {metric.label!r} is a count"
        )
        if metric.label in COUNT_METRICS:
            shown.add(f"{view} metric {metric.label}", metric.value)
    for i, table in enumerate(at.dataframe):
        frame = table.value
        if isinstance(frame, pd.DataFrame):
            shown.add_table(f"{view} table {i}", frame)
    for i, chart in enumerate(at.get("plotly_chart")):
        spec = json.loads(chart.proto.spec)
        for where, value in chart_counts(spec):
            shown.add(f"{view} chart {i} {where}", value)
        title = spec.get("layout", {}).get("title", {})
        shown.add_text(f"{view} chart {i} title", title.get("text", "") if isinstance(title, dict) else str(title))
    if at.get("deck_gl_json_chart"):
        for tip in deck_tooltips(at):
            for value in re.findall(r"(?:: |\n[^:\n]+: )(<\d+|\d[\d,]*)", tip):
                shown.add(f"{view} map tooltip {tip!r}", value)
    for kind in ("caption", "markdown", "info", "warning", "subheader", "title"):
        for element in getattr(at, kind):
            shown.add_text(f"{view} {kind}", element.value)


# --- driving the app ------------------------------------------------------------------------


def app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception
    return at


#: The trends page's "Split by" choices (its SPLIT_LABELS).
TREND_SPLITS = ("none", "crime_type", "corridor")

#: Crime-type filters: each on its own, and neighbours that differ by the 4 cases of "both".
CRIME_VIEWS = {
    "all": [],
    "smuggling": ["smuggling"],
    "trafficking": ["trafficking"],
    "both": ["both"],
    "smuggling+trafficking": ["smuggling", "trafficking"],
}


@dataclass
class View:
    """What one view of a page shows that a total-and-parts check reads."""

    metrics: dict[str, tuple[str, str]]  # label -> (value, help)
    tables: list[pd.DataFrame]
    charts: list[dict]
    captions: list[str]

    @classmethod
    def of(cls, at: AppTest) -> View:
        return cls(
            {m.label: (m.value, m.proto.help) for m in at.metric},
            [t.value for t in at.dataframe if isinstance(t.value, pd.DataFrame)],
            [json.loads(c.proto.spec) for c in at.get("plotly_chart")],
            [c.value for c in at.caption],
        )


def goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, f"{page}: {at.exception}"
    return at


def visit_every_page(at: AppTest, shown: Shown, result) -> dict[tuple[str, str], View]:
    """Visit each page with each control that changes what is counted; return the views of
    the overview and the corridor map per crime-type filter, and of the home page."""
    views: dict[tuple[str, str], View] = {}
    for page in ("pages/overview.py", "pages/corridor_map.py"):
        goto(at, page)
        for view, crimes in CRIME_VIEWS.items():
            at.multiselect(key="flt_crime_types").set_value(crimes).run()
            collect_page(at, f"{page} crime={view}", shown)
            views[page, view] = View.of(at)
        at.multiselect(key="flt_crime_types").set_value([]).run()

    goto(at, "pages/trends.py")
    at.segmented_control(key="trend_measure").set_value("cases").run()
    for dimension, split in itertools.product(TREND_DIMENSIONS, TREND_SPLITS):
        at.selectbox(key="trend_dimension").set_value(dimension)
        at.segmented_control(key="trend_split").set_value(split).run()
        collect_page(at, f"trends {dimension} split={split}", shown)
    at.selectbox(key="trend_dimension").set_value("transport_mode")
    at.segmented_control(key="trend_split").set_value("crime_type")
    for freq in ("Q", "M"):
        at.segmented_control(key="trend_freq").set_value(freq).run()
        collect_page(at, f"trends transport_mode split=crime_type freq={freq}", shown)

    goto(at, "pages/gender.py")
    splits = [s for s in SPLITS if s != "none"]
    for split, role in [("none", "victim"), *itertools.product(splits, codes("role"))]:
        at.segmented_control(key="gender_split").set_value(split)
        at.segmented_control(key="gender_role").set_value(role).run()
        collect_page(at, f"gender split={split} role={role}", shown)

    goto(at, "pages/cooperation.py")
    for by in ("reporting_country", "network"):
        at.segmented_control(key="coop_by").set_value(by).run()
        collect_page(at, f"cooperation by={by}", shown)

    goto(at, "pages/corridor_map.py")
    at.toggle(key="show_linked").set_value(True).run()
    collect_page(at, "corridor map with linked crimes", shown)

    goto(at, "pages/home.py")
    collect_page(at, "home", shown)
    views["pages/home.py", "all"] = View.of(at)

    goto(at, "pages/import_files.py")
    at.session_state[LAST_IMPORTS] = [result.to_dict()]
    at.run()
    collect_page(at, "import", shown)
    return views


def cli(*argv: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(list(argv)) == 0, argv
    return out.getvalue()


def cli_reports(db: Path) -> dict[str, object]:
    """Every CLI report on the store: name -> parsed JSON, or a list of CSV records."""
    reports: dict[str, object] = {
        "status": json.loads(cli("status", "--db", str(db), "--format", "json")),
        "corridors json": json.loads(cli("corridors", "--db", str(db), "--format", "json")),
        "corridors csv": list(csv.DictReader(io.StringIO(cli("corridors", "--db", str(db), "--format", "csv")))),
        "signals": json.loads(cli("signals", "--db", str(db), "--format", "json")),
    }
    for dimension, by in itertools.product(TREND_DIMENSIONS, (None, "corridor", "crime_type")):
        split = ["--by", by] if by else []
        name = f"trends {dimension} by={by}"
        reports[f"{name} json"] = json.loads(
            cli("trends", "--db", str(db), "--dimension", dimension, *split, "--format", "json")
        )
        reports[f"{name} csv"] = list(
            csv.DictReader(
                io.StringIO(cli("trends", "--db", str(db), "--dimension", dimension, *split, "--format", "csv"))
            )
        )
    return reports


def collect_reports(reports: dict[str, object], shown: Shown) -> None:
    for name, report in reports.items():
        if isinstance(report, list):
            shown.add_table(name, pd.DataFrame(report))
            continue
        for key, part in report.items():
            if isinstance(part, list) and part and isinstance(part[0], dict):
                shown.add_table(f"{name} {key}", pd.DataFrame(part))


# --- hidden cells behind a total ------------------------------------------------------------


def exposed_by_total(total: tuple[int, int], parts: list, marked: bool = True) -> str | None:
    """What a total shown beside its parts gives away about the hidden parts, or None.

    ``total`` is what the reader knows of the total (low, high): exact, or within 2 of a
    guarded total. ``parts`` are the shown cells (numbers, ``<5``, ``·``); with ``marked``
    False hidden parts are left out without a mark (chart segments), so their number is
    unknown. The rule of ``privacy.protect_table``: hidden parts never add up to a known
    value from 1 to k-1, a lone hidden part is never known, and hidden ``<5`` parts are
    never all pinned to 1 or all to k-1.
    """
    shown = sum(n for p in parts if (n := as_count(p)) is not None)
    small = sum(1 for p in parts if str(p).startswith("<"))
    other = sum(1 for p in parts if str(p) == SECONDARY_MARK)
    low, high = total[0] - shown, total[1] - shown
    if marked:
        low, high = max(low, small + K * other), min(high, (K - 1) * small if not other else high)
    if low > high:
        return f"the parts {parts} cannot add up to a total in {total}"
    if high <= 0:
        return None
    if 1 <= low and high < K:
        return f"hidden parts add up to {low}..{high}, a small count"
    if marked and small + other == 1 and low == high:
        return f"the one hidden part is {low}"
    if marked and not other and small and low == high and low in (small, (K - 1) * small):
        return f"the {small} hidden parts are all {low // small}"
    return None


def known_total(value: str, guarded: bool) -> tuple[int, int]:
    n = as_count(value)
    assert n is not None, value
    return (n - K // 2, n + K // 2) if guarded else (n, n)


# --- the tests --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def everything(seeded):
    """Visit every page and run every report once; the tests below read what was shown."""
    db, result = seeded
    shown = Shown()
    reports = cli_reports(db)  # first: the app then holds the store open for writing
    collect_reports(reports, shown)
    views = visit_every_page(app(), shown, result)
    return shown, views, reports


def test_the_seed_holds_small_and_large_cells(seeded):
    con = connect(seeded[0], read_only=True)
    by_corridor_year = "GROUP BY c.origin, c.destination, year(c.case_date)"
    persons = {
        n
        for (n,) in con.execute(
            "SELECT coalesce(sum(p.persons), 0) FROM cases c LEFT JOIN case_persons p USING (case_uid) "
            f"{by_corridor_year}, p.role, p.gender, p.age_group"
        ).fetchall()
    }
    cases = {n for (n,) in con.execute(f"SELECT count(*) FROM cases c {by_corridor_year}").fetchall()}
    con.close()
    assert {0, 1, 4, 5, 6, 11} <= persons and {1, 4, 5, 6, 11} <= cases


def test_no_page_or_report_shows_a_count_from_1_to_4(everything):
    shown, _, _ = everything
    assert len(shown.counts) > 500  # the collectors did see the pages
    assert not shown.small(), "\n".join(shown.small())


def test_the_collectors_see_small_cells_where_they_are_protected(everything):
    shown, _, _ = everything
    # A protected count reads <5, or is left out of a chart (its value is missing).
    protected = [
        where for where, value in shown.counts if str(value) == f"<{K}" or (" chart " in where and value is None)
    ]
    for where in (
        "corridor_map.py crime=all table",
        "map tooltip",
        "trends",
        "gender",
        "home metric Suspects",
        "status",
        "corridors json",
        "signals",
    ):
        assert any(where in w for w in protected), where


def test_no_hidden_part_can_be_worked_out_from_a_total(everything):
    """Pages and reports that show a total beside its parts (a table, a chart, or two breakdowns of one total)."""
    _, views, reports = everything
    found = []

    def check(where: str, total: tuple[str, str], parts: list, marked: bool = True) -> None:
        value, help_text = total
        if as_count(value) is None:  # a hidden total gives nothing away
            return
        if (problem := exposed_by_total(known_total(value, GUARDED in help_text), parts, marked)) is not None:
            found.append(f"{where}: {problem}")

    home = views["pages/home.py", "all"]
    check("home: Cases beside the sources", home.metrics["Cases"], home.tables[0]["cases"].tolist())
    bars = [v for _, v in chart_counts(home.charts[0]) if v is not None]
    check("home: Cases beside the bars per crime type and year", home.metrics["Cases"], bars, marked=False)

    for (page, crime), view in views.items():
        if page == "pages/home.py":
            continue
        check(
            f"{page} crime={crime}: Cases beside the corridors", view.metrics["Cases"], view.tables[0]["cases"].tolist()
        )
        for caption in view.captions:
            if legs := HIDDEN_LEGS.search(caption):  # "N smaller legs (M cases) are not drawn"
                n, about, cases = int(legs.group(1).replace(",", "")), legs.group(2), legs.group(3)
                check(f"{page} crime={crime}: {legs.group(0)!r}", (cases, GUARDED if about else ""), [f"<{K}"] * n)

    status = reports["status"]
    by_source = [r["cases"] for r in status["sources"]]
    by_year = [r["cases"] for r in status["cases_by_crime_type_and_year"]]
    for name, first, second in (("sources", by_source, by_year), ("crime type and year", by_year, by_source)):
        if all(as_count(v) is not None for v in first):  # a fully shown breakdown gives the total
            total = sum(as_count(v) for v in first)
            check(f"status: cases by {name} beside the other breakdown", (str(total), ""), second)
    assert not found, "\n".join(found)


def test_neighbouring_filters_reveal_no_small_difference(everything):
    """Key figures under crime type = all, smuggling, trafficking, both, smuggling+trafficking
    (the last differs from all by the 4 cases of "both") never differ by 1 to 4."""
    _, views, _ = everything
    found = []
    for page in ("pages/overview.py", "pages/corridor_map.py"):
        for label in COUNT_METRICS & set(views[page, "all"].metrics):
            values = {crime: as_count(views[page, crime].metrics[label][0]) for crime in CRIME_VIEWS}
            for (a, x), (b, y) in itertools.combinations(values.items(), 2):
                if x is not None and y is not None and 1 <= abs(x - y) < K:
                    found.append(f"{page} {label}: {a}={x}, {b}={y}")
    assert not found, "\n".join(found)
    cases = {crime: views["pages/overview.py", crime].metrics["Cases"][0] for crime in CRIME_VIEWS}
    assert cases == {
        "all": "40",
        "smuggling": "20",
        "trafficking": "10",
        "both": "<5",  # 38, 22, 12, 4 cases
        "smuggling+trafficking": "35",
    }  # 34 cases
