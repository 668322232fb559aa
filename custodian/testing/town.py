"""A town of customers more than a staff member may read in an hour without a request (the policy file's
`[breach] held_reads_per_hour`, 20): the set-up of the tests of the hourly hold."""

from django.utils import timezone

from custodian.customers.services import customers_enrol
from custodian.demo.generator import application
from custodian.vault.services import Submission

LIMIT = 20  # the policy file's [breach] held_reads_per_hour
SEED = 12


def town_enrol(submission: Submission) -> list:
    """LIMIT + 2 customers, enrolled today from `submission` (a paper form)."""
    today = timezone.localdate()
    return customers_enrol(
        applications=[application(SEED, i, today) for i in range(LIMIT + 2)], submission=submission
    )


def town_account_number(i: int) -> str:
    """The account number the town's customer `i` gave."""
    return application(SEED, i, timezone.localdate()).personal["account_number"]
