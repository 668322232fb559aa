"""Writes to the accounting of disclosures: one entry per customer, in the disclosure's transaction."""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from custodian.disclosures.models import DisclosureEntry
from custodian.policy.loader import current_policy


class AccountingError(ValueError):
    pass


@transaction.atomic
def disclosure_entries_record(
    *,
    customer_ids: Sequence[int],
    recipient_name: str,
    recipient_address: str,
    categories: Sequence[str],
    purpose: str,
    basis_kind: str,
    basis_ref: str,
    approved_by=None,
    disclosed_at: datetime | None = None,
) -> int:
    """Account for one disclosure of `categories` about each customer to one recipient."""
    policy = current_policy()
    unknown = [c for c in categories if c not in policy.categories]
    if unknown or not categories:
        raise AccountingError(f"unknown or no categories: {unknown}")
    if purpose not in policy.purposes:
        raise AccountingError(f"unknown purpose {purpose!r}")
    if basis_kind not in {"consent", "legal_authority", "vendor_determination"} or not basis_ref.strip():
        raise AccountingError(
            "a disclosure needs its basis: consent, legal authority or vendor determination, with a reference"
        )
    if not recipient_name.strip():
        raise AccountingError("a disclosure needs the recipient's name")
    labels = ", ".join(policy.categories[c].label for c in categories)
    when = disclosed_at or timezone.now()
    DisclosureEntry.objects.bulk_create(
        [
            DisclosureEntry(
                customer_id=cid,
                disclosed_at=when,
                recipient_name=recipient_name.strip(),
                recipient_address=recipient_address.strip(),
                data_description=labels[:500],
                categories=",".join(sorted(categories)),
                purpose=purpose,
                basis_kind=basis_kind,
                basis_ref=basis_ref.strip(),
                approved_by=approved_by,
            )
            for cid in customer_ids
        ],
        batch_size=5000,
    )
    return len(customer_ids)
