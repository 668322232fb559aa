"""Values are stored only encrypted; a ciphertext moved to another row or field, or altered, fails."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custodian.audit.models import AccessEvent
from custodian.vault import _crypto, sealing
from custodian.vault.gate import Denied, reveal, reveal_many, system_actor
from custodian.vault.models import PersonalValue

keys = st.binary(min_size=32, max_size=32)
texts = st.text(max_size=300)
fields = st.sampled_from(["name", "email", "phone", "mailing_address"])


@given(key=keys, customer_id=st.integers(1, 10**12), field=fields, text=texts)
def test_round_trip(key, customer_id, field, text):
    assert (
        _crypto.open_value(key, customer_id, field, sealing.seal_value(key, customer_id, field, text)) == text
    )


@given(key=keys, customer_id=st.integers(1, 10**6), other=st.integers(1, 10**6), field=fields, text=texts)
def test_a_value_moved_to_another_customer_fails(key, customer_id, other, field, text):
    sealed = sealing.seal_value(key, customer_id, field, text)
    if other != customer_id:
        with pytest.raises(_crypto.InvalidTagError):
            _crypto.open_value(key, other, field, sealed)


@given(key=keys, field=fields, other=fields, text=texts)
def test_a_value_moved_to_another_field_fails(key, field, other, text):
    sealed = sealing.seal_value(key, 7, field, text)
    if other != field:
        with pytest.raises(_crypto.InvalidTagError):
            _crypto.open_value(key, 7, other, sealed)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(key=keys, text=texts, data=st.data())
def test_any_altered_byte_is_detected(key, text, data):
    sealed = bytearray(sealing.seal_value(key, 7, "name", text))
    i = data.draw(st.integers(0, len(sealed) - 1))
    sealed[i] ^= data.draw(st.integers(1, 255))
    with pytest.raises(_crypto.InvalidTagError):
        _crypto.open_value(key, 7, "name", bytes(sealed))


def test_nothing_personal_is_stored_in_clear(customer):
    for sealed in PersonalValue.objects.filter(customer=customer).values_list("ciphertext", flat=True):
        assert (
            b"Alice" not in bytes(sealed) and b"Anderson" not in bytes(sealed) and b"507" not in bytes(sealed)
        )


def test_swapping_ciphertexts_between_customers_is_refused_at_the_gate(customer, other_customer):
    a = PersonalValue.objects.get(customer=customer, field="name", superseded_at=None)
    b = PersonalValue.objects.get(customer=other_customer, field="name", superseded_at=None)
    PersonalValue.objects.filter(pk=a.pk).update(ciphertext=bytes(b.ciphertext))
    with pytest.raises(Denied) as err:
        reveal(actor=system_actor("billing_run"), customer_id=customer.pk, fields=["name"], purpose="billing")
    assert "failed authentication" in err.value.reason


def test_a_bulk_read_that_fails_authentication_is_logged_as_a_denial(customer, other_customer):
    a = PersonalValue.objects.get(customer=customer, field="name", superseded_at=None)
    b = PersonalValue.objects.get(customer=other_customer, field="name", superseded_at=None)
    PersonalValue.objects.filter(pk=a.pk).update(ciphertext=bytes(b.ciphertext))
    actor = system_actor("billing_run")
    with pytest.raises(Denied) as err:
        reveal_many(
            actor=actor, customer_ids=[customer.pk, other_customer.pk], fields=["name"], purpose="billing"
        )
    assert "failed authentication" in err.value.reason
    event = AccessEvent.objects.order_by("-seq").first()
    assert (event.action, event.decision, event.actor_id) == ("bulk_reveal", "deny", "billing_run")
    assert "failed authentication" in event.reason
