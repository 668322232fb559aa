"""What a customer who asks for deletion is told of the record of whom we gave their data to is what the
retention run does with it: the run never destroys an accounting entry, so the page and the letter say it is
kept at least the schedule's period and not destroyed after that by itself; the items the run destroys say
"then destroyed"."""

from datetime import timedelta
from html import unescape

from django.utils import timezone

from custodian.disclosures.models import DisclosureEntry
from custodian.policy.loader import current_policy
from custodian.retention.services import destroyed_by_the_run, retention_run
from custodian.testing import accounted
from custodian.testing.portal import password_again, signed_in

# The record of whom we gave their data to, by its label in the policy file's retention schedule.
WHOM = current_policy().retention_schedule["disclosure_accounting"].label


def test_the_delete_my_data_page_tells_what_the_run_does_with_the_accounting(households):  # noqa: F811
    (alice, app), _ = households
    long_ago = timezone.now() - timedelta(days=7 * 366)
    accounted(
        [alice.pk],
        ("Mailing house", "mail@example.com"),
        ["name"],
        "contacting_customers",
        ("vendor_determination", "determination 1"),
        disclosed_at=long_ago,
    )
    retention_run()
    assert DisclosureEntry.objects.filter(customer_id=alice.pk, disclosed_at__lt=timezone.now()).exists()
    assert not destroyed_by_the_run("disclosure_accounting")
    client = password_again(signed_in(app, "alice@example.org"))  # the page asks for it first
    page = unescape(client.get("/portal/me/delete-my-data/").content.decode())
    told = page[page.index(WHOM) :]
    told = told[: told.index("</tr>")] if "</tr>" in told else told[:600]
    assert "then destroyed" not in told
    assert "at least 6 years; we do not destroy it automatically after that" in told
    # The items the run does destroy still say so.
    assert "then destroyed" in page and destroyed_by_the_run("access_log")
