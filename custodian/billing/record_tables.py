"""The kinds of record kept beside the bills (the ledger, deposits, refunds, budget plans, payment agreements,
notices of disconnection, automatic payment, card payments), each a table of the "bills" category
(`custodian.vault.record_tables`): amounts as the bill writes them, and in a file as numbers with their unit.
Billing, collections and payments declare their kinds with the vault's columns and these, and register
them with the vault's `kept_register`."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from custodian.billing.presentation import money
from custodian.billing.selectors import BILL_CATEGORY
from custodian.vault import record_tables
from custodian.vault.record_tables import Column, coded

# Every amount a file gives is in this unit (beside it, as the file's other units are).
CURRENCY = "USD"
AMOUNT = gettext_lazy("Amount")


def amount_data(value) -> dict:
    """An amount as a file gives it: a number, with its unit beside it."""
    return {"amount": float(Decimal(value)), "unit": coded(CURRENCY, _("US dollars"))}


def amount(attr: str = "amount", *, header: Promise | None = AMOUNT, key: str | None = None) -> Column:
    """The amount in the field `attr`: under `header` as the bill writes it; in the data its number and
    unit, beside the record's other data, or under `key` (None there when there is no amount)."""

    def data(x) -> dict:
        value = getattr(x, attr)
        if key is None:
            return amount_data(value)
        return {key: amount_data(value) if value is not None else None}

    return Column(header, lambda x: money(getattr(x, attr)), data)


@dataclass(frozen=True)
class Kept(record_tables.Kept):
    """A kind of record kept beside the bills: a table of the bills category."""

    category: str = field(default=BILL_CATEGORY, kw_only=True)
