"""A customer's erasure, and the retention run's shredding of her closed account past its period, each leave
no keyed digest, blind index or hash of what they delete: not in the outbox, not in the sign-in records (the
names her addresses sign in with, as kept for an account or hashed for an address that is none), not in the
source keys that recognise a request sent twice, not with the contact details she gave as someone not yet
known before a request was verified as hers. Every column of that kind is declared with what deleting a
customer's data does to it (`retention.digests`), so a new one is decided, not left behind, and both paths
forget the ones declared forgotten by one step (`retention.forgetting`). What relied on a forgotten key still
holds: a message of hers imported again makes nothing."""

import re
from datetime import date

import pytest
from django.apps import apps as django_apps
from django.db import models
from django.test import Client
from django.utils import timezone

from custodian.casework.choices import Verification
from custodian.casework.data_requests import request_verify
from custodian.casework.forget import FORM_CHANNELS
from custodian.casework.mail_import import import_one
from custodian.casework.models import CustomerRequest, ForgottenSource
from custodian.casework.services import Intake, request_close, request_intake
from custodian.customers.models import Account
from custodian.customers.services import account_stop
from custodian.outbox.models import OutboundMessage
from custodian.portal.email_change import email_change_ask, email_change_confirm
from custodian.portal.services import login_name
from custodian.retention.digests import DIGEST_COLUMNS, FORGOTTEN
from custodian.retention.erasure import erasure_carry_out
from custodian.retention.services import retention_run
from custodian.staff.lockout import stored_username
from custodian.testing.portal import signed_in
from custodian.vault.models import DataDestruction, PersonalValue
from custodian.vault.services import blind_index_of

# A column's name that says it keeps a digest, an index, a hash, a token or a key of something.
DIGEST_NAMED = re.compile(
    r"index|key|digest|hash|checksum|sha\d|hmac|token|pseudonym|commitment|salt|seal|fingerprint|username|"
    r"visitor|nonce|root",
    re.IGNORECASE,
)
SIGN_IN = "ann.signin@example.com"
CONTACT = "ann.contact@example.com"


def _named_like_digests() -> set[str]:
    return {
        f"{model._meta.label}.{f.name}"
        for model in django_apps.get_models()
        for f in model._meta.concrete_fields
        if not f.is_relation and DIGEST_NAMED.search(f.name)
    }


def test_every_column_named_like_a_digest_is_declared_with_what_the_erasure_does_to_it():
    named = _named_like_digests()
    assert sorted(named - set(DIGEST_COLUMNS)) == []  # a new column of the kind: decide its side
    assert sorted(set(DIGEST_COLUMNS) - named) == []  # none declared that is no longer there


def _holders(digests: set[str]) -> set[str]:
    """Every model's text column holding one of `digests` (a blind index, or the 60 characters of one a
    sign-in's name keeps, or a digest kept whole)."""
    found = set()
    for model in django_apps.get_models():
        for f in model._meta.concrete_fields:
            if not isinstance(f, models.CharField | models.TextField):
                continue
            if any(
                model._default_manager.filter(**{f"{f.attname}__contains": d[:60]}).exists() for d in digests
            ):
                found.add(f"{model._meta.label}.{f.name}")
    return found


def _email(address: str, message_id: str) -> bytes:
    return (
        f"From: Ann <{address}>\nTo: info@owatonnautilities.com\nSubject: Who reads my meter data?\n"
        f"Message-ID: <{message_id}@example.com>\n\nWho do you share my meter readings with?\n"
    ).encode()


def _portal_request(customer) -> CustomerRequest:
    req, _ = request_intake(
        intake=Intake(
            kind="privacy_question", channel="portal", message="Who sees my data?", customer_id=customer.pk
        )
    )
    return req


def _sign_in_fails(address: str) -> None:
    Client().post("/portal/sign-in/", {"email": address, "password": "not the password"})


