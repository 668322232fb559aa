"""The append-only accounting of disclosures: one entry per customer, in the disclosure's transaction; and
the checks the other writes share (categories known to the policy file, who reviews access)."""

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from custodian.audit.actions import Action
from custodian.audit.events import append_change, copy_lines, copy_text
from custodian.audit.record_seals import with_seal
from custodian.disclosures.models import DisclosureEntry
from custodian.disclosures.sealed import ENTRY_COLUMNS, batch_seal
from custodian.policy.loader import current_policy
from custodian.staff.selectors import reviews_access, services_of, staff_users


class AccountingError(ValueError):
    pass


_COLUMNS = ("customer_id", *ENTRY_COLUMNS)


@dataclass(frozen=True)
class Accounting:
    """One disclosure to one recipient, checked, ready to be entered for any number of customers: what
    every entry shares (the columns after the customer). An export enters its customers chunk by chunk as
    it writes them, all in the one transaction that marks it done (`custodian.disclosures.exports`)."""

    common: tuple

    def record(self, customer_ids: Sequence[int]) -> int:
        """An entry for each of these customers, in the caller's transaction, as one batch sealed into the
        access log by one event (custodian.disclosures.sealed)."""
        if not customer_ids:
            return 0
        batch = secrets.token_hex(8)
        table = DisclosureEntry._meta.db_table
        columns = (*_COLUMNS, "batch")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # COPY: a million entries in seconds
                # The shared fields written once as COPY text: only the customer differs from row to row.
                tail = "".join(f"\t{copy_text(v)}" for v in (*self.common, batch)) + "\n"
                copy_lines(cursor, table, columns, (f"{int(cid)}{tail}" for cid in customer_ids))
            else:
                # One statement a slice: the shared values bound once (the two dates adapted as the ORM
                # would store them) and the customers as one JSON array, instead of eleven values bound per
                # entry. Values go through the database adapter (no string building).
                ops = connection.ops
                common = list(self.common)
                common[0], common[-1] = (ops.adapt_datetimefield_value(d) for d in (common[0], common[-1]))
                sql = (
                    f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                    f"SELECT ids.value, {', '.join(['%s'] * (len(common) + 1))} "
                    "FROM json_each(%s) AS ids ORDER BY ids.key"
                )
                for start in range(0, len(customer_ids), 50_000):
                    part = [int(cid) for cid in customer_ids[start : start + 50_000]]
                    cursor.execute(sql, [*common, batch, json.dumps(part)])
        append_change(
            action=Action.DISCLOSURE_ACCOUNTED,
            actor_kind="system",
            actor_id="disclosures",
            actor_label="the accounting of disclosures",
            reason=with_seal(
                f"{len(customer_ids)} entries in the accounting of disclosures, batch {batch}",
                batch_seal(batch, self.common, customer_ids),
            ),
        )
        return len(customer_ids)


def disclosure_accounting(
    *,
    recipient_name: str,
    recipient_address: str,
    categories: Sequence[str],
    purpose: str,
    basis_kind: str,
    basis_ref: str,
    approved_by=None,
    disclosed_at: datetime | None = None,
    period: str = "",
) -> Accounting:
    """A disclosure of `categories` to one recipient, checked before anything is entered (or disclosed).
    `period`: the period of dated data given under a consent, in the record's words (`Period.record_words`),
    kept after the categories' labels."""
    policy = current_policy()
    unknown = [c for c in categories if c not in policy.categories]
    if unknown or not categories:
        raise AccountingError(f"unknown or no categories: {unknown}")
    if not purpose.strip():
        raise AccountingError("a disclosure needs its purpose")
    if basis_kind not in {"consent", "legal_authority", "vendor_determination"} or not basis_ref.strip():
        raise AccountingError(
            "a disclosure needs its basis: consent, legal authority or vendor determination, with a reference"
        )
    if not recipient_name.strip():
        raise AccountingError("a disclosure needs the recipient's name")
    labels = ", ".join(policy.categories[c].label for c in categories)
    if period:  # the period is kept whole, the labels shortened if they must be
        labels = f"{labels[: 498 - len(period)]}; {period}"
    return Accounting(
        (
            disclosed_at or timezone.now(),
            recipient_name.strip(),
            recipient_address.strip(),
            labels[:500],
            ",".join(sorted(categories)),
            purpose,
            basis_kind,
            basis_ref.strip(),
            approved_by.pk if approved_by else None,
            timezone.now(),
        )
    )


@transaction.atomic
def disclosure_entries_record(*, customer_ids: Sequence[int], **disclosure) -> int:
    """Account for one disclosure (the fields of `disclosure_accounting`) about each customer."""
    return disclosure_accounting(**disclosure).record(customer_ids)


def categories_checked(categories) -> list[str]:
    policy = current_policy()
    cats = sorted(set(categories))
    unknown = [c for c in cats if c not in policy.categories]
    if unknown or not cats:
        raise AccountingError(f"unknown or no categories: {unknown}")
    return cats


def reviews_access_of(user) -> bool:
    return reviews_access(services_of(user))


# Who may be the second person on a decision that lets data leave (a law enforcement request, a vendor
# determination): the privacy office or legal.
SECOND_APPROVER_SERVICES = frozenset({"privacy_officer", "legal"})


def second_approver_of(user) -> bool:
    return bool(SECOND_APPROVER_SERVICES & services_of(user))


def second_approvers() -> list:
    """The active members of staff who may be the second person (the privacy officers among them)."""
    return [u for u in staff_users().filter(is_active=True).order_by("pk") if second_approver_of(u)]
