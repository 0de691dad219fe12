"""Values shared by the query-builder tests of tests/store/queries/: periods, a filter that sets every fragment
and the parameters it binds, and a staged flat file."""

from __future__ import annotations

import datetime as dt

from turquesa_geo.filters import Filters
from turquesa_geo.store.queries.ingest_flat import FlatStage

D = dt.date
CURRENT = (D(2024, 1, 1), D(2024, 12, 31))
PREVIOUS = (D(2023, 1, 1), D(2023, 12, 31))

FILTERS = Filters(
    start=D(2024, 1, 1),
    end=D(2024, 12, 31),
    crime_types=("smuggling", "trafficking"),
    genders=("female",),
    sources=("PNC",),
    modus=(("platform", "tiktok"), ("transport_mode", "sea")),
)
#: The parameters of FILTERS' case conditions.
FILTER_PARAMS = {
    "crime_type_1": "smuggling",
    "crime_type_2": "trafficking",
    "source_1": "PNC",
    "dimension": "platform",
    "code_1": "tiktok",
    "dimension_2": "transport_mode",
    "code_1_2": "sea",
    "role_1": "victim",
    "role_2": "migrant",
    "gender_1": "female",
}

#: A flat file staged with a few of its columns.
STAGE = FlatStage("stage_cells", ("incident_id", "source", "date", "crime_type", "lat", "lon", "victims_f_minor"))
