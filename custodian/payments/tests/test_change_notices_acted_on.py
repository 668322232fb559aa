"""Collections acts on the bank's notifications of change once: the correction applied to the bank account on
file (only the parts the change code names, written sealed through the vault's writer with its event in the
access log, by the clerk, in the transaction that marks the notice acted on), or the notice handled without
a change for a reason; a second act is refused in words and changes nothing. The change is due six Federal
Reserve banking days after the notice arrived. A notice about an account the customer replaced since the
debit, or correcting what we do not keep, can't be applied. The customer's data request answer says what
was done, in their language."""

from datetime import date

import pytest
from django.utils import translation

from custodian.audit.models import AccessEvent
from custodian.payments.autopay import autopay_enrol
from custodian.payments.change_notices import (
    ChangeNoticeError,
    change_notice_apply,
    change_notice_close,
    corrected_account,
    correction_read,
    due_on,
)
from custodian.payments.models import AchChangeNotice, Autopay
from custodian.payments.nacha import BankAccount
from custodian.payments.tests.test_ach_returns import debits  # noqa: F401
from custodian.testing import TEST_ROUTING, TEST_ROUTING_OTHER
from custodian.testing.billing import AUTOPAY_FORM, change_notice_received
from custodian.vault import gate
from custodian.vault.gate import customer_actor
from custodian.vault.models import PersonalValue
from custodian.vault.records_held import records_held

NEW_ACCOUNT = "9876543210"


def bank_account_held(customer_id: int) -> str:
    """The bank account on file, read as the customer reads it."""
    return gate.reveal(
        actor=customer_actor(customer_id),
        customer_id=customer_id,
        fields=["bank_account"],
        purpose="collecting_payments",
    )["bank_account"]


def test_the_change_is_due_six_banking_days_after_the_notice(debits, collections_agent):  # noqa: F811
    # Received the day before Thanksgiving: Thanksgiving and the weekend are no banking days.
    notice = change_notice_received(
        debits[0], "C01", NEW_ACCOUNT, by=collections_agent, received_on=date(2026, 11, 25)
    )
    assert due_on(notice) == date(2026, 12, 4)
    # Christmas on a Friday, New Year's Day on the next: the Saturday holiday moves to no weekday.
    notice.received_on = date(2020, 12, 23)
    assert due_on(notice) == date(2021, 1, 4)


def test_colin_applies_the_new_account_number_once(debits, collections_agent):  # noqa: F811
    first = debits[0]
    customer_id = first.account.customer_id
    notice = change_notice_received(first, "C01", NEW_ACCOUNT, by=collections_agent)
    shown = correction_read(notice=notice, actor=gate.staff_actor(collections_agent))
    assert (
        shown.applicable
        and shown.held.endswith("0001 checking")
        and shown.corrected.endswith("3210 checking")
    )
    assert NEW_ACCOUNT not in shown.corrected and "5550001" not in shown.held  # masked, as staff see them
    values_before = PersonalValue.objects.filter(customer_id=customer_id, field="bank_account").count()

    change_notice_apply(notice_id=notice.pk, by=collections_agent)
    assert bank_account_held(customer_id) == f"routing {TEST_ROUTING} account {NEW_ACCOUNT} checking"
    notice.refresh_from_db()
    assert (notice.outcome, notice.acted_by, notice.acted_on is not None) == (
        "applied",
        collections_agent,
        True,
    )
    recorded = AccessEvent.objects.filter(action="record_values", actor_id=str(collections_agent.pk)).get()
    assert recorded.categories == "bank_account" and recorded.reason == "recorded from bank"
    assert Autopay.objects.get(account_id=first.account_id).active

    for act in (
        lambda: change_notice_apply(notice_id=notice.pk, by=collections_agent),
        lambda: change_notice_close(notice_id=notice.pk, by=collections_agent, reason="already_correct"),
    ):
        with pytest.raises(
            ChangeNoticeError, match="acted on already .*colin.collections.*nothing was changed"
        ):
            act()
    assert (
        PersonalValue.objects.filter(customer_id=customer_id, field="bank_account").count()
        == values_before + 1
    )
    assert AchChangeNotice.objects.get(pk=notice.pk).outcome == "applied"


