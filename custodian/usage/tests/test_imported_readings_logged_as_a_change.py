"""Readings stored from a Green Button file change what the utility holds about the customer: the access log
says so ("changed", meter usage) beside the merge read, whoever brought the file: the customer who uploaded
their own in the portal (the customer as actor), or the field technician who imported one for a complaint
about the meter (with their support service and the request). A file that stores nothing changes nothing."""

import io
import time

from django.core.files.uploadedfile import SimpleUploadedFile

from custodian.audit.actions import Action
from custodian.audit.models import AccessEvent
from custodian.testing import espi_layouts as L
from custodian.testing import staff_usage_import
from custodian.testing.portal import signed_in
from custodian.usage.greenbutton_import import parse_espi


def a_year_of_readings() -> bytes:
    """A year of hourly readings ending last month: within the period a customer's upload may hold."""
    return L.feed(*L.one_meter([L.hourly((int(time.time()) - 400 * 86400) // 3600 * 3600, 8760)]))


def changes_of(customer) -> list[AccessEvent]:
    return list(
        AccessEvent.objects.filter(
            customer_id=str(customer.pk), action=Action.RECORD_VALUES, actor_kind__in=["customer", "staff"]
        )
    )


def test_pat_uploads_her_own_file_and_the_log_says_she_changed_her_meter_usage(households):
    (pat, app), (neighbour, _) = households
    client = signed_in(app, "pat@example.com")
    response = client.post(
        "/portal/me/usage/upload/", {"file": SimpleUploadedFile("u.xml", a_year_of_readings())}
    )
    assert response.status_code == 200

    [change] = changes_of(pat)
    assert change.actor_kind == "customer" and change.actor_id == str(pat.pk)
    assert change.categories == "meter_usage" and change.decision == "allow"
    assert "8760 readings" in change.reason
    assert changes_of(neighbour) == []
    # She sees it in "who has seen or changed my data", as a change.
    page = client.get("/portal/me/who-has-seen-my-data/").content.decode()
    assert "Recorded or corrected your details" in page

    # A file that stores nothing changes nothing.
    empty = client.post("/portal/me/usage/upload/", {"file": SimpleUploadedFile("e.xml", b"")})
    assert empty.status_code == 400 and len(changes_of(pat)) == 1


def test_fiona_imports_a_file_for_a_meter_complaint_and_the_log_names_her_service(households, field_tech):
    (pat, _), _ = households
    staff_usage_import(pat, parse_espi(io.BytesIO(a_year_of_readings())), by=field_tech)

    [change] = changes_of(pat)
    assert change.actor_kind == "staff" and change.actor_id == str(field_tech.pk)
    assert change.roles == "field_services" and change.categories == "meter_usage"
    assert change.request_id
