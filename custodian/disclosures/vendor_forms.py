"""What of each category a vendor's file carries: the form of the stored value its function needs, projected
field by field, never a stored document passed on whole.

A stored value can hold more than its category's label says to a vendor: the meter usage document holds,
beside each service's monthly totals, the register reads of its meters (the meter's number, each read's day,
index and kind), and it may grow further. A meter number is printed on the meter and on the bill and is
unique to its premise: passed to the consumption-report vendor under a pseudonym, it undoes the pseudonym. So
a category leaves in a vendor export only through a form named here: a line of text as it is held, or a
projection that builds the value anew from the few fields the function needs and nothing else. A category
with no form here leaves in no column at all, and a function whose file would need one is refused before
anything is read (`missing_forms`).
"""

import json
from collections.abc import Callable

# Categories held as one line of text (a name, an address, a bank account's routing and account number and
# kind): the text is what the function needs.
_AS_HELD = ("name", "email", "phone", "mailing_address", "service_address", "account_number", "bank_account")

METER_USAGE_WORDS = (
    "each service's unit and monthly totals (month, total), nothing else of the usage we hold: no meter "
    "number, no register read, no interval reading and where it came from"
)


def _text(value: str) -> str:
    return value


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def monthly_totals(value: str) -> str:
    """The meter usage as a vendor receives it: per service, its unit and each month's total, built anew from
    those fields alone (a month without a total is left out)."""
    try:
        document = json.loads(value or "{}")
    except ValueError:
        return ""
    if not isinstance(document, dict):
        return ""
    usage = {}
    for service, series in sorted(document.items()):
        if not isinstance(series, dict):
            continue
        months = [
            {"month": str(m["month"]), "total": total}
            for m in series.get("months", [])
            if isinstance(m, dict) and m.get("month") and (total := _number(m.get("total"))) is not None
        ]
        usage[str(service)] = {"unit": str(series.get("unit", "")), "months": months}
    return json.dumps(usage, separators=(",", ":"))


FORMS: dict[str, Callable[[str], str]] = {f: _text for f in _AS_HELD} | {"meter_usage": monthly_totals}
# What the manifest tells the vendor of a projected category's form.
FORM_WORDS: dict[str, str] = {"meter_usage": METER_USAGE_WORDS}


def vendor_form(values: dict[str, str], fields) -> dict[str, str]:
    """One customer's values as a vendor's file may carry them: each of `fields` in its form, a field
    without a form left out."""
    return {f: FORMS[f](values[f]) for f in fields if f in FORMS and f in values}


def missing_forms(fields) -> list[str]:
    """The fields a vendor's file would carry in a column that have no form: sending them is refused."""
    return [f for f in fields if f not in FORMS]
