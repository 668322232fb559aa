"""Normalization of values that have blind indexes, so lookups match however the value was typed."""

import re
import unicodedata

# Staff find a customer by these without anything being opened: the keyed HMAC of the normalised value is
# stored beside the sealed value (`PersonalValue.blind_index`) and a look-up compares digests only.
BLIND_INDEXED_FIELDS = ("email", "phone", "account_number", "marketing_preference", "name", "service_address")

# A street line's words as people write them either way, in the short form the US Postal Service uses.
STREET_WORDS = {
    "street": "st",
    "avenue": "ave",
    "av": "ave",
    "road": "rd",
    "drive": "dr",
    "lane": "ln",
    "boulevard": "blvd",
    "court": "ct",
    "place": "pl",
    "circle": "cir",
    "parkway": "pkwy",
    "highway": "hwy",
    "terrace": "ter",
    "trail": "trl",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
}
# The words before a unit's number: "Apt 4", "Unit 4", "# 4" and "Suite 4" are the same unit.
UNIT_WORDS = {"apt", "apartment", "unit", "suite", "ste", "no"}


def _words(value: str) -> list[str]:
    """Lower-case letters and digits in runs, accents folded: "Ñúñez-O'Neil" → ["nunez", "o", "neil"]."""
    folded = unicodedata.normalize("NFKD", value)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.findall(r"[a-z0-9]+", folded)


MARKETING_OPTED_OUT = "opted_out"
MARKETING_OPTED_IN = "opted_in"


def normalize(field: str, value: str) -> str:
    value = (value or "").strip()
    if field == "email":
        return value.lower()
    if field == "phone":
        digits = re.sub(r"\D", "", value)
        # North American numbers: "+1 507 555 0100" and "507-555-0100" are the same number.
        return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
    if field == "marketing_preference":
        return value.lower()
    if field == "account_number":
        return re.sub(r"[\s-]", "", value).upper()
    if field == "name":
        # The name's words in order of the alphabet: "Anderson, Alice" and "alice  ANDERSON" are one name.
        return " ".join(sorted(_words(value)))
    if field == "service_address":
        # The street line only (the city, state and ZIP are the same for most of the utility's customers),
        # its words in the Postal Service's short forms.
        street = value.split(",")[0]
        return " ".join(STREET_WORDS.get(w, w) for w in _words(street) if w not in UNIT_WORDS)
    return value
