"""The notices of collections go out through the outbox, once each: past-due letters per arrears, the notice
of proposed disconnection with the five contents § 216B.097 subd. 2(a) requires, and the yearly Cold Weather
Rule notice to every residential customer, only between August 15 and October 1."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from custodian.billing.models import Bill
from custodian.billing.services import bill_run, ledger_post
from custodian.collecting.letters import utility_words
from custodian.collecting.models import DisconnectionNotice
from custodian.collecting.notices import (
    NoticeError,
    cold_weather_notice_send,
    disconnection_notice_send,
    past_due_notices_send,
)
from custodian.collecting.rules import COLD_WEATHER_NOTICE_CONTENTS
from custodian.collecting.selectors import past_due_accounts
from custodian.customers.models import Customer
from custodian.outbox.models import OutboundMessage
from custodian.outbox.services import message_render
from custodian.policy.assistance import energy_assistance_lines
from custodian.policy.loader import current_policy
from custodian.testing import letter_text
from custodian.testing.billing import YEAR, household


@pytest.fixture
def town(db):
    homes = [household(f"Ostby {i}", f"00400000{i:02d}", YEAR) for i in range(3)]
    bill_run(cycle="2026-08", issued_on=date(2026, 9, 1))
    return homes


def test_past_due_letters_once_per_arrears(town):
    assert past_due_notices_send(on=date(2026, 9, 10)).sent == 0  # not yet due
    report = past_due_notices_send(on=date(2026, 9, 30))
    assert (report.sent, report.already) == (3, 0)
    again = past_due_notices_send(on=date(2026, 10, 1))
    assert (again.sent, again.already) == (0, 3)
    letters = OutboundMessage.objects.filter(template="past_due")
    assert {m.regarding for m in letters} == {f"past_due:{b.pk}" for b in Bill.objects.all()}
    assert {m.channel for m in letters} == {"letter"} and {m.sent_by_label for m in letters} == {
        "system:collections"
    }


def test_the_disconnection_notice_carries_what_the_law_requires(town):
    account = Bill.objects.first().account
    notice = disconnection_notice_send(
        account_id=account.pk, service="gas", sent_on=date(2026, 10, 5), today=date(2026, 10, 5)
    )
    assert tuple(notice.contents) == COLD_WEATHER_NOTICE_CONTENTS
    letter = OutboundMessage.objects.get(template="disconnection_notice")
    assert letter.regarding == f"disconnection_notice:{notice.pk}"
    body = message_render(
        template="disconnection_notice",
        context={
            "utility": "U",
            "phone": "1",
            "providers": ["P"],
            "account_number": "0040000000",
            "service": "gas",
            "amount": "10.00",
            "earliest": "x",
            "contents": COLD_WEATHER_NOTICE_CONTENTS,
        },
    ).body
    for heading in ("PROPOSED DISCONNECTION", "RIGHTS AND RESPONSIBILITIES", "ENERGY ASSISTANCE PROVIDERS"):
        assert heading in body
    assert "INABILITY TO PAY" in body and "PAYMENT PLANS" in body
    with pytest.raises(NoticeError, match="no electric|no water|no steam"):
        disconnection_notice_send(
            account_id=account.pk, service="steam", sent_on=date(2026, 10, 5), today=date(2026, 10, 5)
        )


def test_the_yearly_cold_weather_notice_only_in_its_window_and_once(town):
    with pytest.raises(NoticeError, match="between August 15"):
        cold_weather_notice_send(on=date(2026, 10, 2))
    assert cold_weather_notice_send(on=date(2026, 8, 20)).sent == 3
    assert cold_weather_notice_send(on=date(2026, 9, 1)).already == 3
    assert OutboundMessage.objects.filter(regarding="cold_weather:2026").count() == 3
    with pytest.raises(CommandError, match="between August 15"):
        call_command("collection_notices", "cold-weather", "--on", "2026-12-01", "--no-progress")
    with pytest.raises(CommandError, match="not a date"):
        call_command("collection_notices", "past-due", "--on", "tomorrow", "--no-progress")


def test_the_energy_assistance_providers_come_from_the_policy_file_marked_until_confirmed():
    providers = current_policy().utility["energy_assistance"]
    lines = energy_assistance_lines()
    assert len(lines) == len(providers) and utility_words(None)["providers"] == lines
    for provider, line in zip(providers, lines, strict=True):
        assert line.startswith(f"{provider['name']}: {provider['contact']}")
        assert line.endswith("(to be confirmed)") != provider["confirmed"]


def test_a_customer_who_reads_spanish_gets_the_notice_in_spanish(town):
    account = Bill.objects.first().account
    Customer.objects.filter(pk=account.customer_id).update(language="es")
    disconnection_notice_send(
        account_id=account.pk, service="gas", sent_on=date(2026, 10, 5), today=date(2026, 10, 5)
    )
    letter = OutboundMessage.objects.get(template="disconnection_notice")
    body = letter_text(letter)
    assert "Aviso de desconexión propuesta de su servicio de gas natural" in body
    assert "a partir del 25 de octubre de 2026" in body and "Regla de Clima Frío" in body
    assert "un aviso de desconexión propuesta; una explicación de los derechos" in body
    assert "Dear customer" not in body and "notice of proposed disconnection" not in body


def test_a_spanish_past_due_letter_writes_money_as_us_spanish_does(town):
    """A decimal point and comma grouping as in English ("$2,094.21", not "$2094,21"); a Spanish date."""
    bill = Bill.objects.first()
    Customer.objects.filter(pk=bill.account.customer_id).update(language="es")
    ledger_post(
        account_id=bill.account_id, kind="adjustment", amount=Decimal("2094.21"), posted_on=date(2026, 9, 2)
    )
    past_due_notices_send(on=date(2026, 9, 30))
    owed = past_due_accounts(date(2026, 9, 30))[bill.account_id].past_due
    assert owed >= 1000
    letter = OutboundMessage.objects.get(template="past_due", to_customer_id=bill.account.customer_id)
    body = letter_text(letter)
    assert f"saldo vencido de ${owed:,.2f}." in body and "de 2026" in body


@pytest.mark.parametrize(
    ("sent_on", "refusal"),
    [
        (date(1970, 1, 1), "not on 1970-01-01"),
        (date(2026, 10, 4), "today or later"),
        (date(2999, 12, 31), "14 days"),
    ],
)
def test_a_notice_is_never_dated_back_nor_far_ahead(town, sent_on, refusal):
    # The customer's time to answer runs from the mailing: a notice dated back would shorten it.
    account = Bill.objects.first().account
    with pytest.raises(NoticeError, match=refusal):
        disconnection_notice_send(
            account_id=account.pk, service="gas", sent_on=sent_on, today=date(2026, 10, 5)
        )
    assert not DisconnectionNotice.objects.exists()
    assert not OutboundMessage.objects.filter(template="disconnection_notice").exists()
