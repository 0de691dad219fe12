"""Controlled vocabularies of the canonical model, as plain data.

Each vocabulary is a list of terms with a stable code and English and Spanish
labels (shown in any interface language through the gettext catalogs, see :func:`label`);
picklists follow the Human Trafficking Case Data Standard (HTCDS) where it has one.
:func:`resolve_term` accepts a code, a label in en/es/pt/fr or a listed alias, ignoring
case, accents, punctuation and plurals; :func:`suggest_terms` offers near misses, never applied.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from rapidfuzz import fuzz, process

from turquesa_geo.columns import MODUS_DIMENSIONS
from turquesa_geo.i18n import LANGUAGES, gettext, pgettext

__all__ = [
    "DIMENSION_NAMES",
    "MULTI_VALUED",
    "SUGGESTION_CUTOFF",
    "VOCABULARIES",
    "Term",
    "ambiguous_keys",
    "closest_codes",
    "codes",
    "comparable_text",
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
        "trafficking",
        "Trafficking in persons",
        "Trata de personas",
        "tip",
        "trafficking",
        "human trafficking",
        "trata",
        "trata de seres humanos",
        "trafico de seres humanos",
        "traite des etres humains",
        "traite",
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
        "contrabando de migrantes",
        "trafic de migrants",
        "coyotaje",
    ),
    _t(
        "both",
        "Trafficking and smuggling",
        "Trata y tráfico",
        "tip+som",
        "tip/som",
        "trata y trafico",
        "ambos",
        "trata e trafico",
        "traite et trafic",
    ),
    _t(
        "migration_deaths",
        "Deaths and disappearances during migration",
        "Muertes y desapariciones durante la migración",
        "missing migrants",
        "migrant deaths",
        "deaths during migration",
        "muertes de migrantes",
        "migrantes desaparecidos",
        "muertes y desapariciones",
        "mortes de migrantes",
        "migrants disparus",
    ),
]

ROLE = [
    _t("victim", "Victim", "Víctima", "victims", "victimas", "persona victima"),
    _t(
        "migrant",
        "Smuggled migrant",
        "Migrante objeto de tráfico",
        "migrants",
        "smuggled migrant",
        "migrante",
        "persona migrante",
        "migrante objeto de trafico ilicito",
    ),
    _t(
        "suspect",
        "Suspect",
        "Sospechoso",
        "suspects",
        "perpetrator",
        "offender",
        "sospechosos",
        "imputado",
        "acusado",
        "investigado",
        "indiciado",
        "tratante",
        "traficante",
        "mis en cause",
    ),
]

# HTCDS prs_Gender: Male Female Transgender/NonConforming Unknown.
GENDER = [
    _t(
        "female",
        "Female",
        "Mujer",
        "f",
        "woman",
        "femenino",
        "mujer",
        "feminino",
        "nina",
        "girl",
        "mulher",
        "menina",
        "femme",
        "fille",
    ),
    _t(
        "male", "Male", "Hombre", "m", "man", "masculino", "hombre", "nino", "boy", "homem", "menino", "homme", "garcon"
    ),
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
        "no binario",
        "nao binario",
        "non binaire",
    ),
    _t("unknown", "Unknown", "Desconocido", "u", "desconocido", "no reportado", "not reported", "n/a", "nao reportado"),
]

AGE_GROUP = [
    _t(
        "adult",
        "Adult",
        "Adulto",
        "a",
        "adults",
        "adulto",
        "18+",
        "mayor de edad",
        "maior de idade",
        "majeur",
    ),
    _t(
        "minor",
        "Minor",
        "Menor",
        "child",
        "children",
        "menor",
        "nino",
        "nina",
        "<18",
        "menor de edad",
        "nna",
        "ninas ninos y adolescentes",
        "adolescente",
        "crianca",
        "enfant",
        "mineure",
    ),
    _t("unknown", "Unknown", "Desconocida", "u", "desconocido", "n/a", "edad desconocida", "idade desconhecida"),
]

EVENT_TYPE = [
    _t("recruitment", "Recruitment", "Captación", "captacion", "reclutamiento", "aliciamento", "recrutamento"),
    _t("departure", "Departure", "Salida", "salida"),
    _t("transit", "Transit", "Tránsito", "transito"),
    _t("interception", "Interception", "Interceptación", "intercepcion", "detection", "deteccion", "deteccao"),
    _t("arrival", "Arrival", "Llegada", "llegada"),
    _t("exploitation", "Exploitation", "Explotación", "explotacion"),
]

NETWORK = [
    _t(
        "national_police",
        "National police",
        "Policía nacional",
        "police",
        "policia",
        "policia nacional civil",
        "policia federal",
        "carabineros",
        "gendarmerie",
        "gendarmeria",
    ),
    _t(
        "prosecution",
        "Public prosecution",
        "Fiscalía",
        "fiscalia",
        "prosecutor",
        "ministerio publico",
        "fiscalia general",
        "fiscal",
        "procuraduria",
        "parquet",
        "procureur",
    ),
    _t(
        "immigration",
        "Immigration authority",
        "Autoridad migratoria",
        "migracion",
        "border police",
        "migracion colombia",
        "instituto nacional de migracion",
        "direccion general de migracion",
        "servicio de migracion",
        "imigracao",
        "policia de fronteras",
        "police aux frontieres",
        "immigration",
    ),
    _t("ison", "INTERPOL ISON", "INTERPOL ISON", "interpol ison"),
    _t("hteg", "INTERPOL HTEG", "INTERPOL HTEG", "interpol hteg"),
    _t("redtram", "REDTRAM prosecutors' network", "Red REDTRAM de fiscales", "red tram"),
    _t(
        "ngo",
        "Civil society / NGO",
        "Sociedad civil / ONG",
        "ong",
        "organizacion no gubernamental",
        "organizacao nao governamental",
        "organisation non gouvernementale",
    ),
    _t(
        "international_org",
        "International organisation",
        "Organismo internacional",
        "iom",
        "oim",
        "unodc",
        "onudd",
        "ilo",
        "oit",
        "unhcr",
        "acnur",
        "unicef",
        "onu",
        "naciones unidas",
        "nacoes unidas",
        "nations unies",
        "united nations",
        "international organization",
    ),
    _t("other", "Other", "Otro", "otro"),
]

# HTCDS vic_MethodOfRecruitment.
RECRUITMENT_METHOD = [
    _t("abduction", "Abduction", "Secuestro", "secuestro", "rapto", "rapt", "kidnapping"),
    _t("educational_facility", "Educational facility", "Centro educativo", "escuela", "colegio", "escola", "school"),
    _t("familial", "Familial", "Familiar", "family", "familia", "famille", "entorno familiar", "pariente"),
    _t(
        "internet",
        "Internet (social media, online advertisement)",
        "Internet (redes sociales, anuncios en línea)",
        "online",
        "social media",
        "redes sociales",
        "en linea",
        "red social",
        "redes sociais",
        "rede social",
        "reseaux sociaux",
        "reseau social",
        "anuncio en internet",
        "anuncio en linea",
        "anuncio on-line",
        "annonce en ligne",
    ),
    _t(
        "marriage_broker",
        "International marriage broker",
        "Agencia matrimonial internacional",
        "imb",
        "International Marriage Broker (IMB)",
        "agencia matrimonial",
        "agencia de casamento",
        "agence matrimoniale",
    ),
    _t(
        "intimate_partner",
        "Intimate partner / marriage proposition",
        "Pareja íntima / propuesta de matrimonio",
        "lover boy",
        "loverboy",
        "pareja",
        "pareja sentimental",
        "novio",
        "novia",
        "relacion sentimental",
        "enamoramiento",
        "promesa de matrimonio",
        "namorado",
        "namorada",
        "parceiro",
        "petit ami",
        "petit copain",
        "relation amoureuse",
        "romance",
    ),
    _t(
        "job_offer",
        "Job offer / advertisement",
        "Oferta de empleo / anuncio",
        "job offer",
        "oferta de trabajo",
        "oferta laboral",
        "oferta de empleo",
        "falsa oferta de empleo",
        "falsa oferta de trabajo",
        "falsa oferta laboral",
        "promesa de empleo",
        "promesa de trabajo",
        "oferta de emprego",
        "oferta de trabalho",
        "falsa oferta de emprego",
        "proposta de emprego",
        "offre d'emploi",
        "fausse offre d'emploi",
        "offre de travail",
        "false job offer",
        "fraudulent job offer",
    ),
    _t(
        "posing_as_benefactor",
        "Posing as benefactor",
        "Haciéndose pasar por benefactor",
        "benefactor",
        "benfeitor",
        "bienfaiteur",
    ),
    _t("public_area", "Public area", "Espacio público", "via publica", "calle", "rua", "voie publique"),
    _t(
        "offer_of_accommodation",
        "Offer of accommodation",
        "Oferta de alojamiento",
        "oferta de vivienda",
        "offre de logement",
    ),
    _t("shelter", "Shelter", "Albergue", "refugio", "casa de acogida", "refuge"),
    _t("smuggling_ransom", "Smuggling, ransom", "Tráfico, rescate", "ransom", "rescate", "resgate", "rancon"),
    _t("work", "Work", "Trabajo", "lugar de trabajo", "workplace", "local de trabalho", "lieu de travail"),
    _t("other", "Other", "Otro"),
    _t("unknown", "Unknown", "Desconocido"),
]

# HTCDS vic_MethodsOfControl.
CONTROL_METHOD = [
    _t(
        "debt_bondage",
        "Debt bondage",
        "Servidumbre por deudas",
        "debtbondage",
        "deuda",
        "esclavitud por deudas",
        "endeudamiento",
        "divida",
        "dette",
    ),
    _t(
        "takes_earnings",
        "Takes earnings",
        "Retención de ganancias",
        "takesearnings",
        "retencion de salario",
        "retencion del salario",
        "retencao de salario",
        "confiscation du salaire",
    ),
    _t("restricts_financial_access", "Restricts financial access", "Restricción del acceso financiero"),
    _t("threats", "Threats", "Amenazas", "amenazas", "intimidacion", "intimidacao", "intimidation"),
    _t(
        "psychological_abuse",
        "Psychological abuse",
        "Abuso psicológico",
        "psychologicalabuse",
        "violencia psicologica",
        "maltrato psicologico",
    ),
    _t(
        "physical_abuse",
        "Physical abuse",
        "Abuso físico",
        "physicalabuse",
        "violencia fisica",
        "maltrato fisico",
        "agresion fisica",
    ),
    _t("sexual_abuse", "Sexual abuse", "Abuso sexual", "sexualabuse", "violencia sexual", "violacion", "abus sexuel"),
    _t(
        "false_promises",
        "False promises",
        "Falsas promesas",
        "falsepromises",
        "engano",
        "promesas falsas",
        "promessas falsas",
        "tromperie",
    ),
    _t(
        "psychoactive_substances",
        "Psychoactive substances",
        "Sustancias psicoactivas",
        "drugs",
        "drogas",
        "drogues",
        "estupefacientes",
    ),
    _t(
        "restricts_movement",
        "Restricts movement",
        "Restricción de movimiento",
        "restrictsmovement",
        "encierro",
        "privacion de libertad",
        "privacion de la libertad",
        "carcere privado",
        "sequestration",
        "enfermement",
    ),
    _t("restricts_medical_care", "Restricts medical care", "Restricción de atención médica"),
    _t("excessive_working_hours", "Excessive working hours", "Jornadas excesivas", "jornadas extenuantes"),
    _t("uses_children", "Uses children", "Uso de hijos", "useschildren"),
    _t(
        "threat_of_law_enforcement",
        "Threat of law enforcement",
        "Amenaza de denuncia a la autoridad",
        "amenaza de denuncia",
        "amenaza de deportacion",
        "ameaca de deportacao",
        "menace d'expulsion",
    ),
    _t(
        "withholds_necessities",
        "Withholds necessities",
        "Privación de necesidades básicas",
        "privacion de alimentos",
        "privacao de alimentos",
    ),
    _t(
        "withholds_documents",
        "Withholds documents",
        "Retención de documentos",
        "withholdsdocuments",
        "retencion de pasaporte",
        "retencion de documentos de identidad",
        "retencion de documentacion",
        "confiscacion de documentos",
        "retencao de passaporte",
        "confiscation du passeport",
        "confiscation des papiers",
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
        "explotacion sexual comercial",
        "escnna",
        "prostitucion",
        "prostituicao",
        "pornografia",
        "pornographie",
    ),
    _t(
        "forced_labour_agriculture",
        "Forced labour: agriculture",
        "Trabajo forzoso: agricultura",
        "agriculture",
        "agricultura",
        "trabajo agricola",
    ),
    _t(
        "forced_labour_mining",
        "Forced labour: mining",
        "Trabajo forzoso: minería",
        "mining",
        "mineria",
        "mining or drilling",
        "mineracao",
        "mines",
    ),
    _t(
        "forced_labour_construction",
        "Forced labour: construction",
        "Trabajo forzoso: construcción",
        "construction",
        "construccion",
        "construcao",
    ),
    _t(
        "forced_labour_domestic",
        "Forced labour: domestic work",
        "Trabajo forzoso: trabajo doméstico",
        "domestic work",
        "servidumbre domestica",
        "trabajo domestico",
        "trabalho domestico",
        "travail domestique",
        "servitude domestique",
    ),
    _t(
        "forced_labour_fishing",
        "Forced labour: fishing",
        "Trabajo forzoso: pesca",
        "fishing",
        "pesca",
        "aquafarming",
        "peche",
    ),
    _t(
        "forced_labour_manufacturing",
        "Forced labour: manufacturing",
        "Trabajo forzoso: manufactura",
        "manufacturing",
        "manufactura",
        "industria",
        "industrie",
    ),
    _t(
        "forced_labour_hospitality",
        "Forced labour: hospitality",
        "Trabajo forzoso: hostelería",
        "hospitality",
        "hosteleria",
        "hoteleria",
        "hotelaria",
        "hotellerie",
    ),
    _t(
        "forced_labour_other",
        "Forced labour: other sector",
        "Trabajo forzoso: otro sector",
        "forced labour",
        "forced labor",
        "trabajo forzoso",
        "peddling",
        "transportation",
        "trabajos forzados",
        "trabajo esclavo",
        "explotacion laboral",
        "trabalho forcado",
        "trabalho escravo",
        "exploracao laboral",
        "travail force",
        "exploitation par le travail",
        "labour exploitation",
        "labor exploitation",
    ),
    _t(
        "forced_criminality",
        "Forced criminality",
        "Criminalidad forzada",
        "illicit activities",
        "actividades delictivas",
        "actividades ilicitas",
        "delitos forzados",
    ),
    _t("begging", "Forced begging", "Mendicidad forzada", "mendicidad", "mendicancia", "mendicidade", "mendicite"),
    _t(
        "forced_marriage",
        "Forced marriage",
        "Matrimonio forzado",
        "matrimonio servil",
        "matrimonio forzoso",
        "union forzada",
    ),
    _t(
        "organ_removal",
        "Organ removal",
        "Extracción de órganos",
        "organs",
        "trafico de organos",
        "trafic d'organes",
        "organ trafficking",
    ),
    _t("other", "Other", "Otra"),
]

TRANSPORT_MODE = [
    _t(
        "land",
        "Land",
        "Terrestre",
        "road",
        "bus",
        "foot",
        "tierra",
        "a pie",
        "por tierra",
        "via terrestre",
        "carretera",
        "autobus",
        "vehiculo",
        "a pe",
        "onibus",
        "rodoviario",
        "a pied",
        "par la route",
        "routier",
    ),
    _t(
        "sea",
        "Sea",
        "Marítimo",
        "maritime",
        "boat",
        "mar",
        "maritima",
        "via maritima",
        "por mar",
        "lancha",
        "barco",
        "bote",
        "yola",
        "cayuco",
        "patera",
        "balsa",
        "bateau",
        "par mer",
    ),
    _t(
        "air",
        "Air",
        "Aéreo",
        "flight",
        "plane",
        "aerea",
        "avion",
        "via aerea",
        "por aire",
        "vuelo",
        "aviao",
        "voo",
        "par avion",
    ),
    _t(
        "river", "River", "Fluvial", "fluvial", "rio", "via fluvial", "por rio", "canoa", "riviere", "fleuve", "pirogue"
    ),
]

CONCEALMENT = [
    _t("none", "No concealment", "Sin ocultamiento", "no", "ninguno", "ninguna", "nenhum", "aucune"),
    _t(
        "vehicle_compartment",
        "Hidden compartment in a vehicle",
        "Compartimento oculto en vehículo",
        "doble fondo",
        "caleta",
        "compartimiento oculto",
    ),
    _t(
        "cargo_truck",
        "Cargo truck or trailer",
        "Camión de carga o remolque",
        "truck",
        "trailer",
        "camion",
        "furgon",
        "caminhao",
    ),
    _t("container", "Shipping container", "Contenedor", "contenedor"),
    _t("boat", "Small boat or vessel", "Embarcación", "embarcacion", "lancha"),
    _t(
        "clandestine_trail",
        "Clandestine trail on foot",
        "Trocha o paso clandestino a pie",
        "trocha",
        "trail",
        "paso clandestino",
        "paso irregular",
        "trilha",
        "sentier",
    ),
    _t("false_tourist", "Posing as tourists", "Haciéndose pasar por turistas", "tourist", "turista", "touriste"),
    _t("other", "Other", "Otro"),
]

DOCUMENT_FRAUD = [
    _t("none", "No document fraud", "Sin fraude documental", "no", "ninguno", "false", "nenhum", "aucune", "non"),
    _t(
        "counterfeit",
        "Counterfeit document",
        "Documento falsificado",
        "forged",
        "falsificado",
        "fake",
        "documento falso",
        "pasaporte falso",
        "pasaporte falsificado",
        "visa falsa",
        "cedula falsa",
        "passaporte falso",
        "faux passeport",
        "faux document",
        "faux papiers",
    ),
    _t("altered", "Altered genuine document", "Documento auténtico alterado", "alterado", "documento alterado"),
    _t(
        "fraudulently_obtained",
        "Fraudulently obtained genuine document",
        "Documento auténtico obtenido con fraude",
        "obtenido fraudulentamente",
    ),
    _t(
        "impostor",
        "Impostor (look-alike)",
        "Impostor (suplantación)",
        "look-alike",
        "suplantacion",
        "suplantacion de identidad",
        "uso de documento ajeno",
        "usurpation d'identite",
    ),
    _t("stolen_blank", "Stolen blank document", "Documento en blanco robado"),
    _t(
        "yes_unspecified",
        "Document fraud, type not stated",
        "Fraude documental sin especificar",
        "yes",
        "si",
        "true",
        "sim",
        "oui",
        "fraude documental",
        "fraude documentaire",
        "documento fraudulento",
        "visa fraudulenta",
        "visto fraudulento",
    ),
]

# HTCDS vic_RecruitmentWebsitesAndApps.
PLATFORM = [
    _t("facebook", "Facebook", "Facebook", "fb", "face"),
    _t("instagram", "Instagram", "Instagram", "ig", "insta"),
    _t("whatsapp", "WhatsApp", "WhatsApp", "whats app", "whatsap", "wasap", "wsp", "zap"),
    _t("telegram", "Telegram", "Telegram"),
    _t("facebook_messenger", "Facebook Messenger", "Facebook Messenger", "messenger"),
    _t("viber", "Viber", "Viber"),
    _t("snapchat", "Snapchat", "Snapchat"),
    _t("line", "LINE", "LINE"),
    _t("wechat", "WeChat", "WeChat"),
    _t("tiktok", "TikTok", "TikTok"),
    _t("twitter", "X (Twitter)", "X (Twitter)", "x.com"),
    _t(
        "dating_site",
        "Dating site or app",
        "Sitio o aplicación de citas",
        "dating",
        "citas",
        "app de citas",
        "aplicativo de namoro",
        "site de rencontre",
        "tinder",
        "badoo",
    ),
    _t(
        "job_portal",
        "Online job portal",
        "Portal de empleo en línea",
        "job site",
        "portal de empleo",
        "bolsa de empleo",
        "bolsa de trabajo",
        "site d'emploi",
    ),
    _t("other", "Other", "Otra", "4sale", "qq", "qzone"),
]

LINKED_CRIME = [
    _t(
        "drugs",
        "Drug trafficking",
        "Tráfico de drogas",
        "narcotrafico",
        "drogas",
        "trafico de estupefacientes",
        "narcotrafic",
        "trafic de stupefiants",
    ),
    _t("firearms", "Firearms trafficking", "Tráfico de armas de fuego", "weapons", "armas", "trafico de armas"),
    _t(
        "document_fraud",
        "Document fraud",
        "Fraude documental",
        "fraude documental",
        "falsificacion de documentos",
        "falsificacao de documentos",
    ),
    _t("cybercrime", "Cybercrime", "Ciberdelito", "ciberdelincuencia", "delito informatico", "cibercrime"),
    _t("terrorism", "Terrorism", "Terrorismo"),
    _t(
        "illicit_goods",
        "Trafficking of illicit goods",
        "Tráfico de bienes ilícitos",
        "contraband",
        "contrabando",
        "contrebande",
    ),
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
    # Not "years": read in the singular it would also name "year".
    _t("period", "Period of several years", "Período de varios años", "several years", "varios anos", "band"),
    # A record of a person whose date is not known at all (CTDC victims without a year):
    # stored on columns.UNDATED, counted in the store's totals, in no period or series.
    _t("unknown", "Date unknown", "Fecha desconocida", "no date", "sin fecha", "date unknown"),
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

#: Words for "other" and "unknown" in the four interface languages, accepted by every
#: term with that code (plurals come from the singular rule of :func:`resolve_term`).
_SHARED_ALIASES: dict[str, tuple[str, ...]] = {
    "other": ("otro", "otra", "outro", "outra", "autre"),
    "unknown": (
        "desconocido",
        "desconocida",
        "desconhecido",
        "desconhecida",
        "inconnu",
        "inconnue",
        "sin dato",
        "sin informacion",
        "no especificado",
        "nao informado",
        "ignorado",
        "non renseigne",
    ),
}
_NON_ALNUM = re.compile(r"[^0-9a-z+<]+")
#: Words that carry no meaning in a comparison, in en, es, pt and fr (accents folded).
_FILLER_WORDS = frozenset(
    "a an and the of for by on in or to with "
    "de del la las el los lo un una unos unas y e o u en con por para al "
    "do da dos das um uma uns umas ou em no na nos nas com pelo pela ao aos "
    "d l le les des du un une et au aux ou en par pour avec sur".split()
)
_PARENTHESIS = re.compile(r"\(([^)]*)\)")
#: Words shorter than this keep their ending: "mes" is a month, not a plural.
_MIN_STEMMED_WORD = 4
#: A text shorter than this is compared whole, never looked for inside another: a short
#: text is contained in almost anything ("mar" in "martes").
_MIN_PARTIAL_CHARS = 4
#: The least similarity (0-100, see :func:`closest_codes`) of a suggestion; below it, nothing is suggested.
SUGGESTION_CUTOFF = 80.0


def _fold_words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return [word for word in _NON_ALNUM.split(stripped) if word]


def normalize_key(text: str) -> str:
    """Fold text for lookup: lower case, accents and punctuation removed.

    >>> normalize_key("  Tráfico ilícito de Migrantes ")
    'traficoilicitodemigrantes'
    >>> normalize_key("EE.UU.")
    'eeuu'
    >>> normalize_key("")
    ''
    """
    return "".join(_fold_words(text))


def comparable_text(text: str) -> str:
    """Fold text for fuzzy comparison: as :func:`normalize_key`, words apart, filler words dropped.

    Filler words (articles, prepositions, conjunctions of the four languages) would make
    any two phrases that share a "de" look alike.

    >>> comparable_text("  Offre d'EMPLOI / Annonce ")
    'offre emploi annonce'
    >>> comparable_text("Oferta de empleo"), comparable_text("de la"), comparable_text("")
    ('oferta empleo', '', '')
    """
    return " ".join(word for word in _fold_words(text) if word not in _FILLER_WORDS)


def _singular(word: str) -> str:
    # One rule for both sides of a lookup, so singular and plural meet halfway:
    # "redes"/"red", "sociales"/"social", "mujeres"/"mujer", "nombres"/"nombre" -> red, social, mujer, nombr.
    if len(word) < _MIN_STEMMED_WORD:
        return word
    word = word.removesuffix("s")
    return word.removesuffix("e") if len(word) >= _MIN_STEMMED_WORD else word


def _singular_key(text: str) -> str:
    return "".join(_singular(word) for word in _fold_words(text))


def _label_variants(text: str) -> list[str]:
    """A label, its parts around " / ", and the label without and within its parentheses."""
    bare = " ".join(_PARENTHESIS.sub(" ", text).split())
    whole = [text, bare, *_PARENTHESIS.findall(text)]
    parts = [part for variant in whole for part in variant.split(" / ")]
    return list(dict.fromkeys(variant.strip() for variant in whole + parts if variant.strip()))


def _term_texts(vocabulary: str, term: Term) -> list[str]:
    """Every text that names ``term``: its code, its labels in every language (and their parts), its aliases."""
    labels = [term.en, term.es, *(pgettext(lang, vocabulary, term.en) for lang in LANGUAGES if lang != "en")]
    variants = [variant for text in labels for variant in _label_variants(text)]
    return [term.code, *variants, *term.aliases, *_SHARED_ALIASES.get(term.code, ())]


@cache
def _claims(vocabulary: str) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """The codes claiming each key, as written (normalised) and in the singular."""
    exact: dict[str, set[str]] = {}
    singular: dict[str, set[str]] = {}
    for term in VOCABULARIES[vocabulary]:
        for text in _term_texts(vocabulary, term):
            exact.setdefault(normalize_key(text), set()).add(term.code)
            singular.setdefault(_singular_key(text), set()).add(term.code)
    return (
        {key: frozenset(codes) for key, codes in exact.items() if key},
        {key: frozenset(codes) for key, codes in singular.items() if key},
    )


@cache
def _lookup(vocabulary: str) -> tuple[dict[str, str], dict[str, str]]:
    exact, singular = _claims(vocabulary)
    return _claimed_once(exact), _claimed_once(singular)


def _claimed_once(claims: dict[str, frozenset[str]]) -> dict[str, str]:
    # A key two codes claim names neither: resolving it would be a guess.
    return {key: next(iter(codes)) for key, codes in claims.items() if len(codes) == 1}


def _check_vocabulary(vocabulary: str) -> None:
    if vocabulary not in VOCABULARIES:
        raise KeyError(f"unknown vocabulary {vocabulary!r}; expected one of {sorted(VOCABULARIES)}")


def resolve_term(vocabulary: str, text: str) -> str | None:
    """Return the code of ``text`` in ``vocabulary``, or None if it is not a term.

    Exact after normalisation, never a guess: see :func:`suggest_terms` for near misses.

    Parameters
    ----------
    vocabulary : str
        A key of :data:`VOCABULARIES`.
    text : str
        A code, a label in English, Spanish, Portuguese or French (the catalogs'
        translations, or a part of one around " / " or in parentheses), or an alias
        (common agency wording), in any case, with or without accents, singular or
        plural.

    Returns
    -------
    str or None
        The code, or None when no term, or more than one, has that name.

    Examples
    --------
    >>> resolve_term("crime_type", "Tráfico ilícito de migrantes")
    'smuggling'
    >>> resolve_term("recruitment_method", "Offre d'emploi"), resolve_term("recruitment_method", "REDES SOCIAIS")
    ('job_offer', 'internet')
    >>> resolve_term("control_method", "amenaza"), resolve_term("gender", "Mujeres")
    ('threats', 'female')
    >>> resolve_term("gender", "F")
    'female'
    >>> resolve_term("gender", "z") is None, resolve_term("gender", " ") is None
    (True, True)
    """
    _check_vocabulary(vocabulary)
    key = normalize_key(text)
    if not key:
        return None
    exact, singular = _lookup(vocabulary)
    return exact.get(key) or singular.get(_singular_key(text))


def ambiguous_keys(vocabulary: str) -> dict[str, list[str]]:
    """Keys (normalised, or in the singular) that two or more codes of ``vocabulary`` claim.

    Such a key resolves to nothing; a sound vocabulary has none.

    >>> ambiguous_keys("transport_mode")
    {}
    """
    _check_vocabulary(vocabulary)
    found: dict[str, set[str]] = {}
    for table in _claims(vocabulary):
        for key, codes in table.items():
            if len(codes) > 1:
                found.setdefault(key, set()).update(codes)
    return {key: sorted(codes) for key, codes in sorted(found.items())}


def suggest_terms(vocabulary: str, text: str, n: int = 3) -> list[str]:
    """Up to ``n`` codes of ``vocabulary`` whose names are close to ``text``, best first.

    Compares ``text`` with every label (four languages) and alias of every term with
    rapidfuzz; for an analyst to choose from, never applied automatically.

    Parameters
    ----------
    vocabulary : str
        A key of :data:`VOCABULARIES`.
    text : str
        A raw term that :func:`resolve_term` did not know.
    n : int, default 3
        Maximum number of codes, at least 1.

    Returns
    -------
    list of str
        Distinct codes, best match first; empty when nothing is close.

    Examples
    --------
    >>> suggest_terms("recruitment_method", "oferta d empleo")[0]
    'job_offer'
    >>> suggest_terms("transport_mode", "maritimo por lancha", n=1)
    ['sea']
    >>> suggest_terms("recruitment_method", "qqqqqq"), suggest_terms("recruitment_method", "")
    ([], [])
    """
    _check_vocabulary(vocabulary)
    return closest_codes(comparable_text(text), _suggestion_choices(vocabulary), n)


@cache
def _suggestion_choices(vocabulary: str) -> dict[str, str]:
    """Comparable text -> code, for every text of the vocabulary that names one term."""
    exact, _ = _lookup(vocabulary)
    choices: dict[str, str] = {}
    for term in VOCABULARIES[vocabulary]:
        for text in _term_texts(vocabulary, term):
            comparable = comparable_text(text)
            if comparable and exact.get(normalize_key(text)) == term.code:
                choices.setdefault(comparable, term.code)
    return choices


def closest_codes(text: str, choices: Mapping[str, str], n: int = 3, cutoff: float = SUGGESTION_CUTOFF) -> list[str]:
    """Up to ``n`` distinct codes whose choice texts are closest to ``text``, best first.

    Similarity is rapidfuzz's: the better of the plain and the word-order-free ratio
    and, when one text is much longer, the best-matching part of it, scaled down as
    rapidfuzz's ``WRatio`` does. Unlike ``WRatio``, one shared word is not a match.
    A code's score is that of its closest text; ties keep the choices' order.

    Parameters
    ----------
    text : str
        The text to match, as :func:`comparable_text` gives it.
    choices : Mapping[str, str]
        Comparable text -> code.
    n : int, default 3
        Maximum number of codes, at least 1.
    cutoff : float, default :data:`SUGGESTION_CUTOFF`
        The least similarity kept.

    Returns
    -------
    list of str
        Distinct codes, best first; empty when no choice is close enough.

    Examples
    --------
    >>> closest_codes("colombai", {"colombia": "COL", "panama": "PAN", "bolivia": "BOL"})
    ['COL']
    >>> closest_codes("amenazas muerte", {"amenazas": "threats", "muerte": "other"}, n=1)
    ['threats']
    >>> closest_codes("", {"colombia": "COL"}), closest_codes("martes", {"mar": "sea"})
    ([], [])
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n!r}")
    if not text:
        return []
    texts = list(choices)
    # WRatio (compiled) scores at least 0.95 of _similarity: it only narrows the field, fast.
    narrowed = process.extract(text, texts, scorer=fuzz.WRatio, processor=None, score_cutoff=0.95 * cutoff, limit=None)
    scored = [(_similarity(text, texts[index]), index) for _, _, index in narrowed]
    ranked = sorted((-score, index) for score, index in scored if score >= cutoff)
    return list(dict.fromkeys(choices[texts[index]] for _, index in ranked))[:n]


def _similarity(text: str, choice: str) -> float:
    # WRatio's steps without its token-set ones, which score any shared word ("republica") as a match.
    whole = max(fuzz.ratio(text, choice), fuzz.token_sort_ratio(text, choice))
    shorter, longer = sorted((len(text), len(choice)))
    if shorter < _MIN_PARTIAL_CHARS or longer < 1.5 * shorter:
        return whole
    scale = 0.9 if longer < 8 * shorter else 0.6
    return max(whole, fuzz.partial_ratio(text, choice) * scale)


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
    """The key under which a raw term is matched and mapped: folded like :func:`normalize_key`,
    each word in the singular, so one mapping covers both numbers.

    >>> term_key(" Ofertas de  EMPLEO ") == term_key("oferta de empleo")
    True
    """
    return _singular_key(text)


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
