"""What billing, collections and payments keep of a customer beside the bills, as a data request's answer and
the customer's download give it (`vault.records_held`, the bills category): a deposit, a refund, a budget
plan, a notice of disconnection, each in words (amounts as the bill writes them, days as the letter does)
and as data (numbers and days year-month-day), read as one read of the category through the gate."""

from datetime import date
from decimal import Decimal

from django.utils import translation

from custodian.audit.models import AccessEvent
from custodian.billing.models import BudgetPlan, Deposit, LedgerEntry, Refund
from custodian.collecting.models import DisconnectionNotice
from custodian.testing import bill_charged
from custodian.vault.gate import customer_actor
from custodian.vault.records_held import records_held


def kept_beside_the_bills(customer):
    account = customer.accounts.get()
    Deposit.objects.create(
        account=account,
        customer=customer,
        amount=Decimal("150.00"),
        reason="no_history",
        asked_on=date(2026, 3, 2),
        due_on=date(2026, 3, 23),
    )
    final = bill_charged(account, 9, "-20.00")
    entry = LedgerEntry.objects.create(
        account=account, kind="refund", amount=Decimal("20.00"), posted_on=date(2026, 10, 5)
    )
    Refund.objects.create(
        account=account,
        customer=customer,
        final_bill=final,
        amount=Decimal("20.00"),
        entry=entry,
        issued_on=date(2026, 10, 5),
        sent_on=date(2026, 10, 9),
    )
    BudgetPlan.objects.create(
        account=account,
        customer=customer,
        monthly_amount=Decimal("88.50"),
        first_cycle="2026-01",
        true_up_cycle="2026-12",
        started_on=date(2025, 12, 15),
        started_by="the customer",
        status="ended",
        ended_on=date(2026, 8, 31),
    )
    DisconnectionNotice.objects.create(
        account=account, service="electric", sent_on=date(2026, 7, 14), amount_past_due=Decimal("212.40")
    )


def test_pat_reads_her_deposit_refund_budget_plan_and_notice_in_words(households):
    (pat, _), _ = households
    kept_beside_the_bills(pat)
    tables = {
        t.key: t
        for t in records_held(
            actor=customer_actor(pat.pk), customer_id=pat.pk, category="bills", purpose="legal_obligations"
        )
    }
    assert tables["deposits"].records[0].words == ["March 2, 2026", "$150.00", "due March 23, 2026"]
    assert tables["refunds"].records[0].words == [
        "October 5, 2026",
        "$20.00",
        "after your final bill of October 5, 2026: check mailed October 9, 2026",
    ]
    [plan] = tables["budget_plans"].records
    assert (
        plan.words[1] == "$88.50 a month from the January 2026 bill, settled with the December 2026 bill; "
        "ended on August 31, 2026"
    )
    assert plan.data["monthly"]["amount"] == 88.5 and plan.data["ended_on"] == "2026-08-31"
    [notice] = tables["disconnection_notices"].records
    assert notice.words == ["July 14, 2026", "Electric", "$212.40"]
    assert tables["bills"].records[0].data["total"]["amount"] == -20.0
    assert (
        AccessEvent.objects.filter(
            action="reveal_documents", categories="bills", customer_id=str(pat.pk)
        ).count()
        == 1
    )

    with translation.override("es"):
        tables = {
            t.key: t
            for t in records_held(
                actor=customer_actor(pat.pk),
                customer_id=pat.pk,
                category="bills",
                purpose="legal_obligations",
            )
        }
    assert tables["budget_plans"].title == "Facturación presupuestada"
    assert (
        tables["budget_plans"]
        .records[0]
        .words[1]
        .startswith("$88.50 al mes desde la factura de enero de 2026")
    )
    assert tables["disconnection_notices"].title == "Avisos de desconexión que le enviamos"