@pytest.fixture
def ann_everywhere(households, privacy_officer, settings):
    """Ann (the first household) signed up with one address and has another and a telephone number on file;
    she mistyped her password at the sign-in page with each address; she asked a question in the portal and by
    e-mail from the address on file; she wrote through the contact form from a third address before the
    privacy officer verified that request as hers. Bob, the second household, signed up and asked too."""
    # The log of each failed sign-in, which a deployment may keep besides the counts.
    settings.AXES_ENABLE_ACCESS_FAILURE_LOG = True
    (ann, app), (bob, bob_app) = households
    signed_in(app, SIGN_IN)
    signed_in(bob_app, "bob.signin@example.com")
    on_file = app.personal["email"]
    for address in (SIGN_IN, on_file):
        _sign_in_fails(address)
    _portal_request(ann)
    _portal_request(bob)
    assert import_one(_email(on_file, "ann-1")) is True
    asked, _ = request_intake(
        intake=Intake(
            kind="data_access",
            channel="web_form",
            message="Please send me a copy of my data.",
            contact={"name": "Ann", "email": CONTACT},
        )
    )
    request_verify(
        request=asked,
        by=privacy_officer,
        method=Verification.PHOTO_ID,
        verified_with="drivers_license",
        account_number=app.personal["account_number"],
    )
    assert CustomerRequest.objects.get(pk=asked.pk).customer_id == ann.pk  # moved to her, as verified
    return ann, app, bob


def _digests_of_ann(app) -> set[str]:
    """The digests of what Ann's erasure deletes, in every form Custodian keeps one: the blind index of each
    address and of her telephone number (an index, a sign-in's name), the hash a sign-in's name that is no
    account's is kept as, and her requests' source keys (read before the erasure clears them)."""
    addresses = (SIGN_IN, app.personal["email"], CONTACT)
    digests = {blind_index_of("email", a) for a in addresses} | {
        blind_index_of("phone", app.personal["phone"])
    }
    digests |= {stored_username(None, {"username": login_name(a)}) for a in addresses if a != SIGN_IN}
    return digests


def _years_ago(years: int) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28))


def _shredded(customer) -> None:
    """`customer`'s data destroyed by the retention run, her accounts closed longer ago than the policy file's
    period: she moved away seven years ago (her accounts' dates moved back, as if opened ten years ago), and
    her requests were closed since (a request in progress holds the clock)."""
    for account in Account.objects.filter(customer=customer):
        Account.objects.filter(pk=account.pk).update(opened_on=_years_ago(10))
        account_stop(account_id=account.pk, closed_on=_years_ago(7))
    for request in CustomerRequest.objects.filter(customer=customer):
        request_close(request=request, reason="answered")
    retention_run()
    assert DataDestruction.objects.filter(customer=customer).exists()


def _erased(customer) -> None:
    erasure_carry_out(customer=customer, requested_via="portal")


# The two paths that delete a customer's data, each forgetting the same columns by the same step.
DELETIONS = pytest.mark.parametrize("delete", [_erased, _shredded], ids=["erasure", "retention shredding"])


@DELETIONS
def test_deleting_ann_s_data_leaves_no_digest_of_it(ann_everywhere, delete):
    ann, app, bob = ann_everywhere
    digests = _digests_of_ann(app)
    digests |= set(
        CustomerRequest.objects.filter(customer=ann)
        .exclude(source_key=None)
        .values_list("source_key", flat=True)
    )
    forgotten = {column for column, (side, _why) in DIGEST_COLUMNS.items() if side == FORGOTTEN}
    # Each column the deletion forgets holds something of hers first: the scenario reaches every one.
    assert sorted(forgotten - _holders(digests)) == []
    bob_keys = set(CustomerRequest.objects.filter(customer=bob).values_list("source_key", flat=True))
    # Her e-mailed request's key leaves its keyed digest alone (the same message imported again makes
    # nothing); her forms' resubmit keys, which only told a resend ten minutes old, leave nothing.
    imported = CustomerRequest.objects.filter(customer=ann, channel="email").exclude(source_key=None).count()
    assert imported and CustomerRequest.objects.filter(customer=ann, channel__in=FORM_CHANNELS).exists()

    delete(ann)
    assert ForgottenSource.objects.count() == imported
    # Her sign-in address's name as it would be kept now that it is no account's.
    digests.add(stored_username(None, {"username": login_name(SIGN_IN)}))
    assert sorted(_holders(digests)) == []
    assert not CustomerRequest.objects.filter(customer=ann).exclude(source_key=None).exists()
    assert not PersonalValue.objects.filter(blind_index=blind_index_of("email", CONTACT)).exists()
    assert CustomerRequest.objects.filter(customer=ann).count() == 3  # the requests stay, as the answer says
    # Bob's keep theirs.
    assert set(CustomerRequest.objects.filter(customer=bob).values_list("source_key", flat=True)) == bob_keys
    assert _holders({blind_index_of("email", "bob.signin@example.com")}) >= {"auth.User.username"}


