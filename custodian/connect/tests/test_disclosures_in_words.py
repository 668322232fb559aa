""" "Who we gave it to" tells the customer what an app they authorised received in words, grouped by it:
their usage readings since the day the authorisation covers from, everything they authorised at once (the
whole subscription, with the bills' summaries when it held them), the summaries alone, what describes the
readings, the meters shared. Never a resource's path, and never every fetch under the first one's name."""

from datetime import date

from django.utils import translation

from custodian.disclosures.selectors import accounting_summary
from custodian.testing import accounted, consent_given
from custodian.vault.gate import customer_actor

APP = ("Sunny Solar Analytics", "privacy@sunny.example")
READINGS = "Subscription/2/UsagePoint/1/MeterReading/1/IntervalBlock"
FETCHED = [
    ("Subscription/2/UsagePoint", ["meter_usage"]),
    (READINGS, ["meter_usage"]),
    (READINGS + "/1", ["meter_usage"]),
    (READINGS, ["meter_usage"]),
    ("Batch/Subscription/2", ["meter_usage"]),
    ("Batch/Subscription/2", ["bills", "meter_usage"]),
    ("Subscription/2/UsagePoint/1/UsageSummary/1", ["bills", "meter_usage"]),
    ("LocalTimeParameters/1", ["meter_usage"]),
]


def test_an_apps_fetches_are_told_in_words_grouped_by_what_went_out(customer):
    consent = consent_given(
        customer,
        recipient_name=APP[0],
        recipient_contact=APP[1],
        categories=["meter_usage", "bills"],
        purpose="Solar sizing",
        covers_from=date(2025, 3, 1),
        method="electronic",
        text_shown="I authorise Sunny Solar Analytics",
    )
    for path, categories in FETCHED:
        accounted(
            [customer.pk], APP, categories, "Solar sizing", ("consent", f"consent {consent.pk}: {path}")
        )

    rows = accounting_summary(fetched_by=customer_actor(customer.pk), customer_id=customer.pk)
    told = {r["data"]: r["times"] for r in rows}
    assert told == {
        "Which meters and services you share": 1,
        "Your usage readings since March 1, 2025": 3,
        "All you authorized: your usage readings since March 1, 2025": 1,
        "All you authorized: your usage readings since March 1, 2025 and your bills' summaries": 1,
        "Your bills' summaries since March 1, 2025": 1,
        "How your readings are recorded: their kinds, units and time zone": 1,
    }
    for row in rows:
        assert "Subscription" not in f"{row['data']} {row['basis']}" and "UsagePoint" not in row["basis"]
        assert row["basis"].startswith("Your authorization in My account, given on")

    with translation.override("es"):
        told = {
            r["data"]
            for r in accounting_summary(fetched_by=customer_actor(customer.pk), customer_id=customer.pk)
        }
    assert "Sus lecturas de consumo desde el 1 de marzo de 2025" in told
