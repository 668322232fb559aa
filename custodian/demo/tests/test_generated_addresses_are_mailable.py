"""The demo's customers have addresses a customer could type and keep in the portal: every generated
mailing and service address passes the mailing-address rule the forms use (custodian.bounds), so a demo
customer saving their own address again is not told it is not one."""

from datetime import date

import pytest

from custodian.bounds import mailing_address_problems
from custodian.demo.generator import application


@pytest.mark.parametrize("seed", [1, 7])
def test_every_generated_address_is_a_us_mailing_address(seed):
    refused = {
        address: mailing_address_problems(address)
        for index in range(600)
        for key in ("mailing_address", "service_address")
        if mailing_address_problems(address := application(seed, index, date(2026, 11, 26)).personal[key])
    }
    assert not refused
