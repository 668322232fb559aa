"""What retention keeps of a customer's requests to delete their data, as a data request's answer and the
customer's download give it (`custodian.vault.records_held`, the "correspondence" category, beside the
letter that answered each): when it was carried out, how the customer asked, how many items of their data
were deleted and whether their online account was. Called only once the gate has allowed the read of the
category."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from custodian.dates import day_words
from custodian.retention.models import ErasureRecord
from custodian.vault.choices import Channel
from custodian.vault.record_tables import Kept, fields, in_words, kept_register, moment


def _what_was_done(e: ErasureRecord) -> str:
    words = ngettext(
        "%(n)s item of your data deleted", "%(n)s items of your data deleted", e.values_deleted
    ) % {"n": e.values_deleted}
    if e.online_account_deleted:
        words += "; " + _("your online account deleted")
    return words + "; " + _("what we must keep, and why, is in our letter")


ERASURES = (
    Kept(
        "erasures",
        gettext_lazy("Your requests to delete your data"),
        ErasureRecord,
        moment("carried_out_at", key="carried_out_at", words=day_words),
        (
            in_words(
                lambda e: str(dict(Channel.choices).get(e.requested_via, e.requested_via)),
                key="asked_by",
                code="requested_via",
                header=gettext_lazy("How"),
            ),
            fields(values_deleted="values_deleted", online_account_deleted="online_account_deleted"),
            in_words(_what_was_done, key="what", code=None),
        ),
        category="correspondence",
    ),
)


def register() -> None:
    """Retention's reader of the correspondence category (from the app's `ready`)."""
    kept_register(*ERASURES)
