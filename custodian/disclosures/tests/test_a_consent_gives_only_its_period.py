"""A disclosure under a written consent gives the consent's period only: every dated category (the meter
usage's months and register reads, the dates of the protection facts…) is cut to [covers_from, covers_until];
a name or an address is the value as it is now, which the consent names. When nothing of a category falls in
the period, the package says so instead of carrying anything from outside it. The accounting's record and
the customer's "Who we gave it to" say which period was given. Every category of the policy file is on one
side, dated or current, so a category added later is placed before it can be given under a consent."""

import json
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import override

from conftest import PAPER_FORM, application_for
from custodian.customers.services import customer_enrol
from custodian.dates import long_date
from custodian.disclosures.models import DisclosureEntry, DisclosureRequest
from custodian.disclosures.periods import Period, categories_sided, in_period
from custodian.disclosures.selectors import accounting_summary
from custodian.policy.loader import current_policy
from custodian.testing import CO_OP, consent_given, disclosed
from custodian.testing.billing import YEAR, usage_document
from custodian.vault.gate import customer_actor

TODAY = timezone.localdate()
PURPOSE = "home energy audit"


def _usage_with_reads() -> str:
    """Ten months of 2026 and two register reads of the electric meter, one in May and one in July."""
    document = json.loads(usage_document(YEAR))
    document["electric"]["reads"] = [
        {"on": "2026-05-14", "index": 10450, "meter": "E-7731", "kind": "actual", "use": 650},
        {"on": "2026-07-14", "index": 11800, "meter": "E-7731", "kind": "actual", "use": 670},
    ]
    return json.dumps(document)


def _greta():
    """Greta Lindqvist, with ten months of use in 2026 and two reads of her electric meter."""
    app = application_for(
        "Greta Lindqvist", "greta@example.org", "507-555-0144", "0040000044", meter_usage=_usage_with_reads()
    )
    return customer_enrol(application=app, submission=PAPER_FORM)


def _consent(customer, covers_from: date, covers_until: date | None = None):
    return consent_given(
        customer,
        categories=["name", "meter_usage"],
        covers_from=covers_from,
        covers_until=covers_until,
        signed_at=timezone.now() - timedelta(minutes=5),
        method="electronic",
        text_shown=f"It covers my data from {covers_from} on.",
    )


def _package(officer, customer, consent) -> dict:
    basis = ("consent", consent.pk)
    result = disclosed(officer, [customer.pk], CO_OP, ["name", "meter_usage"], PURPOSE, basis)
    return json.loads(result.package)


def test_greta_s_consent_from_today_gives_none_of_her_past_usage(db, privacy_officer):
    greta = _greta()
    consent = _consent(greta, TODAY)  # "Only from the day I give it: none of my past data"

    package = _package(privacy_officer, greta, consent)
    [part] = package["customers"]
    assert part["name"] == "Greta Lindqvist"  # her name as it is now: what the consent names
    assert "meter_usage" not in part  # not one of her months, nor her meter's reads
    assert part["nothing_in_the_period"] == ["meter_usage"]
    assert package["period"] == {
        "from": TODAY.isoformat(),
        "until": None,
        "covers": f"dated data from {TODAY.isoformat()} on",
    }
    text = json.dumps(package)
    assert "2026-0" not in text and "E-7731" not in text

    entry = DisclosureEntry.objects.get(customer=greta)
    assert entry.data_description == f"Meter usage, Name; dated data from {TODAY.isoformat()} on"
    assert f"dated data from {TODAY.isoformat()} on" in DisclosureRequest.objects.get().reason


def test_greta_s_consent_from_june_gives_june_on(db, privacy_officer):
    greta = _greta()
    june = date(2026, 6, 1)
    consent = _consent(greta, june, covers_until=TODAY + timedelta(days=30))

    [part] = _package(privacy_officer, greta, consent)["customers"]
    usage = json.loads(part["meter_usage"])
    months = [m["month"] for m in usage["electric"]["months"]]
    assert months == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    assert [m["month"] for m in usage["gas"]["months"]][0] == "2026-06"
    assert [r["on"] for r in usage["electric"]["reads"]] == ["2026-07-14"]  # May's read is before June
    assert "nothing_in_the_period" not in part


def test_greta_reads_which_period_was_given(db, privacy_officer):
    greta = _greta()
    consent = _consent(greta, TODAY)
    _package(privacy_officer, greta, consent)

    [row] = accounting_summary(fetched_by=customer_actor(greta.pk), customer_id=greta.pk)
    assert row["data"] == f"Name, Meter usage (data from {long_date(TODAY)} on)"
    with override("es"):
        [row] = accounting_summary(fetched_by=customer_actor(greta.pk), customer_id=greta.pk)
        assert f"datos desde el {long_date(TODAY)} en adelante" in row["data"]


def test_a_name_alone_says_no_period(db, privacy_officer):
    greta = _greta()
    consent = _consent(greta, TODAY)
    result = disclosed(privacy_officer, [greta.pk], CO_OP, ["name"], PURPOSE, ("consent", consent.pk))
    assert "period" not in json.loads(result.package)
    assert DisclosureEntry.objects.get().data_description == "Name"


def test_protection_facts_dated_before_the_period_are_left_out():
    period = Period(date(2026, 10, 1))
    facts = {
        "income": {"basis": "assistance_provider", "verified_on": "2026-09-17"},
        "medical": {"certified_on": "2026-10-05", "certifier": "licensed medical doctor"},
        "referred_on": "2026-08-02",
    }
    cut = json.loads(in_period(period, json.dumps(facts)))
    assert cut == {
        "income": None,
        "medical": {"certified_on": "2026-10-05", "certifier": "licensed medical doctor"},
        "referred_on": None,
    }
    assert in_period(Period(date(2026, 11, 1)), json.dumps(facts)) is None  # nothing of the period


def test_a_date_that_cannot_be_read_is_outside_every_period():
    usage = {"electric": {"unit": "kWh", "months": [{"month": "last May", "total": 1}]}}
    assert in_period(Period(date(2020, 1, 1)), json.dumps(usage)) is None
    assert in_period(Period(date(2020, 1, 1)), "not a document") is None


def test_every_category_of_the_policy_file_is_dated_or_current():
    sided = categories_sided()
    assert sorted(c for c in current_policy().categories if c not in sided) == []
    assert set(sided) <= set(current_policy().categories)


def test_a_moment_is_placed_on_the_utility_s_day_not_its_offset_s(db):
    """9 p.m. in Owatonna on the last day before the period is 03:00 the next day in UTC: still outside it."""
    period = Period(date(2026, 3, 2), None)
    evening_before = json.dumps({"checked_at": "2026-03-02T03:00:00+00:00"})
    morning_of = json.dumps({"checked_at": "2026-03-02T15:00:00+00:00"})
    assert in_period(period, evening_before) is None
    assert in_period(period, morning_of) is not None
