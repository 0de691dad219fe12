"""Column names of the flat incident format and of the store, defined once.

The flat format is one row per case or interception; person counts are spread
over columns named ``{role}_{gender}_{age}`` (e.g. ``victims_f_minor``).
"""

from __future__ import annotations

import datetime as dt
import re
from itertools import product

__all__ = [
    "COARSE_DATE_PRECISIONS",
    "COUNTRY_COLUMNS",
    "COUNT_AGE",
    "COUNT_COLUMNS",
    "COUNT_GENDER",
    "COUNT_ROLE",
    "CRIME_TYPE",
    "DATE",
    "DATE_BAND",
    "DATE_DAY",
    "DATE_UNKNOWN",
    "DATE_YEAR",
    "DESTINATION",
    "DETAIL_COLUMNS",
    "DETAIL_TERM_COLUMNS",
    "DETAIL_TEXT_COLUMNS",
    "DETECTION_COUNTRY",
    "FLAT_COLUMNS",
    "FORMULA_GUARD",
    "FORMULA_PREFIXES",
    "INCIDENT_ID",
    "LAT",
    "LON",
    "MODUS_DIMENSIONS",
    "MULTI_SEPARATOR",
    "MULTI_VALUE_COLUMNS",
    "NATIONALITY",
    "NETWORK",
    "NUMBER_PATTERN",
    "ORIGIN",
    "OUTCOME_COLUMNS",
    "OUTCOME_CRIME_TYPE",
    "PERIOD_END",
    "PERSONAL_COLUMN_PATTERN",
    "PLACE",
    "QUARANTINE_FILE_COLUMNS",
    "QUARANTINE_IMPORT_COLUMN",
    "QUARANTINE_LINE_COLUMN",
    "QUARANTINE_MESSAGES_COLUMN",
    "QUARANTINE_RAW_COLUMN",
    "QUARANTINE_RULES_COLUMN",
    "REPORTING_COUNTRY",
    "REQUIRED_COLUMNS",
    "SCALAR_TEXT_COLUMNS",
    "SERIES_COARSE_PRECISIONS",
    "SOURCE",
    "TRANSIT",
    "TRANSIT_SEPARATOR",
    "UNDATED",
    "count_column",
    "is_number_text",
    "looks_personal",
    "parse_count_column",
]

INCIDENT_ID = "incident_id"
SOURCE = "source"
NETWORK = "network"
REPORTING_COUNTRY = "reporting_country"
DATE = "date"
CRIME_TYPE = "crime_type"
NATIONALITY = "nationality"
ORIGIN = "origin"
TRANSIT = "transit"
DESTINATION = "destination"
DETECTION_COUNTRY = "detection_country"
LAT = "lat"
LON = "lon"
PLACE = "place"

TRANSIT_SEPARATOR = ">"
MULTI_SEPARATOR = ";"

REQUIRED_COLUMNS: tuple[str, ...] = (INCIDENT_ID, DATE, CRIME_TYPE)

#: Single-valued columns whose value must be a single ISO country.
COUNTRY_COLUMNS: tuple[str, ...] = (REPORTING_COUNTRY, NATIONALITY, ORIGIN, DESTINATION, DETECTION_COUNTRY)

#: Multi-valued flat columns (separated by ``;``) and the vocabulary each uses.
MULTI_VALUE_COLUMNS: dict[str, str] = {
    "transport_mode": "transport_mode",
    "recruitment_method": "recruitment_method",
    "control_methods": "control_method",
    "exploitation_forms": "exploitation_form",
    "concealment": "concealment",
    "platforms": "platform",
    "document_fraud": "document_fraud",
    "linked_crimes": "linked_crime",
}

#: The modus-operandi dimensions (vocabularies of the multi-valued columns) the trends read.
MODUS_DIMENSIONS: tuple[str, ...] = (
    "recruitment_method",
    "control_method",
    "exploitation_form",
    "transport_mode",
    "concealment",
    "document_fraud",
    "platform",
    "linked_crime",
)

#: Outcome counts of an incident, as public incident sources report them (IOM Missing
#: Migrants: dead, missing, survivors, and the children among the dead and missing, who
#: may or may not be counted in the sexes). Optional whole numbers, stored on the case.
OUTCOME_COLUMNS: tuple[str, ...] = ("dead", "missing", "survivors", "children")

#: Optional free-text details kept as the source gives them: the source's own name of
#: the route ("Darien", "US-Mexico border crossing"), its quality grade of the record, and
#: the cause of death it gives ("Drowning", "Violence"; schema version 11).
DETAIL_TEXT_COLUMNS: tuple[str, ...] = ("route_label", "source_quality", "cause_of_death")

