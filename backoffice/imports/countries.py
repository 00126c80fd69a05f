"""A country as a lead file writes it, to the region its phone numbers are
read in: a name ("United States", "Deutschland", "भारत"), an ISO code ("US",
"USA", "U.S.A."), a usual short form ("UK", "UAE") or a dialing code ("+1",
"91", "0091").

The names come from libphonenumber's own table of region names (English and
the local names of about 100 languages, for every region it knows); the short
forms people use and the ISO 3-letter codes of the countries leads come from
are listed here. Loaded once, on the first country looked up.
"""

import re
import unicodedata
from functools import cache

import phonenumbers

# ISO 3166 alpha-3 codes and the short forms and old names people write, for
# the countries leads come from (every English and local name is known
# through libphonenumber's table).
ALIASES = {
    "US": ["USA", "America", "United States of America", "U S", "the United States",
           "Estados Unidos"],
    "GB": ["UK", "GBR", "Great Britain", "Britain", "England", "Scotland", "Wales",
           "Northern Ireland", "United Kingdom of Great Britain and Northern Ireland"],
    "AE": ["UAE", "ARE", "Emirates", "Dubai", "Abu Dhabi", "Sharjah"],
    "IN": ["IND", "Bharat", "Hindustan"],
    "CA": ["CAN"], "AU": ["AUS"], "NZ": ["NZL"], "IE": ["IRL", "Eire"],
    "FR": ["FRA"], "DE": ["DEU", "GER"], "IT": ["ITA"], "ES": ["ESP"], "PT": ["PRT"],
    "NL": ["NLD", "Holland"], "BE": ["BEL"], "CH": ["CHE"], "AT": ["AUT"], "SE": ["SWE"],
    "NO": ["NOR"], "DK": ["DNK"], "FI": ["FIN"], "PL": ["POL"], "RU": ["RUS", "Russia"],
    "UA": ["UKR"], "TR": ["TUR", "Turkey", "Türkiye"],
    "CN": ["CHN", "PRC", "China Mainland", "Mainland China", "People's Republic of China"],
    "HK": ["HKG"], "TW": ["TWN"], "JP": ["JPN"], "KR": ["KOR", "Korea", "South Korea"],
    "SG": ["SGP"], "MY": ["MYS"], "TH": ["THA"], "ID": ["IDN"], "PH": ["PHL"],
    "VN": ["VNM", "Vietnam"], "BD": ["BGD"], "PK": ["PAK"], "LK": ["LKA", "Ceylon"],
    "NP": ["NPL"], "BT": ["BTN"], "MV": ["MDV"], "AF": ["AFG"], "MM": ["MMR", "Burma"],
    "SA": ["SAU", "KSA", "Saudi"], "QA": ["QAT"], "KW": ["KWT"], "OM": ["OMN"],
    "BH": ["BHR"], "IR": ["IRN", "Iran"], "IQ": ["IRQ"], "IL": ["ISR"], "JO": ["JOR"],
    "EG": ["EGY"], "ZA": ["ZAF", "RSA"], "NG": ["NGA"], "KE": ["KEN"], "TZ": ["TZA", "Tanzania"],
    "UG": ["UGA"], "ET": ["ETH"], "GH": ["GHA"], "MU": ["MUS"], "BR": ["BRA"],
    "MX": ["MEX"], "AR": ["ARG"], "CL": ["CHL"], "CO": ["COL"],
    "CI": ["Ivory Coast"], "CZ": ["Czechia"], "MK": ["North Macedonia"], "SZ": ["Eswatini"],
    "TL": ["East Timor"], "CD": ["DR Congo", "DRC", "Congo-Kinshasa"], "CG": ["Congo-Brazzaville"],
    "MO": ["Macau"], "XK": ["Kosovo"], "BA": ["Bosnia", "Bosnia-Herzegovina"],
}

# "U.S.A." -> "usa", "Côte d’Ivoire" -> "cotedivoire"
_NOT_LETTERS = re.compile(r"[\W_]+")
_DIALING_CODE = re.compile(r"(?:\+|00)?(\d{1,3})")


def country_key(value: object) -> str:
    """A country as compared: accents, case, spaces and punctuation do not count."""
    decomposed = unicodedata.normalize("NFKD", str(value or ""))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    key = _NOT_LETTERS.sub("", stripped.casefold())
    return key[3:] if key.startswith("the") and len(key) > 6 else key


@cache
def _names() -> dict[str, str]:
    """country key -> region, for every name and alias (English names win
    over another language's name that is written the same)."""
    from phonenumbers.geodata.locale import LOCALE_DATA

    table: dict[str, str] = {}
    for region in phonenumbers.SUPPORTED_REGIONS:
        table[country_key(region)] = region
    for region, aliases in ALIASES.items():
        for alias in aliases:
            table[country_key(alias)] = region
    for region, names in LOCALE_DATA.items():
        english = names.get("en", "")
        if english.startswith("*"):
            english = names.get(english[1:], "")
        if english:
            table.setdefault(country_key(english), region)
    for region, names in LOCALE_DATA.items():
        for name in names.values():
            if name and not name.startswith("*"):
                table.setdefault(country_key(name), region)
    table.pop("", None)
    return table


def region_for_country(value: object) -> str | None:
    """The region (ISO 3166 alpha-2, as libphonenumber names it) of a country
    as written, or None when it is not one we know. A dialing code shared by
    several regions ("+1") gives its main region (US)."""
    raw = str(value or "").strip()
    if not raw:
        return None
    dialing = _DIALING_CODE.fullmatch(raw.replace(" ", ""))
    if dialing:
        region = phonenumbers.region_code_for_country_code(int(dialing.group(1)))
        return None if region == phonenumbers.UNKNOWN_REGION else region
    return _names().get(country_key(raw))


def country_name(region: str) -> str:
    """A region's English name, for people ("US" -> "United States")."""
    from backoffice.imports.regions import region_name

    return region_name(region)


# Names said with "the": "in the United States", "in the UAE".
_WITH_THE = {"US", "GB", "AE", "NL", "PH", "CZ", "BS", "GM", "CD", "CG", "MV", "CF", "DO", "KY",
             "FK", "MH", "SB", "VA", "KM", "SC", "TC", "VG", "VI", "FO"}


def in_country(region: str) -> str:
    """"in India", "in the United States": for sentences."""
    return f"in the {country_name(region)}" if region in _WITH_THE else f"in {country_name(region)}"
