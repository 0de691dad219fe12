"""The demo's planted truth: corridors, places, sources, person and modus-operandi mixes, and trends.

Plain data read by the generator (:mod:`turquesa_geo.demo.generator`), the training exercises and the
tests; described in ``data/DEMO.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from turquesa_geo import columns as col

__all__ = [
    "BOTH_SHARE",
    "CYBERCRIME_SHARE_OFFLINE",
    "CYBERCRIME_SHARE_ONLINE",
    "DEMO_CORRIDORS",
    "DEMO_COUNTRY_NAMES",
    "DEMO_COUNT_COLUMNS",
    "DEMO_END",
    "DEMO_PLACES",
    "DEMO_SOURCES",
    "DEMO_START",
    "EMPTY_TRANSIT_SHARE",
    "FRAUD_TYPE_MIX",
    "JITTER_DEGREES",
    "LARGE_GROUP_LOG_MEDIAN",
    "LARGE_GROUP_MIN",
    "NETWORK_SHARES",
    "ONLINE_RAMP",
    "ONLINE_RECRUITMENT",
    "ONLINE_SHARE_AFTER",
    "ONLINE_SHARE_BEFORE",
    "ONLINE_SHARE_STATIONARY",
    "PANDEMIC_FACTORS",
    "PERSON_CELLS",
    "PLATFORM_MIX",
    "SUSPECT_CELLS",
    "SUSPECT_UNKNOWN_SHARE",
    "TRUTH_CORRIDOR",
    "TWO_POINT_SHARE",
    "VOLUME_GROWTH_PER_YEAR",
    "WOMEN_AND_GIRLS",
    "Corridor",
    "Mix",
    "Place",
    "Source",
    "expected_online_share",
    "online_share",
]

Mix = tuple[tuple[str, float], ...]

DEMO_START = "2018-01-01"
DEMO_END = "2026-09-30"

#: Name of the optional column holding each row's true corridor key.
TRUTH_CORRIDOR = "demo_corridor"

BOTH_SHARE = 0.05
TWO_POINT_SHARE = 0.10
#: Share of records with an empty transit on corridors that have transits
#: (two-point records included).
EMPTY_TRANSIT_SHARE = 1 / 3
#: Half-width of the uniform jitter added to a place's coordinates; every place
#: lies at least 2 km inside its country, the jitter at most 0.8 km.
JITTER_DEGREES = 0.005

VOLUME_GROWTH_PER_YEAR = 0.05
#: (first day, last day, factor on case volume): the pandemic dip and recovery.
PANDEMIC_FACTORS: tuple[tuple[str, str, float], ...] = (
    ("2020-04-01", "2020-12-31", 0.42),
    ("2021-01-01", "2021-12-31", 0.75),
)

ONLINE_SHARE_BEFORE = 0.10
ONLINE_SHARE_AFTER = 0.60
#: The share of internet recruitment rises linearly between these two days.
ONLINE_RAMP = ("2020-01-01", "2025-01-01")
ONLINE_SHARE_STATIONARY = 0.35
ONLINE_RECRUITMENT: Mix = (("internet", 0.65), ("internet;job_offer", 0.25), ("internet;intimate_partner", 0.10))
PLATFORM_MIX: Mix = (
    ("whatsapp", 0.22),
    ("facebook", 0.18),
    ("facebook;whatsapp", 0.14),
    ("tiktok", 0.12),
    ("tiktok;whatsapp", 0.08),
    ("instagram", 0.08),
    ("telegram", 0.05),
    ("facebook_messenger", 0.04),
    ("job_portal", 0.05),
    ("dating_site", 0.04),
)
FRAUD_TYPE_MIX: Mix = (
    ("counterfeit", 0.40),
    ("altered", 0.20),
    ("fraudulently_obtained", 0.15),
    ("impostor", 0.15),
    ("stolen_blank", 0.05),
    ("yes_unspecified", 0.05),
)
CYBERCRIME_SHARE_ONLINE = 0.30
CYBERCRIME_SHARE_OFFLINE = 0.01

#: (gender, age_group) cells of victims and migrants, and of suspects.
PERSON_CELLS: tuple[tuple[str, str], ...] = (
    ("female", "adult"),
    ("female", "minor"),
    ("male", "adult"),
    ("male", "minor"),
    ("transgender_nonconforming", "adult"),
    ("unknown", "unknown"),
)
SUSPECT_CELLS: tuple[tuple[str, str], ...] = (("female", "adult"), ("male", "adult"), ("unknown", "unknown"))
SUSPECT_UNKNOWN_SHARE = 0.05
LARGE_GROUP_LOG_MEDIAN = 3.2
LARGE_GROUP_MIN = 5

DEMO_COUNT_COLUMNS: tuple[str, ...] = tuple(
    name
    for name in col.COUNT_COLUMNS
    if col.parse_count_column(name)
    in {
        *(("victim", g, a) for g, a in PERSON_CELLS),
        *(("migrant", g, a) for g, a in PERSON_CELLS),
        *(("suspect", g, a) for g, a in SUSPECT_CELLS),
    }
)


@dataclass(frozen=True)
class Place:
    """A detection place: a crossing, port, airport or city, at least 2 km inside its country."""

    iso3: str
    name: str
    lon: float
    lat: float


@dataclass(frozen=True)
class Source:
    """A reporting agency; ``iso3`` None marks a regional network reporting from the detection country."""

    name: str
    network: str
    iso3: str | None


@dataclass(frozen=True)
class Corridor:
    """One planted corridor: its route, share of cases and modus operandi.

    ``weight`` is the corridor's share of records. ``route`` runs from origin through
    transits to destination; a domestic corridor repeats its country (``("VEN", "VEN")``).
    ``person_mix`` gives the shares of victims or migrants over :data:`PERSON_CELLS`;
    ``detection`` the detection places (names of :data:`DEMO_PLACES`) and their shares. When ``origin_mix`` is set,
    origin and nationality are drawn from it and the rest of the route is ``route[1:]``.
    ``exploitation``, ``recruitment`` and ``control`` apply to trafficking and
    "both" records only; ``online_surge`` = (first day, internet share) is planted
    on top of the regional online-recruitment curve.
    """

    key: str
    name: str
    crime_type: str
    route: tuple[str, ...]
    weight: float
    detection: Mix
    person_mix: tuple[float, ...]
    group_mean: float
    transport: Mix
    concealment: Mix
    exploitation: Mix
    recruitment: Mix
    control: Mix
    origin_mix: Mix = ()
    large_group_share: float = 0.0
    suspects_mean: float = 1.0
    suspect_female_share: float = 0.10
    document_fraud_share: float = 0.05
    drugs_share: float = 0.02
    firearms_share: float = 0.005
    illicit_goods_share: float = 0.01
    online_surge: tuple[str, float] | None = None

    @property
    def origin(self) -> str:
        """The main origin country."""
        return self.route[0]

    @property
    def transits(self) -> tuple[str, ...]:
        """Transit countries in order (empty for direct and domestic corridors)."""
        return self.route[1:-1]

    @property
    def destination(self) -> str:
        """The destination country."""
        return self.route[-1]

    @property
    def main_exploitation(self) -> str:
        """The first form of the most frequent exploitation value."""
        return max(self.exploitation, key=lambda entry: entry[1])[0].split(col.MULTI_SEPARATOR)[0]


DEMO_COUNTRY_NAMES: dict[str, str] = {
    "AFG": "Afganistán",
    "AGO": "Angola",
    "ARG": "Argentina",
    "BGD": "Bangladés",
    "BOL": "Bolivia",
    "BRA": "Brasil",
    "CHL": "Chile",
    "CHN": "China",
    "CMR": "Camerún",
    "COL": "Colombia",
    "CRI": "Costa Rica",
    "CUB": "Cuba",
    "DOM": "República Dominicana",
    "ECU": "Ecuador",
    "GTM": "Guatemala",
    "HND": "Honduras",
    "HTI": "Haití",
    "IND": "India",
    "MEX": "México",
    "NIC": "Nicaragua",
    "NPL": "Nepal",
    "PAN": "Panamá",
    "PER": "Perú",
    "PRY": "Paraguay",
    "TTO": "Trinidad y Tobago",
    "USA": "Estados Unidos",
    "VEN": "Venezuela",
}

# Each point was checked against Natural Earth 1:10m countries: inside its country
# and at least 2 km from any border or coast, so the jitter cannot leave it.
DEMO_PLACES: tuple[Place, ...] = (
    Place("COL", "Necoclí", -76.7500, 8.4300),
    Place("COL", "Cúcuta", -72.5078, 7.8939),
    Place("COL", "Bogotá", -74.0721, 4.7110),
    Place("COL", "Medellín", -75.5812, 6.2442),
    Place("COL", "Ipiales", -77.6444, 0.8302),
    Place("PAN", "Metetí", -77.9750, 8.4995),
    Place("CRI", "Paso Canoas", -82.8550, 8.5450),
    Place("NIC", "Peñas Blancas", -85.6180, 11.2400),
    Place("NIC", "Managua", -86.2400, 12.1200),
    Place("HND", "Danlí", -86.5833, 14.0333),
    Place("HND", "Tegucigalpa", -87.1921, 14.0723),
    Place("GTM", "Esquipulas", -89.3500, 14.5667),
    Place("GTM", "Tecún Umán", -92.1250, 14.6750),
    Place("GTM", "Ciudad de Guatemala", -90.5069, 14.6349),
    Place("MEX", "Tapachula", -92.2575, 14.9031),
    Place("MEX", "Ciudad de México", -99.1332, 19.4326),
    Place("MEX", "Cancún", -86.8515, 21.1619),
    Place("MEX", "Reynosa", -98.2900, 26.0500),
    Place("MEX", "Ciudad Juárez", -106.4245, 31.6904),
    Place("USA", "El Paso", -106.4500, 31.7900),
    Place("USA", "McAllen", -98.2300, 26.2034),
    Place("HTI", "Ouanaminthe", -71.7450, 19.5500),
    Place("DOM", "Dajabón", -71.6900, 19.5400),
    Place("DOM", "Santiago de los Caballeros", -70.6970, 19.4517),
    Place("DOM", "Santo Domingo", -69.9500, 18.4900),
    Place("VEN", "San Antonio del Táchira", -72.4300, 7.8150),
    Place("VEN", "Tucupita", -62.0510, 9.0606),
    Place("VEN", "El Callao", -61.8253, 7.3464),
    Place("VEN", "Tumeremo", -61.5044, 7.2986),
    Place("TTO", "Port of Spain", -61.5050, 10.6720),
    Place("TTO", "San Fernando", -61.4400, 10.2800),
    Place("BRA", "Guarulhos", -46.4731, -23.4356),
    Place("BRA", "Rio Branco", -67.8249, -9.9754),
    Place("ECU", "Quito", -78.4678, -0.1807),
    Place("ECU", "Tulcán", -77.7200, 0.8000),
    Place("ECU", "Huaquillas", -80.2100, -3.4900),
    Place("PER", "Tumbes", -80.4515, -3.5669),
    Place("PER", "Lima", -77.0428, -12.0464),
    Place("PER", "Juliaca", -70.1333, -15.4997),
    Place("PER", "Puerto Maldonado", -69.1891, -12.5933),
    Place("BOL", "La Paz", -68.1193, -16.4897),
    Place("BOL", "Oruro", -67.1500, -17.9833),
    Place("BOL", "Villazón", -65.5850, -22.0600),
    Place("CHL", "Colchane", -68.6900, -19.2700),
    Place("CHL", "Iquique", -70.1200, -20.2400),
    Place("PRY", "Asunción", -57.5700, -25.3000),
    Place("PRY", "Ciudad del Este", -54.6300, -25.5150),
    Place("ARG", "Clorinda", -57.7250, -25.2900),
    Place("ARG", "Posadas", -55.9300, -27.3900),
    Place("ARG", "La Quiaca", -65.6100, -22.1300),
    Place("ARG", "San Salvador de Jujuy", -65.2995, -24.1858),
    Place("ARG", "Mendoza", -68.8458, -32.8895),
    Place("ARG", "Buenos Aires", -58.4200, -34.6100),
)

_REDTRAM_MEMBERS = (
    "ARG",
    "BOL",
    "BRA",
    "CHL",
    "COL",
    "CRI",
    "DOM",
    "ECU",
    "GTM",
    "HND",
    "MEX",
    "NIC",
    "PAN",
    "PER",
    "PRY",
    "VEN",
)

DEMO_SOURCES: tuple[Source, ...] = (
    Source("INTERPOL ISON", "ison", None),
    Source("INTERPOL HTEG", "hteg", None),
    Source("OIM – Organización Internacional para las Migraciones", "international_org", None),
    Source("Policía Nacional de Colombia", "national_police", "COL"),
    Source("Migración Colombia", "immigration", "COL"),
    Source("Fiscalía General de la Nación (Colombia)", "prosecution", "COL"),
    Source("Fundación Renacer", "ngo", "COL"),
    Source("Servicio Nacional de Migración Panamá", "immigration", "PAN"),
    Source("Policía Nacional de Panamá", "national_police", "PAN"),
    Source("Ministerio Público de Panamá", "prosecution", "PAN"),
    Source("Dirección General de Migración y Extranjería Costa Rica", "immigration", "CRI"),
    Source("Organismo de Investigación Judicial (Costa Rica)", "national_police", "CRI"),
    Source("Policía Nacional de Nicaragua", "national_police", "NIC"),
    Source("Dirección General de Migración y Extranjería Nicaragua", "immigration", "NIC"),
    Source("Policía Nacional de Honduras", "national_police", "HND"),
    Source("Instituto Nacional de Migración Honduras", "immigration", "HND"),
    Source("Policía Nacional Civil de Guatemala", "national_police", "GTM"),
    Source("Instituto Guatemalteco de Migración", "immigration", "GTM"),
    Source("Ministerio Público de Guatemala", "prosecution", "GTM"),
    Source("Instituto Nacional de Migración (México)", "immigration", "MEX"),
    Source("Guardia Nacional (México)", "national_police", "MEX"),
    Source("Fiscalía General de la República (México)", "prosecution", "MEX"),
    Source("U.S. Customs and Border Protection", "immigration", "USA"),
    Source("Homeland Security Investigations", "national_police", "USA"),
    Source("Police Nationale d'Haïti", "national_police", "HTI"),
    Source("Dirección General de Migración (República Dominicana)", "immigration", "DOM"),
    Source("Policía Nacional Dominicana", "national_police", "DOM"),
    Source("Procuraduría General de la República Dominicana", "prosecution", "DOM"),
    Source("Cuerpo de Investigaciones Científicas, Penales y Criminalísticas (Venezuela)", "national_police", "VEN"),
    Source("Ministerio Público de Venezuela", "prosecution", "VEN"),
    Source("Trinidad and Tobago Police Service", "national_police", "TTO"),
    Source("Immigration Division of Trinidad and Tobago", "immigration", "TTO"),
    Source("Polícia Federal (Brasil)", "national_police", "BRA"),
    Source("Ministério Público Federal (Brasil)", "prosecution", "BRA"),
    Source("Policía Nacional del Ecuador", "national_police", "ECU"),
    Source("Fiscalía General del Estado (Ecuador)", "prosecution", "ECU"),
    Source("Policía Nacional del Perú", "national_police", "PER"),
    Source("Ministerio Público – Fiscalía de la Nación (Perú)", "prosecution", "PER"),
    Source("Superintendencia Nacional de Migraciones (Perú)", "immigration", "PER"),
    Source("CHS Alternativo", "ngo", "PER"),
    Source("Policía Boliviana", "national_police", "BOL"),
    Source("Dirección General de Migración (Bolivia)", "immigration", "BOL"),
    Source("Policía de Investigaciones de Chile", "national_police", "CHL"),
    Source("Fiscalía Nacional (Chile)", "prosecution", "CHL"),
    Source("Policía Nacional del Paraguay", "national_police", "PRY"),
    Source("Ministerio Público del Paraguay", "prosecution", "PRY"),
    Source("Policía Federal Argentina", "national_police", "ARG"),
    Source("PROTEX – Procuraduría de Trata y Explotación de Personas (Argentina)", "prosecution", "ARG"),
    Source("Dirección Nacional de Migraciones (Argentina)", "immigration", "ARG"),
    *(Source(f"REDTRAM {DEMO_COUNTRY_NAMES[iso3]}", "redtram", iso3) for iso3 in _REDTRAM_MEMBERS),
)

#: Share of records by network of the reporting agency, per crime type; a
#: network's share is split evenly among its agencies in the detection country
#: and shares of networks absent there go to the others in proportion.
NETWORK_SHARES: dict[str, dict[str, float]] = {
    "smuggling": {
        "ison": 0.12,
        "international_org": 0.04,
        "immigration": 0.50,
        "national_police": 0.25,
        "prosecution": 0.09,
    },
    "trafficking": {
        "hteg": 0.10,
        "redtram": 0.10,
        "ngo": 0.05,
        "national_police": 0.35,
        "prosecution": 0.30,
        "immigration": 0.10,
    },
    "both": {
        "ison": 0.06,
        "hteg": 0.06,
        "redtram": 0.08,
        "national_police": 0.35,
        "prosecution": 0.25,
        "immigration": 0.20,
    },
}

# Person mixes over PERSON_CELLS: female adult, female minor, male adult, male minor,
# transgender/non-conforming adult, unknown sex and age.
_FAMILIES_WITH_CHILDREN = (0.27, 0.17, 0.34, 0.18, 0.01, 0.03)
_ADULT_TRAVELLERS = (0.42, 0.02, 0.50, 0.02, 0.01, 0.03)
WOMEN_AND_GIRLS = (0.60, 0.24, 0.04, 0.04, 0.06, 0.02)
_MEN_AT_WORK = (0.20, 0.06, 0.58, 0.12, 0.00, 0.04)

_SEXUAL_RECRUITMENT: Mix = (
    ("job_offer", 0.45),
    ("intimate_partner", 0.20),
    ("familial", 0.10),
    ("posing_as_benefactor", 0.10),
    ("offer_of_accommodation", 0.10),
    ("public_area", 0.05),
)
_LABOUR_RECRUITMENT: Mix = (("job_offer", 0.60), ("work", 0.15), ("familial", 0.15), ("public_area", 0.10))
_SMUGGLING_RECRUITMENT: Mix = (
    ("smuggling_ransom", 0.40),
    ("job_offer", 0.30),
    ("public_area", 0.20),
    ("offer_of_accommodation", 0.10),
)
_SEXUAL_CONTROL: Mix = (
    ("debt_bondage;withholds_documents", 0.30),
    ("threats;psychological_abuse", 0.20),
    ("debt_bondage;threats", 0.20),
    ("physical_abuse;sexual_abuse", 0.10),
    ("debt_bondage;psychoactive_substances", 0.10),
    ("takes_earnings;restricts_movement", 0.10),
)
_LABOUR_CONTROL: Mix = (
    ("debt_bondage;excessive_working_hours", 0.35),
    ("takes_earnings;withholds_documents", 0.20),
    ("threats;restricts_movement", 0.20),
    ("excessive_working_hours;withholds_necessities", 0.15),
    ("threats;physical_abuse", 0.10),
)
_SMUGGLING_CONTROL: Mix = (
    ("debt_bondage", 0.30),
    ("threats;restricts_movement", 0.40),
    ("physical_abuse;sexual_abuse", 0.20),
    ("withholds_documents", 0.10),
)
_NORTHBOUND = ("COL", "PAN", "CRI", "NIC", "HND", "GTM", "MEX", "USA")

DEMO_CORRIDORS: tuple[Corridor, ...] = (
    Corridor(
        "darien_north",
        "Darién route: Venezuela to the United States",
        "smuggling",
        ("VEN", *_NORTHBOUND),
        0.230,
        detection=(
            ("Necoclí", 0.14),
            ("Metetí", 0.26),
            ("Paso Canoas", 0.10),
            ("Peñas Blancas", 0.06),
            ("Danlí", 0.07),
            ("Esquipulas", 0.05),
            ("Tecún Umán", 0.04),
            ("Tapachula", 0.14),
            ("Ciudad Juárez", 0.08),
            ("El Paso", 0.06),
        ),
        person_mix=_FAMILIES_WITH_CHILDREN,
        group_mean=4.0,
        large_group_share=0.03,
        transport=(("land;sea", 0.55), ("land", 0.35), ("land;river", 0.10)),
        concealment=(
            ("clandestine_trail", 0.55),
            ("boat;clandestine_trail", 0.25),
            ("none", 0.12),
            ("cargo_truck", 0.08),
        ),
        exploitation=(
            ("sexual", 0.50),
            ("forced_labour_other", 0.20),
            ("forced_criminality", 0.20),
            ("sexual;forced_labour_domestic", 0.10),
        ),
        recruitment=_SMUGGLING_RECRUITMENT,
        control=_SMUGGLING_CONTROL,
        suspects_mean=0.8,
        document_fraud_share=0.08,
        drugs_share=0.06,
        firearms_share=0.02,
    ),
    Corridor(
        "cuba_air_nicaragua",
        "Cuba by air to Nicaragua, then north by land",
        "smuggling",
        ("CUB", "NIC", "HND", "GTM", "MEX", "USA"),
        0.105,
        detection=(
            ("Managua", 0.20),
            ("Danlí", 0.12),
            ("Tegucigalpa", 0.05),
            ("Esquipulas", 0.08),
            ("Ciudad de Guatemala", 0.05),
            ("Tapachula", 0.20),
            ("Ciudad Juárez", 0.10),
            ("Reynosa", 0.05),
            ("El Paso", 0.09),
            ("McAllen", 0.06),
        ),
        person_mix=_ADULT_TRAVELLERS,
        group_mean=1.8,
        transport=(("air;land", 0.90), ("air", 0.10)),
        concealment=(("false_tourist", 0.45), ("none", 0.30), ("cargo_truck", 0.15), ("vehicle_compartment", 0.10)),
        exploitation=(("forced_labour_other", 0.40), ("sexual", 0.40), ("forced_criminality", 0.20)),
        recruitment=_SMUGGLING_RECRUITMENT,
        control=_SMUGGLING_CONTROL,
        suspects_mean=0.6,
        document_fraud_share=0.12,
    ),
    Corridor(
        "haiti_dominican_smuggling",
        "Haiti to the Dominican Republic: smuggling",
        "smuggling",
        ("HTI", "DOM"),
        0.088,
        detection=(
            ("Dajabón", 0.45),
            ("Santiago de los Caballeros", 0.20),
            ("Santo Domingo", 0.20),
            ("Ouanaminthe", 0.15),
        ),
        person_mix=(0.30, 0.08, 0.50, 0.08, 0.01, 0.03),
        group_mean=3.0,
        large_group_share=0.05,
        transport=(("land", 0.90), ("land;river", 0.10)),
        concealment=(("clandestine_trail", 0.45), ("cargo_truck", 0.25), ("vehicle_compartment", 0.15), ("none", 0.15)),
        exploitation=(("forced_labour_agriculture", 0.50), ("forced_labour_construction", 0.30), ("sexual", 0.20)),
        recruitment=_SMUGGLING_RECRUITMENT,
        control=_SMUGGLING_CONTROL,
        suspects_mean=1.0,
        document_fraud_share=0.15,
        drugs_share=0.04,
        illicit_goods_share=0.05,
    ),
    Corridor(
        "guatemala_minors_north",
        "Guatemala to the United States: children",
        "smuggling",
        ("GTM", "MEX", "USA"),
        0.075,
        detection=(
            ("Tecún Umán", 0.15),
            ("Ciudad de Guatemala", 0.05),
            ("Tapachula", 0.25),
            ("Ciudad de México", 0.10),
            ("Reynosa", 0.20),
            ("McAllen", 0.15),
            ("Ciudad Juárez", 0.05),
            ("El Paso", 0.05),
        ),
        person_mix=(0.08, 0.27, 0.12, 0.48, 0.00, 0.05),
        group_mean=2.2,
        large_group_share=0.04,
        transport=(("land", 0.85), ("land;river", 0.15)),
        concealment=(("cargo_truck", 0.35), ("clandestine_trail", 0.25), ("vehicle_compartment", 0.15), ("none", 0.25)),
        exploitation=(("forced_criminality", 0.40), ("forced_labour_agriculture", 0.30), ("sexual", 0.30)),
        recruitment=(("familial", 0.40), ("smuggling_ransom", 0.30), ("job_offer", 0.30)),
        control=_SMUGGLING_CONTROL,
        suspects_mean=1.0,
        document_fraud_share=0.06,
        drugs_share=0.07,
    ),
    Corridor(
        "venezuela_colombia_sexual",
        "Venezuela to Colombia: sexual exploitation",
        "trafficking",
        ("VEN", "COL"),
        0.070,
        detection=(("Cúcuta", 0.35), ("Bogotá", 0.30), ("Medellín", 0.20), ("San Antonio del Táchira", 0.15)),
        person_mix=WOMEN_AND_GIRLS,
        group_mean=1.8,
        transport=(("land", 0.90), ("land;river", 0.10)),
        concealment=(("none", 0.60), ("clandestine_trail", 0.40)),
        exploitation=(
            ("sexual", 0.80),
            ("sexual;forced_criminality", 0.10),
            ("forced_marriage", 0.05),
            ("begging", 0.05),
        ),
        recruitment=_SEXUAL_RECRUITMENT,
        control=_SEXUAL_CONTROL,
        suspects_mean=1.6,
        suspect_female_share=0.40,
        document_fraud_share=0.08,
        drugs_share=0.05,
    ),
    Corridor(
        "venezuela_peru_sexual",
        "Venezuela to Peru via Colombia and Ecuador: sexual exploitation",
        "trafficking",
        ("VEN", "COL", "ECU", "PER"),
        0.065,
        detection=(
            ("Cúcuta", 0.12),
            ("Ipiales", 0.10),
            ("Tulcán", 0.08),
            ("Quito", 0.10),
            ("Huaquillas", 0.08),
            ("Tumbes", 0.15),
            ("Lima", 0.37),
        ),
        person_mix=WOMEN_AND_GIRLS,
        group_mean=2.0,
        transport=(("land", 0.90), ("air", 0.10)),
        concealment=(("none", 0.60), ("clandestine_trail", 0.30), ("vehicle_compartment", 0.10)),
        exploitation=(("sexual", 0.85), ("sexual;forced_labour_hospitality", 0.10), ("forced_labour_domestic", 0.05)),
        recruitment=_SEXUAL_RECRUITMENT,
        control=_SEXUAL_CONTROL,
        suspects_mean=1.8,
        suspect_female_share=0.40,
        document_fraud_share=0.12,
        drugs_share=0.04,
        online_surge=("2026-01-01", 0.85),
    ),
    Corridor(
        "extracontinental_brazil",
        "Extra-continental migrants entering through Brazil",
        "smuggling",
        ("IND", "BRA", "PER", "ECU", *_NORTHBOUND),
        0.055,
        detection=(
            ("Guarulhos", 0.20),
            ("Rio Branco", 0.10),
            ("Puerto Maldonado", 0.06),
            ("Tumbes", 0.06),
            ("Huaquillas", 0.06),
            ("Tulcán", 0.05),
            ("Ipiales", 0.05),
            ("Necoclí", 0.10),
            ("Metetí", 0.15),
            ("Paso Canoas", 0.04),
            ("Tapachula", 0.05),
            ("Ciudad Juárez", 0.03),
            ("El Paso", 0.05),
        ),
        person_mix=(0.15, 0.04, 0.72, 0.05, 0.00, 0.04),
        group_mean=1.8,
        origin_mix=(("IND", 0.25), ("NPL", 0.20), ("BGD", 0.15), ("AFG", 0.15), ("AGO", 0.13), ("CMR", 0.12)),
        transport=(("air;land;sea", 0.50), ("air;land", 0.40), ("air;land;river", 0.10)),
        concealment=(
            ("false_tourist", 0.30),
            ("clandestine_trail", 0.35),
            ("boat;clandestine_trail", 0.15),
            ("none", 0.20),
        ),
        exploitation=(("forced_labour_other", 0.50), ("sexual", 0.30), ("forced_labour_construction", 0.20)),
        recruitment=_SMUGGLING_RECRUITMENT,
        control=_SMUGGLING_CONTROL,
        suspects_mean=0.7,
        document_fraud_share=0.35,
    ),
    Corridor(
        "ecuador_mexico_air",
        "Ecuador by air to Mexico, then by land to the United States",
        "smuggling",
        ("ECU", "MEX", "USA"),
        0.050,
        detection=(
            ("Quito", 0.15),
            ("Cancún", 0.15),
            ("Ciudad de México", 0.20),
            ("Ciudad Juárez", 0.20),
            ("El Paso", 0.15),
            ("Reynosa", 0.08),
            ("McAllen", 0.07),
        ),
        person_mix=(0.33, 0.12, 0.40, 0.12, 0.01, 0.02),
        group_mean=2.5,
        transport=(("air;land", 0.85), ("air", 0.15)),
        concealment=(("false_tourist", 0.55), ("cargo_truck", 0.15), ("none", 0.30)),
        exploitation=(("sexual", 0.40), ("forced_labour_other", 0.40), ("forced_criminality", 0.20)),
        recruitment=_SMUGGLING_RECRUITMENT,
        control=_SMUGGLING_CONTROL,
        suspects_mean=0.8,
        document_fraud_share=0.20,
        drugs_share=0.10,
    ),
    Corridor(
        "extracontinental_ecuador",
        "Extra-continental migrants entering through Ecuador",
        "smuggling",
        ("CHN", "ECU", *_NORTHBOUND),
        0.045,
        detection=(
            ("Quito", 0.25),
            ("Tulcán", 0.08),
            ("Ipiales", 0.07),
            ("Necoclí", 0.12),
            ("Metetí", 0.18),
            ("Paso Canoas", 0.05),
            ("Peñas Blancas", 0.03),
            ("Danlí", 0.04),
            ("Tapachula", 0.10),
            ("Ciudad Juárez", 0.04),
            ("El Paso", 0.04),
        ),
        person_mix=(0.22, 0.04, 0.66, 0.04, 0.00, 0.04),
        group_mean=1.6,
        origin_mix=(("CHN", 0.45), ("IND", 0.15), ("CMR", 0.15), ("AGO", 0.10), ("AFG", 0.15)),
        transport=(("air;land;sea", 0.55), ("air;land", 0.45)),
        concealment=(
            ("false_tourist", 0.30),
            ("clandestine_trail", 0.35),
            ("boat;clandestine_trail", 0.15),
            ("none", 0.20),
        ),
        exploitation=(("forced_labour_other", 0.50), ("sexual", 0.30), ("forced_labour_construction", 0.20)),
        recruitment=_SMUGGLING_RECRUITMENT,
        control=_SMUGGLING_CONTROL,
        suspects_mean=0.7,
        document_fraud_share=0.30,
    ),
    Corridor(
        "venezuela_chile_andes",
        "Venezuela to Chile along the Andes",
        "smuggling",
        ("VEN", "COL", "ECU", "PER", "BOL", "CHL"),
        0.040,
        detection=(
            ("San Antonio del Táchira", 0.08),
            ("Cúcuta", 0.12),
            ("Ipiales", 0.10),
            ("Tulcán", 0.08),
            ("Huaquillas", 0.08),
            ("Tumbes", 0.10),
            ("Lima", 0.06),
            ("Juliaca", 0.08),
            ("La Paz", 0.05),
            ("Oruro", 0.05),
            ("Colchane", 0.15),
            ("Iquique", 0.05),
        ),
        person_mix=(0.32, 0.14, 0.36, 0.14, 0.01, 0.03),
        group_mean=3.0,
        transport=(("land", 1.0),),
        concealment=(("clandestine_trail", 0.60), ("none", 0.30), ("vehicle_compartment", 0.10)),
        exploitation=(("sexual", 0.50), ("forced_labour_other", 0.30), ("forced_criminality", 0.20)),
        recruitment=_SMUGGLING_RECRUITMENT,
        control=_SMUGGLING_CONTROL,
        suspects_mean=0.6,
        document_fraud_share=0.05,
    ),
    Corridor(
        "haiti_dominican_labour",
        "Haiti to the Dominican Republic: forced labour",
        "trafficking",
        ("HTI", "DOM"),
        0.035,
        detection=(
            ("Dajabón", 0.25),
            ("Santiago de los Caballeros", 0.35),
            ("Santo Domingo", 0.30),
            ("Ouanaminthe", 0.10),
        ),
        person_mix=(0.14, 0.12, 0.48, 0.22, 0.00, 0.04),
        group_mean=2.5,
        transport=(("land", 1.0),),
        concealment=(("none", 0.50), ("clandestine_trail", 0.30), ("cargo_truck", 0.20)),
        exploitation=(
            ("forced_labour_agriculture", 0.45),
            ("forced_labour_construction", 0.25),
            ("begging", 0.15),
            ("forced_labour_domestic", 0.15),
        ),
        recruitment=(("job_offer", 0.40), ("familial", 0.30), ("public_area", 0.20), ("abduction", 0.10)),
        control=_LABOUR_CONTROL,
        suspects_mean=1.4,
        suspect_female_share=0.20,
        document_fraud_share=0.12,
    ),
    Corridor(
        "bolivia_argentina_labour",
        "Bolivia to Argentina: forced labour in agriculture and textiles",
        "trafficking",
        ("BOL", "ARG"),
        0.032,
        detection=(
            ("Villazón", 0.15),
            ("La Quiaca", 0.20),
            ("San Salvador de Jujuy", 0.10),
            ("Mendoza", 0.20),
            ("Buenos Aires", 0.35),
        ),
        person_mix=_MEN_AT_WORK,
        group_mean=3.5,
        transport=(("land", 1.0),),
        concealment=(("none", 0.60), ("cargo_truck", 0.25), ("vehicle_compartment", 0.15)),
        exploitation=(
            ("forced_labour_agriculture", 0.55),
            ("forced_labour_manufacturing", 0.35),
            ("forced_labour_domestic", 0.10),
        ),
        recruitment=_LABOUR_RECRUITMENT,
        control=_LABOUR_CONTROL,
        suspects_mean=1.5,
        suspect_female_share=0.25,
        document_fraud_share=0.10,
        illicit_goods_share=0.03,
    ),
    Corridor(
        "paraguay_argentina_sexual",
        "Paraguay to Argentina: sexual exploitation",
        "trafficking",
        ("PRY", "ARG"),
        0.028,
        detection=(
            ("Asunción", 0.15),
            ("Ciudad del Este", 0.10),
            ("Clorinda", 0.20),
            ("Posadas", 0.15),
            ("Buenos Aires", 0.40),
        ),
        person_mix=(0.54, 0.30, 0.03, 0.04, 0.07, 0.02),
        group_mean=1.7,
        transport=(("land", 0.70), ("river", 0.15), ("land;river", 0.15)),
        concealment=(("none", 0.70), ("vehicle_compartment", 0.15), ("boat", 0.15)),
        exploitation=(("sexual", 0.85), ("forced_labour_domestic", 0.15)),
        recruitment=_SEXUAL_RECRUITMENT,
        control=_SEXUAL_CONTROL,
        suspects_mean=1.6,
        suspect_female_share=0.40,
        document_fraud_share=0.06,
        drugs_share=0.05,
    ),
    Corridor(
        "venezuela_trinidad_sea",
        "Venezuela to Trinidad and Tobago by sea: sexual exploitation",
        "trafficking",
        ("VEN", "TTO"),
        0.025,
        detection=(("Tucupita", 0.15), ("Port of Spain", 0.45), ("San Fernando", 0.40)),
        person_mix=(0.64, 0.20, 0.04, 0.04, 0.06, 0.02),
        group_mean=2.2,
        transport=(("sea", 0.85), ("land;sea", 0.15)),
        concealment=(("boat", 0.90), ("none", 0.10)),
        exploitation=(("sexual", 0.90), ("sexual;forced_labour_hospitality", 0.10)),
        recruitment=_SEXUAL_RECRUITMENT,
        control=_SEXUAL_CONTROL,
        suspects_mean=1.5,
        suspect_female_share=0.35,
        document_fraud_share=0.05,
        drugs_share=0.04,
        firearms_share=0.02,
    ),
    Corridor(
        "venezuela_mining",
        "Venezuela, Orinoco Mining Arc: forced labour in mining",
        "trafficking",
        ("VEN", "VEN"),
        0.022,
        detection=(("El Callao", 0.50), ("Tumeremo", 0.50)),
        person_mix=(0.14, 0.08, 0.66, 0.08, 0.00, 0.04),
        group_mean=3.0,
        transport=(("land", 0.60), ("land;river", 0.40)),
        concealment=(("none", 1.0),),
        exploitation=(("forced_labour_mining", 0.75), ("sexual", 0.15), ("forced_labour_mining;sexual", 0.10)),
        recruitment=_LABOUR_RECRUITMENT,
        control=_LABOUR_CONTROL,
        suspects_mean=1.8,
        suspect_female_share=0.15,
        document_fraud_share=0.02,
        drugs_share=0.10,
        firearms_share=0.08,
        illicit_goods_share=0.15,
    ),
    Corridor(
        "peru_gold_mining",
        "Peru, Madre de Dios illegal gold mining",
        "trafficking",
        ("PER", "PER"),
        0.020,
        detection=(("Puerto Maldonado", 0.70), ("Juliaca", 0.15), ("Lima", 0.15)),
        person_mix=(0.12, 0.16, 0.56, 0.12, 0.00, 0.04),
        group_mean=2.5,
        transport=(("land", 0.55), ("land;river", 0.45)),
        concealment=(("none", 0.85), ("cargo_truck", 0.15)),
        exploitation=(("forced_labour_mining", 0.70), ("sexual", 0.25), ("forced_labour_hospitality", 0.05)),
        recruitment=_LABOUR_RECRUITMENT,
        control=_LABOUR_CONTROL,
        suspects_mean=1.6,
        suspect_female_share=0.20,
        document_fraud_share=0.04,
        drugs_share=0.08,
        firearms_share=0.05,
        illicit_goods_share=0.20,
    ),
    Corridor(
        "dominican_argentina_sexual",
        "Dominican Republic to Argentina by air: sexual exploitation",
        "trafficking",
        ("DOM", "ARG"),
        0.015,
        detection=(("Santo Domingo", 0.35), ("Buenos Aires", 0.65)),
        person_mix=(0.78, 0.08, 0.04, 0.02, 0.06, 0.02),
        group_mean=1.5,
        transport=(("air", 1.0),),
        concealment=(("false_tourist", 0.80), ("none", 0.20)),
        exploitation=(("sexual", 0.90), ("forced_labour_domestic", 0.10)),
        recruitment=_SEXUAL_RECRUITMENT,
        control=_SEXUAL_CONTROL,
        suspects_mean=1.4,
        suspect_female_share=0.45,
        document_fraud_share=0.30,
    ),
)


def online_share(days: np.ndarray, planted: bool) -> np.ndarray:
    """Share of internet recruitment on each day (regional curve, no corridor surge).

    >>> online_share(np.array(["2019-06-01", "2025-06-01"], dtype="datetime64[D]"), planted=True).tolist()
    [0.1, 0.6]
    """
    if not planted:
        return np.full(len(days), ONLINE_SHARE_STATIONARY)
    first, last = (np.datetime64(d) for d in ONLINE_RAMP)
    progress = np.clip((days - first).astype(float) / (last - first).astype(float), 0.0, 1.0)
    return ONLINE_SHARE_BEFORE + progress * (ONLINE_SHARE_AFTER - ONLINE_SHARE_BEFORE)


def expected_online_share(day: str, corridor: str | None = None, planted: bool = True) -> float:
    """Return the planted share of internet recruitment among trafficking records on a day.

    Parameters
    ----------
    day : str
        ISO date ``YYYY-MM-DD``.
    corridor : str, optional
        A corridor key of :data:`DEMO_CORRIDORS`; its ``online_surge`` applies when planted.
    planted : bool
        False gives the stationary share.

    >>> expected_online_share("2019-06-01"), expected_online_share("2025-06-01")
    (0.1, 0.6)
    >>> round(expected_online_share("2022-07-02"), 2)
    0.35
    >>> expected_online_share("2026-03-01", "venezuela_peru_sexual")
    0.85
    >>> expected_online_share("2026-03-01", "venezuela_peru_sexual", planted=False)
    0.35
    """
    keys = [k.key for k in DEMO_CORRIDORS]
    if corridor is not None and corridor not in keys:
        raise ValueError(f"unknown corridor {corridor!r}; expected one of {keys}")
    share = float(online_share(np.array([np.datetime64(day, "D")]), planted)[0])
    surge = next((k.online_surge for k in DEMO_CORRIDORS if k.key == corridor), None)
    if planted and surge and np.datetime64(day) >= np.datetime64(surge[0]):
        return surge[1]
    return share
