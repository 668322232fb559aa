"""A representative whose authority lets her change the customer's contact details is offered, changes and
removes only those whose data her authority covers, as she reads only those: where it leaves one out and she
sends it anyway, nothing is saved nor removed, and she is told so in the words the portal uses for what an
authority leaves out, with what she typed kept on the page. The service that removes a detail refuses her the
same way, whoever calls it.

Personas: Alice Anderson, and Rosa Reyes acting for her with authority over her contact details, her
telephone number, e-mail address or mailing address left out of the data she may see."""

import pytest
from django.core import mail

from custodian.audit.actions import Action
from custodian.audit.models import AccessEvent
from custodian.portal.contact_details import contact_remove
from custodian.testing import power_of_attorney
from custodian.testing.askers import representative_asker
from custodian.testing.portal import acting_for
from custodian.vault.gate import Denied, customer_actor, reveal

CONTACT = "/portal/me/contact/"
EMPTY = {"email": "", "phone": "", "mailing_address": ""}
CONTACT_DATA = ("name", "email", "phone", "mailing_address")
# Each contact detail left out of her authority, its words in "does not cover …", and what she tries.
TRIED = [
    ("phone", "telephone number", {"remove_phone": "on"}),
    ("phone", "telephone number", {"phone": "507-555-0199"}),
    ("email", "e-mail address", {"remove_email": "on"}),
    ("email", "e-mail address", {"email": "rosa.for.alice@example.org"}),
    ("mailing_address", "mailing address", {"mailing_address": "12 Elm St, Owatonna, MN 55060"}),
]


def on_file(customer) -> dict:
    return reveal(
        actor=customer_actor(customer.pk),
        customer_id=customer.pk,
        fields=list(CONTACT_DATA[1:]),
        purpose="billing",
    )


def changes(customer) -> int:
    return AccessEvent.objects.filter(
        customer_id=str(customer.pk), action__in=[Action.VALUES_REMOVED, Action.RECORD_VALUES]
    ).count()


@pytest.mark.parametrize(("left_out", "words", "typed"), TRIED)
def test_what_her_authority_leaves_out_is_neither_changed_nor_removed(
    customer, service_rep, privacy_officer, left_out, words, typed
):
    covered = [c for c in CONTACT_DATA if c != left_out]
    _, rosa = acting_for(
        customer, service_rep, privacy_officer, power_of_attorney(customer, ("contact",), covered)
    )
    before, logged = on_file(customer), changes(customer)
    mail.outbox.clear()
    page = rosa.post(CONTACT, {**EMPTY, **typed})
    text = page.content.decode()
    assert page.status_code == 403
    assert (
        f"Your authority to act for Alice Anderson does not cover {words}. Switch back to your own account, "
        "or ask us to change what your authority covers."
    ) in text
    for value in typed.values():
        assert value == "on" or f'value="{value}"' in text  # what she typed, kept on the page
    assert on_file(customer) == before and changes(customer) == logged and not mail.outbox


@pytest.mark.parametrize(
    ("covered", "offered"),
    [
        (CONTACT_DATA, ("email", "remove_email", "phone", "remove_phone", "mailing_address")),
        (("name", "email", "mailing_address"), ("email", "remove_email", "mailing_address")),
        (("name", "phone"), ("phone", "remove_phone")),
        (("name",), ()),
    ],
)
def test_she_is_offered_only_what_it_covers(customer, service_rep, privacy_officer, covered, offered):
    _, rosa = acting_for(
        customer, service_rep, privacy_officer, power_of_attorney(customer, ("view", "contact"), covered)
    )
    home = rosa.get("/portal/me/").content.decode()
    every = ("email", "remove_email", "phone", "remove_phone", "mailing_address")
    assert [name for name in every if f'name="{name}"' in home] == list(offered)
    assert ("Update your contact details" in home) == bool(offered)


def test_what_it_covers_she_changes(customer, service_rep, privacy_officer):
    authority = power_of_attorney(customer, ("contact",), [c for c in CONTACT_DATA if c != "phone"])
    _, rosa = acting_for(customer, service_rep, privacy_officer, authority)
    assert (
        rosa.post(CONTACT, {**EMPTY, "mailing_address": "12 Elm St, Owatonna, MN 55060"}).status_code == 302
    )
    assert on_file(customer)["mailing_address"].startswith("12 Elm St")


def test_the_removal_itself_refuses_what_the_authority_leaves_out(customer, service_rep):
    rosa = representative_asker(customer, service_rep, scope=("contact",), categories=("name", "email"))
    with pytest.raises(Denied):
        contact_remove(customer=customer, fields=["phone"], actor=rosa)
    assert on_file(customer)["phone"]
