"""A letter or an e-mail to a customer names kinds of data and purposes by the policy file's labels, in the
customer's language: never a key of the file (`mailing_address`, `collecting_payments`, `customer_service`,
a notice's key), never the English label in a Spanish letter, never words of our own where the file has a
label. Every notice kind is rendered with sample data in English and in Spanish, the data and the notice
handed as their callers hand them; and the notices that name data from what happened (an accuracy
challenge answered, either way; the answer to a request to delete one's data) are sent for real to a
customer who reads English and to one who reads Spanish.

Personas: Alice, who reads English, and Bob, who reads Spanish, each challenging their mailing address and
their meter usage, then asking us to delete their data; Priya, the privacy officer, answering."""

import re

import pytest

from custodian.casework.corrections import correction_apply, correction_decline
from custodian.customers.models import Customer
from custodian.outbox.models import OutboundMessage
from custodian.outbox.services import content_parse, message_render
from custodian.outbox.tests.test_every_letter_in_spanish import CONTEXT, NOT_TO_CUSTOMERS, message_templates
from custodian.policy.loader import current_policy
from custodian.retention.erasure import erasure_carry_out
from custodian.testing import letter_text
from custodian.testing.policy_words import english_in

LANGUAGES = ("en", "es")
# Keys that are words of Spanish as well: a Spanish letter may say them ("sitio web", "obligación legal").
SPANISH_WORDS = {"legal", "web"}


def policy_keys() -> set[str]:
    policy = current_policy()
    return {*policy.categories, *policy.purposes, *policy.services, *policy.notices}


def raw_keys(text: str, language: str) -> list[str]:
    """The policy keys `text` carries as they are written in the file. A key of one English word ("bills",
    "billing") is a word of any English letter, so it is looked for in the Spanish ones only; a key joined
    by underscores is never a word. A key in an address (a link, an e-mail address) is not counted."""
    found = []
    for key in sorted(policy_keys()):
        if "_" not in key and (language == "en" or key in SPANISH_WORDS):
            continue  # a word of the letter's language
        if re.search(rf"(?<![\w@./-]){re.escape(key)}(?![\w@/-])", text):
            found.append(key)
    return found


def sample(name: str, language: str) -> dict:
    """The sample data, with what names data, purposes and notices handed as the callers hand it: the
    policy file's labels and texts in the letter's language; a letter printing `{{ utility }}` is handed the
    utility's name, one reading its table the table."""
    policy = current_policy()
    labels = [policy.categories[c].in_language(language).label for c in ("name", "mailing_address", "bills")]
    folder = message_templates()[name].parent
    source = "".join(
        (where / f"{name}{suffix}").read_text()
        for where in (folder, folder / "es")
        for suffix in (".txt", ".subject.txt")
        if (where / f"{name}{suffix}").exists()
    )
    return {
        **CONTEXT,
        "utility": policy.utility["name"] if "{{ utility }}" in source else policy.utility,
        "data": labels,
        "notice": policy.notice_at("email_auto_reply").in_language(language),
        "scope": [policy.purposes["billing"].in_language(language).label],
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_notice_kind_names_no_policy_key(db, language):
    names = sorted(set(message_templates()) - NOT_TO_CUSTOMERS)
    assert len(names) >= 15
    found = {}
    for name in names:
        rendered = message_render(template=name, context=sample(name, language), language=language)
        if keys := raw_keys(f"{rendered.subject}\n{rendered.body}", language):
            found[name] = keys
    assert not found, found


def test_the_check_sees_a_key():
    assert raw_keys("We corrected the data you challenged: mailing_address.", "en") == ["mailing_address"]
    assert raw_keys("Corregimos los datos que impugnó: bills.", "es") == ["bills"]
    assert raw_keys("Your bills, at https://example.org/portal/me/bills/.", "en") == []
    assert raw_keys("Vea https://example.org/portal/me/bills/ o escriba a billing@example.org.", "es") == []


@pytest.fixture
def alice_and_bob(customer, other_customer):
    Customer.objects.filter(pk=other_customer.pk).update(language="es")
    other_customer.refresh_from_db()
    return {"en": customer, "es": other_customer}


def letters_to(customer, template: str) -> list[str]:
    """The subject and text of each such letter, as the customer reads them (not the outbox's headers)."""
    sent = OutboundMessage.objects.filter(to_customer=customer, template=template).order_by("pk")
    return [f"{h.get('Subject', '')}\n{body}" for h, body in (content_parse(letter_text(m)) for m in sent)]


def labels_in(language: str, *categories: str) -> list[str]:
    policy = current_policy()
    return [policy.categories[c].in_language(language).label for c in categories]


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_accuracy_challenge_answered_names_the_data_by_its_label(
    language, alice_and_bob, open_request, privacy_officer
):
    who = alice_and_bob[language]
    corrected = open_request(who, "privacy_officer", kind="correction", photo_id=True)
    correction_apply(
        request=corrected, by=privacy_officer, values={"mailing_address": "9 Oak Avenue, Owatonna, MN 55060"}
    )
    kept = open_request(who, "privacy_officer", kind="correction")
    correction_decline(
        request=kept,
        by=privacy_officer,
        explanation="The readings match the meter's register, read twice in October.",
        categories=["meter_usage"],
    )
    first, second = letters_to(who, "correction_outcome")
    assert labels_in(language, "mailing_address")[0] in first
    assert labels_in(language, "meter_usage")[0] in second
    for text in (first, second):
        assert not raw_keys(text, language), text
        assert language == "en" or not english_in(text), text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_answer_to_a_request_to_delete_names_what_is_kept_by_its_label(language, alice_and_bob):
    who = alice_and_bob[language]
    erasure_carry_out(customer=who, requested_via="phone")
    (text,) = letters_to(who, "erasure_answer")
    policy = current_policy()
    schedule = [
        policy.retention_schedule[k].in_language(language).label for k in ("access_log", "replaced_values")
    ]
    for label in [*labels_in(language, "meter_usage", "marketing_preference"), *schedule]:
        assert label in text, (label, text)
    assert not raw_keys(text, language), text
    assert language == "en" or not english_in(text), text
