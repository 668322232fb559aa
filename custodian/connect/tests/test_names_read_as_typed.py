"""A third party's name and purpose reach the customer's consent screen as they were typed: a control that
reorders text on screen (U+202E and its kind) is refused by name at registration; invisible spaces are
dropped. The privacy officer's desk reads a vendor's or a recipient's name the same way."""

from django.test import Client

from custodian.connect.models import ThirdParty
from custodian.disclosures.models import Vendor
from custodian.testing.connect import REGISTRATION, register


def test_a_name_that_reads_backwards_on_screen_is_refused_at_registration(db):
    answer = Client().post(
        "/connect/register/",
        {**REGISTRATION, "name": "Solar Co \u202eexe.live\u202c", "purpose": "Save\u2066"},
    )
    assert answer.status_code == 400
    assert "change the direction of the text" in answer.content.decode()
    assert not ThirdParty.objects.exists()


def test_invisible_spaces_are_dropped_from_what_the_customer_reads(db):
    register(name="Sunny\u200b Solar\ufeff", purpose="Sizing a solar installation\u200b")
    third_party = ThirdParty.objects.get()
    assert (third_party.name, third_party.purpose) == ("Sunny Solar", "Sizing a solar installation")


def test_the_disclosure_desk_refuses_a_vendor_name_that_reads_backwards(console, privacy_officer):
    answer = console(privacy_officer).post(
        "/staff/privacy/disclosures/vendors/",
        {"name": "Print\u202eCo", "function": "mailing", "contact": "a@b.example", "public_key": "x"},
        follow=True,
    )
    assert "change the direction of the text" in answer.content.decode()
    assert not Vendor.objects.exists()
