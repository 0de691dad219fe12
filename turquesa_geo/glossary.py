"""The terms the dashboard uses, explained for analysts and trainees in English, Spanish, Portuguese and French.

Each term has an id (linked from the pages where it appears: ``?term=<id>`` on the
Glossary page), a title and a short definition per language, and where it applies
the legal source (the United Nations protocols to the Convention against
Transnational Organized Crime, "Palermo protocols", 2000). The texts below are
English gettext message ids (marked ``N_``); the Spanish, Portuguese and French texts live
in the catalogs (see :mod:`turquesa_geo.i18n`). Sources are message ids too (the protocols'
official titles in each language).
"""

from __future__ import annotations

from dataclasses import dataclass

from turquesa_geo.i18n import N_, gettext

__all__ = ["TERMS", "TERM_IDS", "Term", "term"]


@dataclass(frozen=True)
class Term:
    """A glossary entry: title, definition and source, each an English message id."""

    id: str
    title: str
    text: str
    source: str = ""

    def title_in(self, lang: str) -> str:
        """The title in ``lang`` (en, es, pt or fr).

        >>> term("smuggling").title_in("es"), term("smuggling").title_in("en")
        ('Tráfico ilícito de migrantes', 'Smuggling of migrants (SOM)')
        """
        return gettext(lang, self.title)

    def text_in(self, lang: str) -> str:
        """The definition in ``lang`` (en, es, pt or fr)."""
        return gettext(lang, self.text)


TERMS: tuple[Term, ...] = (
    Term(
        "trafficking",
        N_("Trafficking in persons (TIP)"),
        N_(
            "The recruitment, transportation, transfer, harbouring or receipt of persons (the act), by threat, "
            "force, coercion, abduction, fraud, deception, abuse of power or of a position of vulnerability, or "
            "payments to a person in control of the victim (the means), for the purpose of exploitation (the "
            "purpose). A victim's consent is irrelevant once any of the means is used; for a child (under 18) no "
            "means is needed. Trafficking need not cross a border."
        ),
        N_(
            "Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially Women and Children (2000), article 3"
        ),
    ),
    Term(
        "smuggling",
        N_("Smuggling of migrants (SOM)"),
        N_(
            "Procuring, for a financial or other material benefit, the illegal entry of a person into a State of "
            "which the person is not a national or resident. It always crosses a border, and the migrant agrees "
            "to it; it ends on arrival (if exploitation follows, it may become trafficking). Migrants are not "
            "criminally liable for having been smuggled."
        ),
        N_("Protocol against the Smuggling of Migrants by Land, Sea and Air (2000), articles 3 and 5"),
    ),
    Term(
        "exploitation",
        N_("Forms of exploitation"),
        N_(
            "At a minimum: the exploitation of the prostitution of others or other forms of sexual exploitation, "
            "forced labour or services (by sector: agriculture, mining, construction, domestic work...), slavery "
            "or practices similar to slavery, servitude, and the removal of organs. Turquesa also records forced "
            "criminality, forced begging and forced marriage."
        ),
        N_(
            "Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially Women and Children (2000), article 3(a)"
        ),
    ),
    Term(
        "control_methods",
        N_("Methods of control"),
        N_(
            "How traffickers keep victims under control (HTCDS list): threats, physical or sexual violence, debt "
            "bondage, confiscation of documents, isolation, restriction of movement, withholding of wages, "
            "psychological abuse, use of substances, threats against family."
        ),
        N_("IOM Human Trafficking Case Data Standard (HTCDS)"),
    ),
    Term(
        "victim_rights",
        N_("Rights of victims of trafficking"),
        N_(
            "Protection of privacy and identity; information on proceedings and a voice in them; physical, "
            "psychological and social recovery (housing, counselling, medical care, employment and education); "
            "physical safety; the possibility of compensation; residence, temporarily or permanently where "
            "appropriate; safe, preferably voluntary return; and not being punished for offences they were "
            "compelled to commit (non-punishment principle)."
        ),
        N_(
            "Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially Women and Children (2000), articles 6 to 8"
        ),
    ),
    Term(
        "migrant_rights",
        N_("Rights of smuggled migrants"),
        N_(
            "The right to life and not to be subjected to torture or other cruel, inhuman or degrading treatment; "
            "protection against violence; appropriate assistance to those whose life or safety is endangered; "
            "consular notification and communication; special needs of women and children taken into account; "
            "no criminal liability for having been smuggled; and, always, international refugee law and the "
            "principle of non-refoulement."
        ),
        N_("Protocol against the Smuggling of Migrants by Land, Sea and Air (2000), articles 5, 16 and 19"),
    ),
    Term(
        "small_cells",
        N_("Small-cell protection"),
        N_(
            "Counts of 1 to 4 cases or persons read <5 everywhere, and map legs, chart parts and shares built on "
            "them are not drawn: a small number can identify a victim. Where a table shows totals, a second cell "
            "may be hidden (·) so that no hidden one can be worked out; totals of filtered views are rounded to "
            "the nearest 5 so that two neighbouring views cannot be subtracted. External exports hide counts "
            "under 11 and round every count down to a multiple of 5."
        ),
    ),
    Term(
        "inferred_route",
        N_("Inferred routes and legs"),
        N_(
            "About a third of records give origin and destination but not the countries crossed. Turquesa fills "
            "the missing transit legs from the complete records of the same corridor (the most frequent path "
            "between those countries) and draws them dashed and orange; 'Inferred %' says how many of a "
            "corridor's cases rest on such a guess. Read them as probable, not as reported."
        ),
    ),
    Term(
        "corridor",
        N_("Corridor, leg and hub"),
        N_(
            "A corridor is a rebuilt route from origin through transit countries to destination; a leg is the "
            "stretch between two consecutive countries; a hub is a country where corridors start, pass or end, "
            "sized by the cases through it."
        ),
    ),
    Term(
        "networks",
        N_("HTEG, ISON and REDTRAM"),
        N_(
            "INTERPOL's Human Trafficking Expert Group (HTEG) and Operational Network against Smuggling of "
            "Migrants (ISON), and REDTRAM, the Ibero-American network of prosecutors specialised in trafficking "
            "in persons and smuggling of migrants: the specialised networks through which the Cooperation page's "
            "shared corridors can be taken up."
        ),
    ),
    Term(
        "signals",
        N_("Emerging signals"),
        N_(
            "Changes of the latest period against a baseline (24 months by default) per corridor, hub and modus "
            "operandi, each passing an exact test, with the expected share of false signals kept at 5%."
        ),
    ),
    Term(
        "tlp",
        N_("Handling marking (TLP)"),
        N_(
            "The Traffic Light Protocol 2.0 says how far an export may travel: CLEAR (no limit), GREEN (the "
            "community), AMBER (recipients' organisations, need to know), AMBER+STRICT (recipients' organisation "
            "only), RED (the named recipients only)."
        ),
        N_("FIRST Traffic Light Protocol 2.0"),
    ),
)

TERM_IDS = tuple(t.id for t in TERMS)


def term(term_id: str) -> Term:
    """The term with this id.

    >>> term("smuggling").title
    'Smuggling of migrants (SOM)'
    """
    for entry in TERMS:
        if entry.id == term_id:
            return entry
    raise KeyError(f"unknown glossary term {term_id!r}; expected one of {', '.join(TERM_IDS)}")
