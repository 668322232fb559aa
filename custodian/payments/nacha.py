"""A NACHA (ACH) file of PPD debits: the file the utility's bank originates automatic payments from.

Written here rather than with a library: the format is a few fixed-width records (94 characters, blocked by
ten), and the Python packages that write it are unmaintained (`ach`, last released 2014; its fork
`carta-ach`, 2019) or in early versions; the tests check every field we write against the NACHA Operating
Rules' record layouts (file header 1, batch header 5, entry detail 6, batch control 8, file control 9).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _

RECORD = 94  # characters in a record, in the files the bank is sent and the returns it sends back
BLOCKING = 10
DEBIT_CHECKING, DEBIT_SAVINGS = "27", "37"
SERVICE_CLASS_DEBITS = "225"
BANK_ACCOUNT = re.compile(
    r"^\s*routing\s+(?P<routing>\d{9})\s+account\s+(?P<account>[0-9A-Za-z-]{1,17})\s*(?P<kind>checking|savings)?\s*$",
    re.I,
)


class BankAccountError(ValueError):
    """A bank account that can't be debited as written; the message says why."""


@dataclass(frozen=True)
class BankAccount:
    routing: str
    account: str
    savings: bool = False

    def __str__(self) -> str:
        return f"routing {self.routing} account {self.account} {'savings' if self.savings else 'checking'}"


def routing_valid(routing: str) -> bool:
    """The ABA routing number's check digit: 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0 (mod 10)."""
    if not re.fullmatch(r"\d{9}", routing):
        return False
    d = [int(c) for c in routing]
    return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + d[2] + d[5] + d[8]) % 10 == 0


def bank_account_parse(text: str) -> BankAccount:
    """`routing 555000005 account 123456789 [checking|savings]`, as the vault holds a bank account."""
    m = BANK_ACCOUNT.match(text or "")
    if m is None:
        raise BankAccountError(
            _("write the bank account as: routing NNNNNNNNN account NNNN [checking|savings]")
        )
    if not routing_valid(m["routing"]):
        raise BankAccountError(_("the routing number's check digit is wrong"))
    return BankAccount(m["routing"], m["account"], (m["kind"] or "").lower() == "savings")


@dataclass(frozen=True)
class Origin:
    """The utility as originator, and its bank (the ODFI)."""

    bank_routing: str  # immediate destination: the ODFI's routing number
    bank_name: str
    company_id: str  # the company identification the bank assigned (10 characters)
    company_name: str
    description: str = "UTILITY"


@dataclass(frozen=True)
class Debit:
    account: BankAccount
    amount: Decimal
    name: str
    reference: str  # the individual identification number: an opaque debit reference, 15 characters at most


def _alpha(value: str, width: int) -> str:
    text = "".join(c if 32 <= ord(c) < 127 else " " for c in value.upper())
    return text[:width].ljust(width)


def _num(value: int, width: int) -> str:
    text = str(value)
    if len(text) > width:
        raise ValueError(f"{value} does not fit {width} digits")
    return text.rjust(width, "0")


def nacha_file(*, origin: Origin, debits: list[Debit], effective_on: date, created: datetime) -> bytes:
    """One file, one batch of PPD debits (service class 225), effective on `effective_on`."""
    if not debits:
        raise ValueError("a NACHA file needs at least one entry")
    odfi = origin.bank_routing[:8]
    records = [
        "1"
        + "01"
        + " "
        + origin.bank_routing
        + _alpha(origin.company_id, 10)
        + created.strftime("%y%m%d%H%M")
        + "A"
        + "094"
        + "10"
        + "1"
        + _alpha(origin.bank_name, 23)
        + _alpha(origin.company_name, 23)
        + _alpha("", 8),
        "5"
        + SERVICE_CLASS_DEBITS
        + _alpha(origin.company_name, 16)
        + _alpha("", 20)
        + _alpha(origin.company_id, 10)
        + "PPD"
        + _alpha(origin.description, 10)
        + _alpha(effective_on.strftime("%b %y"), 6)
        + effective_on.strftime("%y%m%d")
        + "   "
        + "1"
        + odfi
        + _num(1, 7),
    ]
    entry_hash, total = 0, 0
    for n, debit in enumerate(debits, start=1):
        cents = int((debit.amount * 100).to_integral_value())
        if cents <= 0:
            raise ValueError("a debit must be more than zero")
        rdfi = debit.account.routing
        entry_hash += int(rdfi[:8])
        total += cents
        records.append(
            "6"
            + (DEBIT_SAVINGS if debit.account.savings else DEBIT_CHECKING)
            + rdfi[:8]
            + rdfi[8]
            + _alpha(debit.account.account, 17)
            + _num(cents, 10)
            + _alpha(debit.reference, 15)
            + _alpha(debit.name, 22)
            + "  "
            + "0"
            + odfi
            + _num(n, 7)
        )
    count = len(debits)
    hash10 = _num(entry_hash % 10**10, 10)
    records.append(
        "8"
        + SERVICE_CLASS_DEBITS
        + _num(count, 6)
        + hash10
        + _num(total, 12)
        + _num(0, 12)
        + _alpha(origin.company_id, 10)
        + _alpha("", 19)
        + _alpha("", 6)
        + odfi
        + _num(1, 7)
    )
    lines = len(records) + 1
    blocks = -(-lines // BLOCKING)
    records.append(
        "9"
        + _num(1, 6)
        + _num(blocks, 6)
        + _num(count, 8)
        + hash10
        + _num(total, 12)
        + _num(0, 12)
        + _alpha("", 39)
    )
    records += ["9" * RECORD] * (blocks * BLOCKING - lines)
    assert all(len(r) == RECORD for r in records)
    return ("\n".join(records) + "\n").encode("ascii")
