"""A request to delete the customer's data that their representative made in My account, acting for them, is
answered to the customer by the one letter that tells them of a request she made and what came of it: it says
their representative asked, by the kind and number of her authority, never "You asked"; and what it records
names her, not the customer. Personas: Alice Anderson; Rosa Reyes, her attorney under a power of attorney
that covers asking for the data to be deleted."""

from custodian.casework.representatives import representative_register
from custodian.retention.erasure import erasure_carry_out
from custodian.testing import letter_text, power_of_attorney
from custodian.vault.models import PersonalValue


def test_alice_is_told_that_rosa_asked(households, service_rep):
    (alice, _), _ = households
    rep = representative_register(authority=power_of_attorney(alice, ("view", "consents")), by=service_rep)
    record = erasure_carry_out(customer=alice, requested_via="portal", representative=rep)
    text = letter_text(record.answer_letter)
    assert f"Your representative (power of attorney, authority #{rep.pk}) asked us in My account" in text
    assert "You asked us to delete" not in text
    assert "Your representative's request to delete your data" in text
    opted_out = PersonalValue.objects.filter(customer=alice, field="marketing_preference").latest("pk")
    assert opted_out.provenance.recorded_by_label.startswith("representative")


def test_alice_s_own_request_says_she_asked(households):
    (alice, _), _ = households
    text = letter_text(erasure_carry_out(customer=alice, requested_via="portal").answer_letter)
    assert "You asked us to delete your personal data" in text and "Your representative" not in text
