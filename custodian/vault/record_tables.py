"""The kinds of record kept of a customer as tables of a category (`custodian.vault.records_held`): each
declared once by the app that keeps it (the bills and what is kept beside them, the customer's requests, the
representatives' authority, consents, erasures, the homes the comparison puts theirs with…): its model, whose
rows are the customer's, the category it is answered under, and its columns. A column gives a cell as a
person reads it (dates in words, in the active language) and its part of the record's data as a program
reads it (keys, numbers, days year-month-day); one loop makes every kind's table alike. Each app registers
its kinds from its `ready` (`kept_register`), so a lower layer never imports the apps that keep them."""

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from typing import Any

from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from custodian.dates import day_words, moment_words
from custodian.policy.loader import current_policy
from custodian.vault.gate import Document
from custodian.vault.records_held import Record, Records, records_register

DATE, WHAT = gettext_lazy("Date"), gettext_lazy("What")


def coded(key, label) -> dict:
    """A coded item as a file gives it: its key beside its label."""
    return {"key": key, "label": str(label)}


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
    are in order; `made_on(item)` the day, for an answer that holds only what is new since an earlier one
    (None: the item is in every answer)."""

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


def listed(words: Callable[[Any], list[tuple[str, str]]], *, key: str, header: Promise) -> Column:
    """Several coded items, `words(item)` giving each one's key and words: the words joined under `header`;
    in the data the list of them, each its key beside its words."""
    return Column(
        header,
        lambda x: "; ".join(w for _k, w in words(x)),
        lambda x: {key: [coded(k, w) for k, w in words(x)]},
    )


def categories_named(keys) -> list[tuple[str, str]]:
    """Data categories of the policy file, each its key beside its label in the active language (a key the
    file no longer has, as kept)."""
    categories = current_policy().categories
    return [(k, categories[k].in_language().label if k in categories else k) for k in keys]


@dataclass(frozen=True)
class Kept:
    """A kind of record kept of a customer, as its table of the `category` (`key` names the kind for
    programs, `title` in the active language): the rows of `model` whose field `whose` is the customer, in
    the order they were made (`on`, the first column), then `columns`; `related`: what the cells read of
    other rows, fetched with them; `opened(rows, documents)`: what the cells read of the category's sealed
    documents opened for the read, given to the rows before their cells are written."""

    key: str
    title: Promise
    model: type[Model]
    on: When
    columns: tuple[Column, ...]
    whose: str = "customer_id"
    related: tuple[str, ...] = ()
    _: KW_ONLY
    category: str
    opened: Callable[[list, list[Document]], None] | None = None

    def records(self, customer_id: int, documents=None) -> list[Records]:
        rows = self.model.objects.filter(**{self.whose: customer_id}).order_by(self.on.attr, "pk")
        if self.related:
            rows = rows.select_related(*self.related)
        rows = list(rows)
        if self.opened is not None:
            self.opened(rows, documents or [])
        columns = (self.on, *self.columns)
        shown = [c for c in columns if c.header is not None]
        return [
            Records(
                self.category,
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


def kept_register(*kinds: Kept, ref_prefix: str | None = None) -> None:
    """Register each kind as a reader of its category, in the order given (from an app's `ready`);
    `ref_prefix`: where the category's sealed documents that the kinds read start (`Kept.opened`)."""
    for kind in kinds:
        records_register(kind.category, kind.records, ref_prefix=ref_prefix)
        if kind not in _KINDS:
            _KINDS.append(kind)


def kinds_kept() -> tuple[Kept, ...]:
    """Every kind registered, in the order registered: what a data request's answer holds as tables (a test
    holds every model of a customer's records to one of these, or to its reason)."""
    return tuple(_KINDS)
