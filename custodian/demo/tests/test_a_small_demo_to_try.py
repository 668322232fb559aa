"""A small demo (`seed_demo --customers 50 --seed 1`) is one a newcomer can try: its portal customer is online
already and `welcome` names their sign-in, and their home has similar homes enough to be compared with —
the demo adds homes like theirs; the policy file's minimum of homes a comparison is made from is never
lowered, and no group smaller than it is shown."""

import io
import re
from datetime import date

from django.core.management import call_command
from django.test import Client

from custodian.audit.heads import log_origin
from custodian.demo.generator import (
    SIMILAR_HOMES_FROM,
    SIMILAR_HOMES_MARGIN,
    application,
    comparable,
    demo_portal_index,
    peer_key,
    similar_homes_needed,
)
from custodian.demo.personas import DEMO_PASSWORD
from custodian.demo.selectors import demo_customer_id
from custodian.policy.loader import current_policy
from custodian.usage.models import PeerGroupMonth
from custodian.usage.services import group_services_of

TODAY = date(2026, 11, 26)


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_demo_of_50_compares_its_portal_customer_and_welcome_names_their_sign_in(
    db, settings, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    minimum = current_policy().aggregation["min_customers"]
    assert minimum == 15  # the policy file's, as published

    with django_capture_on_commit_callbacks(execute=True):  # the head is published once committed
        seeded = run("seed_demo", "--customers", "50", "--seed", "1", "--no-progress")
    # The access log is signed as the demo is made: /transparency/ has a head to check from the start.
    assert "published at /transparency/checkpoint" in seeded
    checkpoint = Client().get("/transparency/checkpoint")
    assert checkpoint.status_code == 200 and checkpoint.content.decode().startswith(log_origin())
    index = demo_portal_index(1)
    customer_id = demo_customer_id(1, index)
    shown = group_services_of([customer_id])[customer_id]
    assert set(shown) == {"electric", "gas", "water"}
    assert min(m.homes for months in shown.values() for m in months.values()) >= minimum
    assert not PeerGroupMonth.objects.filter(homes__lt=minimum).exists()

    banner = run("welcome")
    email = application(1, index, TODAY).personal["email"]
    assert re.search(rf"{re.escape(email)}\s+password {DEMO_PASSWORD}", banner)
    browser = Client()
    signed = browser.post("/portal/sign-in/", {"email": email, "password": DEMO_PASSWORD})
    assert signed.status_code == 302 and signed["Location"] == "/portal/me/"
    page = browser.get("/portal/me/comparison/").content.decode()
    assert "similar homes nearby" in page

    # Re-running adds nothing and keeps the sign-in.
    again = run("seed_demo", "--customers", "50", "--seed", "1", "--no-progress")
    assert "0 customers created" in again and f"as {email} with the same password" in again


def test_similar_homes_are_added_only_as_many_as_the_policy_s_minimum_asks():
    needed = similar_homes_needed(count=50, seed=1, today=TODAY, min_homes=15)
    assert 0 < needed <= 15 + SIMILAR_HOMES_MARGIN
    # A stricter policy asks for more homes, never fewer: the demo follows the policy, not the other way.
    assert similar_homes_needed(count=50, seed=1, today=TODAY, min_homes=30) == needed + 15
    # No portal customer among the customers asked for, no similar homes.
    assert similar_homes_needed(count=0, seed=1, today=TODAY, min_homes=15) == 0
    like = application(1, demo_portal_index(1), TODAY)
    homes = [application(1, SIMILAR_HOMES_FROM + j, TODAY) for j in range(needed)]
    assert all(comparable(h) and peer_key(h) == peer_key(like) for h in homes)
    assert all(set(h.services) == set(like.services) for h in homes)
    assert len({h.personal["account_number"] for h in homes}) == needed
    assert application(1, SIMILAR_HOMES_FROM, TODAY) == application(1, SIMILAR_HOMES_FROM, TODAY)
