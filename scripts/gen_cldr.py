#!/usr/bin/env python3
"""Generate index-schema/countries.json and index-schema/languages.json from CLDR.

These two files were generated with this script from the Unicode CLDR data
shipped inside the `babel` package from PyPI (generated with babel 2.19.0;
the version actually used is printed on each run). Re-run it to regenerate:

    pip install babel
    python3 scripts/gen_cldr.py

It takes no arguments and is deterministic: entries are sorted by code and
every "labels" object lists its locales in the fixed order of LOCALES.
Output is UTF-8 JSON written with ensure_ascii=False, indent=1.

Locales: en es fr ca pt it ko de. The "pt" labels are taken from CLDR's
European Portuguese (pt_PT) rather than CLDR's default "pt" (Brazilian), to
match the European Portuguese wording used in the other index-schema files
and in the association's Portuguese material. Change PT_CLDR_LOCALE to "pt"
for Brazilian Portuguese.

countries.json -- every current ISO 3166-1 alpha-2 code (249 codes). Taken
from babel's English territory list, keeping only two-letter uppercase
alphabetic codes (this drops the numeric UN M.49 regions such as 001, 150,
419). From those, the following CLDR codes that are not officially assigned
ISO 3166-1 alpha-2 country codes are excluded (see EXCLUDED_TERRITORIES):
  * macro-regions / groupings: EU (European Union), EZ (Eurozone),
    UN (United Nations), QO (Outlying Oceania);
  * pseudo-locale and unknown codes: XA, XB (pseudo-accents / pseudo-bidi),
    ZZ (unknown region);
  * user-assigned code XK (Kosovo), which is not an ISO 3166-1 code;
  * ISO 3166-1 "exceptionally reserved" codes, which CLDR lists as regions
    but ISO does not assign as countries: AC (Ascension Island),
    CP (Clipperton Island), CQ (Sark), DG (Diego Garcia),
    EA (Ceuta and Melilla), IC (Canary Islands), TA (Tristan da Cunha).
The script fails if the result is not exactly 249 codes.

languages.json -- every two-letter lowercase language code that CLDR has an
English name for: the ISO 639-1 codes (184 with babel 2.19.0, i.e. the 183
current ISO 639-1 codes plus "sh", Serbo-Croatian, which ISO 639-1 has
deprecated but CLDR still names). Language names are stored in CLDR in
their mid-sentence form (lowercase in es, fr, ca, pt, it); as these are
stand-alone labels, the first character of each name is uppercased
(CLDR's "titlecase-firstword" rule for stand-alone/UI-list use). Country
names are used exactly as CLDR gives them.
"""

import json
import os
import sys

import babel
from babel import Locale

LOCALES = ["en", "es", "fr", "ca", "pt", "it", "ko", "de"]
PT_CLDR_LOCALE = "pt_PT"

EXCLUDED_TERRITORIES = {
    # macro-regions / groupings
    "EU", "EZ", "UN", "QO",
    # pseudo-locales and unknown region
    "XA", "XB", "ZZ",
    # user-assigned (Kosovo)
    "XK",
    # ISO 3166-1 exceptionally reserved codes
    "AC", "CP", "CQ", "DG", "EA", "IC", "TA",
}
EXPECTED_COUNTRIES = 249

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(REPO_ROOT, "index-schema")


def cldr_locale(code):
    return Locale.parse(PT_CLDR_LOCALE if code == "pt" else code)


def is_alpha2(code, upper):
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        return False
    return code.isupper() if upper else code.islower()


def upper_first(text):
    return text[:1].upper() + text[1:]


def build_countries(locales):
    codes = sorted(
        code
        for code in locales["en"].territories
        if is_alpha2(code, upper=True) and code not in EXCLUDED_TERRITORIES
    )
    if len(codes) != EXPECTED_COUNTRIES:
        sys.exit(f"expected {EXPECTED_COUNTRIES} ISO 3166-1 codes, got {len(codes)}")
    entries = []
    for code in codes:
        labels = {}
        for loc in LOCALES:
            name = locales[loc].territories.get(code)
            if not name:
                sys.exit(f"no CLDR name for territory {code} in {loc}")
            labels[loc] = name
        entries.append({"code": code, "labels": labels})
    return entries


def build_languages(locales):
    codes = sorted(
        code for code in locales["en"].languages if is_alpha2(code, upper=False)
    )
    entries = []
    for code in codes:
        labels = {}
        for loc in LOCALES:
            name = locales[loc].languages.get(code)
            if not name:
                sys.exit(f"no CLDR name for language {code} in {loc}")
            labels[loc] = upper_first(name)
        entries.append({"code": code, "labels": labels})
    return entries


def write_json(name, data):
    path = os.path.join(OUT_DIR, name)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
        f.write("\n")
    return path


def main():
    locales = {loc: cldr_locale(loc) for loc in LOCALES}
    os.makedirs(OUT_DIR, exist_ok=True)
    countries = build_countries(locales)
    languages = build_languages(locales)
    p1 = write_json("countries.json", countries)
    p2 = write_json("languages.json", languages)
    print(f"babel {babel.__version__}")
    print(f"wrote {len(countries)} countries to {os.path.relpath(p1, REPO_ROOT)}")
    print(f"wrote {len(languages)} languages to {os.path.relpath(p2, REPO_ROOT)}")


if __name__ == "__main__":
    main()
