"""Normalization of values that have blind indexes, so lookups match however the value was typed."""

import re

BLIND_INDEXED_FIELDS = ("email", "phone", "account_number", "marketing_preference")
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
    return value
