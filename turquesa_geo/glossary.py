"""The terms the dashboard uses, explained for analysts and trainees in English, Spanish, Portuguese and French.

Each term has an id (linked from the pages where it appears: ``?term=<id>`` on the
Glossary page), a title and a short definition per language, and where it applies
the legal source (the United Nations protocols to the Convention against
Transnational Organized Crime, "Palermo protocols", 2000). The English text is the
gettext message id; the Spanish text below started the Spanish catalog, and the
Portuguese and French texts live in their catalogs (see :mod:`turquesa_geo.i18n`).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TERMS", "TERM_IDS", "Term", "term"]


@dataclass(frozen=True)
class Term:
    """A glossary entry: title and definition per language, and its source."""

    id: str
    title: dict[str, str]
    text: dict[str, str]
    source: str = ""

    def title_in(self, lang: str) -> str:
        """The title in ``lang`` (en, es, pt or fr)."""
        return _in(self.title, lang)

    def text_in(self, lang: str) -> str:
        """The definition in ``lang`` (en, es, pt or fr)."""
        return _in(self.text, lang)


def _in(texts: dict[str, str], lang: str) -> str:
    from turquesa_geo.i18n import gettext

    english = texts["en"]
    return english if lang == "en" else gettext(lang, english)


_PALERMO_TIP = "Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially Women and Children (2000)"
_PALERMO_SOM = "Protocol against the Smuggling of Migrants by Land, Sea and Air (2000)"

TERMS: tuple[Term, ...] = (
    Term(
        "trafficking",
        {"en": "Trafficking in persons (TIP)", "es": "Trata de personas"},
        {
            "en": "The recruitment, transportation, transfer, harbouring or receipt of persons (the act), by threat, "
            "force, coercion, abduction, fraud, deception, abuse of power or of a position of vulnerability, or "
            "payments to a person in control of the victim (the means), for the purpose of exploitation (the "
            "purpose). A victim's consent is irrelevant once any of the means is used; for a child (under 18) no "
            "means is needed. Trafficking need not cross a border.",
            "es": "La captación, el transporte, el traslado, la acogida o la recepción de personas (la acción), "
            "recurriendo a la amenaza, la fuerza, la coacción, el rapto, el fraude, el engaño, el abuso de poder o "
            "de una situación de vulnerabilidad, o pagos a quien tiene autoridad sobre la víctima (los medios), con "
            "fines de explotación (el fin). El consentimiento de la víctima no se tiene en cuenta si se usó alguno "
            "de los medios; para un niño o niña (menor de 18) no hace falta ningún medio. La trata no requiere "
            "cruzar una frontera.",
        },
        f"{_PALERMO_TIP}, article 3",
    ),
    Term(
        "smuggling",
        {"en": "Smuggling of migrants (SOM)", "es": "Tráfico ilícito de migrantes"},
        {
            "en": "Procuring, for a financial or other material benefit, the illegal entry of a person into a State of "
            "which the person is not a national or resident. It always crosses a border, and the migrant agrees "
            "to it; it ends on arrival (if exploitation follows, it may become trafficking). Migrants are not "
            "criminally liable for having been smuggled.",
            "es": "La facilitación de la entrada ilegal de una persona en un Estado del que no es nacional ni residente, "
            "con el fin de obtener un beneficio financiero u otro beneficio de orden material. Siempre cruza una "
            "frontera y el migrante consiente; termina a la llegada (si sigue la explotación, puede convertirse en "
            "trata). Los migrantes no son penalmente responsables por haber sido objeto de tráfico.",
        },
        f"{_PALERMO_SOM}, articles 3 and 5",
    ),
    Term(
        "exploitation",
        {"en": "Forms of exploitation", "es": "Formas de explotación"},
        {
            "en": "At a minimum: the exploitation of the prostitution of others or other forms of sexual exploitation, "
            "forced labour or services (by sector: agriculture, mining, construction, domestic work...), slavery "
            "or practices similar to slavery, servitude, and the removal of organs. Turquesa also records forced "
            "criminality, forced begging and forced marriage.",
            "es": "Como mínimo: la explotación de la prostitución ajena u otras formas de explotación sexual, los "
            "trabajos o servicios forzados (por sector: agricultura, minería, construcción, trabajo doméstico...), "
            "la esclavitud o prácticas análogas, la servidumbre y la extracción de órganos. Turquesa registra "
            "además la criminalidad forzada, la mendicidad forzada y el matrimonio forzado.",
        },
        f"{_PALERMO_TIP}, article 3(a)",
    ),
    Term(
        "control_methods",
        {"en": "Methods of control", "es": "Métodos de control"},
        {
            "en": "How traffickers keep victims under control (HTCDS list): threats, physical or sexual violence, debt "
            "bondage, confiscation of documents, isolation, restriction of movement, withholding of wages, "
            "psychological abuse, use of substances, threats against family.",
            "es": "Cómo los tratantes mantienen el control sobre las víctimas (lista HTCDS): amenazas, violencia física o "
            "sexual, servidumbre por deudas, retención de documentos, aislamiento, restricción de movimientos, "
            "retención del salario, abuso psicológico, uso de sustancias, amenazas a la familia.",
        },
        "IOM Human Trafficking Case Data Standard (HTCDS)",
    ),
    Term(
        "victim_rights",
        {"en": "Rights of victims of trafficking", "es": "Derechos de las víctimas de trata"},
        {
            "en": "Protection of privacy and identity; information on proceedings and a voice in them; physical, "
            "psychological and social recovery (housing, counselling, medical care, employment and education); "
            "physical safety; the possibility of compensation; residence, temporarily or permanently where "
            "appropriate; safe, preferably voluntary return; and not being punished for offences they were "
            "compelled to commit (non-punishment principle).",
            "es": "Protección de la privacidad y la identidad; información sobre los procesos y participación en ellos; "
            "recuperación física, psicológica y social (alojamiento, asesoramiento, atención médica, empleo y "
            "educación); seguridad física; posibilidad de indemnización; residencia temporal o permanente cuando "
            "proceda; repatriación segura y preferentemente voluntaria; y no ser castigadas por delitos que fueron "
            "obligadas a cometer (principio de no punición).",
        },
        f"{_PALERMO_TIP}, articles 6 to 8",
    ),
    Term(
        "migrant_rights",
        {"en": "Rights of smuggled migrants", "es": "Derechos de los migrantes objeto de tráfico"},
        {
            "en": "The right to life and not to be subjected to torture or other cruel, inhuman or degrading treatment; "
            "protection against violence; appropriate assistance to those whose life or safety is endangered; "
            "consular notification and communication; special needs of women and children taken into account; "
            "no criminal liability for having been smuggled; and, always, international refugee law and the "
            "principle of non-refoulement.",
            "es": "El derecho a la vida y a no ser sometidos a tortura u otros tratos crueles, inhumanos o degradantes; "
            "protección contra la violencia; asistencia adecuada a quienes corren peligro; notificación y "
            "comunicación consular; atención a las necesidades especiales de mujeres, niñas y niños; ninguna "
            "responsabilidad penal por haber sido objeto de tráfico; y, siempre, el derecho internacional de los "
            "refugiados y el principio de no devolución.",
        },
        f"{_PALERMO_SOM}, articles 5, 16 and 19",
    ),
    Term(
        "small_cells",
        {"en": "Small-cell protection", "es": "Protección de celdas pequeñas"},
        {
            "en": "Counts of 1 to 4 cases or persons read <5 everywhere, and map legs, chart parts and shares built on "
            "them are not drawn: a small number can identify a victim. Where a table shows totals, a second cell "
            "may be hidden (·) so that no hidden one can be worked out; totals of filtered views are rounded to "
            "the nearest 5 so that two neighbouring views cannot be subtracted. External exports hide counts "
            "under 11 and round every count down to a multiple of 5.",
            "es": "Las cifras de 1 a 4 casos o personas se muestran como <5 en todas partes, y no se dibujan los tramos, "
            "partes de gráficos ni porcentajes que dependen de ellas: un número pequeño puede identificar a una "
            "víctima. Donde una tabla muestra totales, puede ocultarse una segunda celda (·) para que ninguna "
            "oculta pueda deducirse; los totales de vistas filtradas se redondean a 5 para que no puedan restarse "
            "dos vistas vecinas. Las exportaciones externas ocultan cifras menores de 11 y redondean cada cifra "
            "hacia abajo a un múltiplo de 5.",
        },
    ),
    Term(
        "inferred_route",
        {"en": "Inferred routes and legs", "es": "Rutas y tramos inferidos"},
        {
            "en": "About a third of records give origin and destination but not the countries crossed. Turquesa fills "
            "the missing transit legs from the complete records of the same corridor (the most frequent path "
            "between those countries) and draws them dashed and orange; 'Inferred %' says how many of a "
            "corridor's cases rest on such a guess. Read them as probable, not as reported.",
            "es": "Cerca de un tercio de los registros indica origen y destino, pero no los países de tránsito. Turquesa "
            "completa los tramos que faltan con los registros completos del mismo corredor (el camino más "
            "frecuente entre esos países) y los dibuja punteados y en naranja; 'Inferido %' indica cuántos casos "
            "del corredor dependen de esa estimación. Léalos como probables, no como informados.",
        },
    ),
    Term(
        "corridor",
        {"en": "Corridor, leg and hub", "es": "Corredor, tramo y nodo"},
        {
            "en": "A corridor is a rebuilt route from origin through transit countries to destination; a leg is the "
            "stretch between two consecutive countries; a hub is a country where corridors start, pass or end, "
            "sized by the cases through it.",
            "es": "Un corredor es una ruta reconstruida desde el origen, por los países de tránsito, hasta el destino; "
            "un tramo es el trayecto entre dos países consecutivos; un nodo es un país donde los corredores "
            "empiezan, pasan o terminan, con un tamaño según los casos que lo atraviesan.",
        },
    ),
    Term(
        "networks",
        {"en": "HTEG, ISON and REDTRAM", "es": "HTEG, ISON y REDTRAM"},
        {
            "en": "INTERPOL's Human Trafficking Expert Group (HTEG) and Operational Network against Smuggling of "
            "Migrants (ISON), and REDTRAM, the Ibero-American network of prosecutors specialised in trafficking "
            "in persons and smuggling of migrants: the specialised networks through which the Cooperation page's "
            "shared corridors can be taken up.",
            "es": "El Grupo de Expertos en Trata de Personas (HTEG) y la Red Operativa contra el Tráfico Ilícito de "
            "Migrantes (ISON) de INTERPOL, y la REDTRAM, Red Iberoamericana de Fiscales Especializados contra la "
            "Trata de Personas y el Tráfico Ilícito de Migrantes: las redes especializadas por las que pueden "
            "abordarse los corredores compartidos de la página de Cooperación.",
        },
    ),
    Term(
        "signals",
        {"en": "Emerging signals", "es": "Señales emergentes"},
        {
            "en": "Changes of the latest period against a baseline (24 months by default) per corridor, hub and modus "
            "operandi, each passing an exact test, with the expected share of false signals kept at 5%.",
            "es": "Cambios del período más reciente frente a una línea de base (24 meses por defecto) por corredor, nodo "
            "y modus operandi, cada uno con una prueba exacta y con la proporción esperada de falsas señales "
            "limitada al 5 %.",
        },
    ),
    Term(
        "tlp",
        {"en": "Handling marking (TLP)", "es": "Marca de manejo (TLP)"},
        {
            "en": "The Traffic Light Protocol 2.0 says how far an export may travel: CLEAR (no limit), GREEN (the "
            "community), AMBER (recipients' organisations, need to know), AMBER+STRICT (recipients' organisation "
            "only), RED (the named recipients only).",
            "es": "El Traffic Light Protocol 2.0 indica hasta dónde puede circular una exportación: CLEAR (sin límite), "
            "GREEN (la comunidad), AMBER (las organizaciones de los destinatarios, según necesidad), AMBER+STRICT "
            "(solo la organización del destinatario), RED (solo los destinatarios nombrados).",
        },
        "FIRST Traffic Light Protocol 2.0",
    ),
)

TERM_IDS = tuple(t.id for t in TERMS)


def term(term_id: str) -> Term:
    """The term with this id.

    >>> term("smuggling").title["es"]
    'Tráfico ilícito de migrantes'
    """
    for entry in TERMS:
        if entry.id == term_id:
            return entry
    raise KeyError(f"unknown glossary term {term_id!r}; expected one of {', '.join(TERM_IDS)}")
