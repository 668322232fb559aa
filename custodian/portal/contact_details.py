"""Removing the telephone number or the e-mail address from the contact details on file, at the customer's
word (My account's contact details, by the customer or a representative whose authority covers them).

The policy file's notice at collection says both are voluntary ("telephone and e-mail are voluntary; without
telephone or e-mail we contact you by mail"), so either may go, except an e-mail address something still
rests on: the one the customer signs in to My account with (we write to it about the online account), or
the one paperless bills go to. Its removal is refused, saying why and what to do first. Nothing else is ever
removed here: the name and the mailing address are required to hold an account.

A removal supersedes the value in the vault with none in its place (`vault.services.personal_data_record`
with None: the earlier value kept sealed under the retention schedule's replaced values), the access log
records it as a removal in the same transaction, and the customer is told as for any change of a way we
reach them (`outbox.contact_change`: the old e-mail address is told; a telephone number's removal goes to the
e-mail address on file, else by letter)."""

from django.db import transaction
from django.utils.translation import gettext_lazy

from custodian.billing.notices import paperless_in_force
from custodian.policy.loader import current_policy
from custodian.portal.models import PortalAccount
from custodian.portal.services import email_on_file, same_address, sign_in_address
from custodian.vault.gate import Denied
from custodian.vault.selectors import value_provenance
from custodian.vault.services import Submission, personal_data_record

REMOVABLE = ("phone", "email")

NOTHING_TO_REMOVE = gettext_lazy("Nothing to remove: we hold no %(what)s for you.")
SIGNS_IN = gettext_lazy(
    "Not removed: your e-mail address is the one you sign in to My account with, and we write to it about "
    "your online account. You can change it to another address instead; to stop using e-mail with us, call "
    "us at %(phone)s to close your online account first."
)
PAPERLESS = gettext_lazy(
    "Not removed: paperless billing is on, and your bills come only by e-mail to this address. Turn "
    'paperless billing off first (on the page "Bills and payments"), then remove the address.'
)


class ContactRemovalRefused(ValueError):
    """A removal that can't be done now; the message says why and what to do first."""


def _what(field: str) -> str:
    return current_policy().categories[field].in_language().label.lower()


def email_removal_refusal(customer_id: int, on_file: str) -> str:
    """Why the e-mail address on file can't be removed now (the customer's words), or "" when it can."""
    account = PortalAccount.objects.filter(customer_id=customer_id, confirmed_at__isnull=False).first()
    if account is not None:
        signs_in = sign_in_address(account)
        if signs_in and same_address(signs_in, on_file):
            return str(SIGNS_IN % {"phone": current_policy().utility["phone"]})
    # On the facts, not on what the asker may read: a representative whose authority leaves out the bills
    # is told no paperless choice, yet the customer's bills still go to this address alone.
    if paperless_in_force(customer_id):
        return str(PAPERLESS)
    return ""


@transaction.atomic
def contact_remove(*, customer, fields, actor, recorded_by_label: str = "the customer") -> None:
    """Remove the customer's telephone number and/or e-mail address on file, all or none, asked by `actor`
    (the portal's asker: the customer, or their representative within the authority's data categories, else
    Denied): ContactRemovalRefused (saying why) when one is not held or the e-mail address is still needed."""
    fields = [f for f in REMOVABLE if f in fields]
    if not fields:
        raise ValueError(f"only {', '.join(REMOVABLE)} may be removed")
    # A representative removes only what their authority lets them read (the page refuses it first, saying
    # what the authority leaves out): Denied, as the gate answers a read outside it.
    if not all(actor.reads_own(customer.pk, category=current_policy().category_for_field(f)) for f in fields):
        raise Denied("authority_does_not_cover_removal")
    held = value_provenance(fetched_by=actor, customer_id=customer.pk, fields=fields)
    for field in fields:
        if field not in held:
            raise ContactRemovalRefused(str(NOTHING_TO_REMOVE % {"what": _what(field)}))
    if "email" in fields and (refusal := email_removal_refusal(customer.pk, email_on_file(customer.pk))):
        raise ContactRemovalRefused(refusal)
    personal_data_record(
        customer=customer,
        values=dict.fromkeys(fields),
        submission=Submission(
            channel="portal", notice_key="portal_profile", recorded_by_label=recorded_by_label
        ),
    )
