"""Public-data import profiles (IOM Missing Migrants, UNODC GLOTIP, CTDC, US CBP, US TIP report) and their registry.

The registry is a plain dict built from each profile module's ``PROFILE``: adding a
profile means adding its module to :data:`PROFILES` here, nothing happens on import.
"""

from __future__ import annotations

from collections.abc import Iterable

from turquesa_geo.i18n import N_, Translatable
from turquesa_geo.ingest.profiles import cbp, ctdc, glotip, mmp, tipdir
from turquesa_geo.ingest.profiles.common import FLAT_PROFILE, MIN_MARKER_SHARE, Profile, marker_score
from turquesa_geo.ingest.readers import ImportRefused

__all__ = ["IMPORT_FORMATS", "PROFILES", "PROFILE_NAMES", "check_profile", "looks_like", "profile"]

#: Every importable format by name: the native flat format first, then the public-data profiles.
PROFILES: dict[str, Profile] = {
    p.name: p for p in (FLAT_PROFILE, mmp.PROFILE, glotip.PROFILE, ctdc.PROFILE, cbp.PROFILE, tipdir.PROFILE)
}

#: The profiles of the registry, one file each; "flat" is the native format.
PROFILE_NAMES: tuple[str, ...] = tuple(PROFILES)

#: Every format ``turquesa import --profile`` accepts: the registry's profiles, and ``htcds``, a pair
#: of files (persons and events) read by :mod:`turquesa_geo.ingest.htcds`.
IMPORT_FORMATS: tuple[str, ...] = (*PROFILE_NAMES, "htcds")


def profile(name: str) -> Profile:
    """The profile called ``name``; raises :class:`ImportRefused` naming it and the known ones.

    >>> profile("mmp").source
    'IOM Missing Migrants Project'
    >>> profile("acled")
    Traceback (most recent call last):
    turquesa_geo.ingest.readers.ImportRefused: unknown profile 'acled'; expected one of flat, mmp, glotip, ctdc, cbp, tipdir
    """
    found = PROFILES.get(name)
    if found is None:
        raise ImportRefused(
            N_("unknown profile {profile!r}; expected one of {expected}"),
            profile=name,
            expected=", ".join(PROFILE_NAMES),
        )
    return found


def looks_like(columns: Iterable[str]) -> Profile | None:
    """The profile whose markers the columns match best, if it has at least half of them.

    >>> looks_like(["incident_id", "date", "crime_type"]).name, looks_like(["a", "b"])
    ('flat', None)
    """
    columns = list(columns)
    scored = sorted(((marker_score(p, columns), p.name) for p in PROFILES.values()), reverse=True)
    best_score, best = scored[0]
    return PROFILES[best] if best_score >= MIN_MARKER_SHARE else None


def check_profile(name: str, columns: list[str], file_name: str) -> Profile:
    """The profile ``name``, after checking that the file's columns are that profile's.

    Raises :class:`ImportRefused` when they are not, naming the profile the file looks
    like (or saying it looks like none, and listing every format). The message names a
    profile by its title without an article ("does not match the profile IOM Missing
    Migrants Project"), which reads right whatever the title.

    >>> check_profile("glotip", ["web_id", "incident_date", "number_dead"], "x.csv")
    Traceback (most recent call last):
    turquesa_geo.ingest.readers.ImportRefused: x.csv does not match the profile UNODC GLOTIP country data (dataUNODC export) (it lacks iso3_code, indicator, dimension, txtvalue, unit_of_measurement, category); it looks like none of the known profiles (flat, mmp, glotip, ctdc, cbp, tipdir, htcds)
    """
    wanted = profile(name)
    if marker_score(wanted, columns) >= MIN_MARKER_SHARE:
        return wanted
    likely = looks_like(columns)
    missing = [group[0] for group in wanted.markers if not set(columns).intersection(group)]
    said = {"file": file_name, "title": Translatable(wanted.title), "missing": ", ".join(missing)}
    if likely:
        raise ImportRefused(
            N_(
                "{file} does not match the profile {title} (it lacks {missing}); "
                "it looks like {likely}: choose the format {profile} (--profile {profile})"
            ),
            likely=Translatable(likely.title),
            profile=likely.name,
            **said,
        )
    raise ImportRefused(
        N_(
            "{file} does not match the profile {title} (it lacks {missing}); "
            "it looks like none of the known profiles ({profiles})"
        ),
        profiles=", ".join(IMPORT_FORMATS),
        **said,
    )
