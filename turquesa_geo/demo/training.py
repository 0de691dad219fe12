"""Guided exercises for the training mode, checked against the planted truth of the demo generator.

The training store (``turquesa train``) is a fresh synthetic store from
:mod:`turquesa_geo.demo.generator`; its corridors, mixes and trends are known
(``data/DEMO.md``). Each exercise asks what a trainee should read off a page,
offers hints, and checks an answer against that planted truth (never against a
hard-coded string): the corridor weights, person mixes, online-recruitment rise,
pandemic dip and missing-transit share of :mod:`turquesa_geo.demo.truth`, or, for the
last one, the store's export log. Questions and hints are English message ids (``N_``)
shown through the catalogs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from turquesa_geo.corridors import corridor_name
from turquesa_geo.countries import country_name
from turquesa_geo.demo import truth
from turquesa_geo.i18n import N_, gettext
from turquesa_geo.vocab import VOCABULARIES, label

__all__ = ["EXERCISES", "TRAINING_ENV", "Exercise", "exercise"]

#: Environment variable that opens the dashboard in training mode (set by ``turquesa train``).
TRAINING_ENV = "TURQUESA_TRAINING"


@dataclass(frozen=True)
class Exercise:
    """One guided exercise: where to look, the question, hints, answer choices and the check."""

    id: str
    page: str
    #: The question and its hints: English message ids (marked ``N_``), shown through the catalogs.
    question: str
    hints: tuple[str, ...]
    choices: Callable[[], list[str]]
    check: Callable[..., bool]
    glossary: tuple[str, ...] = field(default=())
    #: What the answer codes are: a vocabulary's name, "country" (ISO3), "route" (ISO3>ISO3...),
    #: "choice" (a key of CHOICE_LABELS) or None (shown as they are, e.g. years).
    vocabulary: str | None = None

    def choice_label(self, code: str, lang: str = "en") -> str:
        """An answer code as the trainee reads it, in ``lang``; checks compare codes, never labels."""
        if self.vocabulary == "country":
            return country_name(code, lang)
        if self.vocabulary == "route":
            return corridor_name(code, lang)
        if self.vocabulary == "choice":
            return gettext(lang, CHOICE_LABELS[code])
        if self.vocabulary in VOCABULARIES:
            return label(self.vocabulary, code, lang)
        return str(code)

    def question_in(self, lang: str) -> str:
        """The question in ``lang`` (the English text is the catalogs' message id)."""
        return gettext(lang, self.question)

    def hints_in(self, lang: str) -> list[str]:
        """The hints in ``lang``."""
        return [gettext(lang, hint) for hint in self.hints]


def _route_key(route: tuple[str, ...]) -> str:
    return ">".join(route)


def _corridor(key: str) -> truth.Corridor:
    return next(c for c in truth.DEMO_CORRIDORS if c.key == key)


def _largest() -> truth.Corridor:
    return max(truth.DEMO_CORRIDORS, key=lambda c: c.weight)


def _minor_share(c: truth.Corridor) -> float:
    """Planted share of minors among a corridor's victims or migrants."""
    return sum(share for (_, age), share in zip(truth.PERSON_CELLS, c.person_mix) if age == "minor")


def _female_share(c: truth.Corridor) -> float:
    """Planted share of women and girls among a corridor's victims or migrants."""
    return sum(share for (gender, _), share in zip(truth.PERSON_CELLS, c.person_mix) if gender == "female")


def _top_routes(n: int = 5) -> list[str]:
    return [_route_key(c.route) for c in sorted(truth.DEMO_CORRIDORS, key=lambda c: -c.weight)[:n]]


def _check_pack(_answer: object, export_log: pd.DataFrame | None = None, since: dt.datetime | None = None) -> bool:
    if export_log is None or export_log.empty:
        return False
    log = export_log
    if since is not None:
        log = log[pd.to_datetime(log["exported_at"]) >= pd.Timestamp(since)]
    return bool(
        (
            (log["kind"] == "pack:pdf") & log["marking"].str.startswith("TLP:AMBER") & (log["audience"] == "external")
        ).any()
    )


#: The words of the answer codes that are not a vocabulary's, a country or a corridor (English message ids).
CHOICE_LABELS = {
    "one_to_four": N_("There were between 1 and 4 cases"),
    "no_cases": N_("There were no cases"),
    "exactly_five": N_("There were exactly 5 cases"),
    "missing": N_("The data are missing"),
    "smuggling": N_("Smuggling of migrants"),
    "trafficking": N_("Trafficking in persons"),
    "both": N_("Both"),
    "neither": N_("Neither"),
    "tenth": N_("About a tenth"),
    "third": N_("About a third"),
    "half": N_("About half"),
    "nearly_all": N_("Nearly all"),
    "yes": N_("Yes"),
    "no": N_("No"),
    "done": N_("Done"),
}
_SMALL_CELL_CHOICES = ["one_to_four", "no_cases", "exactly_five", "missing"]
_TIP_SOM_CHOICES = ["smuggling", "trafficking", "both", "neither"]
_TRANSIT_CHOICES = ["tenth", "third", "half", "nearly_all"]
_TRANSIT_SHARES = {"tenth": 0.1, "third": 1 / 3, "half": 0.5, "nearly_all": 0.9}


def _closest_transit_choice() -> str:
    return min(_TRANSIT_SHARES, key=lambda k: abs(_TRANSIT_SHARES[k] - truth.EMPTY_TRANSIT_SHARE))


def _pandemic_year() -> int:
    start, _, _factor = min(truth.PANDEMIC_FACTORS, key=lambda p: p[2])
    return int(start[:4])


def _rising_method() -> str:
    counts: dict[str, float] = {}
    for codes, share in truth.ONLINE_RECRUITMENT:
        for code in codes.split(";"):
            counts[code] = counts.get(code, 0.0) + share
    return max(counts, key=counts.get)


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "largest_corridor",
        N_("Corridor map"),
        N_("Over the whole period, which corridor carries the most cases?"),
        (
            N_("Set the period to all the data, then read the ranked table under the map."),
            N_("Line width on the map is the number of cases on a leg."),
        ),
        _top_routes,
        lambda a: a == _route_key(_largest().route),
        ("corridor",),
        "route",
    ),
    Exercise(
        "darien_transit",
        N_("Corridor map"),
        N_(
            "Smuggled migrants leaving Venezuela for the United States: which country do they cross right "
            "after Colombia?"
        ),
        (
            N_("Filter the origin to Venezuela and the destination to the United States."),
            N_("Follow the widest line south of Central America; hover it for its figures."),
        ),
        lambda: ["PAN", "ECU", "CRI", "BRA"],
        lambda a: a == _largest().route[_largest().route.index("COL") + 1],
        ("corridor",),
        "country",
    ),
    Exercise(
        "online_rise",
        N_("Modus-operandi trends"),
        N_("Which recruitment method rises steadily from 2020 on?"),
        (
            N_("Dimension: recruitment method; show the share, yearly."),
            N_("Look for the line that crosses the others after the grey pandemic band."),
        ),
        lambda: ["internet", "job_offer", "intimate_partner", "familial"],
        lambda a: a == _rising_method(),
        ("signals",),
        "recruitment_method",
    ),
    Exercise(
        "pandemic_dip",
        N_("Overview / Modus-operandi trends"),
        N_("In which year did the number of cases drop sharply?"),
        (N_("Show cases (not shares) per year on the trends page."),),
        lambda: ["2019", "2020", "2022", "2024"],
        lambda a: str(a) == str(_pandemic_year()),
    ),
    Exercise(
        "women_girls",
        N_("Gender and age"),
        N_("Among victims trafficked from Venezuela to Colombia, are most women or girls?"),
        (N_("Filter origin Venezuela, destination Colombia, crime type trafficking."),),
        lambda: ["yes", "no"],
        lambda a: (a == "yes") == (_female_share(_corridor("venezuela_colombia_sexual")) > 0.5),
        ("trafficking",),
        "choice",
    ),
    Exercise(
        "minors_corridor",
        N_("Gender and age"),
        N_("On which corridor are most smuggled migrants children?"),
        (N_("Split by corridor and look at the hatched parts of the bars."),),
        lambda: [
            _route_key(_corridor(k).route)
            for k in ("guatemala_minors_north", "darien_north", "cuba_air_nicaragua", "haiti_dominican_smuggling")
        ],
        lambda a: (
            a
            == _route_key(max((c for c in truth.DEMO_CORRIDORS if c.crime_type == "smuggling"), key=_minor_share).route)
        ),
        ("smuggling",),
        "route",
    ),
    Exercise(
        "missing_transit",
        N_("Corridor map"),
        N_("About what share of records do not say which countries were crossed (the map infers them)?"),
        (N_("The 'Inferred %' column tells, per corridor, how many cases rest on inferred legs."),),
        lambda: list(_TRANSIT_CHOICES),
        lambda a: a == _closest_transit_choice(),
        ("inferred_route",),
        "choice",
    ),
    Exercise(
        "small_cells",
        N_("Any page"),
        N_("A table shows <5 in a cell. What does it tell you?"),
        (N_("Read the glossary entry on small-cell protection."),),
        lambda: list(_SMALL_CELL_CHOICES),
        lambda a: a == _SMALL_CELL_CHOICES[0],
        ("small_cells",),
        "choice",
    ),
    Exercise(
        "tip_or_som",
        N_("Glossary"),
        N_(
            "A woman pays to be taken across a border without papers and is free on arrival. Under the "
            "Palermo protocols this is…"
        ),
        (N_("Smuggling is about illegal entry for a benefit; trafficking is about exploitation."),),
        lambda: list(_TIP_SOM_CHOICES),
        lambda a: a == _TIP_SOM_CHOICES[0],
        ("smuggling", "trafficking"),
        "choice",
    ),
    Exercise(
        "briefing_pack",
        N_("Corridor map → Export this view"),
        N_("Prepare a briefing pack marked TLP:AMBER for an external audience (a partner agency)."),
        (N_("Open 'Export this view', choose Briefing pack, PDF, TLP:AMBER and External; prepare the file."),),
        lambda: ["done"],
        _check_pack,
        ("tlp", "small_cells"),
        "choice",
    ),
)


def exercise(exercise_id: str) -> Exercise:
    """The exercise with this id.

    >>> exercise("small_cells").page
    'Any page'
    """
    for entry in EXERCISES:
        if entry.id == exercise_id:
            return entry
    raise KeyError(f"unknown exercise {exercise_id!r}; expected one of {', '.join(e.id for e in EXERCISES)}")
