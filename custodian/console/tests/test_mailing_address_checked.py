"""A new customer's mailing address taken at the service desk is checked as the portal checks one
(custodian.bounds.MailingAddressField): Cora the customer-service representative typing "-1" gets the form
back naming what is missing, and no customer is made."""

from custodian.console.tests.test_service_desk import new_customer_at, vacant_home  # noqa: F401
from custodian.customers.models import Customer

ZIP = "End the address with its ZIP code, 5 or 9 digits"


def test_the_service_desk_checks_a_new_customer_s_mailing_address(vacant_home, service_rep, console):  # noqa: F811
    staff = console(service_rep)
    form = {**new_customer_at(vacant_home), "notices_given": "on", "mailing_address": "-1"}
    before = Customer.objects.count()
    refused = staff.post("/staff/accounts/start/", form)
    assert refused.status_code == 400 and Customer.objects.count() == before
    assert ZIP in refused.content.decode()
