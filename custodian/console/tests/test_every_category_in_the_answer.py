"""The answer to a data access request holds every category of the policy file that the customer has data
in (Minn. Stat. § 13.04 subd. 3): the privacy officer's package as data (JSON) and as the page she reads, and
the letter the customer gets, each walked category by category. The bills, kept as bill records and not as a
value, are there with the payments and charges, the automatic payment and the payment agreement kept beside
them: amounts and dates in words in the letter, numbers and days for programs in the file. Each is read
through the gate under the request: the bills one access event, in the read's transaction."""

import html
import json

from custodian.audit.models import AccessEvent
from custodian.casework.data_requests import data_request_answer
from custodian.testing import letter_text
from custodian.testing.every_category import (
    everything_held,
    unanswered,
    unanswered_in_file,
    verified_access_request,
)


def test_priya_answers_pat_with_every_category_she_has_data_in(
    households, privacy_officer, console, open_request
):
    (pat, app), _ = households
    shows = everything_held(pat, app)
    req = verified_access_request(pat, app, privacy_officer, open_request)
    client = console(privacy_officer)

    package = json.loads(client.get(f"/staff/requests/{req.pk}/package/", {"format": "json"}).content)
    held = {d["key"] for d in package["data"]} | ({"correspondence"} if package["correspondence"] else set())
    held |= {t["category"]["key"] for t in package["records"] if t["rows"]}
    assert unanswered_in_file(held) == []
    records = {t["key"]: t for t in package["records"]}
    assert {"bills", "ledger", "payment_agreements", "automatic_payment"} <= set(records)
    [bill] = records["bills"]["rows"]
    assert bill["month"] == "2026-10" and bill["month_label"] == "October 2026"
    assert bill["total"]["unit"] == {"key": "USD", "label": "US dollars"} and bill["total"]["amount"] > 0
    assert bill["use"] and bill["charges"]
    assert records["bills"]["category"] == {
        "key": "bills",
        "label": "Bills: the account number and service address printed on each bill, the usage billed, "
        "charges and amounts due",
    }
    [charge] = records["ledger"]["rows"]
    assert charge["what"] == {"key": "charge", "label": "Bill for October 2026"}
    assert charge["amount"] == bill["total"]["amount"]

    # A person reads the month's use rounded and grouped, as the portal's usage table writes it.
    in_words = {**shows, "meter_usage": f"{round(float(shows['meter_usage'])):,} kWh"}
    page = html.unescape(client.get(f"/staff/requests/{req.pk}/package/").content.decode())
    assert unanswered(page, in_words) == []
    assert shows["agreement"] in page and shows["autopay"] in page

    # The bills were read once for each answer drawn (the file, the page), under the request, and logged.
    bills_read = AccessEvent.objects.filter(
        action="reveal_documents", categories="bills", request_id=str(req.pk), decision="allow"
    )
    assert bills_read.count() == 2

    data_request_answer(request=req, by=privacy_officer)
    req.refresh_from_db()
    letter = letter_text(req.answer)
    assert unanswered(letter, in_words) == []
    assert "BILLS" in letter and "PAYMENTS AND CHARGES" in letter and "PAYMENT AGREEMENTS" in letter
    assert "Bill for October 2026" in letter and "November 1, 2026" in letter  # issued, in words
    assert "2026-10" not in letter.split("YOUR MONTHLY USE")[0]  # no month or day written as a code


def test_a_customer_without_bills_is_answered_without_a_bills_table(
    households, privacy_officer, console, open_request
):
    (pat, app), _ = households
    req = verified_access_request(pat, app, privacy_officer, open_request)
    package = json.loads(
        console(privacy_officer).get(f"/staff/requests/{req.pk}/package/", {"format": "json"}).content
    )
    # Only the account itself (opened, still open): no bill, no ledger, nothing else kept beside them; the
    # request being answered is a record of its own category (correspondence).
    assert [t["key"] for t in package["records"] if t["category"]["key"] == "bills"] == ["accounts"]
    assert [t["key"] for t in package["records"] if t["category"]["key"] == "correspondence"] == ["requests"]
    # Read all the same, and logged: "nothing kept" is an answer too.
    assert AccessEvent.objects.filter(
        action="reveal_documents", categories="bills", request_id=str(req.pk)
    ).exists()
