"""Building the demo utility through the same services the app uses."""

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from custodian.casework.services import Intake, request_intake
from custodian.customers.models import Customer
from custodian.customers.services import customers_enrol
from custodian.demo.development import DEMO_CUSTOMER_NOTE, DEMO_DEVICE_NAME
from custodian.demo.generator import (
    HOURLY_SHAPES,
    SIMILAR_HOMES_FROM,
    account_number,
    application,
    demo_portal_index,
    local_clock,
    similar_homes_needed,
)
from custodian.demo.personas import DEMO_PASSWORD, STAFF_PERSONAS, StaffPersona
from custodian.demo.selectors import demo_customer_id
from custodian.disclosures.models import Vendor
from custodian.disclosures.services import determination_approve, vendor_determine, vendor_register
from custodian.policy.loader import current_policy
from custodian.portal.models import PortalAccount
from custodian.portal.services import Enrolment, last_electric_kwh, portal_confirm, portal_enrol
from custodian.staff.mfa import confirmed_totp, totp_device_set
from custodian.staff.services import staff_member_create
from custodian.vault.choices import Channel
from custodian.vault.export_crypto import new_vendor_keypair
from custodian.vault.interval_files import IntervalBlock, customers_with_blocks
from custodian.vault.models import PersonalValue
from custodian.vault.services import (
    Submission,
    blind_index_of,
    interval_blocks_record,
    marketing_preference_set,
    opted_out_customer_ids,
)


def _published_demo_key(username: str) -> str:
    return hmac.new(b"custodian-demo-totp", username.encode(), hashlib.sha1).hexdigest()


def staff_persona_create(*, persona: StaffPersona):
    """A staff persona made a member of staff, as the demo seeds them and as the tests' personas are: the
    same record, with its services, the queues it leads and its work address."""
    return staff_member_create(
        username=persona.username,
        password=DEMO_PASSWORD,
        full_name=persona.full_name,
        services=list(persona.services),
        leads=persona.leads,
        email=persona.email,
    )


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
            if not user.email:
                # Seeded before staff had addresses: notices of staff changes and set-up links need one.
                user.email = persona.email
                user.save(update_fields=["email"])
            device = confirmed_totp(user)
            # Enrolled before second factors were required, or with the key the demo once derived from
            # the user name (anyone with the source could compute it): a random key replaces it.
            if device is None or device.key == _published_demo_key(persona.username):
                totp_device_set(user=user, name=DEMO_DEVICE_NAME)
            continue
        user = staff_persona_create(persona=persona)
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
    indexes: Sequence[int] | None = None,
) -> int:
    """Make sure customers 0..count-1 of `seed` exist (or those numbered `indexes`); create the missing ones
    in batches. Safe to re-run."""
    today = today or timezone.localdate()
    indexes = range(count) if indexes is None else indexes
    submission = Submission(
        channel=Channel.PAPER,
        notice_key="account_application",
        recorded_by_label="demo data (synthetic application forms)",
        note=DEMO_CUSTOMER_NOTE,
    )
    created = 0
    for part, customer_of in _in_batches(seed=seed, indexes=indexes, batch=batch, progress=progress):
        missing = [i for i in part if i not in customer_of]
        if missing:
            customers_enrol(
                applications=[application(seed, i, today) for i in missing], submission=submission
            )
            created += len(missing)
    return created


def _in_batches(
    *, seed: int, indexes: Sequence[int], batch: int, progress: Callable[[int], None] | None
) -> Iterator[tuple[Sequence[int], dict[int, int]]]:
    """The demo customers numbered `indexes`, `batch` of them at a time: each batch's numbers, with the
    customer id of those enrolled already (found by their account number); `progress` is told of each batch
    once it is done."""
    for start in range(0, len(indexes), batch):
        part = indexes[start : start + batch]
        digests = {blind_index_of("account_number", account_number(seed, i)): i for i in part}
        customer_of = {
            digests[d]: cid
            for d, cid in PersonalValue.objects.filter(
                field="account_number", blind_index__in=list(digests), superseded_at__isnull=True
            ).values_list("blind_index", "customer_id")
        }
        yield part, customer_of
        if progress:
            progress(len(part))


