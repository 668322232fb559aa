"""The kinds of record kept beside the bills (the ledger, deposits, refunds, budget plans, payment agreements,
notices of disconnection, automatic payment, card payments), each declared once as a table of the "bills"
category (`custodian.vault.records_held`): its model, whose rows are the customer's, and its columns. A
column gives a cell as a person reads it (amounts and dates in words, in the active language) and its part
of the record's data as a program reads it (keys, numbers, days year-month-day); one loop makes every kind's
table alike. Billing, collections and payments declare their kinds and register them here."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from custodian.billing.presentation import money
from custodian.billing.selectors import BILL_CATEGORY
from custodian.dates import day_words, moment_words
from custodian.vault.records_held import Record, Records, records_register

# Every amount a file gives is in this unit (beside it, as the file's other units are).
CURRENCY = "USD"
DATE, WHAT, AMOUNT = gettext_lazy("Date"), gettext_lazy("What"), gettext_lazy("Amount")


def coded(key, label) -> dict:
    """A coded item as a file gives it: its key beside its label."""
    return {"key": key, "label": str(label)}


def amount_data(value) -> dict:
    """An amount as a file gives it: a number, with its unit beside it."""
    return {"amount": float(Decimal(value)), "unit": coded(CURRENCY, _("US dollars"))}


def day_data(day) -> str | None:
    """A day year-month-day (a moment with its time and offset); None for none."""
    return day.isoformat() if day else None


@dataclass(frozen=True)
class Column:
    """A column of a table of records: its `header` (None: the column is in the data only), the cell
    `words(item)` gives, and `data(item)`, what the column adds to the record's data."""

    header: Promise | None
    words: Callable[[Any], str] | None
    data: Callable[[Any], dict]


@dataclass(frozen=True)
class When(Column):
    """The first column of a table: when each item was made, from the model's field `attr`, by which the rows
    are in order; `made_on(item)` the day, for an answer that holds only what is new since an earlier one."""

    attr: str
    made_on: Callable[[Any], Any]


def day(attr: str) -> When:
    """Made on the day `attr`: "Date", the day in words; in the data the day under `attr`."""
    return When(
        DATE,
        lambda x: day_words(getattr(x, attr)),
        lambda x: {attr: day_data(getattr(x, attr))},
        attr,
        lambda x: getattr(x, attr),
    )


def moment(attr: str, *, key: str, words=moment_words) -> When:
    """Made at the moment `attr`: "Date", the moment as `words` writes it; in the data the moment under
    `key`."""
    return When(
        DATE,
        lambda x: words(getattr(x, attr)),
        lambda x: {key: getattr(x, attr).isoformat()},
        attr,
        lambda x: getattr(x, attr).date(),
    )


def dates(*attrs: str) -> Column:
    """Days (or moments) in the data only, each under its field's name."""
    return Column(None, None, lambda x: {a: day_data(getattr(x, a)) for a in attrs})


def fields(**attrs: str) -> Column:
    """Fields as they are kept, in the data only: each key → the field it is kept in."""
    return Column(None, None, lambda x: {key: getattr(x, a) for key, a in attrs.items()})


def amount(attr: str = "amount", *, header: Promise | None = AMOUNT, key: str | None = None) -> Column:
    """The amount in the field `attr`: under `header` as the bill writes it; in the data its number and
    unit, beside the record's other data, or under `key` (None there when there is no amount)."""

    def data(x) -> dict:
        value = getattr(x, attr)
        if key is None:
            return amount_data(value)
        return {key: amount_data(value) if value is not None else None}

    return Column(header, lambda x: money(getattr(x, attr)), data)


def in_words(
    words: Callable[[Any], str], *, key: str, code="status", header: Promise | None = WHAT
) -> Column:
    """An item told in `words(item)`, under `header`; in the data those words under `key`, beside the key
    they stand for (the field `code`, or what `code(item)` gives; the words alone when `code` is None)."""

    def data(x) -> dict:
        if code is None:
            return {key: words(x)}
        return {key: coded(code(x) if callable(code) else getattr(x, code), words(x))}

    return Column(header, words, data)


@dataclass(frozen=True)
class Kept:
    """A kind of record kept of a customer, as its table of the bills category (`key` names the kind for
    programs, `title` in the active language): the rows of `model` whose field `whose` is the customer, in
    the order they were made (`on`, the first column), then `columns`; `related`: what the cells read of
    other rows, fetched with them."""

    key: str
    title: Promise
    model: type[Model]
    on: When
    columns: tuple[Column, ...]
    whose: str = "customer_id"
    related: tuple[str, ...] = ()

    def records(self, customer_id: int, _documents=None) -> list[Records]:
        rows = self.model.objects.filter(**{self.whose: customer_id}).order_by(self.on.attr, "pk")
        if self.related:
            rows = rows.select_related(*self.related)
        columns = (self.on, *self.columns)
        shown = [c for c in columns if c.header is not None]
        return [
            Records(
                BILL_CATEGORY,
                self.key,
                str(self.title),
                [str(c.header) for c in shown],
                [
                    Record(
                        [c.words(x) for c in shown],
                        {k: v for c in columns for k, v in c.data(x).items()},
                        self.on.made_on(x),
                    )
                    for x in rows
                ],
            )
        ]


_KINDS: list[Kept] = []


def kept_register(*kinds: Kept) -> None:
    """Register each kind as a reader of the bills category, in the order given (from an app's `ready`)."""
    for kind in kinds:
        records_register(BILL_CATEGORY, kind.records)
        if kind not in _KINDS:
            _KINDS.append(kind)


def kinds_kept() -> tuple[Kept, ...]:
    """Every kind registered, in the order registered: what a data request's answer holds beside the bills
    (a test holds every model of a customer's records to one of these, or to its reason)."""
    return tuple(_KINDS)
