"""A page refused to a member of staff says what that page does and who does it: each page of the privacy
office its own words ("Only the privacy officer records disclosures."), never one sentence for all. Every
console page's refusal is marked for translation and in the Spanish catalogue (the console is drawn in
English today, docs/decisions.md; its words are ready for the day it is not)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

from custodian.console.access import is_privacy_officer

# Every page of the privacy office and what its refusal says it does; a new one not listed here fails.
PRIVACY_OFFICE = {
    "privacy": "works the privacy office's queues",
    "review": "reviews emergency access",
    "access_review": "reviews access",
    "inventory": "keeps the data inventory",
    "correction_notices": "follows the notices of corrections",
    "retention": "oversees retention and destruction",
    "incidents": "handles security incidents",
    "incident_open": "handles security incidents",
    "incident_from_flag": "handles security incidents",
    "incident": "handles security incidents",
    "incident_note": "handles security incidents",
    "incident_determine": "handles security incidents",
    "incident_delay": "handles security incidents",
    "incident_notify": "handles security incidents",
    "incident_agencies": "handles security incidents",
    "incident_report": "handles security incidents",
    "assessment_add": "records the annual security assessment",
    "flag_review": "reviews unusual access",
    "hold_decide": "decides held reads",
    "third_parties": "approves the apps",
    "third_party_review": "approves the apps",
    "disclosures": "records disclosures",
    "disclose": "records disclosures",
    "vendor_add": "registers vendors",
    "determination": "registers vendors and records their determinations",
    "vendor_export": "sends exports to vendors",
    "export_file": "sends exports to vendors",
    "consent_add": "records and revokes written consents",
    "consent_revoke": "records and revokes written consents",
    "authority_add": "records legal authority",
}


def console_views() -> dict[str, object]:
    """Every staff page's view with a rule, by its URL name."""
    found = {}

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif (
                isinstance(p, URLPattern)
                and (prefix + str(p.pattern)).startswith("staff/")
                and getattr(p.callback, "console_rule", None) is not None
            ):
                found[p.name] = p.callback

    walk(get_resolver().url_patterns, "")
    return found


def test_each_privacy_office_page_says_what_it_does():
    office = {name: v for name, v in console_views().items() if v.console_rule is is_privacy_officer}
    assert set(office) == set(PRIVACY_OFFICE)
    for name, view in office.items():
        assert f"Only the privacy officer {PRIVACY_OFFICE[name]}" in str(view.console_refusal), name


def test_every_console_refusal_is_in_spanish():
    for name, view in console_views().items():
        english = str(view.console_refusal)
        refusal = view.console_refusal
        with translation.override("es"):
            assert str(refusal) != english, f"{name}: {english}"


@pytest.mark.parametrize(
    ("method", "path", "said"),
    [
        ("get", "/staff/privacy/disclosures/", "Only the privacy officer records disclosures."),
        (
            "post",
            "/staff/privacy/disclosures/consents/",
            "Only the privacy officer records and revokes written",
        ),
        (
            "get",
            "/staff/privacy/disclosures/vendors/1/export/",
            "Only the privacy officer sends exports to vendors.",
        ),
        ("get", "/staff/privacy/access/", "Only the privacy officer reviews access."),
    ],
)
def test_another_member_of_staff_is_told_what_the_page_does(console, billing_clerk, method, path, said):
    answer = getattr(console(billing_clerk), method)(path)
    page = answer.content.decode()
    assert answer.status_code == 403 and said in page
    assert "reviews access" not in page or "access/" in path
