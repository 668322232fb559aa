"""The policy file: exactly the policy's purposes, checked against fideslang, errors that name the problem."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from fideslang import DEFAULT_TAXONOMY

from custodian.policy.loader import REQUIRED_PURPOSES, PolicyError, current_policy, load_policy
from custodian.testing import project_file

POLICY = Path(settings.CUSTODIAN_POLICY_FILE)


def test_the_policy_in_force_declares_exactly_the_eight_uses():
    assert set(current_policy().purposes) == set(REQUIRED_PURPOSES)


def test_every_use_the_published_policy_names_has_a_purpose():
    text = project_file("policy/owatonna-policy.txt").read_text()
    uses = re.search(r"uses personal information for (.+?)\.", text).group(1)
    named = [u.strip() for u in re.split(r",\s*(?:and\s+)?", uses)]
    labels = [p.label.lower() for p in current_policy().purposes.values()]
    assert len(named) == 8
    for use in named:
        assert sum(use.lower().startswith(label) for label in labels) == 1, use


def test_the_purposes_that_answer_requests_need_an_open_request():
    # "Customer information will be shared among … support services as necessary to respond to requests":
    # reaching a customer, working their problem and a data request or the law's demands are read only for a
    # request; the routine work (bills, payments, service, programs, the website) is not.
    policy = current_policy()
    assert {k for k, p in policy.purposes.items() if p.request_required} == {
        "contacting_customers",
        "resolving_problems",
        "legal_obligations",
    }


def test_published_text_in_the_repo_is_the_published_policy():
    assert (
        current_policy().published_text.strip()
        == project_file("policy/owatonna-policy.txt").read_text().strip()
    )


def test_every_category_and_use_is_a_fideslang_key_or_a_declared_extension():
    known_cats = {c.fides_key for c in DEFAULT_TAXONOMY.data_category}
    known_uses = {u.fides_key for u in DEFAULT_TAXONOMY.data_use}
    policy = current_policy()
    ext_cats = {e["key"]: e["parent"] for e in policy.taxonomy_extensions["data_categories"]}
    ext_uses = {e["key"]: e["parent"] for e in policy.taxonomy_extensions["data_uses"]}
    for c in policy.categories.values():
        assert c.fides_key in known_cats or ext_cats.get(c.fides_key) in known_cats
    for p in policy.purposes.values():
        assert p.data_use in known_uses or ext_uses.get(p.data_use) in known_uses


def _request_freed(purpose: str):
    """An edit of the file that lets staff read for `purpose` without an open request."""

    def edit(raw: str) -> str:
        head, sep, rest = raw.partition(f"[purposes.{purpose}]\n")
        return head + sep + rest.replace("request_required = true", "request_required = false", 1)

    return edit


def _broken(tmp_path, edit) -> Path:
    raw = POLICY.read_text()
    path = tmp_path / "policy.toml"
    (tmp_path / "owatonna-policy.txt").write_text("text")
    path.write_text(edit(raw))
    return path


@pytest.mark.parametrize(
    "edit, entry, problem",
    [
        (
            lambda s: s.replace('fides_key = "user.contact.email"', 'fides_key = "user.contact.emial"'),
            "categories.email",
            "unknown data category `user.contact.emial`",
        ),
        (
            lambda s: s.replace('purposes = ["marketing"]', 'purposes = ["marketing", "telemarketing"]'),
            "services.marketing",
            "grants undefined purpose `telemarketing`",
        ),
        (
            lambda s: s.replace('data_use = "marketing.communications"', 'data_use = "marketing.spam"'),
            "purposes.marketing",
            "unknown data use `marketing.spam`",
        ),
        (
            lambda s: s.replace(
                'categories = ["name", "email", "mailing_address", "marketing_preference"]',
                'categories = ["name", "shoe_size"]',
            ),
            "purposes.marketing",
            "undefined category `shoe_size`",
        ),
        (
            lambda s: s.replace("[purposes.marketing", "[purposes.selling_lists"),
            "purposes",
            "must be exactly the policy's eight uses",
        ),
        (
            lambda s: s.replace('parent = "user.telemetry"', 'parent = "user.telemetryy"'),
            "taxonomy.data_categories[2]",
            "parent `user.telemetryy`",
        ),
        (
            lambda s: s.replace(
                'purpose = "contacting_customers"\nidentity = true', 'purpose = "spying"\nidentity = true'
            ),
            "vendor_functions.mailing",
            "grants undefined purpose `spying`",
        ),
        (
            lambda s: s.replace("disclosure_accounting_years = 6", "disclosure_accounting_years = 3"),
            "retention",
            "`disclosure_accounting_years` must be a whole number, at least 6",
        ),
        (
            lambda s: s.replace('period = "closed_account_years"', 'period = "closed_acount_years"'),
            "retention_schedule.closed_accounts",
            "`period` must name a number of years or days in [retention]",
        ),
        (
            lambda s: s.replace('period = "access_log_years"', 'period = "web_analytics_days"'),
            "retention_schedule.access_log",
            "`period` must be `access_log_years`",
        ),
        (
            lambda s: s.replace('refer you"\nconfirmed = false', 'refer you"\nconfirmed = "no"'),
            "utility.energy_assistance[1]",
            "`confirmed` (true or false)",
        ),
        (
            lambda s: s.replace("held_reads_per_hour = 20", "held_reads_per_hour = 0"),
            "breach",
            "`held_reads_per_hour` must be a whole number, at least 1",
        ),
        # A word a customer reads with no Spanish: the pages and letters in Spanish would print the English.
        (
            lambda s: s.replace(
                '[vendor_functions.mailing.es]\nlabel = "Servicios de envío por correo"\n', ""
            ),
            "vendor_functions.mailing",
            "missing `[vendor_functions.mailing.es]`: a customer reads `label`",
        ),
        (
            lambda s: s.replace("[utility.energy_assistance.es]", "[utility.energy_assistance.fr]", 1),
            "utility.energy_assistance[0].fr",
            "`fr` is not a language the site offers",
        ),
        (
            lambda s: s.replace('contact = "pregúntenos y le indicaremos a quién acudir"\n', ""),
            "utility.energy_assistance[1].es",
            "missing `contact`",
        ),
        (
            lambda s: s.replace(
                "[retention_schedule.access_log.es]", "[retention_schedule.access_log.notes]"
            ),
            "retention_schedule.access_log.notes",
            "is not a language the site offers",
        ),
        (
            lambda s: s.replace('classification = "datos privados sobre personas"\n', "", 1),
            "categories.name.es",
            "missing `classification`",
        ),
        (
            lambda s: s.replace('"el dominio del sitio web de procedencia", ', ""),
            "website.es",
            "`collects` should give each of the 7 items, in order",
        ),
        (
            lambda s: s.replace(
                "[disclosure_bases.legal_authority.es]", "[disclosure_bases.legal_authority.en]"
            ),
            "disclosure_bases.legal_authority",
            "missing `[disclosure_bases.legal_authority.es]`",
        ),
        # "shared among … support services as necessary to respond to requests"
        *(
            (_request_freed(purpose), f"purposes.{purpose}", "as necessary to respond to requests")
            for purpose in ("contacting_customers", "resolving_problems", "legal_obligations")
        ),
    ],
)
def test_a_bad_policy_file_stops_with_file_entry_and_problem(tmp_path, edit, entry, problem):
    path = _broken(tmp_path, edit)
    with pytest.raises(PolicyError) as err:
        load_policy(path)
    assert err.value.entry == entry
    assert problem in err.value.problem
    assert str(path) in str(err.value)


def test_invalid_toml_names_the_file(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text("[policy\nversion=")
    with pytest.raises(PolicyError, match="not valid TOML"):
        load_policy(path)


def test_the_app_refuses_to_start_with_a_bad_policy_file(tmp_path):
    path = _broken(
        tmp_path,
        lambda s: s.replace('purposes = ["billing", "contacting_customers"]', 'purposes = ["bribery"]'),
    )
    env = {"CUSTODIAN_POLICY_FILE": str(path), "PATH": "/usr/bin:/bin", "CUSTODIAN_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR
    )
    assert result.returncode != 0
    assert "[services.billing] grants undefined purpose `bribery`" in result.stderr


def test_compiled_grants_equal_the_file_read_independently():
    raw = tomllib.loads(POLICY.read_text())
    expected = {
        (s, p, c)
        for s, service in raw["services"].items()
        for p in service["purposes"]
        for c in raw["purposes"][p]["categories"]
    }
    assert current_policy().service_grants == expected


def test_every_retention_item_cites_the_schedule_and_says_whether_it_is_confirmed():
    items = current_policy().retention_schedule
    assert {"closed_accounts", "replaced_values", "interval_readings", "access_log"} <= set(items)
    for item in items.values():
        assert item.schedule == "General Records Retention Schedule for Minnesota Cities"
        assert item.schedule_item and isinstance(item.confirmed, bool)
        assert item.period in current_policy().retention