#: Optional single-valued details resolved in a vocabulary of the same name: how exact
#: the date is (day, month, year, period of years) and the point (exact, rounded...).
DETAIL_TERM_COLUMNS: tuple[str, ...] = ("date_precision", "location_precision")

DETAIL_COLUMNS: tuple[str, ...] = (*OUTCOME_COLUMNS, *DETAIL_TEXT_COLUMNS, *DETAIL_TERM_COLUMNS)

#: The ``date_precision`` code of a record whose date is not known at all (CTDC victims
#: registered without a year): a record of a person all the same, kept and counted.
DATE_UNKNOWN = "unknown"

#: The day stored for such a record (``cases.case_date`` cannot be empty): a day before
#: every period, so that no period's figures, no time series and no signal count it,
#: while the store's totals do. Every query that leaves undated records out compares
#: ``case_date`` with it (the rollups hold no precision), so a file that gives this very
#: day gives no date: 1900-01-01 is what many systems write for "no date" anyway.
UNDATED: dt.date = dt.date(1900, 1, 1)

#: The ``date_precision`` codes of a record dated to its day (also when none is given), only
#: to a year, and to a band of years (CTDC's ``2014-2018``: ``case_date`` its first day,
#: :data:`PERIOD_END` its last).
DATE_DAY, DATE_YEAR, DATE_BAND = "day", "year", "period"

#: Date precisions coarser than a month: monthly comparisons (signals) leave such
#: records out, since their month (1 January of a year or of a band's first year) is a
#: placeholder, and comparing it with real months makes band edges look like surges.
COARSE_DATE_PRECISIONS: tuple[str, ...] = (DATE_YEAR, DATE_BAND, DATE_UNKNOWN)

#: Per series frequency (M, Q, Y), the date precisions too coarse to place a record in one of
#: its periods: a year has no month or quarter, a band of years no single year. Such records
#: are left out of the series (bands are shown as bands); a record with no date is in none.
SERIES_COARSE_PRECISIONS: dict[str, tuple[str, ...]] = {
    "M": COARSE_DATE_PRECISIONS,
    "Q": COARSE_DATE_PRECISIONS,
    "Y": (DATE_BAND, DATE_UNKNOWN),
}

#: The ``crime_type`` code of a record that is no crime case but an incident of deaths and
#: disappearances during migration (IOM Missing Migrants Project): its own measure, shown
#: as incidents with dead, missing and survivors, never as trafficking or smuggling. The
#: view ``counted_cases`` (what every case count reads) leaves such records out; the view
#: ``outcome_incidents`` holds them (schema version 11).
OUTCOME_CRIME_TYPE = "migration_deaths"

#: Column of the cases table (schema version 10) with the last day of the period a record
#: is dated to when that period is a band of years (CTDC's ``2014-2018``): ``case_date``
#: holds its first day, ``date_precision`` is ``period``.
PERIOD_END = "period_end"

SCALAR_TEXT_COLUMNS: tuple[str, ...] = (INCIDENT_ID, SOURCE, NETWORK, DATE, CRIME_TYPE, PLACE, LAT, LON, TRANSIT)

#: Person-count columns: role word, gender letter, age word.
COUNT_ROLE: dict[str, str] = {"victims": "victim", "migrants": "migrant", "suspects": "suspect"}
COUNT_GENDER: dict[str, str] = {
    "f": "female",
    "m": "male",
    "x": "transgender_nonconforming",
    "u": "unknown",
}
COUNT_AGE: dict[str, str] = {"adult": "adult", "minor": "minor", "u": "unknown"}


def count_column(role: str, gender: str, age_group: str) -> str:
    """Name the flat count column of a role, gender and age group (canonical codes).

    >>> count_column("victim", "female", "minor")
    'victims_f_minor'
    """
    role_word = next(k for k, v in COUNT_ROLE.items() if v == role)
    gender_letter = next(k for k, v in COUNT_GENDER.items() if v == gender)
    age_word = next(k for k, v in COUNT_AGE.items() if v == age_group)
    return f"{role_word}_{gender_letter}_{age_word}"


COUNT_COLUMNS: tuple[str, ...] = tuple(f"{r}_{g}_{a}" for r, g, a in product(COUNT_ROLE, COUNT_GENDER, COUNT_AGE))

_COUNT_SHAPE = re.compile(r"^(victims|migrants|suspects)_([a-z]+)_([a-z]+)$")


