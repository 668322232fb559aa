"""What casework keeps of a customer, as a data request's answer and the customer's download give it
(`custodian.vault.records_held`, the "correspondence" category: a request is what the customer wrote to us,
a representative's authority a document they gave us): each request by the number we gave it, its kind, how
it came, when it was opened, when it is due, answered or closed; and each representative registered to act
for them, by what authority, what they may do and which of the customer's data they may see, from when
until when (the representative's own name and address are their data, kept on their record). Called only
once the gate has allowed the read of the category; dates in words for a person, keys and days
year-month-day for a program."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from custodian.casework.choices import RepresentativeScope, RequestStatus
from custodian.casework.models import CustomerRequest, Representative
from custodian.dates import day_words
from custodian.vault.record_tables import (
    Kept,
    categories_named,
    dates,
    day,
    in_words,
    kept_register,
    listed,
    moment,
)

CORRESPONDENCE = "correspondence"


def _request_number(r: CustomerRequest) -> str:
    return _("Request #%(id)s") % {"id": r.pk}


def _request_status(r: CustomerRequest) -> str:
    """Where a request stands, in words: open (with the day its answer is due), answered, closed."""
    if r.status == RequestStatus.CLOSED:
        words = (
            _("closed on %(on)s") % {"on": day_words(timezone.localdate(r.closed_at))}
            if r.closed_at
            else _("closed")
        )
        if r.answered_at:
            words = (
                _("answered on %(on)s") % {"on": day_words(timezone.localdate(r.answered_at))} + "; " + words
            )
        return words
    if r.due_on:
        return _("open: our answer is due by %(on)s") % {"on": day_words(r.due_on)}
    return pgettext("a request", "open")


def _scopes(rep: Representative) -> list[tuple[str, str]]:
    labels = dict(RepresentativeScope.choices)
    return [(s, str(labels.get(s, s))) for s in rep.scope_list]


def _authority_status(rep: Representative) -> str:
    """Whether the authority is in force, in words: waiting for our check, in force until its end, ended,
    or revoked (when)."""
    if rep.revoked_at:
        return _("revoked on %(on)s") % {"on": day_words(timezone.localdate(rep.revoked_at))}
    if rep.verified_at is None:
        return _("not in force yet: we are checking the document")
    if rep.expires_on < timezone.localdate():
        return _("ended on %(on)s") % {"on": day_words(rep.expires_on)}
    return _("in force until %(on)s") % {"on": day_words(rep.expires_on)}


def _authority_code(rep: Representative) -> str:
    if rep.revoked_at:
        return "revoked"
    if rep.verified_at is None:
        return "checking"
    return "ended" if rep.expires_on < timezone.localdate() else "in_force"


CASEWORK = (
    Kept(
        "requests",
        gettext_lazy("Your requests"),
        CustomerRequest,
        moment("opened_at", key="opened_at", words=day_words),
        (
            in_words(_request_number, key="reference", code="pk", header=gettext_lazy("Request")),
            in_words(
                lambda r: str(r.get_kind_display()), key="kind", code="kind", header=gettext_lazy("Kind")
            ),
            in_words(
                lambda r: str(r.get_channel_display()),
                key="channel",
                code="channel",
                header=gettext_lazy("How"),
            ),
            dates("due_on", "answered_at", "closed_at"),
            in_words(_request_status, key="status", header=gettext_lazy("Status")),
        ),
        category=CORRESPONDENCE,
    ),
    Kept(
        "representatives",
        gettext_lazy("Who may act for you"),
        Representative,
        day("starts_on"),
        (
            in_words(
                lambda p: str(p.get_kind_display()),
                key="authority",
                code="kind",
                header=gettext_lazy("Authority"),
            ),
            listed(_scopes, key="may", header=gettext_lazy("What they may do")),
            listed(
                lambda p: categories_named(p.category_list),
                key="data_categories",
                header=gettext_lazy("Which of your data they may see"),
            ),
            dates("expires_on"),
            in_words(_authority_status, key="status", code=_authority_code, header=gettext_lazy("Status")),
        ),
        category=CORRESPONDENCE,
    ),
)


def register() -> None:
    """Casework's readers of the correspondence category (from the app's `ready`)."""
    kept_register(*CASEWORK)
