"""Colin in collections works the bank's notifications of change from the console: the list of notices to act
on names each account by its bill's number and the day the change is due (overdue ones flagged), never the
bank's corrected details; a notice's page shows the bank account on file and as corrected, masked to the last
four digits, read through the gate for collecting payments and logged; he applies the correction, or marks a
notice handled without a change for a reason, each once: a second try says it was acted on already, by
whom. Bill in billing sees none of it."""

import html
from datetime import timedelta

import pytest
from django.utils import timezone

from custodian.audit.models import AccessEvent
from custodian.payments.models import AchChangeNotice
from custodian.testing import TEST_ROUTING
from custodian.testing.billing import change_notice_received, debits_sent
from custodian.vault import gate
from custodian.vault.gate import customer_actor

NEW_ACCOUNT = "9876543210"
LIST = "/staff/collections/bank-notices/"


@pytest.fixture
def debits(on_autopay, bank, privacy_officer):
    """The two households on automatic payment debited in the bank's file (accounts 0060000000 and …01)."""
    return debits_sent(bank, privacy_officer)


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def notice_url(notice) -> str:
    return f"{LIST}{notice.pk}/"


def test_colin_applies_a_new_account_number_and_marks_a_name_change_handled(
    debits,
    collections_agent,
    billing_clerk,
    console,
):
    first, second = debits
    late = change_notice_received(
        first, "C01", NEW_ACCOUNT, by=collections_agent, received_on=timezone.localdate() - timedelta(days=12)
    )
    name_only = change_notice_received(second, "C04", "OSTBY ANNA", by=collections_agent)
    colin = console(collections_agent)

    seen_before = AccessEvent.objects.count()
    listed = page(colin, LIST)
    assert f"Notice {late.pk}" in listed and f"Notice {name_only.pk}" in listed
    assert "C01: account number" in listed and "C04: account holder's name" in listed
    assert "overdue" in listed
    assert "Account 0060000000" in listed and "Account 0060000001" in listed
    # The bank's corrected details are not on the list, not even their last digits.
    assert NEW_ACCOUNT not in listed and NEW_ACCOUNT[-4:] not in listed and "OSTBY ANNA" not in listed
    read = AccessEvent.objects.order_by("seq")[seen_before:]
    assert {e.categories for e in read} == {"account_number"}, "only the accounts' numbers are read"

    shown = page(colin, notice_url(late))
    assert "0001 checking" in shown and "3210 checking" in shown and NEW_ACCOUNT not in shown
    assert "Apply the correction to the bank account on file" in shown
    looks = AccessEvent.objects.filter(
        actor_id=str(collections_agent.pk),
        purpose="collecting_payments",
        customer_id=str(first.account.customer_id),
        categories="bank_account",
    )
    assert {e.action for e in looks} == {"reveal", "reveal_documents"}

    applied = colin.post(f"{notice_url(late)}apply/", follow=True)
    said = html.unescape(applied.content.decode())
    assert "The bank's correction (C01) is on file" in said
    assert "Acted on" in said and "The bank account on file was corrected" in said
    held = gate.reveal(
        actor=customer_actor(first.account.customer_id),
        customer_id=first.account.customer_id,
        fields=["bank_account"],
        purpose="collecting_payments",
    )
    assert held["bank_account"] == f"routing {TEST_ROUTING} account {NEW_ACCOUNT} checking"

    again = colin.post(f"{notice_url(late)}apply/", follow=True)
    assert "Not applied: this notice was acted on already" in html.unescape(again.content.decode())
    assert "by colin.collections" in html.unescape(again.content.decode())

    # A change of the holder's name corrects nothing we keep with the bank account: handled without a change.
    name_page = page(colin, notice_url(name_only))
    assert "can't be applied" in name_page and "Apply the correction" not in name_page
    refused = colin.post(f"{notice_url(name_only)}apply/", follow=True)
    assert "Not applied: change code C04 corrects the account holder's name" in html.unescape(
        refused.content.decode()
    )
    done = colin.post(f"{notice_url(name_only)}no-change/", {"reason": "not_kept"}, follow=True)
    assert "handled without a change: the notice corrects a detail we do not keep" in html.unescape(
        done.content.decode()
    )
    twice = colin.post(f"{notice_url(name_only)}no-change/", {"reason": "not_kept"})
    assert twice.status_code == 400 and "acted on already" in html.unescape(twice.content.decode())
    assert AchChangeNotice.objects.filter(acted_on__isnull=True).count() == 0

    after = page(colin, LIST)
    assert "No notice waits." in after
    assert after.count("by colin.collections") == 2

    bill = console(billing_clerk)
    assert bill.get(LIST).status_code == 403
    assert bill.get(notice_url(late)).status_code == 403
