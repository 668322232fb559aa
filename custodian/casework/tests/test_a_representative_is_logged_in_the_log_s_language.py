"""A representative's acts are named in the access log in the record's language, whatever language the
representative's page was in: the log keeps what was written, and the customer's page words it anew
(`casework.representatives.representative_label`; read back by `representatives_in_words`).

Personas: Alice, a customer; Rosa, her representative under a power of attorney, who reads in Spanish; a
customer-service clerk who registers the authority."""

from django.utils import translation

from custodian.casework.representatives import (
    representative_actor,
    representative_label,
    representative_register,
)
from custodian.testing import power_of_attorney


def test_rosa_s_spanish_page_leaves_english_words_in_the_log(customer, service_rep):
    rep = representative_register(authority=power_of_attorney(customer), by=service_rep)
    with translation.override("en"):
        english_read, english_change = representative_actor(rep).label, representative_label(rep)
    with translation.override("es"):
        assert representative_actor(rep).label == english_read
        assert representative_label(rep) == english_change
    assert "(power of attorney, authority " in english_read and english_change.endswith("(power of attorney)")
