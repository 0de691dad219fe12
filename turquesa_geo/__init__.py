"""Turquesa: routes, trends and gender patterns of trafficking in persons and smuggling of migrants.

The library behind the dashboard: pure functions over data frames and a DuckDB store, with no Streamlit import.
This module is its small public API. Names are loaded on first use, so ``import turquesa_geo`` stays cheap
for the command line and importing one subpackage does not pull in the maps, charts and exports.

>>> import turquesa_geo
>>> turquesa_geo.connect.__module__
'turquesa_geo.store.connection'
>>> turquesa_geo.no_such_name
Traceback (most recent call last):
...
AttributeError: module 'turquesa_geo' has no attribute 'no_such_name'
"""

from __future__ import annotations

import importlib

#: Public name -> the module that defines it.
_API: dict[str, str] = {
    # the store
    "connect": "turquesa_geo.store.connection",
    "data_version": "turquesa_geo.store.connection",
    "StoreBusy": "turquesa_geo.store.connection",
    # files entering it
    "import_file": "turquesa_geo.ingest.flat",
    "import_htcds": "turquesa_geo.ingest.htcds",
    "ImportResult": "turquesa_geo.ingest.ledger",
    "ImportRefused": "turquesa_geo.ingest.readers",
    # what an analyst asks of it
    "Filters": "turquesa_geo.filters",
    "corridor_view": "turquesa_geo.corridors",
    "CorridorView": "turquesa_geo.corridors",
    "modus_series": "turquesa_geo.trends",
    "key_figures": "turquesa_geo.trends",
    "detect_signals": "turquesa_geo.signals",
    "emerging_signals": "turquesa_geo.signals",
    "corridor_deck": "turquesa_geo.maps.deck",
    # what leaves it
    "export_context": "turquesa_geo.exports.dispatch",
    "export_file": "turquesa_geo.exports.dispatch",
    # the demo store
    "write_demo": "turquesa_geo.demo.generator",
}

__all__ = sorted(_API)
__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """Load a public name from its module on first use (PEP 562)."""
    if name not in _API:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_API[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
