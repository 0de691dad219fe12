"""What the store holds (turquesa_geo/store/queries/inventory.py): sources in view, totals, imports, quarantine."""

from __future__ import annotations

from builder_values import D

from turquesa_geo.filters import Filters
from turquesa_geo.store import queries as sql


def test_filters_and_periods_bind_on_the_tiny_store(tiny):
    filters = Filters(start=D(2024, 1, 1), end=D(2024, 12, 31), genders=("female",), crime_types=("trafficking",))
    assert tiny.execute(*sql.view_sources(filters)).fetchall() == [("MP", 1)]
    assert tiny.execute(*sql.view_sources(Filters(modus=(("transport_mode", "land"),)))).fetchall() == [("PNC", 2)]
