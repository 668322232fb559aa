"""The portal's home answers what the customer owes and when, how this month's use compares with the same
month last year, and which requests are open; the bill and the usage are read through the gate as the
customer, each read logged."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from oauth2_provider.models import Application

from custodian.audit.models import AccessEvent
from custodian.billing.models import Bill, LedgerEntry
from custodian.billing.selectors import Statement, Statements
from custodian.billing.services import balance_of, bill_run, ledger_post
from custodian.billing.tariff import current_tariff
from custodian.casework.services import Intake, request_intake
from custodian.collecting.models import DisconnectionNotice
from custodian.connect.models import Authorization, ThirdParty
from custodian.customers.models import Account
from custodian.disclosures.models import Consent, ConsentRevocation
from custodian.payments.models import Autopay
from custodian.payments.selectors import autopay_pays_what_is_due
from custodian.portal.glance import _alerts
from custodian.testing.portal import signed_in
from custodian.usage.services import month_against_last_year
from custodian.usage.services.presentation import UNIT_WORDS
from custodian.vault.gate import customer_actor


def test_the_home_says_what_is_owed_how_use_compares_and_what_is_open(metered):  # noqa: F811
    customer, app, months = metered
    cycle = months[-1]["month"]
    assert bill_run(cycle=cycle) == 1
    bill = Bill.objects.get(customer=customer, cycle=cycle)
    req, _ = request_intake(
        intake=Intake(
            kind="privacy_question", channel="portal", message="Who reads my meter?", customer_id=customer.pk
        )
    )
    client = signed_in(app, "glance@example.com")
    before = AccessEvent.objects.count()
    page = client.get("/portal/me/").content.decode()

    assert "What you owe" in page and f"${bill.total:,.2f}" in page
    assert f"Due {bill.due_on:%B %-d, %Y}" in page
    assert f"Your use in {date.fromisoformat(cycle + '-01'):%B}" in page and "Electricity" in page
    assert "kWh" in page and "last year" in page
    assert f"#{req.pk}: Privacy question" in page
    mine = AccessEvent.objects.filter(pk__gt=before, actor_kind="customer", customer_id=str(customer.pk))
    assert {(e.action, e.purpose) for e in mine} >= {
        ("reveal_documents", "billing"),
        ("reveal_intervals", "providing_services"),
    }


def test_this_month_is_compared_with_the_same_days_last_year(metered):  # noqa: F811
    customer, _, months = metered
    glance = month_against_last_year(actor=customer_actor(customer.pk), customer_id=customer.pk)
    electric = next(r for r in glance["rows"] if r["service"] == "electric")
    # The demo's months add up to the bills: the latest whole month against its month a year before.
    assert round(electric["now"]) == round(months[-1]["total"])
    assert round(electric["before"]) == round(months[-13]["total"])
    assert electric["direction"] in ("more", "less", "same") and electric["change"] >= 0


def test_this_month_and_last_year_are_one_read_of_the_interval_store(metered):  # noqa: F811
    customer, _, _ = metered
    before = AccessEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    assert month_against_last_year(actor=customer_actor(customer.pk), customer_id=customer.pk)
    [event] = AccessEvent.objects.filter(pk__gt=before)
    assert (event.action, event.decision, event.customer_id) == (
        "reveal_intervals",
        "allow",
        str(customer.pk),
    )


def test_a_customer_without_bills_or_readings_sees_that_plainly(households):  # noqa: F811
    (_, app), _ = households
    page = signed_in(app, "plain@example.com").get("/portal/me/").content.decode()
    assert "No bills yet." in page or "Nothing to pay now." in page
    assert "None open." in page


def test_a_balance_past_due_is_an_alert_on_top_and_none_once_paid(metered):  # noqa: F811
    customer, app, months = metered
    today = date.today()
    assert bill_run(cycle=months[-1]["month"], issued_on=today - timedelta(days=60)) == 1
    client = signed_in(app, "alert@example.com")
    page = client.get("/portal/me/").content.decode()
    owed = balance_of(Bill.objects.get(customer=customer).account_id)
    assert "Needs your attention" in page and "Past due:" in page
    assert f"${owed:,.2f} of your balance is past its due date." in page
    assert page.index("Needs your attention") < page.index("What you owe")
    assert 'href="/portal/me/bills/#pay"' in page

    spanish = client.get("/portal/me/?lang=es").content.decode()
    assert "Requiere su atención" in spanish and "Vencido:" in spanish
    amount = f"{owed:,.2f}"  # with a decimal point, as US Spanish writes money (custodian/formats)
    assert f"${amount} de su saldo ya pasó su fecha de vencimiento." in spanish

    account_id = Bill.objects.get(customer=customer).account_id
    ledger_post(account_id=account_id, kind=LedgerEntry.Kind.PAYMENT, amount=-owed, posted_on=today)
    paid = client.get("/portal/me/?lang=en").content.decode()
    assert "Needs your attention" not in paid and "Past due:" not in paid


def test_a_bill_due_within_the_week_is_an_alert_and_one_further_off_is_not():
    today = date(2026, 11, 27)

    def owing(due_on, past_due="0.00"):
        where = Statement(
            balance=Decimal("80.00"), past_due=Decimal(past_due), due_on=due_on, latest_bill=None
        )
        return {"statement": Statements({1: where}), "latest": None}

    assert _alerts(owing(today + timedelta(days=7)), today) == [
        {"kind": "due_soon", "amount": Decimal("80.00"), "due_on": today + timedelta(days=7)}
    ]
    assert _alerts(owing(today + timedelta(days=8)), today) == []
    # Past due and nothing new to pay: one alert, not a second about the old due date.
    assert [a["kind"] for a in _alerts(owing(today - timedelta(days=3), "80.00"), today)] == ["past_due"]
    assert _alerts(None, today) == []


def test_the_units_of_this_month_read_in_the_readers_language(metered):  # noqa: F811
    customer, app, _ = metered
    page = signed_in(app, "units@example.com").get("/portal/me/?lang=es").content.decode()
    assert "kWh" in page
    with translation.override("es"):
        assert str(UNIT_WORDS["gas"]) == "termias" and str(UNIT_WORDS["water"]) == "galones"
    glance = month_against_last_year(actor=customer_actor(customer.pk), customer_id=customer.pk)
    assert all(r["unit"] is UNIT_WORDS[r["service"]] for r in glance["rows"])


def test_a_bill_due_this_week_on_automatic_payment_says_it_will_be_paid_not_to_pay_it(metered):  # noqa: F811
    customer, app, months = metered
    today = date.today()
    # Issued so that it falls due in three days.
    issued = today + timedelta(days=3) - timedelta(days=current_tariff().due_days)
    assert bill_run(cycle=months[-1]["month"], issued_on=issued) == 1
    bill = Bill.objects.get(customer=customer)
    client = signed_in(app, "autopay@example.com")
    page = client.get("/portal/me/").content.decode()
    assert "Due soon:" in page and "Automatic payment:" not in page

    Autopay.objects.create(account_id=bill.account_id, enrolled_at=timezone.now(), notice_version="1")
    page = client.get("/portal/me/").content.decode()
    assert "Due soon:" not in page and "Pay now</a>" not in page
    assert f"${bill.total:,.2f} will be paid from your bank account by {bill.due_on:%B %-d, %Y}" in page
    spanish = client.get("/portal/me/?lang=es").content.decode()
    assert "Pago automático:" in spanish and "se pagará de su cuenta bancaria" in spanish

    Autopay.objects.filter(account_id=bill.account_id).update(active=False)
    assert "Due soon:" in client.get("/portal/me/?lang=en").content.decode()


def test_automatic_payment_is_said_only_when_every_bill_not_yet_due_is_paid_so(metered):  # noqa: F811
    """A second account whose later bill is not paid automatically: what falls due (the sum of both) is the
    customer's to pay, not "nothing for you to do"."""
    customer, app, months = metered
    today = date.today()
    issued = today + timedelta(days=3) - timedelta(days=current_tariff().due_days)
    assert bill_run(cycle=months[-1]["month"], issued_on=issued) == 1
    bill = Bill.objects.get(customer=customer)
    Autopay.objects.create(account_id=bill.account_id, enrolled_at=timezone.now(), notice_version="1")
    mine = customer_actor(customer.pk)
    assert autopay_pays_what_is_due(fetched_by=mine, customer_id=customer.pk, due_from=today)

    other = Account.objects.get(pk=bill.account_id)
    premise = other.premise
    premise.pk = None
    premise.save()
    other.pk, other.premise = None, premise
    other.save()
    later = Bill.objects.get(pk=bill.pk)
    later.pk, later.account_id, later.due_on = None, other.pk, today + timedelta(days=20)
    later.document_ref = f"{bill.document_ref}-second-account"
    later.save()
    assert not autopay_pays_what_is_due(fetched_by=mine, customer_id=customer.pk, due_from=today)
    Autopay.objects.create(account_id=other.pk, enrolled_at=timezone.now(), notice_version="1")
    assert autopay_pays_what_is_due(fetched_by=mine, customer_id=customer.pk, due_from=today)


