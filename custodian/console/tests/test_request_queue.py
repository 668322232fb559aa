"""The request queue as staff work it: what each request is, the customer hidden, channel, owner, who works on
it, age and the due date's service level; filters and orders; closing asks first and needs an outcome."""

import re
from datetime import timedelta

from django.utils import timezone

from custodian.casework.desk import request_take
from custodian.casework.models import CustomerRequest
from custodian.demo.personas import DEMO_PASSWORD
from custodian.staff.services import staff_member_create


def test_the_queue_shows_each_request_in_words_with_the_customer_hidden(
    console, service_rep, customer, open_request
):
    late = open_request(customer, "customer_service", kind="other")
    CustomerRequest.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    html = console(service_rep).get("/staff/requests/").content.decode()
    assert "Customer service" in html and ">customer_service<" not in html  # the owner's label
    assert "3 days overdue" in html and "sla--overdue" in html
    assert "Alice Anderson" not in html and "••••••" in html  # nobody is named before a purpose is given
    for label in ("Request", "Customer", "Channel", "Owner", "Assigned to", "Age", "Due"):
        assert f'<th scope="col">{label}</th>' in html


def test_filters_and_orders(console, service_rep, customer, other_customer, open_request):
    first = open_request(customer, "customer_service", kind="other")
    second = open_request(other_customer, "customer_service", kind="service_change")
    CustomerRequest.objects.filter(pk=first.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    CustomerRequest.objects.filter(pk=second.pk).update(due_on=timezone.localdate() + timedelta(days=9))
    client = console(service_rep)

    def shown(**query):
        html = client.get("/staff/requests/", query).content.decode()
        return [pk for pk in (first.pk, second.pk) if f'href="/staff/requests/{pk}/"' in html]

    assert shown() == [first.pk, second.pk]
    assert shown(due="overdue") == [first.pk]
    assert shown(kind="service_change") == [second.pk]
    newest = client.get("/staff/requests/", {"order": "newest"}).content.decode()
    assert newest.index(f"/staff/requests/{second.pk}/") < newest.index(f"/staff/requests/{first.pk}/")
    # Filters it can't take: the queue drawn with their errors, as every console form drawn again (400).
    assert client.get("/staff/requests/", {"order": "nonsense", "due": "x"}).status_code == 400


def test_closing_needs_an_outcome_and_a_confirmation(console, service_rep, customer, open_request):
    req = open_request(customer, "customer_service")
    client = console(service_rep)
    empty = client.post(f"/staff/requests/{req.pk}/close/", {"reason": ""}, follow=True)
    assert "Outcome: say what was done" in empty.content.decode()
    asked = client.post(f"/staff/requests/{req.pk}/close/", {"reason": "Meter re-read; bill corrected."})
    page = asked.content.decode()
    assert "Close this request?" in page and 'name="confirmed" value="1"' in page
    assert 'value="Meter re-read; bill corrected."' in page  # carried to the second step
    req.refresh_from_db()
    assert req.status == "open"
    done = client.post(
        f"/staff/requests/{req.pk}/close/", {"reason": "Meter re-read; bill corrected.", "confirmed": "1"}
    )
    assert done.status_code == 302  # then redirected: a reload does not post again
    req.refresh_from_db()
    assert req.status == "closed"
    detail = client.get(f"/staff/requests/{req.pk}/").content.decode()
    assert "Meter re-read; bill corrected." in detail and "Closed" in detail


# The console home's cards, in the order they are shown.
CARDS = ("My queue", "Unassigned", "All open", "Due soon", "Overdue")


def home_figures(html: str) -> dict[str, str]:
    return dict(
        re.findall(r'<h2 class="usa-card__heading">([^<]+)</h2>.*?<p class="figure">(\d+)', html, re.S)
    )


def test_the_console_home_counts_my_queue_due_soon_and_overdue(console, service_rep, customer, open_request):
    late = open_request(customer, "customer_service")
    open_request(customer, "customer_service")
    open_request(customer, "billing")  # another service's: not in this member's figures
    CustomerRequest.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    html = console(service_rep).get("/staff/").content.decode()
    assert home_figures(html) == dict(zip(CARDS, ["0", "2", "2", "1", "1"], strict=True))
    assert 'href="/staff/requests/?due=overdue"' in html


def test_my_queue_is_what_is_assigned_to_me_not_everything_my_service_owns(
    console, service_rep, customer, other_customer, open_request
):
    """Cora took two requests; Dana, her colleague at the counter, took a third; a fourth waits for anyone.
    Cora's queue is her two, listed the one due first first; her service's figures count all four."""
    dana = staff_member_create(
        username="dana.desk", password=DEMO_PASSWORD, full_name="Dana Moe", services=["customer_service"]
    )
    taken = open_request(customer, "customer_service", kind="billing_question")
    given = open_request(other_customer, "customer_service", kind="service_change")
    danas = open_request(customer, "customer_service")
    waiting = open_request(other_customer, "customer_service")
    request_take(request=taken, by=service_rep)
    request_take(request=given, by=service_rep)
    request_take(request=danas, by=dana)
    CustomerRequest.objects.filter(pk=given.pk).update(due_on=timezone.localdate() + timedelta(days=1))

    html = console(service_rep).get("/staff/").content.decode()
    assert home_figures(html) == dict(zip(CARDS, ["2", "1", "4", "1", "0"], strict=True))
    mine = html[html.index("My queue") : html.index("Unassigned")]
    assert f'href="/staff/requests/{given.pk}/"' in mine and f'href="/staff/requests/{taken.pk}/"' in mine
    assert mine.index(f"/staff/requests/{given.pk}/") < mine.index(
        f"/staff/requests/{taken.pk}/"
    )  # due first
    assert f"/staff/requests/{danas.pk}/" not in html and f"/staff/requests/{waiting.pk}/" not in html
    assert "Start, stop or transfer service" in mine and 'href="/staff/requests/?assigned=me"' in html
    assert 'href="/staff/requests/?assigned=nobody"' in html

    danas_home = console(dana).get("/staff/").content.decode()
    assert home_figures(danas_home)["My queue"] == "1" and f"/staff/requests/{danas.pk}/" in danas_home
