"""Turquesa: routes, trends and gender patterns of trafficking in persons and smuggling of migrants.

The library behind the dashboard: pure functions over data frames and a DuckDB store,
with no Streamlit import.
"""

from turquesa_geo.ingest.flat import ImportResult, import_file
from turquesa_geo.ingest.readers import ImportRefused
from turquesa_geo.store.connection import connect, data_version

__all__ = ["ImportRefused", "ImportResult", "connect", "data_version", "import_file"]
__version__ = "0.1.0"
