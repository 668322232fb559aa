"""Enrolment in the portal: the account number and a figure from the bill prove the customer holds the
account; a link sent to the e-mail address confirms it is theirs. Until confirmed, nothing can be seen."""

import json
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from custodian.casework.representatives import RepresentativeError, invitation_opened
from custodian.outbox.services import message_send
from custodian.portal.models import PortalAccount
from custodian.vault.gate import (
    Denied,
    customer_actor,
    find_customers,
    reveal,
    reveal_documents,
    system_actor,
)
from custodian.vault.normalize import normalize
from custodian.vault.services import Submission, blind_index_of, document_seal, personal_data_record

CONFIRM_SALT = "custodian.portal.confirm"
CONFIRM_MAX_AGE = 48 * 3600


class EnrolmentError(ValueError):
    """One message for every failure of the proof, so enrolment can't be used to probe accounts."""


NOT_MATCHED = gettext_lazy(
    "The account number and the bill figure don't match our records, or the account is already enrolled."
)


def login_name(email: str) -> str:
    return "c-" + blind_index_of("email", email)[:60]


@dataclass
class Enrolment:
    account_number: str
    last_electric_kwh: int
    email: str
    password: str


def last_electric_kwh(customer_id: int) -> int | None:
    values = reveal(
        actor=system_actor("portal_enrolment"),
        customer_id=customer_id,
        fields=["meter_usage"],
        purpose="providing_services",
    )
    usage = json.loads(values.get("meter_usage", "{}"))
    months = usage.get("electric", {}).get("months", [])
    return round(months[-1]["total"]) if months else None


def _unconfirmed_drop(account: PortalAccount) -> None:
    """An unconfirmed sign-up gives way: its sign-in goes (and with it its confirmation link)."""
    account.user.delete()  # cascades to the PortalAccount


def _tell_the_address_on_file(account: PortalAccount, enrolling_email: str) -> None:
    """Whoever holds the account hears that someone signed up for it, at the e-mail address we already
    have (if any), so a sign-up by someone else does not go unnoticed. The message carries no link."""
    on_file = reveal(
        actor=system_actor("portal_enrolment"),
        customer_id=account.customer_id,
        fields=["email"],
        purpose="contacting_customers",
    ).get("email", "")
    if not on_file or normalize("email", on_file) == normalize("email", enrolling_email):
        return
    message_send(
        to_address=on_file,
        to_customer=account.customer,
        template="portal_enrolment_notice",
        context={},
        sent_by_job="portal_enrolment",
    )


@transaction.atomic
def portal_enrol(*, enrolment: Enrolment, confirm_url) -> PortalAccount:
    """Check the proof, create the (inactive) sign-in, and e-mail a confirmation link.

    Only a confirmed sign-up holds the account: an unconfirmed one (expired or not) gives way to a later
    sign-up that passes the same proof, so nobody can block the customer by signing up first and never
    confirming. The e-mail address on file, if any, is told."""
    try:
        ids = find_customers(
            actor=system_actor("portal_enrolment"),
            field="account_number",
            value=enrolment.account_number,
            purpose="providing_services",
        )
    except Denied:
        ids = []
    if len(ids) != 1:
        raise EnrolmentError(NOT_MATCHED)
    held = PortalAccount.objects.select_related("user").filter(customer_id=ids[0]).first()
    if held is not None and held.confirmed_at is not None:
        raise EnrolmentError(NOT_MATCHED)
    expected = last_electric_kwh(ids[0])
    if expected is None or abs(expected - int(enrolment.last_electric_kwh)) > 1:
        raise EnrolmentError(NOT_MATCHED)
    name = login_name(enrolment.email)
    same_address = PortalAccount.objects.select_related("user").filter(user__username=name).first()
    if same_address is not None and same_address.confirmed_at is not None:
        raise EnrolmentError(_("That e-mail address already signs in to an account."))
    for pending in {a.pk: a for a in (held, same_address) if a is not None}.values():
        _unconfirmed_drop(pending)
    if get_user_model().objects.filter(username=name).exists():
        raise EnrolmentError(_("That e-mail address already signs in to an account."))
    user = get_user_model().objects.create_user(username=name, password=enrolment.password, is_active=False)
    account = PortalAccount.objects.create(user=user, customer_id=ids[0])
    # The address waits sealed in the vault (it is the customer's own submission); the link carries only the
    # account, so no e-mail address ever appears in a URL, a server log or a browser's history.
    document_seal(
        customer_id=ids[0],
        category="correspondence",
        ref=f"portal-signup:{account.pk}",
        content=enrolment.email.strip().encode(),
        media_type="text/plain",
        submission=Submission(channel="portal", notice_key="portal_profile"),
    )
    _tell_the_address_on_file(account, enrolment.email)
    token = signing.dumps({"account": account.pk, "user": user.pk}, salt=CONFIRM_SALT)
    message_send(
        to_address=enrolment.email,
        to_customer=account.customer,
        template="portal_confirm",
        context={"confirm_url": confirm_url(token)},
        sent_by_job="portal_enrolment",
    )
    return account


@transaction.atomic
def portal_confirm(*, token: str) -> PortalAccount:
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        raise EnrolmentError(_("This link is not valid or has expired; sign up again.")) from None
    account = (
        PortalAccount.objects.select_related("user")
        .filter(pk=data["account"], user_id=data.get("user"))
        .first()
    )
    if account is None:
        raise EnrolmentError(_("This link is not valid or has expired; sign up again."))
    if account.confirmed_at is None:
        account.confirmed_at = timezone.now()
        account.save(update_fields=["confirmed_at"])
        account.user.is_active = True
        account.user.save(update_fields=["is_active"])
        (pending,) = reveal_documents(
            actor=customer_actor(account.customer_id),
            customer_id=account.customer_id,
            category="correspondence",
            refs=[f"portal-signup:{account.pk}"],
            purpose="providing_services",
        )
        personal_data_record(
            customer=account.customer,
            values={"email": pending.text},
            submission=Submission(channel="portal", notice_key="portal_profile"),
        )
    return account


def portal_accounts_delete(customer_ids) -> int:
    """Delete the customers' online accounts and the sign-ins behind them (retention, erasure); how many.
    Runs in the caller's transaction."""
    users = list(
        PortalAccount.objects.filter(customer_id__in=list(customer_ids)).values_list("user_id", flat=True)
    )
    PortalAccount.objects.filter(customer_id__in=list(customer_ids)).delete()
    get_user_model().objects.filter(pk__in=users).delete()
    return len(users)


@transaction.atomic
def representative_sign_in_create(*, token: str, password: str):
    """A representative's invitation link: they set a password and get a portal sign-in of their own,
    confirmed (the link reached their address). Returns the Django user."""
    rep = invitation_opened(token)
    held = PortalAccount.objects.select_related("user").filter(customer_id=rep.person_id).first()
    if held is not None:
        raise RepresentativeError(_("You have a sign-in already: sign in with it."))
    email = reveal(
        actor=customer_actor(rep.person_id, "the representative"),
        customer_id=rep.person_id,
        fields=["email"],
        purpose="providing_services",
    )["email"]
    name = login_name(email)
    if get_user_model().objects.filter(username=name).exists():
        raise RepresentativeError(_("That e-mail address already signs in to an account: sign in with it."))
    user = get_user_model().objects.create_user(username=name, password=password)
    PortalAccount.objects.create(user=user, customer_id=rep.person_id, confirmed_at=timezone.now())
    return user
