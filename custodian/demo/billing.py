"""The demo's year of bills, payments and collections: the bill run for each month billed, payments, late
fees, the collections cases (from `generator.demo_collections_cases`) with their facts, agreements and
letters, all through the services billing and collecting use."""

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from custodian.billing.arrears import arrears_on
from custodian.billing.models import Bill, LedgerEntry
from custodian.billing.services import bill_run, late_fees_assess, ledger_post
from custodian.billing.tariff import current_tariff
from custodian.collecting.facts import ProtectionFacts
from custodian.collecting.models import PaymentAgreement, ProtectionOnFile
from custodian.collecting.notices import past_due_notices_send
from custodian.collecting.services import (
    payment_agreement_agree,
    payment_agreement_request,
    protection_facts_record,
)
from custodian.customers.models import Account
from custodian.demo.generator import PAST_DUE_CYCLES, demo_collections_cases
from custodian.demo.selectors import demo_customer_id
from custodian.demo.services import DEMO_CUSTOMER_NOTE, demo_staff_ensure
from custodian.vault.choices import Channel
from custodian.vault.services import Submission

BILLED_CYCLES = 12


def demo_cycles(today: date) -> list[str]:
    """The months billed in the demo: the twelve before the current month (the readings cover thirteen, so
    every bill has its month), those the tariff file has rates for."""

    tariff = current_tariff()
    year, month, out = today.year, today.month, []
    for _ in range(BILLED_CYCLES):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        try:
            tariff.version_on(date(year, month, 1))
        except LookupError:
            break
        out.append(f"{year:04d}-{month:02d}")
    return list(reversed(out))


def _agreement_kept(account, *, agreed_on: date, today: date) -> int:
    """The Cold Weather Rule cases keep their agreements (`collecting.agreements`): each bill that fell due
    since the agreement is paid on its due date (the installments begin a month after it). Returns the
    payments posted."""
    posted = 0
    for bill in Bill.objects.filter(
        account=account, is_current=True, due_on__gte=agreed_on, due_on__lte=today
    ):
        reference = f"demo-payment:{bill.pk}"
        if bill.total <= 0 or LedgerEntry.objects.filter(reference=reference).exists():
            continue
        ledger_post(
            account_id=account.pk,
            kind=LedgerEntry.Kind.PAYMENT,
            amount=-bill.total,
            posted_on=bill.due_on,
            reference=reference,
            memo="Payment, thank you (demo)",
        )
        posted += 1
    return posted


def demo_billing_ensure(
    *,
    count: int,
    seed: int,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """A year of bills and payments for the demo customers, consistent with their readings: the bill run
    for each of the last twelve months (through the gate as the billing job, like any run), each bill paid
    between 8 and 20 days after it was issued, except the past-due cases' last bills; late fees on what
    stayed unpaid; the Cold Weather Rule cases' facts on file and payment agreements, kept (the bills due
    since paid), so late fees come after them; the past-due letters.
    Safe to re-run: bill runs skip what was billed, a payment is posted once per bill."""

    today = today or timezone.localdate()  # the utility's day: a month has ended in Owatonna, not in UTC
    cycles = demo_cycles(today)
    issued = 0
    for cycle in cycles:
        year, month = int(cycle[:4]), int(cycle[5:])
        first_of_next = date(year + month // 12, month % 12 + 1, 1)
        issued += bill_run(cycle=cycle, issued_on=first_of_next)
        if progress:
            progress(1)
    cases = demo_collections_cases(count=count, seed=seed, today=today)
    unpaid_customers = {c for i in cases.past_due if (c := demo_customer_id(seed, i)) is not None}
    unpaid_cycles = set(cycles[-PAST_DUE_CYCLES:])
    paid = set(
        LedgerEntry.objects.filter(
            kind=LedgerEntry.Kind.PAYMENT, reference__startswith="demo-payment:"
        ).values_list("reference", flat=True)
    )
    payments = 0
    with transaction.atomic():
        for bill in Bill.objects.filter(cycle__in=cycles, is_current=True).order_by("pk"):
            reference = f"demo-payment:{bill.pk}"
            if reference in paid or bill.total <= 0:
                continue
            if bill.customer_id in unpaid_customers and bill.cycle in unpaid_cycles:
                continue
            day = bill.issued_on + timedelta(days=random.Random(seed * 7919 + bill.pk).randint(8, 20))
            if day > today:
                continue
            ledger_post(
                account_id=bill.account_id,
                kind=LedgerEntry.Kind.PAYMENT,
                amount=-bill.total,
                posted_on=day,
                reference=reference,
                memo="Payment, thank you (demo)",
            )
            payments += 1
    facts = ProtectionFacts(
        income_verified_on=date(today.year, 10, 1) if today.month >= 10 else date(today.year - 1, 10, 1),
        income_basis="assistance_provider",
        referred_on=date(today.year, 10, 1) if today.month >= 10 else date(today.year - 1, 10, 1),
    )
    on_file = Submission(
        channel=Channel.PHONE,
        notice_key="disconnection_protection",
        recorded_by_label="collections (demo data)",
        note=DEMO_CUSTOMER_NOTE,
    )

    # Agreements are agreed by collections staff (the service checks it): the demo's collections agent.
    demo_staff_ensure()
    collections_agent = get_user_model().objects.get(username="colin.collections")
    for index in cases.cold_weather + cases.agreement_requested:
        customer_id = demo_customer_id(seed, index)
        account = Account.objects.filter(customer_id=customer_id, closed_on__isnull=True).first()
        if account is None or PaymentAgreement.objects.filter(account=account).exists():
            continue
        asked_on = today - timedelta(days=20)
        # Asked for only where something was past due then (with nothing past due there is nothing to agree).
        if arrears_on(account.pk, on=asked_on).past_due <= 0:
            continue
        agreement = payment_agreement_request(
            account_id=account.pk, requested_on=asked_on, installment=Decimal("40.00")
        )
        if index in cases.cold_weather:
            if not ProtectionOnFile.objects.filter(customer_id=customer_id).exists():
                protection_facts_record(customer_id=customer_id, facts=facts, submission=on_file)
            agreed_on = today - timedelta(days=18)
            # $40.00 a month, or all of it at once where less is past due (the installment's bound).
            owed = arrears_on(account.pk, on=agreed_on).past_due
            if owed <= 0:
                continue
            payment_agreement_agree(
                agreement_id=agreement.pk,
                installment=min(Decimal("40.00"), owed),
                by=collections_agent,
                on=agreed_on,
            )
            payments += _agreement_kept(account, agreed_on=agreed_on, today=today)
    # After the agreements: a payment agreement kept draws no late payment charge on its arrears.
    fees = late_fees_assess(as_of=today)
    letters = past_due_notices_send(on=today).sent
    return {"bills": issued, "payments": payments, "late_fees": fees, "letters": letters}
