"""Turquesa: routes, trends and gender patterns of trafficking in persons and smuggling of migrants.

The library behind the dashboard: pure functions over data frames and a DuckDB store,
with no Streamlit import.
"""

from .importer import ImportResult, import_file
from .readers import ImportRefused
from .store import connect, data_version

__all__ = ["ImportRefused", "ImportResult", "connect", "data_version", "import_file"]
__version__ = "0.1.0"
