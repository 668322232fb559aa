"""Building the demo utility through the same services the app uses."""

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from custodian.casework.services import Intake, request_intake
from custodian.customers.models import Customer
from custodian.customers.services import customers_enrol
from custodian.demo.development import DEMO_CUSTOMER_NOTE, DEMO_DEVICE_NAME
from custodian.demo.generator import account_number, application, hourly_electric, local_clock
from custodian.demo.personas import DEMO_PASSWORD, STAFF_PERSONAS
from custodian.demo.selectors import demo_customer_id
from custodian.disclosures.models import Vendor
from custodian.disclosures.services import vendor_determine, vendor_register
from custodian.staff.mfa import confirmed_totp, totp_device_set
from custodian.staff.services import staff_member_create
from custodian.vault.export_crypto import new_vendor_keypair
from custodian.vault.interval_files import IntervalBlock, customers_with_blocks
from custodian.vault.models import Channel, PersonalValue
from custodian.vault.services import (
    Submission,
    blind_index_of,
    interval_blocks_record,
    marketing_preference_set,
    opted_out_customer_ids,
)


def _published_demo_key(username: str) -> str:
    return hmac.new(b"custodian-demo-totp", username.encode(), hashlib.sha1).hexdigest()


def demo_staff_ensure() -> list[str]:
    """Create the staff personas that don't exist yet; returns the usernames created."""
    existing = set(
        get_user_model()
        .objects.filter(username__in=[p.username for p in STAFF_PERSONAS])
        .values_list("username", flat=True)
    )
    created = []
    for persona in STAFF_PERSONAS:
        if persona.username in existing:
            user = get_user_model().objects.get(username=persona.username)
            device = confirmed_totp(user)
            # Enrolled before second factors were required, or with the key the demo once derived from
            # the user name (anyone with the source could compute it): a random key replaces it.
            if device is None or device.key == _published_demo_key(persona.username):
                totp_device_set(user=user, name=DEMO_DEVICE_NAME)
            continue
        user = staff_member_create(
            username=persona.username,
            password=DEMO_PASSWORD,
            full_name=persona.full_name,
            services=list(persona.services),
        )
        # A random key, different in every database: `manage.py demo_otp USER` reads it from the database
        # to print the current code, so nobody can compute a demo member's codes from the source.
        totp_device_set(user=user, name=DEMO_DEVICE_NAME)
        created.append(persona.username)
    return created


