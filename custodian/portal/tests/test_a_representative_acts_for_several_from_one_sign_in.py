"""One person, several authorities: Rosa Reyes holds a power of attorney for Alice Anderson and, later, one
for Bob Brandt. Her second invitation reaches the address she already signs in with, so it can't set up a
second sign-in: signed in with that address, she adds the authority to her sign-in and acts for either from
it. Holding the link is not enough: Bob, signed in as himself, can't take Rosa's authority, nor can anyone
once it has joined her sign-in. The join is in the access log, told to the customer in words."""

import re
from dataclasses import replace

from django.core import mail
from django.test import Client

from custodian.audit.models import AccessEvent
from custodian.audit.selectors import seen_in_words
from custodian.casework.models import Representative
from custodian.casework.representatives import representative_register, representative_verify
from custodian.testing import portal_browser, power_of_attorney

PASSWORD = "a long representative passphrase"


def _invitation(customer, service_rep, privacy_officer, **changed) -> tuple[Representative, str]:
    authority = replace(power_of_attorney(customer), **changed)
    rep = representative_register(authority=authority, by=service_rep)
    representative_verify(
        rep=rep, by=privacy_officer, invite_url=lambda t: f"http://testserver/portal/representative/{t}/"
    )
    link = re.search(r"http://testserver(/portal/representative/[^\s]+/)", mail.outbox[-1].body).group(1)
    return rep, link


def _signed_in(email: str, password: str) -> Client:
    client = Client()
    assert client.post("/portal/sign-in/", {"email": email, "password": password}).status_code == 302
    return client


def test_rosa_acts_for_alice_and_bob_from_one_sign_in(customer, other_customer, service_rep, privacy_officer):
    for_alice, first = _invitation(customer, service_rep, privacy_officer)
    assert Client().post(first, {"password": PASSWORD}).status_code == 200
    for_bob, second = _invitation(other_customer, service_rep, privacy_officer)

    # Not signed in: a second sign-in for the same address is refused, saying what to do instead.
    page = Client().post(second, {"password": PASSWORD}).content.decode()
    assert "already signs in to an account: sign in with it, then open this link again" in page

    rosa = _signed_in("rosa@example.org", PASSWORD)
    assert "Add this authority to your sign-in" in rosa.get(second).content.decode()
    added = rosa.post(second, follow=True)
    assert added.redirect_chain[-1][0].endswith("/portal/me/act-for/")
    for_bob.refresh_from_db()
    assert for_bob.person_id == for_alice.person_id
    page = added.content.decode()
    assert page.count("Power of attorney") >= 2

    rosa.post("/portal/me/act-for/", {"authority": for_bob.pk})
    assert "Bob Brandt" in rosa.get("/portal/me/").content.decode()
    rosa.post("/portal/me/act-for/", {"authority": for_alice.pk})
    assert "Alice Anderson" in rosa.get("/portal/me/").content.decode()

    # The link has done its work: opened again, it names nobody.
    assert rosa.get(second).status_code == 400
    joined = AccessEvent.objects.filter(action="representative_joined")
    assert {e.customer_id for e in joined} == {str(other_customer.pk), str(for_alice.person_id)}
    (told,) = seen_in_words([joined.get(customer_id=str(other_customer.pk))])
    assert told.why == "Added your representative's authority to their own sign-in"


def test_the_link_alone_or_another_sign_in_does_not_take_an_authority(
    customer, other_customer, service_rep, privacy_officer
):
    rep, link = _invitation(customer, service_rep, privacy_officer)
    bob = portal_browser(other_customer, "bob@example.net")
    # Opened signed in as himself, the page refuses at once: it never offers what adding would refuse.
    page = bob.get(link)
    assert page.status_code == 400
    assert "sent to another e-mail address" in page.content.decode()
    assert "Add this authority to your sign-in" not in page.content.decode()
    page = bob.post(link)
    assert page.status_code == 400
    assert "sent to another e-mail address" in page.content.decode()
    rep.refresh_from_db()
    assert rep.person_id != other_customer.pk
    assert not AccessEvent.objects.filter(action="representative_joined").exists()