def test_no_query_about_automatic_payment_when_nothing_falls_due_this_week():
    # No database in this test: a query would fail it.
    today = date(2026, 11, 27)
    where = Statement(
        balance=Decimal("80.00"), past_due=Decimal("0"), due_on=today + timedelta(days=20), latest_bill=None
    )
    assert _alerts({"statement": Statements({1: where}), "latest": None}, today, customer_actor(1)) == []


def test_a_disconnection_notice_standing_is_the_first_alert_until_answered(metered):  # noqa: F811
    customer, app, months = metered
    today = date.today()
    assert bill_run(cycle=months[-1]["month"], issued_on=today - timedelta(days=60)) == 1
    bill = Bill.objects.get(customer=customer)
    client = signed_in(app, "notice@example.com")
    assert "Disconnection notice:" not in client.get("/portal/me/").content.decode()

    sent = today - timedelta(days=5)
    notice = DisconnectionNotice.objects.create(
        account_id=bill.account_id, service="electric", sent_on=sent, amount_past_due=bill.total
    )
    page = client.get("/portal/me/").content.decode()
    by = sent + timedelta(days=20)  # mailed: twenty days before service may be disconnected
    assert (
        f"A disconnection notice was sent on {sent:%B %-d, %Y}; pay or call us by {by:%B %-d, %Y} "
        "to keep your service." in page
    )
    assert page.index("Disconnection notice:") < page.index("Past due:")
    assert 'href="/portal/me/bills/#agreement"' in page
    spanish = client.get("/portal/me/?lang=es").content.decode()
    assert "Aviso de desconexión:" in spanish and "pague o llámenos a más tardar el" in spanish

    DisconnectionNotice.objects.filter(pk=notice.pk).update(sent_on=today - timedelta(days=30))
    assert "pay or call us today to keep your service." in client.get("/portal/me/?lang=en").content.decode()

    DisconnectionNotice.objects.filter(pk=notice.pk).update(answered_on=today)
    assert "Disconnection notice:" not in client.get("/portal/me/").content.decode()