@DELETIONS
def test_ann_s_e_mail_imported_again_after_her_data_is_deleted_makes_nothing(households, delete):
    """The import recognised a message imported twice by its source key; the deletion forgets the key, and the
    same message imported again (the same mailbox read again) still makes no request, records no address and
    sends no auto-reply. Bob's message, imported twice, is still one request."""
    (ann, app), (bob, bob_app) = households
    ann_writes, bob_writes = (
        _email(app.personal["email"], "ann-1"),
        _email(bob_app.personal["email"], "bob-1"),
    )
    assert import_one(ann_writes) is True and import_one(bob_writes) is True
    delete(ann)
    requests, messages = CustomerRequest.objects.count(), OutboundMessage.objects.count()

    assert import_one(ann_writes) is False
    assert import_one(bob_writes) is False
    assert (CustomerRequest.objects.count(), OutboundMessage.objects.count()) == (requests, messages)
    assert not PersonalValue.objects.filter(
        blind_index=blind_index_of("email", app.personal["email"])
    ).exists()


def _email_changed(customer, address: str) -> None:
    """The customer changes the e-mail address on file in My account and confirms it from the link: the new
    address gets the link, the old one is told of the change."""
    links = []
    email_change_ask(
        customer=customer, email=address, confirm_url=lambda token, _language: links.append(token)
    )
    email_change_confirm(token=links[-1])


def _replaced_addresses_destroyed(customer) -> None:
    """The retention run destroys `customer`'s earlier values, replaced longer ago than the policy file keeps
    them (three years: replaced four years ago)."""
    PersonalValue.objects.filter(customer=customer, superseded_at__isnull=False).update(
        superseded_at=timezone.now().replace(year=timezone.now().year - 4)
    )
    retention_run()
    assert not PersonalValue.objects.filter(customer=customer, superseded_at__isnull=False).exists()


def _nothing_more(customer) -> None:
    pass


@pytest.mark.parametrize("then", [_nothing_more, _erased], ids=["the run alone", "then her erasure"])
def test_the_run_destroying_ann_s_earlier_addresses_leaves_no_digest_of_them(households, settings, then):
    """Ann signed up for My account with another address (the link went to the one on file), then changed the
    address on file twice (each old one told of the change), and mistyped her password at the sign-in page
    with each earlier one. The run destroys the earlier addresses once replaced long enough: no digest of
    either stays anywhere (the outbox's index of the messages to them, the sign-in records' hashes of the
    names they would sign in with); her current address and her sign-in keep theirs, and an erasure after
    leaves none."""
    settings.AXES_ENABLE_ACCESS_FAILURE_LOG = True
    (ann, app), (bob, bob_app) = households
    signed_in(app, SIGN_IN)
    first = app.personal["email"]
    _email_changed(ann, "ann.second@example.com")
    _email_changed(ann, "ann.third@example.com")
    for address in (first, "ann.second@example.com"):
        _sign_in_fails(address)
    earlier = {blind_index_of("email", a) for a in (first, "ann.second@example.com")}
    earlier |= {stored_username(None, {"username": login_name(a)}) for a in (first, "ann.second@example.com")}
    # Each column holds a digest of the earlier addresses first: the outbox and the failed sign-ins.
    assert _holders(earlier) >= {
        "vault.PersonalValue.blind_index",
        "outbox.OutboundMessage.to_address_index",
        "axes.AccessAttempt.username",
        "axes.AccessFailureLog.username",
    }
    current = {blind_index_of("email", a) for a in ("ann.third@example.com", SIGN_IN)}

    _replaced_addresses_destroyed(ann)
    assert sorted(_holders(earlier)) == []
    # What she gives now stays found: her address on file, the messages to it, the name she signs in with.
    assert _holders({blind_index_of("email", "ann.third@example.com")}) >= {
        "vault.PersonalValue.blind_index",
        "outbox.OutboundMessage.to_address_index",
    }
    assert _holders({blind_index_of("email", SIGN_IN)}) >= {"auth.User.username"}

    then(ann)
    assert sorted(_holders(earlier)) == []
    if then is _erased:
        assert sorted(_holders(current)) == []


