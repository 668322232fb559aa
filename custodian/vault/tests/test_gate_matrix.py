"""Every (support service × purpose × category) asserted allow or deny, generated from the policy file.

The expectation is computed from the raw TOML here, independently of the loader's compiled rules.
Request-driven purposes are tried both without a request (deny) and with an open request owned by the
service (allow, when the grant exists).
"""

import tomllib

import pytest
from django.conf import settings

from custodian.audit.models import AccessEvent
from custodian.vault.gate import Denied, reveal, staff_actor

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
