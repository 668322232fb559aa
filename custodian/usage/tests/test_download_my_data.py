"""Download My Data in the portal (the customer) and the console (staff, purpose "providing or improving
utility services"): a feed that validates, with the customer's billing-cycle usage."""

import io
import json
from datetime import date

import pytest
from lxml import etree

from conftest import PAPER_FORM
from custodian.audit.models import AccessEvent
from custodian.customers.services import customer_enrol
from custodian.demo.generator import application
from custodian.testing import project_file
from custodian.usage.greenbutton_import import parse_espi


@pytest.fixture
def usage_customer(db):
    app = application(4, 2, date.today())
    return customer_enrol(application=app, submission=PAPER_FORM), app


def test_staff_download_validates_and_is_logged(console, field_tech, billing_clerk, marketer, usage_customer):
    customer, app = usage_customer
    response = console(field_tech).get(f"/staff/customers/{customer.pk}/green-button.xml")
    assert response.status_code == 200
    schema = etree.XMLSchema(etree.parse(str(project_file("reference/greenbutton/schema/espi.xsd"))))
    schema.assertValid(etree.parse(io.BytesIO(response.content)))
    result = parse_espi(io.BytesIO(response.content))
    usage = json.loads(app.personal["meter_usage"])
    electric_wh = sum(r.value for r in result.readings if r.unit == "Wh")
    assert electric_wh == pytest.approx(sum(m["total"] for m in usage["electric"]["months"]) * 1000)
    assert len([r for r in result.readings if r.unit == "Wh"]) == 13
    event = AccessEvent.objects.order_by("-seq").first()
    assert (event.purpose, event.categories, event.decision) == ("providing_services", "meter_usage", "allow")
    # Marketing may not read usage: the same answer as for a customer that does not exist.
    assert console(marketer).get(f"/staff/customers/{customer.pk}/green-button.xml").status_code == 404
    assert console(field_tech).get("/staff/customers/999999/green-button.xml").status_code == 404