def demo_customers_ensure(
    *,
    count: int,
    seed: int,
    batch: int = 1000,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Make sure customers 0..count-1 of `seed` exist; create the missing ones in batches. Safe to re-run."""
    today = today or date.today()
    submission = Submission(
        channel=Channel.PAPER,
        notice_key="account_application",
        recorded_by_label="demo data (synthetic application forms)",
        note=DEMO_CUSTOMER_NOTE,
    )
    created = 0
    for start in range(0, count, batch):
        indexes = range(start, min(start + batch, count))
        digests = {blind_index_of("account_number", account_number(seed, i)): i for i in indexes}
        present = set(
            PersonalValue.objects.filter(
                field="account_number", blind_index__in=list(digests), superseded_at__isnull=True
            ).values_list("blind_index", flat=True)
        )
        missing = [i for d, i in digests.items() if d not in present]
        if missing:
            customers_enrol(
                applications=[application(seed, i, today) for i in missing], submission=submission
            )
            created += len(missing)
        if progress:
            progress(len(indexes))
    return created


DEMO_REQUESTS = (
    (0, "billing_question", "email", "Why is my November bill so much higher than October's?"),
    (1, "data_access", "web_form", "Please send me a copy of all the data you hold about me."),
    (2, "problem", "phone", "Flickering lights at the house since the storm last night."),
    (3, "correction", "paper", "My mailing address is wrong: I moved to a new apartment last month."),
    (4, "other", "phone", "Caller asked whether we offer a budget billing plan."),
    (5, "privacy_question", "email", "Who do you share my meter readings with?"),
)
DEMO_OPTED_OUT = (6, 7)


def demo_requests_ensure(*, seed: int) -> int:
    """A few open requests across the services, and two customers who opted out of marketing. Re-runnable."""

    created = 0
    for index, kind, channel, message in DEMO_REQUESTS:
        cid = demo_customer_id(seed, index)
        if cid is None:
            continue
        _, new = request_intake(
            intake=Intake(
                kind=kind,
                channel=channel,
                message=message,
                customer_id=cid,
                source_key=f"demo:{seed}:{index}",
            )
        )
        created += new
    for index in DEMO_OPTED_OUT:
        cid = demo_customer_id(seed, index)
        if cid is not None and cid not in opted_out_customer_ids([cid]):
            marketing_preference_set(
                customer=Customer(pk=cid),
                opted_out=True,
                submission=Submission(
                    channel=Channel.PHONE, notice_key="portal_profile", recorded_by_label="demo data"
                ),
            )
    return created


def demo_vendors_ensure() -> list[str]:
    """The demo vendors with current determinations (mailing, reports, bills, card payments, the bank);
    their private keys (development only) are written to var/demo-vendor-keys.json so exports can be
    opened to look at."""
    import json
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    officer = get_user_model().objects.filter(username="priya.privacy").first()
    if officer is None:
        return []
    keys_path = settings.VAR_DIR / "demo-vendor-keys.json"
    keys = json.loads(keys_path.read_text()) if keys_path.exists() else {}
    created = []
    today = timezone.localdate()
    for name, function, why in (
        (
            "Prairie Print & Mail",
            "mailing",
            "Printing and mailing bills and outage notices gets them to every household on time.",
        ),
        (
            "Prairie Print & Mail (energy reports)",
            "report_mailing",
            "Mailed energy reports reach the households that never use the portal; comparisons like these "
            "save about 2% of household electricity, easing peak load.",
        ),
        (
            "Neighbour Energy Reports",
            "consumption_reports",
            "Comparison reports help households save energy (about 2% on average), easing peak load.",
        ),
        (
            "Prairie Print & Mail (letters)",
            "letter_mailing",
            "Printed letters (breach notices, answers to requests, policy changes) reach every household, "
            "including those without e-mail, as the law asks for written notice.",
        ),
        (
            "Prairie Print & Mail (bills)",
            "bill_mailing",
            "Printed bills reach every household that has not chosen paperless billing, so nobody misses a "
            "due date or the protections explained on the bill.",
        ),
        (
            "Prairie Card Payments (simulated processor)",
            "payment_processing",
            "Card payments on the processor's hosted page let customers pay at any hour without a trip to "
            "the office, and keep card numbers out of the utility's systems.",
        ),
        (
            "First Owatonna Bank (ACH origination)",
            "ach_origination",
            "Automatic payment from a bank account keeps households current without a monthly trip or "
            "check, which avoids late charges and disconnection notices.",
        ),
    ):
        if Vendor.objects.filter(name=name).exists():
            continue
        private, public = new_vendor_keypair()
        vendor = vendor_register(
            registered_by=officer,
            name=name,
            function=function,
            contact=f"ops@{function}.example",
            contract_start=today - timedelta(days=30),
            contract_end=today + timedelta(days=700),
            public_key=public,
        )
        vendor_determine(
            vendor=vendor, decided_by=officer, rationale=why, review_by=today + timedelta(days=365)
        )
        keys[str(vendor.pk)] = {"name": name, "private_key": private}
        created.append(name)
    if created:
        keys_path.write_text(json.dumps(keys, indent=2))
    return created


def demo_intervals_ensure(
    *,
    count: int,
    seed: int,
    batch: int = 1000,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Hourly electric readings for demo customers 0..count-1, for the 13 months of their billing totals
    and adding up to them. Customers that already have the latest month are skipped: safe to re-run."""
    import json

    today = today or date.today()
    meter = Submission(
        channel=Channel.METER,
        notice_key="metering",
        recorded_by_label="metering system (synthetic demo readings)",
    )
    clocks: dict[str, tuple] = {}
    written = 0
    for start in range(0, count, batch):
        indexes = range(start, min(start + batch, count))
        digests = {blind_index_of("account_number", account_number(seed, i)): i for i in indexes}
        customer_of = {
            digests[d]: cid
            for d, cid in PersonalValue.objects.filter(
                field="account_number", blind_index__in=list(digests), superseded_at__isnull=True
            ).values_list("blind_index", "customer_id")
        }
        blocks = []
        done: set[int] | None = None
        for i in indexes:
            if i not in customer_of:
                continue
            app = application(seed, i, today)
            months = json.loads(app.personal["meter_usage"]).get("electric", {}).get("months", [])
            if not months:
                continue
            if done is None:
                done = customers_with_blocks(months[-1]["month"], "electric")
            if customer_of[i] in done:
                continue
            for m in months:
                clock = clocks.get(m["month"]) or clocks.setdefault(m["month"], local_clock(m["month"]))
                values = hourly_electric(seed, i, m["month"], m["total"], clock, app.heating_fuel)
                blocks.append(IntervalBlock(customer_of[i], "electric", m["month"], clock[0], 3600, values))
        if blocks:
            written += interval_blocks_record(blocks=blocks, submission=meter)
        if progress:
            progress(len(indexes))
    return written


# The demo's collections cases, by demo customer index: every PAST_DUE_EVERY-th customer stopped paying
# their last PAST_DUE_CYCLES bills; the first COLD_WEATHER_CASES of those that are residential and heat with
# gas or electricity qualify under the Cold Weather Rule and keep a payment agreement; the next
# AGREEMENT_REQUESTS have asked for one.
PAST_DUE_EVERY = 11
PAST_DUE_CYCLES = 3
COLD_WEATHER_CASES = 3
AGREEMENT_REQUESTS = 2
BILLED_CYCLES = 12


@dataclass(frozen=True)
class CollectionsCases:
    past_due: list[int]
    cold_weather: list[int]
    agreement_requested: list[int]


def demo_collections_cases(*, count: int, seed: int, today: date | None = None) -> CollectionsCases:
    """Which demo customers are past due, under the Cold Weather Rule, or waiting for an agreement: computed
    from the generator alone (deterministic), so the welcome text can name them without reading anyone."""
    from custodian.customers.models import CustomerClass, HeatingFuel
    from custodian.demo.generator import application

    today = today or date.today()
    past_due = [i for i in range(count) if i % PAST_DUE_EVERY == PAST_DUE_EVERY - 1]
    heated = [
        i
        for i in past_due
        if (app := application(seed, i, today)).customer_class == CustomerClass.RESIDENTIAL
        and app.heating_fuel in (HeatingFuel.GAS, HeatingFuel.ELECTRIC)
        and not app.is_vacant
    ]
    cold = heated[:COLD_WEATHER_CASES]
    return CollectionsCases(
        past_due, cold, heated[COLD_WEATHER_CASES : COLD_WEATHER_CASES + AGREEMENT_REQUESTS]
    )


def demo_cycles(today: date) -> list[str]:
    """The months billed in the demo: the twelve before the current month (the readings cover thirteen, so
    every bill has its month), those the tariff file has rates for."""
    from custodian.billing.tariff import current_tariff

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
    stayed unpaid; the Cold Weather Rule cases' facts on file and payment agreements; the past-due letters.
    Safe to re-run: bill runs skip what was billed, a payment is posted once per bill."""
    import random

    from custodian.billing.models import Bill, LedgerEntry
    from custodian.billing.services import bill_run, late_fees_assess, ledger_post
    from custodian.collecting.facts import ProtectionFacts
    from custodian.collecting.models import PaymentAgreement, ProtectionOnFile
    from custodian.collecting.notices import past_due_notices_send
    from custodian.collecting.services import (
        payment_agreement_agree,
        payment_agreement_request,
        protection_facts_record,
    )

    today = today or date.today()
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
    fees = late_fees_assess(as_of=today)
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
    from django.contrib.auth import get_user_model

    from custodian.customers.models import Account

    # Agreements are agreed by collections staff (the service checks it): the demo's collections agent.
    demo_staff_ensure()
    collections_agent = get_user_model().objects.get(username="colin.collections")
    for index in cases.cold_weather + cases.agreement_requested:
        customer_id = demo_customer_id(seed, index)
        account = Account.objects.filter(customer_id=customer_id, closed_on__isnull=True).first()
        if account is None or PaymentAgreement.objects.filter(account=account).exists():
            continue
        agreement = payment_agreement_request(
            account_id=account.pk, requested_on=today - timedelta(days=20), installment=Decimal("40.00")
        )
        if index in cases.cold_weather:
            if not ProtectionOnFile.objects.filter(customer_id=customer_id).exists():
                protection_facts_record(customer_id=customer_id, facts=facts, submission=on_file)
            payment_agreement_agree(
                agreement_id=agreement.pk,
                installment=Decimal("40.00"),
                by=collections_agent,
                on=today - timedelta(days=18),
            )
    letters = past_due_notices_send(on=today).sent
    return {"bills": issued, "payments": payments, "late_fees": fees, "letters": letters}
