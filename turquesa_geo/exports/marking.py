"""How an export may be shared, and for whom it is protected: handling marking and audience.

Every file Turquesa hands over carries a handling marking (Traffic Light Protocol
2.0, plus an optional free-text agency marking) on every page, and is protected
for its audience:

- ``internal``: the display threshold (counts under :data:`~turquesa_geo.privacy.SMALL_CELL_K`
  hidden), as on screen;
- ``external``: a stricter threshold (11) and every count shown rounded down to a
  multiple of 5, for partners outside the agency.

:class:`ExportContext` gathers what an export states about itself: marking,
audience, the filters in words, period, data version, time of export, sources and
the link that reopens the view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from turquesa_geo.i18n import N_, bilingual, gettext
from turquesa_geo.privacy import SMALL_CELL_K, guard_total

__all__ = [
    "AUDIENCES",
    "DEFAULT_TLP",
    "EXTERNAL_K",
    "TLP_COLOURS",
    "TLP_LEVELS",
    "TLP_MEANING",
    "Audience",
    "ExportContext",
    "Marking",
]

#: Traffic Light Protocol 2.0 labels, least to most restricted.
TLP_LEVELS = ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED")
DEFAULT_TLP = "TLP:AMBER"
#: (text colour, background) as TLP 2.0 prescribes: coloured text on black.
TLP_COLOURS = {
    "TLP:CLEAR": ("#FFFFFF", "#000000"),
    "TLP:GREEN": ("#33FF00", "#000000"),
    "TLP:AMBER": ("#FFC000", "#000000"),
    "TLP:AMBER+STRICT": ("#FFC000", "#000000"),
    "TLP:RED": ("#FF2B2B", "#000000"),
}
#: What each label allows (FIRST TLP 2.0 wording, shortened): English message ids.
TLP_MEANING = {
    "TLP:CLEAR": N_("Disclosure is not limited."),
    "TLP:GREEN": N_("Limited disclosure: within the community, not public."),
    "TLP:AMBER": N_("Limited disclosure: recipients' organisations and their clients, need to know."),
    "TLP:AMBER+STRICT": N_("Limited disclosure: recipients' organisation only."),
    "TLP:RED": N_("For the eyes and ears of individual recipients only; no further disclosure."),
}
#: Threshold of the external audience: counts under it are never shown.
EXTERNAL_K = 11
_MAX_AGENCY_CHARS = 80


@dataclass(frozen=True)
class Marking:
    """A handling marking: a TLP label and an optional free-text agency marking.

    >>> Marking().text
    'TLP:AMBER'
    >>> Marking("TLP:RED", "POLICÍA NACIONAL - RESERVADO").text
    'TLP:RED · POLICÍA NACIONAL - RESERVADO'
    >>> Marking("AMBER")
    Traceback (most recent call last):
    ...
    ValueError: unknown TLP label 'AMBER'; expected one of TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED
    """

    tlp: str = DEFAULT_TLP
    agency: str = ""

    def __post_init__(self) -> None:
        if self.tlp not in TLP_LEVELS:
            raise ValueError(f"unknown TLP label {self.tlp!r}; expected one of {', '.join(TLP_LEVELS)}")
        agency = " ".join(self.agency.split())
        if len(agency) > _MAX_AGENCY_CHARS:
            raise ValueError(f"agency marking of {len(agency)} characters; at most {_MAX_AGENCY_CHARS}")
        object.__setattr__(self, "agency", agency)

    @property
    def text(self) -> str:
        """The banner text: the TLP label, then the agency marking if any."""
        return f"{self.tlp} · {self.agency}" if self.agency else self.tlp

    @property
    def colours(self) -> tuple[str, str]:
        """(text colour, background colour) of the banner."""
        return TLP_COLOURS[self.tlp]


@dataclass(frozen=True)
class Audience:
    """Who an export is for, and the protection that follows.

    >>> ext = AUDIENCES["external"]
    >>> [ext.count(n) for n in (3, 10, 11, 14, 15, 1234)]
    [None, None, 10, 10, 15, 1230]
    >>> [ext.format(n) for n in (3, 14, 1234)]
    ['<11', '10', '1,230']
    >>> AUDIENCES["internal"].count(4), AUDIENCES["internal"].count(7)
    (None, 7)
    """

    name: str
    k: int
    round_to: int
    #: The small-cell notice: an English message id whose ``{k}`` is the audience's threshold.
    description: str = field(default="", compare=False)
    #: The audience's name on the banner: an English message id.
    word: str = field(default="", compare=False)

    def count(self, n: int) -> int | None:
        """The count as this audience may see it: None under k, else rounded down."""
        n = int(n)
        if 0 < n < self.k or n < 0:
            return None
        return n - n % self.round_to

    def format(self, n: int, grouping: bool = True) -> str:
        """The count as text: ``<k`` when hidden."""
        shown = self.count(n)
        if shown is None:
            return f"<{self.k}"
        return f"{shown:,}" if grouping else str(shown)

    def total(self, n: int) -> int | None:
        """A total of a filtered view: guarded against differencing (see :func:`~turquesa_geo.privacy.guard_total`).

        Internal: rounded to the nearest 5 (1-4 hidden), as the screen shows it;
        external: the audience's own rule (under 11 hidden, rounded down to 5).

        >>> AUDIENCES["internal"].total(14), AUDIENCES["internal"].total(3), AUDIENCES["external"].total(14)
        (15, None, 10)
        """
        return guard_total(int(n), k=self.k) if self.round_to == 1 else self.count(n)

    def format_total(self, n: int) -> str:
        """:meth:`total` as text: ``<k`` when hidden."""
        shown = self.total(n)
        return f"<{self.k}" if shown is None else f"{shown:,}"

    def notice(self, lang: str = "en") -> str:
        """The small-cell notice printed on the export, in ``lang``.

        >>> AUDIENCES["external"].notice("es")[:60]
        'Audiencia externa: no se muestran cifras de menos de 11 (<11'
        """
        return gettext(lang, self.description).format(k=self.k)

    def notice_in(self, langs: tuple[str, ...]) -> str:
        """The small-cell notice in each of the export's languages, side by side.

        >>> AUDIENCES["internal"].notice_in(("en",))
        'Internal audience: counts under 5 persons or cases are not shown (<5).'
        """
        return bilingual(self.description, langs, k=self.k)


AUDIENCES = {
    "internal": Audience(
        "internal",
        SMALL_CELL_K,
        1,
        word=N_("INTERNAL"),
        description=N_("Internal audience: counts under {k} persons or cases are not shown (<{k})."),
    ),
    "external": Audience(
        "external",
        EXTERNAL_K,
        5,
        word=N_("EXTERNAL"),
        description=N_(
            "External audience: counts under {k} are not shown (<{k}); every count is rounded down to a multiple of 5."
        ),
    ),
}


@dataclass(frozen=True)
class ExportContext:
    """What an export says about itself, printed on it and written to the export log."""

    marking: Marking = field(default_factory=Marking)
    audience: Audience = field(default_factory=lambda: AUDIENCES["internal"])
    filters_text: str = "All cases"
    period: tuple[dt.date, dt.date] | None = None
    data_version: str = ""
    exported_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    sources: tuple[str, ...] = ()
    view_url: str = ""
    langs: tuple[str, ...] = ("en",)
    user: str | None = None

    @property
    def banner(self) -> str:
        """The handling banner: the marking, then the audience it was protected for.

        >>> ExportContext(marking=Marking("TLP:RED", "DIJIN"), audience=AUDIENCES["external"], langs=("es", "en")).banner
        'TLP:RED · DIJIN · EXTERNO / EXTERNAL'
        """
        return f"{self.marking.text} · {bilingual(self.audience.word, self.langs)}"

    def period_text(self) -> str:
        if self.period is None:
            return "—"
        return f"{self.period[0]:%d/%m/%Y} – {self.period[1]:%d/%m/%Y}"

    def footer_lines(self) -> list[str]:
        """The facts every page of an export carries, one per line."""
        sources = ", ".join(self.sources[:6]) + (f" (+{len(self.sources) - 6})" if len(self.sources) > 6 else "")
        lines = [
            bilingual(N_("Filters"), self.langs) + f": {self.filters_text}",
            bilingual(N_("Period"), self.langs) + f": {self.period_text()}",
            bilingual(N_("Data version"), self.langs)
            + f": {self.data_version} · "
            + bilingual(N_("exported"), self.langs)
            + f" {self.exported_at:%d/%m/%Y %H:%M}",
            bilingual(N_("Sources"), self.langs) + f": {sources or '—'}",
            self.audience.notice_in(self.langs),
        ]
        return lines