def demo_similar_homes_ensure(*, count: int, seed: int, today: date | None = None) -> list[int]:
    """The similar homes a demo of `count` customers needs for its portal customer's home to be compared
    (`generator.similar_homes_needed`, by the policy file's minimum of homes, which stays as it is): created
    where missing; their numbers, for their meter readings."""
    today = today or timezone.localdate()
    needed = similar_homes_needed(
        count=count, seed=seed, today=today, min_homes=current_policy().aggregation["min_customers"]
    )
    indexes = list(range(SIMILAR_HOMES_FROM, SIMILAR_HOMES_FROM + needed))
    demo_customers_ensure(count=0, seed=seed, today=today, indexes=indexes)
    return indexes


def demo_portal_sign_in_ensure(*, seed: int, today: date | None = None) -> str:
    """The demo's portal customer (`generator.demo_portal_index`) signed up online with the demo password,
    through the portal's own sign-up and confirmation (the confirmation e-mail goes to the address on file,
    as any sign-up's does); the address they sign in with, or "" when the demo has no such customer.
    Re-runnable: an account already online is left as it is."""
    index = demo_portal_index(seed)
    customer_id = None if index is None else demo_customer_id(seed, index)
    if customer_id is None:
        return ""
    app = application(seed, index, today or timezone.localdate())
    email = app.personal["email"]
    if PortalAccount.objects.filter(customer_id=customer_id, confirmed_at__isnull=False).exists():
        return email
    tokens = []

    def confirm_url(token: str, language: str = "") -> str:
        tokens.append(token)
        return f"{settings.CUSTODIAN_SITE_URL}{reverse('portal:confirm', args=[token])}"

    enrolment = Enrolment(
        account_number=app.personal["account_number"],
        last_electric_kwh=last_electric_kwh(customer_id),
        email=email,
        password=DEMO_PASSWORD,
    )
    portal_enrol(enrolment=enrolment, confirm_url=confirm_url)
    portal_confirm(token=tokens[-1])
    return email


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
    """The demo vendors with current determinations (mailing, reports, bills, card payments, the bank), each
    recorded by the privacy officer and approved by the utility's counsel as its second person; their
    private keys (development only) are written to var/demo-vendor-keys.json so exports can be
    opened to look at."""

    officer = get_user_model().objects.filter(username="priya.privacy").first()
    # The second person each determination waits for: the utility's counsel, independent of the officer.
    counsel = get_user_model().objects.filter(username="lena.legal").first()
    if officer is None or counsel is None:
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
        existing = Vendor.objects.filter(name=name).first()
        if existing is not None:
            # Recorded before determinations waited for a second person: approved now, as any would be.
            for waiting in existing.determinations.filter(decision__isnull=True, review_by__gte=today):
                determination_approve(determination=waiting, by=counsel)
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
        determination = vendor_determine(
            vendor=vendor, decided_by=officer, rationale=why, review_by=today + timedelta(days=365)
        )
        determination_approve(determination=determination, by=counsel)
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
    interval: int = 60,
    services: tuple[str, ...] = ("electric",),
    indexes: Sequence[int] | None = None,
) -> int:
    """Readings every `interval` minutes (60: hourly, 15: quarter-hourly) of each of `services` a demo
    customer takes (electric by default; gas in therms and water in gallons as well when asked), for
    customers 0..count-1 (or those numbered `indexes`), for the 13 months of their billing totals and adding
    up to them. A customer whose latest month of a service is already stored is skipped for it: safe to
    re-run."""
    indexes = range(count) if indexes is None else indexes

    today = today or timezone.localdate()
    meter = Submission(
        channel=Channel.METER,
        notice_key="metering",
        recorded_by_label="metering system (synthetic demo readings)",
    )
    clocks: dict[str, tuple] = {}
    written = 0
    done: dict[str, set[int]] = {}
    for part, customer_of in _in_batches(seed=seed, indexes=indexes, batch=batch, progress=progress):
        blocks = []
        for i in part:
            if i not in customer_of:
                continue
            app = application(seed, i, today)
            usage = json.loads(app.personal["meter_usage"])
            for service in services:
                months = usage.get(service, {}).get("months", [])
                if not months:
                    continue
                if service not in done:
                    done[service] = customers_with_blocks(months[-1]["month"], service)
                if customer_of[i] in done[service]:
                    continue
                shape = HOURLY_SHAPES[service]
                for m in months:
                    clock = clocks.get(m["month"]) or clocks.setdefault(
                        m["month"], local_clock(m["month"], interval * 60)
                    )
                    values = shape(seed, i, m["month"], m["total"], clock, app.heating_fuel)
                    blocks.append(
                        IntervalBlock(customer_of[i], service, m["month"], clock[0], interval * 60, values)
                    )
        if blocks:
            written += interval_blocks_record(blocks=blocks, submission=meter)
    return written
