"""A data access request's answer holds every record the utility keeps about the customer. Every model whose
rows belong to a customer (a link to the customer or their account, directly or through another such
model: found from the app registry, so a model added tomorrow is walked too) is either a kind of record
kept (`vault.record_tables.Kept`, a table of the answer under its category) or named here with where the
answer gives it, or why it is no record about the customer. A new model with a customer's rows fails until
it is one or the other."""

from django.apps import apps

from custodian.customers.models import Account, Customer
from custodian.vault.record_tables import kinds_kept

# Where the answer holds what these models keep, or why they are not records about the customer.
ELSEWHERE = {
    "customers.Customer": "the person: their name and details are the values of 'The data we hold about you'",
    "billing.Bill": "the 'Bills' table (billing.records._bills, with each sealed bill's content)",
    "vault.PersonalValue": "'The data we hold about you now' and 'Earlier values we still hold'",
    "vault.SealedDocument": "'Messages, letters and documents' (correspondence) and the bills' table",
    "vault.DataKey": "the key that seals the customer's data: no data about them, never shown to anyone",
    "vault.BreakGlassGrant": "a member of staff's emergency access: its reads are in 'Who has seen or changed"
    " your data'",
    "vault.DataDestruction": "that the data was destroyed: there is then nothing left to answer with, and the"
    " gate says so instead",
    "disclosures.DisclosureEntry": "'To whom we gave your data'",
    "disclosures.CorrectionNotice": "a recipient told of a correction: the disclosure it follows is in 'To"
    " whom we gave your data', the correction's letters in 'Messages, letters and documents'",
    "disclosures.Disagreement": "the customer's statement, sealed as their correspondence: 'Messages, letters"
    " and documents'",
    "disclosures.ConsentRevocation": "a consent's end: when and how the customer revoked it is in the"
    " 'Your consents to give your data to others' table, beside the consent it ends",
    "disclosures.VendorPseudonym": "a vendor's random name for the customer in a file: what was given is in"
    " 'To whom we gave your data'",
    "casework.RequestEvent": "a request's steps by staff (assigned, passed on, noted), in the access log"
    " ('Who has seen or changed your data'); the request's kind, dates and status: the 'Your requests' table",
    "portal.PortalAccount": "the e-mail address the customer signs in with is in 'The data we hold about you"
    " now'; the password is kept only as a hash",
    "outbox.OutboundMessage": "every message's text, sealed as correspondence: 'Messages, letters and"
    " documents'",
    "usage.MeteredUnit": "the unit a meter reads in, describing the meter: the readings are in 'Your monthly"
    " use' and the Green Button download",
    "collecting.ProtectionOnFile": "that facts are on file: the facts are the values of the disconnection"
    " protection category in 'The data we hold about you now'",
    "incidents.AffectedPerson": "a breach's reach, from the access log ('Who has seen or changed your data');"
    " its notice in 'Messages, letters and documents'",
    "payments.AchReturn": "in the 'Automatic payment debits' table, beside the debit the bank returned",
    "connect.Notification": "a note to an authorised app that new data is ready: no data about the customer"
    " in it",
}


def customers_records() -> dict[str, type]:
    """Every model whose rows are a customer's: linked to the customer or an account, or to another such
    model, by a foreign key or a one-to-one field."""
    linked = {Customer, Account}
    grown = True
    while grown:
        grown = False
        for model in apps.get_models():
            if model not in linked and any(
                f.is_relation and f.related_model in linked for f in model._meta.concrete_fields
            ):
                linked.add(model)
                grown = True
    return {m._meta.label: m for m in linked}


def test_every_model_of_a_customer_s_records_is_in_the_answer(db):
    tables = {k.model._meta.label for k in kinds_kept()}
    records = customers_records()
    forgotten = sorted(set(records) - tables - set(ELSEWHERE))
    assert not forgotten, (
        "records kept about a customer that a data request's answer leaves out: declare a kind of record "
        f"(vault.record_tables.Kept) or say where the answer holds them: {forgotten}"
    )
    assert not (set(ELSEWHERE) - set(records)), "a model named here no longer holds a customer's rows"
    assert not (set(ELSEWHERE) & tables), "a model named here is a table of the answer already"


def test_the_records_the_answer_had_left_out_are_tables_of_it(db):
    tables = {k.model._meta.label for k in kinds_kept()}
    assert {
        "collecting.DisconnectionOrder",
        "payments.Autopay",
        "payments.AchDebit",
        "payments.PaymentReceived",
        "billing.PaperlessChoice",
        "customers.Account",
        "customers.ServiceChange",
        "casework.CustomerRequest",
        "casework.Representative",
        "disclosures.Consent",
        "connect.Authorization",
        "retention.ErasureRecord",
        "usage.PeerGroupMember",
    } <= tables
