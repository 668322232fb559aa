"""Every customer gets their bill by one channel or the other: a paperless customer with an e-mail address on
file is told by e-mail and their bill is not printed; one with no e-mail address on file (removed, or never
given) has it printed and mailed, as the customers on paper bills do.

Personas: Alice, paperless, whose e-mail address is then removed; Bob, paperless with his address on file;
Carol, who gave no e-mail address and chose paperless; a service rep who records the removal."""

from custodian.billing.mailing import with_bills_to_mail
from custodian.billing.notices import bill_notices_send, paperless_set
from custodian.testing import bill_charged
from custodian.vault.services import Submission, personal_data_record


def _billed_paperless(customer):
    bill_charged(customer.accounts.get(), 10, "84.20")
    paperless_set(customer_id=customer.pk, paperless=True, channel="portal")


def test_a_paperless_customer_without_an_e_mail_address_gets_a_printed_bill(
    customer, other_customer, carol, service_rep
):
    for c in (customer, other_customer, carol):
        _billed_paperless(c)
    assert with_bills_to_mail([customer.pk, other_customer.pk, carol.pk]) == [carol.pk]
    personal_data_record(
        customer=customer,
        values={"email": None},
        submission=Submission(channel="phone", notice_key="account_application", recorded_by=service_rep),
    )
    # The bill-ready e-mail can't go to Alice any more: her bill is printed, Bob's is e-mailed.
    report = bill_notices_send()
    assert (report.emailed, report.no_address) == (1, 2)
    assert with_bills_to_mail([customer.pk, other_customer.pk, carol.pk]) == sorted([customer.pk, carol.pk])
