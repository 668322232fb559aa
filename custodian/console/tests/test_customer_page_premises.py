"""The customer page shows the facts of the customer's home (its type, size, heating fuel, ZIP code and
services) only to the services that may read its address; marketing, whose purpose reads names and
mailing addresses, is not shown them, so it can't attach them to the names in an audience."""

import pytest


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("field_tech", True), ("billing_clerk", True), ("service_rep", True), ("marketer", False)],
)
def test_the_home_is_shown_to_the_services_that_read_its_address(persona, shown, console, customer, request):
    page = console(request.getfixturevalue(persona)).get(f"/staff/customers/{customer.pk}/").content.decode()
    assert ("sq ft, heated by" in page) is shown
    assert ("shown to the services that may read its address" in page) is not shown
