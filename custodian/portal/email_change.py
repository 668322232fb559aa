"""Changing the e-mail address on file from the portal: bills, notices and answers go to it, so a new address
is recorded only once a link sent to it is confirmed (by the button on the page the link opens, not by
opening it), and the old address is told of the change (without a link). Until then the address on file
stays as it is.

The new address waits sealed in the vault as the customer's correspondence (with who asked: the customer or
their representative); the link carries the customer's row, a reference to it and a digest of the address on
file when it was asked, so a link works once and not after another change, and no address is in a URL."""

import json
import secrets

from django.db import transaction
from django.utils.translation import gettext_lazy

from custodian.customers.selectors import customer_for
from custodian.outbox.services import language_of, message_send
from custodian.portal.services import ENROLMENT_JOB, email_on_file, same_address
from custodian.signed_links import SignedLink
from custodian.vault.gate import customer_actor, reveal_documents
from custodian.vault.services import Submission, blind_index_of, document_seal, personal_data_record

# Where the ref of a new address waiting to be confirmed starts (deleted with the online account).
CHANGE_REF_PREFIX = "portal-email-change:"
CHANGE_LINK = SignedLink(salt="custodian.portal.email_change", max_age=48 * 3600)

LINK_NOT_VALID = gettext_lazy(
    "This link is not valid, has expired or was used already; change your e-mail address again in My account."
)


class EmailChangeError(ValueError):
    pass


def _on_file_digest(customer_id: int) -> str:
    on_file = email_on_file(customer_id)
    return blind_index_of("email", on_file) if on_file else ""


@transaction.atomic
def email_change_ask(
    *, customer, email: str, confirm_url, recorded_by_label: str = "the customer", page_language: str = ""
) -> bool:
    """E-mail the new address a link to confirm it; False (nothing sent) when it is the address on file
    already. `confirm_url(token, language)` builds the link, opening in the message's language: the
    customer's chosen one, else the page's (`page_language`); the signed-in customer typed the address, so
    they are who reads it."""
    email = email.strip()
    on_file = email_on_file(customer.pk)
    if on_file and same_address(on_file, email):
        return False
    ref = f"{CHANGE_REF_PREFIX}{secrets.token_urlsafe(12)}"
    document_seal(
        customer_id=customer.pk,
        category="correspondence",
        ref=ref,
        content=json.dumps({"email": email, "recorded_by": recorded_by_label}).encode(),
        media_type="application/json",
        submission=Submission(
            channel="portal", notice_key="portal_profile", recorded_by_label=recorded_by_label
        ),
    )
    token = CHANGE_LINK.token({"customer": customer.pk, "ref": ref, "was": _on_file_digest(customer.pk)})
    message_send(
        to_address=email,
        to_customer=customer,
        template="portal_email_change",
        context={"confirm_url": confirm_url(token, language_of(customer, page=page_language))},
        sent_by_job=ENROLMENT_JOB,
        page_language=page_language,
    )
    return True


def _link_customer(data: dict):
    """The customer a change link names, if they are still on file."""
    customer_id = data.get("customer")
    if not isinstance(customer_id, int):
        return None
    return customer_for(fetched_by=customer_actor(customer_id), customer_id=customer_id)


def _change_opened(token: str):
    """What a change link asks and the customer who asked, if it is still good; EmailChangeError otherwise."""
    data, customer = CHANGE_LINK.opened(token, subject=_link_customer, error=EmailChangeError(LINK_NOT_VALID))
    if data.get("was") != _on_file_digest(customer.pk):
        raise EmailChangeError(LINK_NOT_VALID)  # used already, or the address changed since
    return data, customer


def email_change_asked(token: str) -> dict:
    """What a change link asks, if it is still good; EmailChangeError otherwise."""
    data, _ = _change_opened(token)
    return data


@transaction.atomic
def email_change_confirm(*, token: str, page_language: str = ""):
    """Record the new address on file (the button on the link's page) and tell the old one, in the customer's
    chosen language, else the page's; the customer."""
    data, customer = _change_opened(token)
    found = reveal_documents(
        actor=customer_actor(customer.pk),
        customer_id=customer.pk,
        category="correspondence",
        refs=[data["ref"]],
        purpose="providing_services",
    )
    if not found:
        raise EmailChangeError(LINK_NOT_VALID)
    asked = json.loads(found[0].text)
    old = email_on_file(customer.pk)
    personal_data_record(
        customer=customer,
        values={"email": asked["email"]},
        submission=Submission(
            channel="portal",
            notice_key="portal_profile",
            recorded_by_label=asked["recorded_by"],
            old_contact_told=True,  # below, in the words of this change
        ),
    )
    if old:
        message_send(
            to_address=old,
            to_customer=customer,
            template="portal_email_changed",
            context={},
            sent_by_job=ENROLMENT_JOB,
            page_language=page_language,
        )
    return customer
