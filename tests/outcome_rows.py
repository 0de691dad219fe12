"""Hand-written IOM Missing Migrants rows in the layout of tests/fixtures/profiles/mmp_incidents.csv, for the tests of
pages and exports that show deaths and disappearances beside cases."""

from __future__ import annotations

from profile_files import MMP_CSV

#: The header of IOM's CSV download, as the fixture has it.
MMP_HEADER = MMP_CSV.read_text(encoding="utf-8").splitlines()[0]


def darien_incident(incident_id: str, date: str = "2024-01-10") -> str:
    """An incident in the Darién (Panama): 6 dead, 3 missing; 2 women or girls, 4 men or boys, 1 child."""
    return (
        f"{incident_id},{incident_id},Central America,{date},{date[:4]},Jan,6,3,9,0,2,4,1,South America,Venezuela,"
        'Drowning,Darién,Local media,"8.45, -77.65",Darien,,Central America,3'
    )


def sea_incident(incident_id: str, date: str = "2024-02-01") -> str:
    """An incident off the Florida Keys (in no country): 0 dead, 12 missing (sex not given), 4 survivors."""
    return (
        f"{incident_id},{incident_id},Caribbean,{date},{date[:4]},Feb,0,12,12,4,,,,Caribbean,Haiti,Drowning,"
        'Off the Florida Keys,US Coast Guard,"24.3, -80.9",Caribbean to US,,Caribbean,4'
    )


def mmp_csv_text(*rows: str) -> str:
    """An IOM CSV document of ``rows``."""
    return "\n".join((MMP_HEADER, *rows)) + "\n"
