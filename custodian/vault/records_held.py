"""What is kept of a category as records rather than as one sealed value: a customer's bills (sealed
documents) with their ledger, deposits, refunds and budget plans, their payment agreements and notices of
disconnection, their automatic payment. A data access request's answer and the customer's own download hold
every category of the policy file; a category kept as records is answered by the readers its owning apps
register here (`records_register`, from their `ready`), each giving tables of what is kept.

One read of a category is one read through the gate (`records_held`): the category's sealed documents are
opened for the purpose, one access event in the read's transaction, and only when the gate allows it do the
readers look at the records kept beside them (the clear columns of the same category). A refusal raises
`Denied` like any read, and nothing of the category is given.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from custodian.vault.gate import Actor, Document, reveal_documents


@dataclass(frozen=True)
class Record:
    """One record kept: `words`, its cells as a person reads them (amounts and dates in words, in the active
    language); `data`, the same for programs (keys, numbers, days year-month-day); `made_on`, the day it was
    made, for an answer that holds only what is new since an earlier one."""

    words: list[str]
    data: dict
    made_on: date | None = None


@dataclass(frozen=True)
class Records:
    """A table of records of one kind within a category: `key` names the kind for programs (`bills`,
    `ledger`, ...), `title` and `headers` in the active language."""

    category: str
    key: str
    title: str
    headers: list[str]
    records: list[Record] = field(default_factory=list)

    def since(self, day: date | None) -> "Records":
        """Only the records made after `day` (all of them for None)."""
        if day is None:
            return self
        return replace(self, records=[r for r in self.records if r.made_on is None or r.made_on > day])


# A reader: (customer id, the category's documents opened for this read) → its tables.
Reader = Callable[[int, list[Document]], list[Records]]
_READERS: dict[str, list[Reader]] = {}
_REF_PREFIX: dict[str, str] = {}


def records_register(category: str, reader: Reader, *, ref_prefix: str | None = None) -> None:
    """Register a reader of what is kept of `category` as records; `ref_prefix`: where the category's sealed
    documents that the readers need start (the owner of the documents names it)."""
    readers = _READERS.setdefault(category, [])
    if reader not in readers:
        readers.append(reader)
    if ref_prefix is not None:
        _REF_PREFIX[category] = ref_prefix


def record_categories() -> set[str]:
    """The categories kept as records (a reader registered for each)."""
    return {c for c, readers in _READERS.items() if readers}


def records_held(
    *, actor: Actor, customer_id, category: str, purpose: str, request_id=None, client_ip: str = ""
) -> list[Records]:
    """Every table of records kept of `category` for the customer that is not empty, read through the gate
    for `purpose` (one access event, in the caller's transaction; `Denied` when refused). [] for a
    category no reader is registered for, without a read."""
    readers = _READERS.get(category)
    if not readers:
        return []
    documents = reveal_documents(
        actor=actor,
        customer_id=customer_id,
        category=category,
        ref_prefix=_REF_PREFIX.get(category, ""),
        purpose=purpose,
        request_id=request_id,
        client_ip=client_ip,
    )
    return [t for reader in readers for t in reader(int(customer_id), documents) if t.records]
