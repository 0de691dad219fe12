"""Controlled vocabularies of the canonical model, as plain data.

Each vocabulary is a list of terms with a stable code and English and Spanish
labels (shown in any interface language through the gettext catalogs, see :func:`label`); picklists follow the Human Trafficking Case Data Standard (HTCDS) where it
has one. :func:`resolve_term` accepts a code, either label or a listed alias,
ignoring case, accents and punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from turquesa_geo.columns import MODUS_DIMENSIONS
from turquesa_geo.i18n import gettext, pgettext

__all__ = [
    "DIMENSION_NAMES",
    "MULTI_VALUED",
    "VOCABULARIES",
    "Term",
    "codes",
    "dimension_name",
    "label",
    "normalize_key",
    "resolve_term",
    "suggest_terms",
    "term_key",
    "unmapped_code",
    "unmapped_text",
]


@dataclass(frozen=True)
class Term:
    """One value of a controlled vocabulary."""

    code: str
    en: str
    es: str
    aliases: tuple[str, ...] = field(default=())


def _t(code: str, en: str, es: str, *aliases: str) -> Term:
    return Term(code, en, es, tuple(aliases))


CRIME_TYPE = [
    _t(
        "trafficking", "Trafficking in persons", "Trata de personas", "tip", "trafficking", "human trafficking", "trata"
    ),
    _t(
        "smuggling",
        "Smuggling of migrants",
        "Tráfico ilícito de migrantes",
        "som",
        "smuggling",
        "migrant smuggling",
        "trafico de migrantes",
        "trafico ilicito de migrantes",
        "trafico",
    ),
    _t("both", "Trafficking and smuggling", "Trata y tráfico", "tip+som", "tip/som", "trata y trafico", "ambos"),
]

ROLE = [
    _t("victim", "Victim", "Víctima", "victims", "victimas"),
    _t("migrant", "Smuggled migrant", "Migrante objeto de tráfico", "migrants", "smuggled migrant", "migrante"),
    _t("suspect", "Suspect", "Sospechoso", "suspects", "perpetrator", "offender", "sospechosos", "imputado"),
]

# HTCDS prs_Gender: Male Female Transgender/NonConforming Unknown.
GENDER = [
    _t("female", "Female", "Mujer", "f", "woman", "femenino", "mujer", "feminino"),
    _t("male", "Male", "Hombre", "m", "man", "masculino", "hombre"),
    _t(
        "transgender_nonconforming",
        "Transgender or non-conforming",
        "Transgénero o no conforme",
        "x",
        "transgender/nonconforming",
        "transgender",
        "nonconforming",
        "non-binary",
        "trans",
    ),
    _t("unknown", "Unknown", "Desconocido", "u", "desconocido", "no reportado", "not reported", "n/a"),
]

AGE_GROUP = [
    _t("adult", "Adult", "Adulto", "a", "adults", "adulto", "18+"),
    _t("minor", "Minor", "Menor", "child", "children", "menor", "nino", "nina", "<18"),
    _t("unknown", "Unknown", "Desconocida", "u", "desconocido", "n/a"),
]

EVENT_TYPE = [
    _t("recruitment", "Recruitment", "Captación", "captacion", "reclutamiento"),
    _t("departure", "Departure", "Salida", "salida"),
    _t("transit", "Transit", "Tránsito", "transito"),
    _t("interception", "Interception", "Interceptación", "intercepcion", "detection", "deteccion"),
    _t("arrival", "Arrival", "Llegada", "llegada"),
    _t("exploitation", "Exploitation", "Explotación", "explotacion"),
]

NETWORK = [
    _t("national_police", "National police", "Policía nacional", "police", "policia"),
    _t("prosecution", "Public prosecution", "Fiscalía", "fiscalia", "prosecutor", "ministerio publico"),
    _t("immigration", "Immigration authority", "Autoridad migratoria", "migracion", "border police"),
    _t("ison", "INTERPOL ISON", "INTERPOL ISON", "interpol ison"),
    _t("hteg", "INTERPOL HTEG", "INTERPOL HTEG", "interpol hteg"),
    _t("redtram", "REDTRAM prosecutors' network", "Red REDTRAM de fiscales", "red tram"),
    _t("ngo", "Civil society / NGO", "Sociedad civil / ONG", "ong"),
    _t("international_org", "International organisation", "Organismo internacional", "iom", "oim", "unodc"),
    _t("other", "Other", "Otro", "otro"),
]

# HTCDS vic_MethodOfRecruitment.
RECRUITMENT_METHOD = [
    _t("abduction", "Abduction", "Secuestro", "secuestro"),
    _t("educational_facility", "Educational facility", "Centro educativo"),
    _t("familial", "Familial", "Familiar", "family"),
    _t(
        "internet",
        "Internet (social media, online advertisement)",
        "Internet (redes sociales, anuncios en línea)",
        "online",
        "social media",
        "redes sociales",
        "en linea",
    ),
    _t(
        "marriage_broker",
        "International marriage broker",
        "Agencia matrimonial internacional",
        "imb",
        "International Marriage Broker (IMB)",
    ),
    _t(
        "intimate_partner",
        "Intimate partner / marriage proposition",
        "Pareja íntima / propuesta de matrimonio",
        "lover boy",
        "loverboy",
        "pareja",
    ),
    _t(
        "job_offer",
        "Job offer / advertisement",
        "Oferta de empleo / anuncio",
        "job offer",
        "oferta de trabajo",
        "oferta laboral",
    ),
    _t("posing_as_benefactor", "Posing as benefactor", "Haciéndose pasar por benefactor"),
    _t("public_area", "Public area", "Espacio público"),
    _t("offer_of_accommodation", "Offer of accommodation", "Oferta de alojamiento"),
    _t("shelter", "Shelter", "Albergue"),
    _t("smuggling_ransom", "Smuggling, ransom", "Tráfico, rescate", "ransom"),
    _t("work", "Work", "Trabajo"),
    _t("other", "Other", "Otro"),
    _t("unknown", "Unknown", "Desconocido"),
]

# HTCDS vic_MethodsOfControl.
CONTROL_METHOD = [
    _t("debt_bondage", "Debt bondage", "Servidumbre por deudas", "debtbondage", "deuda"),
    _t("takes_earnings", "Takes earnings", "Retención de ganancias", "takesearnings"),
    _t("restricts_financial_access", "Restricts financial access", "Restricción del acceso financiero"),
    _t("threats", "Threats", "Amenazas", "amenazas"),
    _t("psychological_abuse", "Psychological abuse", "Abuso psicológico", "psychologicalabuse"),
    _t("physical_abuse", "Physical abuse", "Abuso físico", "physicalabuse", "violencia fisica"),
    _t("sexual_abuse", "Sexual abuse", "Abuso sexual", "sexualabuse"),
    _t("false_promises", "False promises", "Falsas promesas", "falsepromises", "engano"),
    _t("psychoactive_substances", "Psychoactive substances", "Sustancias psicoactivas", "drugs"),
    _t("restricts_movement", "Restricts movement", "Restricción de movimiento", "restrictsmovement"),
    _t("restricts_medical_care", "Restricts medical care", "Restricción de atención médica"),
    _t("excessive_working_hours", "Excessive working hours", "Jornadas excesivas"),
    _t("uses_children", "Uses children", "Uso de hijos", "useschildren"),
    _t("threat_of_law_enforcement", "Threat of law enforcement", "Amenaza de denuncia a la autoridad"),
    _t("withholds_necessities", "Withholds necessities", "Privación de necesidades básicas"),
    _t(
        "withholds_documents",
        "Withholds documents",
        "Retención de documentos",
        "withholdsdocuments",
        "retencion de pasaporte",
    ),
    _t("other", "Other", "Otro"),
]

# HTCDS types of sexual and labour exploitation, grouped as the UN protocol's forms.
EXPLOITATION_FORM = [
    _t(
        "sexual",
        "Sexual exploitation",
        "Explotación sexual",
        "sex",
        "prostitution",
        "explotacion sexual",
        "pornography",
        "remote interactive services",
        "private sexual services",
    ),
    _t(
        "forced_labour_agriculture",
        "Forced labour: agriculture",
        "Trabajo forzoso: agricultura",
        "agriculture",
        "agricultura",
    ),
    _t(
        "forced_labour_mining",
        "Forced labour: mining",
        "Trabajo forzoso: minería",
        "mining",
        "mineria",
        "mining or drilling",
    ),
    _t("forced_labour_construction", "Forced labour: construction", "Trabajo forzoso: construcción", "construction"),
    _t(
        "forced_labour_domestic",
        "Forced labour: domestic work",
        "Trabajo forzoso: trabajo doméstico",
        "domestic work",
        "servidumbre domestica",
    ),
    _t("forced_labour_fishing", "Forced labour: fishing", "Trabajo forzoso: pesca", "fishing", "pesca", "aquafarming"),
    _t("forced_labour_manufacturing", "Forced labour: manufacturing", "Trabajo forzoso: manufactura", "manufacturing"),
    _t("forced_labour_hospitality", "Forced labour: hospitality", "Trabajo forzoso: hostelería", "hospitality"),
    _t(
        "forced_labour_other",
        "Forced labour: other sector",
        "Trabajo forzoso: otro sector",
        "forced labour",
        "forced labor",
        "trabajo forzoso",
        "peddling",
        "transportation",
    ),
    _t("forced_criminality", "Forced criminality", "Criminalidad forzada", "illicit activities"),
    _t("begging", "Forced begging", "Mendicidad forzada", "mendicidad"),
    _t("forced_marriage", "Forced marriage", "Matrimonio forzado", "matrimonio servil"),
    _t("organ_removal", "Organ removal", "Extracción de órganos", "organs"),
    _t("other", "Other", "Otra"),
]

TRANSPORT_MODE = [
    _t("land", "Land", "Terrestre", "road", "bus", "foot", "tierra"),
    _t("sea", "Sea", "Marítimo", "maritime", "boat", "mar", "maritima"),
    _t("air", "Air", "Aéreo", "flight", "plane", "aerea", "avion"),
    _t("river", "River", "Fluvial", "fluvial", "rio"),
]

CONCEALMENT = [
    _t("none", "No concealment", "Sin ocultamiento", "no", "ninguno"),
    _t("vehicle_compartment", "Hidden compartment in a vehicle", "Compartimento oculto en vehículo"),
    _t("cargo_truck", "Cargo truck or trailer", "Camión de carga o remolque", "truck", "trailer"),
    _t("container", "Shipping container", "Contenedor", "contenedor"),
    _t("boat", "Small boat or vessel", "Embarcación", "embarcacion", "lancha"),
    _t("clandestine_trail", "Clandestine trail on foot", "Trocha o paso clandestino a pie", "trocha", "trail"),
    _t("false_tourist", "Posing as tourists", "Haciéndose pasar por turistas", "tourist"),
    _t("other", "Other", "Otro"),
]

DOCUMENT_FRAUD = [
    _t("none", "No document fraud", "Sin fraude documental", "no", "ninguno", "false"),
    _t("counterfeit", "Counterfeit document", "Documento falsificado", "forged", "falsificado", "fake"),
    _t("altered", "Altered genuine document", "Documento auténtico alterado", "alterado"),
    _t("fraudulently_obtained", "Fraudulently obtained genuine document", "Documento auténtico obtenido con fraude"),
    _t("impostor", "Impostor (look-alike)", "Impostor (suplantación)", "look-alike", "suplantacion"),
    _t("stolen_blank", "Stolen blank document", "Documento en blanco robado"),
    _t("yes_unspecified", "Document fraud, type not stated", "Fraude documental sin especificar", "yes", "si", "true"),
]

# HTCDS vic_RecruitmentWebsitesAndApps.
PLATFORM = [
    _t("facebook", "Facebook", "Facebook"),
    _t("instagram", "Instagram", "Instagram"),
    _t("whatsapp", "WhatsApp", "WhatsApp"),
    _t("telegram", "Telegram", "Telegram"),
    _t("facebook_messenger", "Facebook Messenger", "Facebook Messenger", "messenger"),
    _t("viber", "Viber", "Viber"),
    _t("snapchat", "Snapchat", "Snapchat"),
    _t("line", "LINE", "LINE"),
    _t("wechat", "WeChat", "WeChat"),
    _t("tiktok", "TikTok", "TikTok"),
    _t("twitter", "X (Twitter)", "X (Twitter)", "x.com"),
    _t("dating_site", "Dating site or app", "Sitio o aplicación de citas", "dating", "citas"),
    _t("job_portal", "Online job portal", "Portal de empleo en línea", "job site"),
    _t("other", "Other", "Otra", "4sale", "qq", "qzone"),
]

LINKED_CRIME = [
    _t("drugs", "Drug trafficking", "Tráfico de drogas", "narcotrafico", "drogas"),
    _t("firearms", "Firearms trafficking", "Tráfico de armas de fuego", "weapons", "armas"),
    _t("document_fraud", "Document fraud", "Fraude documental", "fraude documental"),
    _t("cybercrime", "Cybercrime", "Ciberdelito", "ciberdelincuencia"),
    _t("terrorism", "Terrorism", "Terrorismo"),
    _t("illicit_goods", "Trafficking of illicit goods", "Tráfico de bienes ilícitos", "contraband", "contrabando"),
]

ROUTE_ROLE = [
    _t("origin", "Origin", "Origen"),
    _t("transit", "Transit", "Tránsito"),
    _t("destination", "Destination", "Destino"),
    _t("detection", "Place of detection", "Lugar de detección"),
]

PRECISION = [
    _t("point", "Exact point", "Punto exacto"),
    _t("place", "Town or place", "Localidad"),
    _t("country", "Country only", "Solo país"),
]

# How exact a case's date is: public aggregate sources give a year, or a band of years.
DATE_PRECISION = [
    _t("day", "Day", "Día", "exact", "dia"),
    _t("month", "Month", "Mes", "mes"),
    _t("year", "Year", "Año", "ano"),
    _t("period", "Period of several years", "Período de varios años", "years", "band"),
]

# How exact a case's point is, from the digits the source kept (IOM rounds some years
# to whole degrees, about 100 km).
LOCATION_PRECISION = [
    _t("exact", "Exact point (3 or more decimals)", "Punto exacto (3 o más decimales)", "point"),
    _t("approximate", "Approximate point (1 or 2 decimals)", "Punto aproximado (1 o 2 decimales)"),
    _t(
        "whole_degree",
        "Rounded to whole degrees (about 100 km)",
        "Redondeado a grados enteros (unos 100 km)",
        "degree",
        "rounded",
    ),
    _t("country", "Country only", "Solo país"),
]

#: Every vocabulary by name; the names are also the ``dimension`` values of
#: modus-operandi attributes in the store.
VOCABULARIES: dict[str, list[Term]] = {
    "crime_type": CRIME_TYPE,
    "role": ROLE,
    "gender": GENDER,
    "age_group": AGE_GROUP,
    "event_type": EVENT_TYPE,
    "network": NETWORK,
    "recruitment_method": RECRUITMENT_METHOD,
    "control_method": CONTROL_METHOD,
    "exploitation_form": EXPLOITATION_FORM,
    "transport_mode": TRANSPORT_MODE,
    "concealment": CONCEALMENT,
    "document_fraud": DOCUMENT_FRAUD,
    "platform": PLATFORM,
    "linked_crime": LINKED_CRIME,
    "route_role": ROUTE_ROLE,
    "precision": PRECISION,
    "date_precision": DATE_PRECISION,
    "location_precision": LOCATION_PRECISION,
}

#: Modus-operandi dimensions: multi-valued, stored one row per value.
MULTI_VALUED: tuple[str, ...] = MODUS_DIMENSIONS

_NON_ALNUM = re.compile(r"[^0-9a-z+<]+")


def normalize_key(text: str) -> str:
    """Fold text for lookup: lower case, accents and punctuation removed.

    >>> normalize_key("  Tráfico ilícito de Migrantes ")
    'traficoilicitodemigrantes'
    >>> normalize_key("EE.UU.")
    'eeuu'
    >>> normalize_key("")
    ''
    """
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub("", stripped)


@cache
def _lookup(vocabulary: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for term in VOCABULARIES[vocabulary]:
        for text in (term.code, term.en, term.es, *term.aliases):
            key = normalize_key(text)
            # The first term to claim a key keeps it: codes come before aliases.
            table.setdefault(key, term.code)
    return table


def resolve_term(vocabulary: str, text: str) -> str | None:
    """Return the code of ``text`` in ``vocabulary``, or None if it is not a term.

    Parameters
    ----------
    vocabulary : str
        A key of :data:`VOCABULARIES`.
    text : str
        A code, an English or Spanish label, or an alias, in any case and with or
        without accents.

    >>> resolve_term("crime_type", "Tráfico ilícito de migrantes")
    'smuggling'
    >>> resolve_term("gender", "F")
    'female'
    >>> resolve_term("gender", "z") is None
    True
    """
    if vocabulary not in VOCABULARIES:
        raise KeyError(f"unknown vocabulary {vocabulary!r}; expected one of {sorted(VOCABULARIES)}")
    key = normalize_key(text)
    if not key:
        return None
    return _lookup(vocabulary).get(key)


def codes(vocabulary: str) -> list[str]:
    """Return the codes of a vocabulary in their listed order.

    >>> codes("transport_mode")
    ['land', 'sea', 'air', 'river']
    """
    return [term.code for term in VOCABULARIES[vocabulary]]


#: First character of the code under which a term the vocabulary does not know is kept
#: (no vocabulary code starts with it): ``?oferta de empleo``.
UNMAPPED_PREFIX = "?"


def term_key(text: str) -> str:
    """The key under which a raw term is matched and mapped (:func:`normalize_key`).

    >>> term_key(" Oferta de  EMPLEO ") == term_key("oferta de empleo")
    True
    """
    return normalize_key(text)


def unmapped_code(text: str) -> str:
    """The code a term no vocabulary knows is kept under: the text, lower case, spaces collapsed.

    >>> unmapped_code("  Oferta de   Empleo ")
    '?oferta de empleo'
    """
    return UNMAPPED_PREFIX + " ".join(text.split()).lower()


def unmapped_text(code: str) -> str | None:
    """The raw text of an unmapped code, or None for a vocabulary code.

    >>> unmapped_text("?oferta de empleo"), unmapped_text("fraudulent_job_offer")
    ('oferta de empleo', None)
    """
    return code[len(UNMAPPED_PREFIX) :] if code.startswith(UNMAPPED_PREFIX) else None


def label(vocabulary: str, code: str, lang: str = "en") -> str:
    """Return the label of a code in ``lang`` (en, es, pt or fr); the code itself if unknown.

    A term kept unmapped (:func:`unmapped_code`) reads ``not mapped: 'text'``.

    Labels are translated through the gettext catalogs, with the vocabulary's name as
    context (its English label is the message id); Spanish entries started from the
    ``es`` labels above, which stay here as aliases the importer accepts.

    >>> label("crime_type", "smuggling", "es")
    'Tráfico ilícito de migrantes'
    >>> label("crime_type", "smuggling", "fr")
    'Trafic illicite de migrants'
    >>> label("recruitment_method", "?oferta de empleo")
    "not mapped: 'oferta de empleo'"
    """
    raw = unmapped_text(code)
    if raw is not None:
        return gettext(lang, "not mapped: '{text}'").format(text=raw)
    for term in VOCABULARIES[vocabulary]:
        if term.code == code:
            return term.en if lang == "en" else pgettext(lang, vocabulary, term.en)
    return code


#: The modus-operandi dimensions by name (English message ids of the catalogs).
DIMENSION_NAMES = {
    "recruitment_method": "Recruitment method",
    "control_method": "Control method",
    "exploitation_form": "Exploitation form",
    "transport_mode": "Transport mode",
    "concealment": "Concealment",
    "document_fraud": "Document fraud",
    "platform": "Platform",
    "linked_crime": "Linked crime",
}


def dimension_name(dimension: str, lang: str = "en") -> str:
    """A modus-operandi dimension's name in ``lang``.

    >>> dimension_name("transport_mode"), dimension_name("transport_mode", "es")
    ('Transport mode', 'Modo de transporte')
    """
    return pgettext(lang, "dimension", DIMENSION_NAMES.get(dimension, dimension.replace("_", " ").capitalize()))


def suggest_terms(vocabulary: str, text: str, n: int = 3) -> list[str]:
    """Up to ``n`` codes whose code or labels are close to ``text``, best first (never applied).

    >>> suggest_terms("transport_mode", "aerio")
    ['air']
    """
    from difflib import get_close_matches

    table = _lookup(vocabulary)
    found = get_close_matches(normalize_key(text), list(table), n=n * 3, cutoff=0.6)
    return list(dict.fromkeys(table[key] for key in found))[:n]