def parse_count_column(name: str) -> tuple[str, str, str] | None:
    """Split a count column into (role, gender, age_group) codes.

    Returns None when the name is not count-shaped; raises ValueError when it is
    count-shaped but a code is unknown, naming the allowed codes.

    >>> parse_count_column("migrants_m_adult")
    ('migrant', 'male', 'adult')
    >>> parse_count_column("place") is None
    True
    """
    match = _COUNT_SHAPE.match(name)
    if not match:
        return None
    role, gender, age = match.groups()
    if gender not in COUNT_GENDER:
        raise ValueError(f"column {name!r}: gender code {gender!r} is not one of {', '.join(COUNT_GENDER)}")
    if age not in COUNT_AGE:
        raise ValueError(f"column {name!r}: age code {age!r} is not one of {', '.join(COUNT_AGE)}")
    return COUNT_ROLE[role], COUNT_GENDER[gender], COUNT_AGE[age]


FLAT_COLUMNS: tuple[str, ...] = (
    INCIDENT_ID,
    SOURCE,
    NETWORK,
    REPORTING_COUNTRY,
    DATE,
    CRIME_TYPE,
    NATIONALITY,
    ORIGIN,
    TRANSIT,
    DESTINATION,
    DETECTION_COUNTRY,
    LAT,
    LON,
    PLACE,
    *MULTI_VALUE_COLUMNS,
    *COUNT_COLUMNS,
    *DETAIL_COLUMNS,
    PERIOD_END,
)

#: Column names that look like personal identifiers, in English, Spanish,
#: Portuguese and French; such columns are never stored.
PERSONAL_COLUMN_PATTERN = re.compile(
    r"(^|_)(first_?name|last_?name|full_?name|surname|given_?name|middle_?name|second_?name|name|names|"
    r"nombres?|apellidos?|nome|sobrenome|nom|prenom|"
    r"passport\w*|pasaporte\w*|passaporte\w*|passeport\w*|"
    r"id_?number|id_?no|national_?id|cedula|dni|curp|rut|cpf|rg|ssn|document_?number|numero_?documento|"
    r"phone\w*|mobile\w*|telefono\w*|celular|telephone|"
    r"e_?mail|correo\w*|courriel|"
    r"birth_?date|date_?of_?birth|dob|fecha_?(de_?)?nacimiento|data_?(de_?)?nascimento|date_?de_?naissance|"
    r"birthdate|address|direccion|domicilio|endereco|adresse)($|_)"
)


def looks_personal(column: str) -> bool:
    """Tell whether a column name looks like a personal identifier.

    >>> looks_personal("victim_name"), looks_personal("passport_no"), looks_personal("Fecha_Nacimiento")
    (True, True, True)
    >>> looks_personal("place"), looks_personal("nationality"), looks_personal("source")
    (False, False, False)
    """
    key = re.sub(r"[^0-9a-z]+", "_", column.strip().lower()).strip("_")
    return bool(PERSONAL_COLUMN_PATTERN.search(key))


# --- cells of a file a spreadsheet has opened ------------------------------------------

#: First characters that make a spreadsheet run a cell as a formula.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

#: What a written file puts before a text cell starting with one of :data:`FORMULA_PREFIXES`, so that it
#: reads as text; the importer takes exactly one away again in a quarantine download, where a formula
#: prefix follows it.
FORMULA_GUARD = "'"

#: A number as files write it: a sign, digits, one decimal point or comma, an exponent. Such a cell
#: never runs as a formula and is written as it is (``-77.9``, ``-77,9``, ``+5``, ``-3``, ``1e-3``).
NUMBER_PATTERN = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?")


def is_number_text(text: str) -> bool:
    """Tell whether a cell's whole text is a number (:data:`NUMBER_PATTERN`), decimal comma included.

    >>> is_number_text("-77.9"), is_number_text("-77,9"), is_number_text("+5"), is_number_text("-3")
    (True, True, True, True)
    >>> is_number_text("-1+2"), is_number_text("=1"), is_number_text(" -3"), is_number_text("")
    (False, False, False, False)
    """
    return NUMBER_PATTERN.fullmatch(text) is not None


#: Columns a quarantine download adds before the row as it was read: the import and line the row was
#: quarantined from, its rules and messages, and the raw text of a row that could not be split into
#: fields. The importer recognises them, ignores them without reporting them, and reads the first two
#: to close the quarantine entries a corrected row answers.
QUARANTINE_IMPORT_COLUMN = "quarantine_import"
QUARANTINE_LINE_COLUMN = "quarantine_line"
QUARANTINE_RULES_COLUMN = "quarantine_rules"
QUARANTINE_MESSAGES_COLUMN = "quarantine_messages"
QUARANTINE_RAW_COLUMN = "quarantine_raw"
QUARANTINE_FILE_COLUMNS: tuple[str, ...] = (
    QUARANTINE_IMPORT_COLUMN,
    QUARANTINE_LINE_COLUMN,
    QUARANTINE_RULES_COLUMN,
    QUARANTINE_MESSAGES_COLUMN,
    QUARANTINE_RAW_COLUMN,
)
