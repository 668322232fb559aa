"""The long commands' progress bars know their total before the work starts, so they show a percentage: the
bill-ready e-mails (the bills still to tell), the notices of collections (the letters still to write), a
policy change told to customers (those still to tell) and the e-mail intake (the mailbox's messages). Each
bar ends at its total, never short of it or past it; with nothing to do, none is drawn. The console's bill
run counts its e-mail stage so too.

Personas: three households of Ostby, billed for October 2026, two of them paperless; two customers who
wrote to the utility; Bill, the billing clerk, running October's bills again from the console."""

import mailbox
from email.message import EmailMessage

import pytest
from django.core.management import call_command

from custodian.billing import runs
from custodian.billing.models import BillRun
from custodian.billing.notices import paperless_set
from custodian.billing.services import bill_run
from custodian.testing.billing import YEAR, household
from custodian.testing.progress import bars_drawn, ended_at_its_total


@pytest.fixture
def ostby(db):
    homes = [household(f"Ostby {i}", f"00700000{i:02d}", YEAR) for i in range(3)]
    bill_run(cycle="2026-10")
    for home in homes[:2]:
        paperless_set(customer_id=home.pk, paperless=True, channel="portal")
    return homes


def _bill_notices(_tmp_path):
    call_command("bill_notices", "--cycle", "2026-10")


def _cold_weather(_tmp_path):
    call_command("collection_notices", "cold-weather", "--on", "2026-08-20")


def _policy_told(_tmp_path):
    call_command("policy_publish", "--notify")


def _mail_imported(tmp_path):
    box = mailbox.mbox(tmp_path / "inbox.mbox")
    for n, sender in enumerate(("alice@example.com", "someone@example.net")):
        message = EmailMessage()
        message["From"], message["To"] = sender, "service@owatonnautilities.example"
        message["Subject"], message["Message-ID"] = "My bill", f"<question-{n}@example.net>"
        message.set_content("Why is my bill higher this month?")
        box.add(message)
    box.flush()
    call_command("import_mail", str(tmp_path / "inbox.mbox"))


# Each command, and the total its bar is told: what it will go through, counted before it starts.
COUNTED = {
    "bill_notices": (_bill_notices, 2),  # the paperless homes' October bills
    "collection_notices": (_cold_weather, 3),  # a Cold Weather Rule letter to each home
    "policy_publish": (_policy_told, 3),  # every customer in service
    "import_mail": (_mail_imported, 2),  # the mailbox's messages
}


@pytest.mark.parametrize("command", sorted(COUNTED))
def test_the_bar_is_told_its_total_before_it_counts_and_ends_there(ostby, tmp_path, monkeypatch, command):
    bars = bars_drawn(monkeypatch)
    run, total = COUNTED[command]
    run(tmp_path)
    [bar] = bars
    assert ended_at_its_total(bar, total)


@pytest.mark.parametrize("command", sorted(set(COUNTED) - {"import_mail"}))
def test_run_again_with_nothing_left_to_do_no_bar_is_drawn(ostby, tmp_path, monkeypatch, command):
    run, _total = COUNTED[command]
    run(tmp_path)
    bars = bars_drawn(monkeypatch)
    run(tmp_path)
    assert bars == []


def test_the_bill_run_s_e_mail_stage_counts_the_bills_to_tell(ostby, billing_clerk, console, monkeypatch):
    """What the console's bar shows while the bill-ready e-mails go: the bills to tell, then each told."""
    seen, real = [], runs.bill_notices_send

    def watched(**kwargs):
        def shown(n):
            kwargs["progress"](n)
            seen.append(BillRun.objects.values_list("stage", "total", "done").get())

        return real(**{**kwargs, "progress": shown})

    monkeypatch.setattr(runs, "bill_notices_send", watched)
    console(billing_clerk).post("/staff/billing/", {"cycle": "2026-10"})  # billed already: told now
    assert seen == [("e-mailing paperless customers", 2, 2)]
    run = BillRun.objects.get()
    assert (run.status, run.total, run.done) == ("done", 3, 3)  # the run ends counting the accounts
