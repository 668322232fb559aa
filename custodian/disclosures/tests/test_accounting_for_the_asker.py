"""The accounting of disclosures the portal shows takes the asker: the customer themself sees every
disclosure of their data and the privacy officer sees them too; a representative sees the disclosures of the
data their authority covers (a report of the usage, not a mailing of the name and address, for one limited
to the usage); another customer sees none, the answer for a customer whose data was never disclosed, decided
without a query."""

from custodian.disclosures.selectors import accounting_summary
from custodian.testing import accounted
from custodian.testing.askers import askers
from custodian.vault.gate import staff_actor

MAILING = ("Acme Mailing", "1 Print Way")
RESEARCH = ("State Energy Office", "")
# What was disclosed about the customer: (recipient, categories, purpose, basis).
DISCLOSED = [
    (
        MAILING,
        ["name", "mailing_address"],
        "contacting_customers",
        ("vendor_determination", "determination 1"),
    ),
    (RESEARCH, ["meter_usage"], "legal_obligations", ("legal_authority", "Minn. Stat. § 216C.17")),
]


def test_each_asker_sees_the_disclosures_their_authority_covers(
    customer, other_customer, service_rep, privacy_officer, django_assert_num_queries
):
    for to, categories, purpose, basis in DISCLOSED:
        accounted([customer.pk], to, categories, purpose, basis)
    who = askers(customer, other_customer, service_rep)

    def recipients(asker):
        return {row["recipient"] for row in accounting_summary(fetched_by=asker, customer_id=customer.pk)}

    assert recipients(who.mine) == recipients(staff_actor(privacy_officer)) == {MAILING[0], RESEARCH[0]}
    assert recipients(who.usage_only) == {RESEARCH[0]}
    with django_assert_num_queries(0):
        assert recipients(who.other) == set()
