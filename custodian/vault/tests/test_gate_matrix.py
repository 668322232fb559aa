"""Every (support service × purpose × category) asserted allow or deny, generated from the policy file.

The expectation is computed from the raw TOML here, independently of the loader's compiled rules.
Request-driven purposes are tried both without a request (deny) and with an open request owned by the
service (allow, when the grant exists).
"""

import tomllib

import pytest
from django.conf import settings

from custodian.audit.models import AccessEvent
from custodian.vault.gate import Denied, customer_actor, reveal, staff_actor
from custodian.vault.services import Submission, personal_data_record

RAW = tomllib.loads(settings.CUSTODIAN_POLICY_FILE.read_text())
SERVICES = list(RAW["services"])
PURPOSES = list(RAW["purposes"])
CATEGORIES = {key: c["field"] for key, c in RAW["categories"].items()}


def expected(service, purpose, category) -> bool:
    return (
        purpose in RAW["services"][service]["purposes"] and category in RAW["purposes"][purpose]["categories"]
    )


@pytest.mark.parametrize("service", SERVICES)
def test_matrix(service, all_staff, customer, open_request):
    actor = staff_actor(all_staff[service])
    checked = 0
    for purpose in PURPOSES:
        needs_request = RAW["purposes"][purpose]["request_required"]
        request = open_request(customer, service) if needs_request else None
        for category, field in CATEGORIES.items():
            allowed = expected(service, purpose, category)
            before = AccessEvent.objects.count()
            if needs_request:
                with pytest.raises(Denied):
                    reveal(actor=actor, customer_id=customer.pk, fields=[field], purpose=purpose)
            try:
                values = reveal(
                    actor=actor,
                    customer_id=customer.pk,
                    fields=[field],
                    purpose=purpose,
                    request_id=request.pk if request else None,
                )
                got = True
                assert set(values) <= {field}
            except Denied:
                got = False
            assert got == allowed, (service, purpose, category)
            last = AccessEvent.objects.order_by("-seq").first()
            assert AccessEvent.objects.count() == before + (2 if needs_request else 1)
            assert (last.decision, last.purpose, last.categories) == (
                "allow" if allowed else "deny",
                purpose,
                category,
            )
            checked += 1
    assert checked == len(PURPOSES) * len(CATEGORIES)


def test_the_matrix_has_allows_and_denies_for_every_service_with_purposes():
    for service, spec in RAW["services"].items():
        grants = [(p, c) for p in PURPOSES for c in CATEGORIES if expected(service, p, c)]
        assert bool(grants) == any(RAW["purposes"][p]["categories"] for p in spec["purposes"])


# The notice rule (Minn. Stat. § 13.05 subd. 4): every way a value can be collected (each notice in each
# version the file names, and "none shown" for what arrives unasked) × every purpose, from the raw TOML.
RULE = RAW["notice_rule"]
WAYS = [
    *((key, n["version"]) for key, n in RAW["notices"].items()),
    *((key, version) for key, n in RAW["notices"].items() for version in n.get("earlier", {})),
    ("", ""),
]


def named_by(notice_key: str, version: str, purpose: str) -> bool:
    if purpose in RULE["exempt_purposes"]:
        return True
    if not notice_key:
        return purpose in RULE["unsolicited_purposes"]
    notice = RAW["notices"][notice_key]
    named = notice["purposes"] if version == notice["version"] else notice.get("earlier", {}).get(version, [])
    return purpose in named


@pytest.mark.parametrize(
    ("notice_key", "version"), WAYS, ids=[f"{k or 'none'}-{v or 'shown'}" for k, v in WAYS]
)
def test_notice_matrix(notice_key, version, all_staff, customer, open_request):
    personal_data_record(
        customer=customer,
        values={"name": "Alice Anderson"},
        submission=Submission(channel="email", notice_key="", unsolicited=True)
        if not notice_key
        else Submission(channel="paper", notice_key=notice_key, notice_version=version),
    )
    tried = 0
    for purpose in PURPOSES:
        service = next((s for s in SERVICES if expected(s, purpose, "name")), None)
        if service is None:
            continue
        request = open_request(customer, service) if RAW["purposes"][purpose]["request_required"] else None
        try:
            reveal(
                actor=staff_actor(all_staff[service]),
                customer_id=customer.pk,
                fields=["name"],
                purpose=purpose,
                request_id=request.pk if request else None,
            )
            got = True
        except Denied:
            got = False
        assert got == named_by(notice_key, version, purpose), (notice_key, version, purpose)
        last = AccessEvent.objects.order_by("-seq").first()
        assert last.decision == ("allow" if got else "deny")
        if not got:
            assert "does not name" in last.reason
        tried += 1
    assert tried >= 6


# A representative acts as the customer within the data categories of their authority: every (self-access
# purpose × category) for a representative limited to one category, against the customer's own answer.
SELF_PURPOSES = RAW["self_access"]["purposes"]


@pytest.mark.parametrize("scope", RAW["self_access"]["categories"])
def test_representative_matrix(scope, customer):
    own = customer_actor(customer.pk)
    representative = customer_actor(
        customer.pk, "representative 9 (guardian, authority 1)", categories={scope}
    )
    allowed_somewhere = False
    for purpose in SELF_PURPOSES:
        for category, field in CATEGORIES.items():
            answers = []
            for actor in (own, representative):
                try:
                    reveal(actor=actor, customer_id=customer.pk, fields=[field], purpose=purpose)
                    answers.append(True)
                except Denied:
                    answers.append(False)
            customer_may, representative_may = answers
            assert representative_may == (customer_may and category == scope), (scope, purpose, category)
            last = AccessEvent.objects.order_by("-seq").first()
            assert last.actor_label.startswith("representative 9")
            assert last.decision == ("allow" if representative_may else "deny")
            if customer_may and not representative_may:
                assert "outside the representative's authority" in last.reason
            allowed_somewhere |= representative_may
    assert allowed_somewhere, scope