def test_only_what_the_code_names_changes():
    held = BankAccount(TEST_ROUTING, "5550001", savings=False)
    assert corrected_account(held, "C02", TEST_ROUTING_OTHER) == BankAccount(TEST_ROUTING_OTHER, "5550001")
    assert corrected_account(held, "C03", f"{TEST_ROUTING_OTHER}   {NEW_ACCOUNT}") == BankAccount(
        TEST_ROUTING_OTHER, NEW_ACCOUNT
    )
    assert corrected_account(held, "C05", "32") == BankAccount(TEST_ROUTING, "5550001", savings=True)
    assert corrected_account(held, "C06", NEW_ACCOUNT.ljust(17) + "   37") == BankAccount(
        TEST_ROUTING, NEW_ACCOUNT, savings=True
    )
    assert corrected_account(held, "C07", TEST_ROUTING_OTHER + NEW_ACCOUNT.ljust(17) + "27") == BankAccount(
        TEST_ROUTING_OTHER, NEW_ACCOUNT
    )
    with pytest.raises(ChangeNoticeError, match="check digit"):
        corrected_account(held, "C02", "123456789")
    with pytest.raises(ChangeNoticeError, match="account holder's name, which we do not keep"):
        corrected_account(held, "C04", "OSTBY ANNA")


def test_a_notice_about_a_replaced_account_is_handled_without_a_change(debits, collections_agent):  # noqa: F811
    first = debits[0]
    notice = change_notice_received(first, "C01", NEW_ACCOUNT, by=collections_agent)
    # The customer gave a new bank account in the portal after the debit went.
    autopay_enrol(
        account_id=first.account_id,
        bank_account=f"routing {TEST_ROUTING} account 7770007",
        submission=AUTOPAY_FORM,
    )
    shown = correction_read(notice=notice, actor=gate.staff_actor(collections_agent))
    assert not shown.applicable and "given after the debit" in shown.why_not
    looked = AccessEvent.objects.filter(actor_id=str(collections_agent.pk), action="reveal").count()
    with pytest.raises(ChangeNoticeError, match="given after the debit"):
        change_notice_apply(notice_id=notice.pk, by=collections_agent)
    # The refusal came from reading the bank account: that read stays in the access log.
    assert (
        AccessEvent.objects.filter(actor_id=str(collections_agent.pk), action="reveal").count() == looked + 1
    )
    assert bank_account_held(first.account.customer_id).endswith("account 7770007 checking")

    change_notice_close(notice_id=notice.pk, by=collections_agent, reason="account_replaced")
    notice.refresh_from_db()
    assert (notice.outcome, notice.no_change_reason) == ("no_change", "account_replaced")


def test_billing_staff_do_not_act_on_notices(debits, collections_agent, billing_clerk):  # noqa: F811
    notice = change_notice_received(debits[0], "C01", NEW_ACCOUNT, by=collections_agent)
    with pytest.raises(ChangeNoticeError, match="collecting payments"):
        change_notice_apply(notice_id=notice.pk, by=billing_clerk)
    with pytest.raises(ChangeNoticeError, match="collecting payments"):
        change_notice_close(notice_id=notice.pk, by=billing_clerk, reason="autopay_stopped")
    assert AchChangeNotice.objects.get(pk=notice.pk).acted_on is None


def test_the_customer_reads_what_was_done_in_her_language(debits, collections_agent):  # noqa: F811
    applied = change_notice_received(debits[0], "C01", NEW_ACCOUNT, by=collections_agent)
    kept = change_notice_received(debits[1], "C04", "OSTBY ANNA", by=collections_agent)
    change_notice_apply(notice_id=applied.pk, by=collections_agent)
    change_notice_close(notice_id=kept.pk, by=collections_agent, reason="not_kept")
    for debit, words in (
        (debits[0], "corregimos la cuenta bancaria registrada el "),
        (debits[1], "no hicimos ningún cambio el "),
    ):
        customer_id = debit.account.customer_id
        with translation.override("es"):
            tables = records_held(
                actor=customer_actor(customer_id),
                customer_id=customer_id,
                category="bills",
                purpose="legal_obligations",
            )
        [said] = next(t for t in tables if t.key == "bank_change_notices").records
        assert words in said.words[-1], said.words
    assert "que no guardamos con la cuenta bancaria" in said.words[-1]