def _consent(customer, expires_on):
    return Consent.objects.create(
        customer=customer,
        sealed_ref="",
        categories="usage",
        covers_from=date(2025, 1, 1),
        expires_on=expires_on,
        terms="revocable",
        method="electronic",
        signed_at=timezone.now(),
    )


def test_a_consent_or_an_app_ending_within_the_month_is_an_alert(households):  # noqa: F811
    (customer, app), _ = households
    today = date.today()
    client = signed_in(app, "ending@example.com")
    _consent(customer, today + timedelta(days=31))
    assert "Sharing ends:" not in client.get("/portal/me/").content.decode()

    plain = _consent(customer, today + timedelta(days=30))
    page = client.get("/portal/me/").content.decode()
    assert f"A consent you gave to share your data ends on {plain.expires_on:%B %-d, %Y}." in page
    assert 'href="/portal/me/consents/"' in page
    spanish = client.get("/portal/me/?lang=es").content.decode()
    assert "Un consentimiento que dio para compartir sus datos termina el" in spanish
    ConsentRevocation.objects.create(consent=plain, revoked_at=timezone.now(), how="portal")
    assert "Sharing ends:" not in client.get("/portal/me/?lang=en").content.decode()

    user = get_user_model().objects.create(username="sunny-owner")
    application = Application.objects.create(
        name="Sunny", client_type="confidential", authorization_grant_type="authorization-code", user=user
    )
    third = ThirdParty.objects.create(application=application, name="Sunny Solar Analytics", scopes="")
    Authorization.objects.create(
        customer=customer,
        third_party=third,
        consent=_consent(customer, today + timedelta(days=3)),
        user=user,
        scope="FB=1",
        services="electric",
    )
    page = client.get("/portal/me/").content.decode()
    assert "Your permission for Sunny Solar Analytics to receive your data ends on" in page
    assert 'href="/portal/me/connected-apps/"' in page


def test_the_home_decides_what_the_asker_sees_at_no_cost_in_queries(metered):  # noqa: F811
    """The selectors of the home take the asker and decide in Python: the home with a bill past due and a
    request open still costs its twelve statements (the session and the user, the name, the statement and
    the latest bill, the bill's key and document, the notices, the payment agreements in force, the consents
    ending, the usage's key, the open requests) besides the gate's savepoints."""
    customer, app, months = metered
    assert bill_run(cycle=months[-1]["month"], issued_on=date.today() - timedelta(days=60)) == 1
    request_intake(
        intake=Intake(kind="privacy_question", channel="portal", message="Who?", customer_id=customer.pk)
    )
    client = signed_in(app, "queries@example.com")
    client.get("/portal/me/")
    with CaptureQueriesContext(connection) as read:
        page = client.get("/portal/me/").content.decode()
    assert "Past due:" in page and "Privacy question" in page
    statements = [q["sql"] for q in read.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) <= 12, statements
