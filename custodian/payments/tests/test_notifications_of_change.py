"""A bank's return file holding notifications of change (addenda type 98) beside its returns: the returns are
posted, each notification is recorded once against its debit for collections to act on, with its change code
(C01 account number, C02 routing number, …) and the corrected bank data sealed in the vault under the
customer's key, never kept in clear; the command reports the counts."""

from io import StringIO

from django.core.management import call_command

from custodian.billing.models import LedgerEntry
from custodian.payments.ach_returns import ChangeNotice, returns_parse, returns_post
from custodian.payments.models import AchChangeNotice
from custodian.payments.tests.test_ach_returns import _file, _return_entry, debits  # noqa: F401
from custodian.testing import TEST_ROUTING
from custodian.vault.models import SealedDocument

CORRECTED_ACCOUNT = "9876543210"


def _change_notice(debit, code: str, corrected: str) -> list[str]:
    """A notification of change as the bank sends it: the debit's entry (transaction code 21, a notification
    for a checking account, no amount) and its addenda of type 98 with the change code and corrected data."""
    entry = "621" + TEST_ROUTING + "5550001".ljust(17) + "0" * 10 + debit.reference.ljust(15)
    entry += "OSTBY".ljust(22) + "  " + "1" + TEST_ROUTING[:8] + "0000002"
    addenda = "798" + code + TEST_ROUTING[:8] + "0000001" + " " * 6 + TEST_ROUTING[:8]
    addenda += corrected.ljust(29) + " " * 15 + TEST_ROUTING[:8] + "0000010"
    assert len(entry) == len(addenda) == 94
    return [entry, addenda]


def test_returns_are_posted_and_each_notice_recorded_its_data_sealed(debits, collections_agent, tmp_path):  # noqa: F811
    returned, changed = debits
    data = _file(_return_entry(returned, "R01"), _change_notice(changed, "C01", CORRECTED_ACCOUNT))
    notice = [e for e in returns_parse(data) if isinstance(e, ChangeNotice)]
    assert [(n.line, n.reference, n.code, n.corrected) for n in notice] == [
        (4, changed.reference, "C01", CORRECTED_ACCOUNT)
    ]
    path = tmp_path / "returns.ach"
    path.write_bytes(data)
    out = StringIO()
    call_command("ach_returns", str(path), "--by", collections_agent.username, stdout=out)
    said = out.getvalue()
    assert said.startswith("1 returned payments posted")
    assert "1 notifications of change recorded for collections to act on" in said
    assert LedgerEntry.objects.filter(reference=f"ach-return:{returned.reference}").exists()
    assert not LedgerEntry.objects.filter(reference=f"ach-return:{changed.reference}").exists()

    recorded = AchChangeNotice.objects.get()
    assert (recorded.debit, recorded.change_code, recorded.acted_on) == (changed, "C01", None)
    sealed = SealedDocument.objects.get(ref=recorded.document_ref)
    assert sealed.customer_id == changed.account.customer_id and sealed.category == "bank_account"
    assert sealed.provenance.channel == "bank" and sealed.provenance.notice_key == "automatic_payment"
    # The corrected account number is nowhere in clear: not in the record, nor in the provenance's note.
    assert CORRECTED_ACCOUNT not in str(vars(recorded)) and CORRECTED_ACCOUNT not in sealed.provenance.note
    assert sealed.size > len(CORRECTED_ACCOUNT)

    again = StringIO()
    call_command("ach_returns", str(path), "--by", collections_agent.username, stdout=again)
    assert (
        "0 notifications of change recorded" in again.getvalue() and "1 already recorded" in again.getvalue()
    )
    assert AchChangeNotice.objects.count() == 1


def test_a_routing_number_change_is_recorded_under_its_code(debits, collections_agent):  # noqa: F811
    report = returns_post(
        entries=returns_parse(_file(_change_notice(debits[0], "C02", "091000019"))), by=collections_agent
    )
    assert (report.posted, report.notices_recorded) == (0, 1)
    assert AchChangeNotice.objects.get().change_code == "C02"
