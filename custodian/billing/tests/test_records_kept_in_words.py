"""What billing, collections and payments keep of a customer beside the bills, as a data request's answer and
the customer's download give it (`vault.records_held`, the bills category): a deposit, a refund, a budget
plan, a notice of disconnection, a payment agreement, automatic payment and card payments, the orders to
disconnect (withdrawn, refused), the automatic payment's debits (returned), payments received, the accounts,
a request to stop service and paperless billing, each in words
(amounts as the bill writes them, days as the letter does) and as data (numbers and days year-month-day),
read as one read of the category through the gate."""

from datetime import UTC, date, datetime
from decimal import Decimal

from django.utils import translation

from custodian.audit.models import AccessEvent
from custodian.billing.models import BudgetPlan, Deposit, LedgerEntry, Refund
from custodian.billing.notices import paperless_set
from custodian.collecting.models import DisconnectionNotice, DisconnectionOrder, PaymentAgreement
from custodian.customers.models import ServiceChange
from custodian.dates import day_words
from custodian.payments.autopay import ach_export_run
from custodian.payments.models import AchDebit, AchReturn, Autopay, PaymentSession
from custodian.payments.received import payment_received_record
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


def tables_held(customer) -> dict:
    """The tables kept of `customer` beside the bills, by key, read as the customer (one read)."""
    return {
        t.key: t
        for t in records_held(
            actor=customer_actor(customer.pk),
            customer_id=customer.pk,
            category="bills",
            purpose="legal_obligations",
        )
    }


def test_pat_reads_her_deposit_refund_budget_plan_and_notice_in_words(households):
    (pat, _), _ = households
    kept_beside_the_bills(pat)
    tables = tables_held(pat)
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
        tables = tables_held(pat)
    assert tables["budget_plans"].title == "Facturación presupuestada"
    assert (
        tables["budget_plans"]
        .records[0]
        .words[1]
        .startswith("$88.50 al mes desde la factura de enero de 2026")
    )
    assert tables["disconnection_notices"].title == "Avisos de desconexión que le enviamos"


def test_pat_reads_her_payment_agreement_automatic_payment_and_card_payments_in_words(households):
    (pat, _), _ = households
    account = pat.accounts.get()
    PaymentAgreement.objects.create(
        account=account,
        status="active",
        requested_on=date(2026, 5, 1),
        monthly_installment=Decimal("40.00"),
        arrears_agreed=Decimal("320.00"),
        agreed_on=date(2026, 5, 3),
    )
    Autopay.objects.create(
        account=account,
        enrolled_at=datetime(2026, 2, 1, 15, 0, tzinfo=UTC),
        notice_version="1",
        active=False,
        stopped_at=datetime(2026, 6, 1, 15, 0, tzinfo=UTC),
    )
    PaymentSession.objects.create(
        token="pat-card", account=account, amount=Decimal("12.34"), status="succeeded"
    )

    tables = tables_held(pat)
    [agreement] = tables["payment_agreements"].records
    assert tables["payment_agreements"].headers == ["Date", "What"]
    assert agreement.words == [
        "May 1, 2026",
        "Agreed; agreed on May 3, 2026; $40.00 a month; toward $320.00 past due",
    ]
    assert agreement.data["requested_on"] == "2026-05-01" and agreement.data["agreed_on"] == "2026-05-03"
    assert agreement.data["status"] == {"key": "active", "label": "Agreed"}
    assert (
        agreement.data["monthly"]["amount"] == 40.0 and agreement.data["past_due_agreed"]["amount"] == 320.0
    )
    assert agreement.made_on == date(2026, 5, 1)
    [autopay] = tables["automatic_payment"].records
    assert autopay.words == ["February 1, 2026", "stopped on June 1, 2026"]
    assert autopay.data["started_at"] == "2026-02-01T15:00:00+00:00"
    assert autopay.data["stopped_at"] == "2026-06-01T15:00:00+00:00"
    assert autopay.data["what"] == {"key": "stopped", "label": "stopped on June 1, 2026"}
    assert autopay.made_on == date(2026, 2, 1)
    [card] = tables["card_payments"].records
    assert tables["card_payments"].headers == ["Date", "Amount", "What"]
    assert card.words[1:] == ["$12.34", "paid"]
    assert card.data["status"] == {"key": "succeeded", "label": "paid"} and card.data["amount"] == 12.34

    with translation.override("es"):
        tables = tables_held(pat)
    assert tables["payment_agreements"].title == "Acuerdos de pago"
    assert tables["payment_agreements"].headers == ["Fecha", "Qué"]
    assert tables["payment_agreements"].records[0].words[0] == "1 de mayo de 2026"


