"""Online accounts opened before the mailed code's rule (an earlier release's database) are limited by its
data migration where the sign-up had no e-mail address on file and no code was ever mailed: Carol (no e-mail
on file, online from an address she typed) is limited, asks for the letter in the portal and lifts the limit
with its code; Alice (confirmed from the address on file) is not limited; and running the migration again
limits nobody who lifted the limit with the code."""

from importlib import import_module

from django.apps import apps

from custodian.outbox.models import OutboundMessage
from custodian.portal.mailed_code import earlier_sign_ups_limit
from custodian.portal.models import PortalAccount
from custodian.portal.tests.test_binding_acts_wait_for_the_mailed_code import (  # noqa: F401 (fixtures)
    ALICE_BILL,
    ALICE_ON_FILE,
    CAROL_BILL,
    alice,
    code_in_letter,
    enter,
    lifted_events,
    online,
    refused,
)
from custodian.testing import letter_text
from custodian.vault.models import PersonalValue

MIGRATION = import_module("custodian.portal.migrations.0003_earlier_sign_ups_limited")


def as_before_the_rule(customer):
    """The account as an earlier release left it: confirmed, never limited, no code mailed, no letter."""
    PortalAccount.objects.filter(customer=customer).update(
        limited=False, code_hash="", code_sent_at=None, code_failures=0
    )
    OutboundMessage.objects.filter(to_customer=customer, channel="letter").delete()


def migrated():
    """The migration's forward step, as `migrate` runs it."""
    (operation,) = MIGRATION.Migration.operations
    operation.code(apps, None)


def test_an_account_signed_up_without_an_e_mail_on_file_is_limited_until_the_mailed_code(carol, alice):  # noqa: F811
    carol_online = online(CAROL_BILL, "carol@example.org")
    alice_online = online(ALICE_BILL, ALICE_ON_FILE)
    as_before_the_rule(carol)
    assert carol_online.get("/portal/me/consents/").status_code == 200  # what the finding was: not limited

    migrated()
    assert PortalAccount.objects.get(customer=carol).limited
    assert not PortalAccount.objects.get(customer=alice).limited  # confirmed from the address on file
    assert refused(carol_online.get("/portal/me/consents/"))
    assert alice_online.get("/portal/me/consents/").status_code == 200
    assert not OutboundMessage.objects.filter(to_customer=carol, channel="letter").exists()  # none mailed

    # The portal says no letter was mailed yet and offers it; asked for, it is her first, not "a new code".
    home = carol_online.get("/portal/me/").content.decode()
    assert "a letter we mail to your mailing address" in home
    page = carol_online.get("/portal/me/code-from-our-letter/").content.decode()
    assert "We have not mailed you one yet" in page and "Mail me the letter" in page
    carol_online.post("/portal/me/code-from-our-letter/", {"step": "letter"})
    letter = OutboundMessage.objects.get(to_customer=carol, channel="letter")
    assert "was opened and confirmed" in letter_text(
        letter
    ) and "You asked for a new code" not in letter_text(letter)
    assert "Mail me a new letter" in carol_online.get("/portal/me/code-from-our-letter/").content.decode()
    assert enter(carol_online, code_in_letter(carol)).status_code == 302
    assert not PortalAccount.objects.get(customer=carol).limited and lifted_events(carol) == 1

    # Run again (or on a database migrated since): nobody who lifted the limit, nobody with an address.
    assert earlier_sign_ups_limit(accounts=PortalAccount, values=PersonalValue) == 0
    migrated()
    assert not PortalAccount.objects.filter(limited=True).exists()


def test_undoing_the_migration_lifts_no_limit(carol):  # noqa: F811
    online(CAROL_BILL, "carol@example.org")
    as_before_the_rule(carol)
    migrated()
    (operation,) = MIGRATION.Migration.operations
    assert operation.reversible
    operation.reverse_code(apps, None)
    assert PortalAccount.objects.get(customer=carol).limited