def test_an_earlier_address_still_given_keeps_its_digest_where_it_is_still_true(households):
    """Ann signs in with the address first on file, and changed the one on file twice; Bob gives her second
    address as his now. The run destroys both her earlier values: the first stays her sign-in (its name, the
    messages to it), the second stays Bob's (his value, his messages to it) but her messages to it lose it."""
    (ann, app), (bob, bob_app) = households
    first, second = app.personal["email"], "ann.second@example.com"
    signed_in(app, first)
    _email_changed(ann, second)
    _email_changed(ann, "ann.third@example.com")
    _email_changed(bob, second)
    at_second = OutboundMessage.objects.filter(to_address_index=blind_index_of("email", second))
    assert at_second.filter(to_customer=ann).exists() and at_second.filter(to_customer=bob).exists()

    _replaced_addresses_destroyed(ann)
    assert _holders({blind_index_of("email", first)}) >= {
        "auth.User.username",
        "outbox.OutboundMessage.to_address_index",
    }
    assert PersonalValue.objects.filter(customer=bob, blind_index=blind_index_of("email", second)).exists()
    assert at_second.filter(to_customer=bob).exists()
    assert not at_second.filter(to_customer=ann).exists()


def test_neighbours_who_mistyped_their_passwords_from_one_network_are_both_erased(households):
    """The sign-in records keep a customer's address masked to its network and the browser by its family, so
    Ann and Bob, neighbours on one browser, each mistyping their password once, have a count each that differs
    by the name alone: both erasures go through, and no count is left under either name."""
    (ann, app), (bob, bob_app) = households
    for customer_app, address in ((app, SIGN_IN), (bob_app, "bob.signin@example.com")):
        signed_in(customer_app, address)
        _sign_in_fails(address)
    erasure_carry_out(customer=ann, requested_via="portal")
    erasure_carry_out(customer=bob, requested_via="portal")
    assert sorted(_holders({blind_index_of("email", a) for a in (SIGN_IN, "bob.signin@example.com")})) == []


@DELETIONS
def test_an_address_another_customer_signs_in_with_keeps_its_digest_on_their_side(households, delete):
    """Bob signs in with the household's shared address, which Ann also gives on file; Bob mistyped his
    password once. Deleting Ann's data forgets the address on Ann's side only: Bob's sign-in, his count of
    failed sign-ins and his messages keep it; Ann's messages lose it."""
    (ann, app), (bob, bob_app) = households
    shared = "the.household@example.com"
    signed_in(bob_app, shared)
    _sign_in_fails(shared)
    _email_changed(ann, shared)
    digest = blind_index_of("email", shared)
    at_shared = OutboundMessage.objects.filter(to_address_index=digest)
    assert at_shared.filter(to_customer=ann).exists() and at_shared.filter(to_customer=bob).exists()
    assert _holders({digest}) >= {"axes.AccessAttempt.username", "auth.User.username"}

    delete(ann)

    assert _holders({digest}) >= {
        "auth.User.username",
        "axes.AccessAttempt.username",
        "outbox.OutboundMessage.to_address_index",
    }
    assert at_shared.filter(to_customer=bob).exists()
    assert not at_shared.filter(to_customer=ann).exists()