def test_ostby_reads_his_orders_debits_receipts_accounts_and_paperless_choice(
    on_autopay, bank, privacy_officer, collections_agent, billing_clerk
):
    """Ostby, on automatic payment: a debit his bank returned, a check he paid at the counter, an order to
    disconnect his electric service withdrawn when he asked for a payment agreement and one the law forbade,
    a request to stop service and paperless billing, each a table of the answer, in English and Spanish."""
    account = on_autopay[0]
    ostby = account.customer
    vendor, _ = bank
    ach_export_run(vendor=vendor, requested_by=privacy_officer, effective_on=date(2026, 11, 20))
    debit = AchDebit.objects.get(account=account)
    AchReturn.objects.create(
        debit=debit, reason_code="R01", received_on=date(2026, 11, 25), recorded_by=collections_agent
    )
    receipt = payment_received_record(
        account_id=account.pk,
        amount="25.00",
        method="check",
        received_on=date(2026, 11, 26),
        check_number="1042",
        by=billing_clerk,
    )
    agreement = PaymentAgreement.objects.create(account=account, requested_on=date(2026, 11, 24))
    DisconnectionOrder.objects.create(
        account=account,
        service="electric",
        scheduled_for=date(2026, 12, 1),
        issued=True,
        withdrawn_at=datetime(2026, 11, 24, 18, 0, tzinfo=UTC),
        withdrawn_reason="payment agreement asked for",
        withdrawn_for=agreement,
    )
    DisconnectionOrder.objects.create(
        account=account,
        service="gas",
        scheduled_for=date(2026, 12, 4),
        issued=False,
        reasons=["Cold Weather Rule (Minn. Stat. § 216B.097)"],
    )
    ServiceChange.objects.create(
        customer=ostby, account=account, kind="stop", on=date(2026, 12, 15), channel="portal"
    )
    paperless_set(customer_id=ostby.pk, paperless=True, channel="portal")

    tables = tables_held(ostby)
    [taken] = tables["automatic_payment_debits"].records
    assert taken.words[1:] == [
        f"${debit.amount:,.2f}",
        f"toward what was due on {day_words(debit.due_on)}, taken on November 20, 2026; returned by your "
        "bank on November 25, 2026 (reason code R01)",
    ]
    assert taken.data["returned"] == {"received_on": "2026-11-25", "reason_code": "R01"}
    assert taken.data["what"]["key"] == "returned"
    [paid] = tables["payments_received"].records
    assert paid.words == ["November 26, 2026", "$25.00", f"receipt {receipt.pk}: Check number 1042"]
    assert paid.data["receipt"] == receipt.pk and paid.data["amount"] == 25.0
    withdrawn, forbidden = tables["disconnection_orders"].records
    assert withdrawn.words[1:] == [
        "Electric",
        "disconnection planned for December 1, 2026, withdrawn on November 24, 2026: you asked for a "
        "payment agreement, or one was agreed",
    ]
    assert withdrawn.data["what"]["key"] == "withdrawn" and withdrawn.data["scheduled_for"] == "2026-12-01"
    assert forbidden.words[2] == "disconnection for December 4, 2026 not ordered: the law forbade it that day"
    assert forbidden.data["reasons"] == ["Cold Weather Rule (Minn. Stat. § 216B.097)"]
    [change] = tables["service_changes"].records
    assert change.words[1] == "Stop service (moving out of the territory), December 15, 2026: requested"
    [opened] = tables["accounts"].records
    assert opened.words[1] == "open"
    [choice] = tables["paperless"].records
    assert choice.words[1] == "chosen: we e-mail you when a bill is ready"

    with translation.override("es"):
        tables = tables_held(ostby)
    assert tables["disconnection_orders"].title == "Órdenes de desconectar un servicio"
    assert tables["disconnection_orders"].records[1].words[2] == (
        "desconexión para el 4 de diciembre de 2026 no ordenada: la ley la prohibía ese día"
    )
    assert (
        tables["automatic_payment_debits"]
        .records[0]
        .words[2]
        .endswith("devuelto por su banco el 25 de noviembre de 2026 (código de motivo R01)")
    )
    assert tables["payments_received"].records[0].words[2] == f"recibo {receipt.pk}: Cheque número 1042"
    assert tables["paperless"].title == "Factura sin papel"
