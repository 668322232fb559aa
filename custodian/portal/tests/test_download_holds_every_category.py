"""The customer's "download everything" holds every category of the policy file they have data in, as JSON
(for programs) and as a spreadsheet (CSV, for people), each walked category by category: the bills (kept as
bill records, not as a value) with the payments and charges, the automatic payment and the payment agreement
kept beside them. The bills are read through the gate as the customer's own read, one access event."""

import csv
import io
import json

from custodian.audit.models import AccessEvent
from custodian.testing.every_category import everything_held, unanswered, unanswered_in_file
from custodian.testing.portal import signed_in


def test_pat_downloads_everything_and_finds_her_bills(households):
    (pat, app), _ = households
    shows = everything_held(pat, app)
    client = signed_in(app, "pat@example.com")

    data = json.loads(client.get("/portal/me/download.json").content)["data"]
    held = {key for key, held in data.items() if held} | {t["category"] for t in data["records"]}
    assert unanswered_in_file(held) == []
    tables = {t["key"]: t for t in data["records"] if t["category"] == "bills"}
    assert {"bills", "ledger", "payment_agreements", "automatic_payment"} <= set(tables)
    [bill] = tables["bills"]["rows"]
    assert bill["month"] == "2026-10" and bill["total"]["amount"] > 0 and bill["due_on"]
    assert AccessEvent.objects.filter(
        action="reveal_documents", categories="bills", actor_kind="customer", purpose="legal_obligations"
    ).exists()

    text = client.get("/portal/me/download.csv").content.decode("utf-8-sig")
    assert unanswered(text, shows) == []
    rows = list(csv.reader(io.StringIO(text)))
    titles = [r[0] for r, before in zip(rows[1:], rows, strict=False) if not before]
    assert {"Bills", "Payments and charges", "Payment agreements", "Automatic payment"} <= set(titles)
    assert shows["agreement"] in text and shows["autopay"] in text


def test_pats_bills_in_her_spanish_download(households):
    (pat, app), _ = households
    everything_held(pat, app)
    client = signed_in(app, "pat@example.com")
    text = client.get("/portal/me/download.csv", {"lang": "es"}).content.decode("utf-8-sig")
    assert "Facturas" in text and "Acuerdos de pago" in text and "octubre de 2026" in text
