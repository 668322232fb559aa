"""A file of register reads: every row checked by the rule of a read entered at the desk, each problem named
with its row and column, nothing stored when a row is bad, the reads read and written as the usage-import
job for the member of staff who imports; importing the same file again stores nothing twice. Numbers are
written with the digits 0 to 9, a dial register reads whole units; a read only adds (never another index
for a day read, nor a cycle total the meter data gave), and nobody whose reads are held imports a file."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from custodian.audit.models import AccessEvent
from custodian.billing.read_import import ImportFileError, register_reads_import
from custodian.billing.register_reads import ReadError
from custodian.customers.models import ServicePoint
from custodian.testing import meter_usage_document
from custodian.testing.billing import account_opened
from custodian.vault.gate import reveal, system_actor
from custodian.vault.models import PersonalValue, ReadHold
from custodian.vault.services import Submission, personal_data_record


@pytest.fixture
def homes(customer, other_customer):
    """Alice's and Bob's accounts from September 2026, with their water meters' numbers."""
    meters = {}
    for c in (customer, other_customer):
        account = account_opened(c, date(2026, 9, 1))
        meters[c.pk] = ServicePoint.objects.get(premise_id=account.premise_id, service="water").meter_number
    return meters


def _water(customer):
    values = reveal(
        actor=system_actor("billing_run"), customer_id=customer.pk, fields=["meter_usage"], purpose="billing"
    )
    return json.loads(values["meter_usage"]).get("water", {})


def _file(*rows, header="meter,read_on,index,kind,dials"):
    return "\n".join([header, *rows]) + "\n"


def test_a_good_file_is_stored_whole_and_a_second_import_stores_nothing_twice(
    homes, customer, other_customer, field_tech
):
    alice, bob = homes[customer.pk], homes[other_customer.pk]
    data = _file(
        f"{alice},2026-10-31,1450,,",  # out of order on purpose: a meter's reads are taken by their days
        f"{alice},2026-09-30,1200,,",
        f"{bob},2026-09-30,9950,,",
        f"{bob},2026-10-31,30,rollover,4",
    )
    ticks = []
    report = register_reads_import(data=data, file_name="route-7.csv", by=field_tech, progress=ticks.append)
    assert report.ok and (report.rows, report.stored, report.customers) == (4, 4, 2)
    assert sum(ticks) == 4  # the progress counts every row
    assert _water(customer)["months"] == [{"month": "2026-10", "total": 250.0}]
    assert _water(other_customer)["months"] == [{"month": "2026-10", "total": 80.0}]
    events = AccessEvent.objects.filter(action="register_reads_import")
    assert sorted(e.customer_id for e in events) == sorted([str(customer.pk), str(other_customer.pk)])
    assert {e.actor_id for e in events} == {"usage_import"}
    stored = PersonalValue.objects.get(customer=customer, field="meter_usage", superseded_at__isnull=True)
    assert stored.provenance.notice_key == "metering" and stored.provenance.recorded_by == field_tech
    assert "route-7" not in stored.provenance.note  # a file's name may name someone: not kept in clear

    again = register_reads_import(data=data, file_name="route-7.csv", by=field_tech)
    assert again.ok and (again.stored, again.already_stored) == (0, 4)
    assert _water(customer)["months"] == [{"month": "2026-10", "total": 250.0}]
    assert PersonalValue.objects.filter(customer=customer, field="meter_usage").count() == 2  # no new version


# A file with bad rows, after a first read of Alice's meter: its rows after the header (`{alice}` and `{bob}`:
# their meters' numbers) and each problem the import names, by its row and column, with what it says.
BAD_FILES = {
    "each row by the rule of a read entered at the desk": (
        [
            "{bob},2026-09-30,500,,",  # row 2: good, but the file is not stored
            "W999999999,2026-10-31,10,,",
            "{alice},2026-10-31,12abc,,",
            "{alice},31/10/2026,1300,,",
            "{bob},2026-10-31,400,,",  # row 6: below the last read, compared only once each row passes
            "{bob},2026-10-15,700,sideways,",
            "{alice},2026-08-15,1100,,",
            "{alice},2999-01-01,1300,,",
            "{alice},2026-11-01",
            "{bob},2026-09-30,500,,",
        ],
        {
            (3, "meter"): "row 3, meter: no premise has a meter numbered 'W999999999'",
            (4, "index"): "is not a number",
            (5, "read_on"): "is not a day",
            (7, "kind"): "is not one of regular, rollover, meter_change",
            (8, "read_on"): "no account had service at the meter's premise that day",
            (9, "read_on"): "can't be dated in the future",
            (10, ""): "2 cells where the header has 5 columns",
            (11, "read_on"): "on this day already (row 2)",
        },
    ),
    "a read below its meter's last read, once every row passes": (
        ["{bob},2026-09-30,500,,", "{bob},2026-10-31,400,,"],
        {(3, "index"): "below the last read 500"},
    ),
    "numbers in the digits 0 to 9, a dial register in whole units": (
        [
            "{alice},2026-10-31,٣٠٠,,",  # Arabic-Indic digits (300 to int() and Decimal())
            "{bob},2026-09-30,１００,,",  # full-width digits
            "{bob},2026-10-31,100.5,,4",  # a fraction on a dial register
            "{alice},2026-11-15,30,rollover,٤",  # dials in Arabic-Indic digits
        ],
        {
            (2, "index"): "digits 0 to 9",
            (3, "index"): "digits 0 to 9",
            (4, "index"): "a dial register's read is a whole number",
            (5, "dials"): "digits 0 to 9",
        },
    ),
}


@pytest.mark.parametrize("rows, problems", list(BAD_FILES.values()), ids=list(BAD_FILES))
def test_a_bad_file_stores_nothing_and_names_each_problem_by_row_and_column(
    homes, customer, other_customer, field_tech, rows, problems
):
    meters = {"alice": homes[customer.pk], "bob": homes[other_customer.pk]}
    register_reads_import(
        data=_file(f"{meters['alice']},2026-09-30,100,,"), file_name="first.csv", by=field_tech
    )
    before = _water(customer), _water(other_customer)
    data = _file(*(row.format(**meters) for row in rows))
    report = register_reads_import(data=data, file_name="route-8.csv", by=field_tech)
    assert not report.ok and report.stored == 0 and "nothing stored" in report.summary()
    assert sorted((p.row, p.column) for p in report.problems) == sorted(problems)
    for problem in report.problems:
        assert problems[problem.row, problem.column] in str(problem)
    assert (_water(customer), _water(other_customer)) == before


@pytest.mark.parametrize(
    "data, message",
    [
        ("", "empty"),
        ("meter,read_on\nW1,2026-10-01\n", "missing column index"),
        ("meter,read_on,index,colour\n", "unknown column 'colour'"),
        ("meter,read_on,index\n", "no reads"),
        (b"\xff\xfe\x00meter", "not UTF-8"),
    ],
)
def test_a_file_that_is_not_a_file_of_reads_is_refused_whole(homes, field_tech, data, message):
    with pytest.raises(ImportFileError, match=message):
        register_reads_import(data=data, file_name="f.csv", by=field_tech)


def test_only_staff_who_provide_services_import_reads(homes, customer, billing_clerk, marketer):
    data = _file(f"{homes[customer.pk]},2026-09-30,1200,,")
    for user in (billing_clerk, marketer, None):
        with pytest.raises(ReadError, match="only staff who provide services"):
            register_reads_import(data=data, file_name="f.csv", by=user)
    assert not AccessEvent.objects.filter(action="register_reads_import").exists()


def test_the_command_shows_progress_and_the_problems(homes, customer, field_tech, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(
        _file(f"{homes[customer.pk]},2026-09-30,1200,,", f"{homes[customer.pk]},2026-10-31,1300,,")
    )
    out, err = StringIO(), StringIO()
    call_command("import_register_reads", str(good), "--by", field_tech.username, stdout=out, stderr=err)
    assert "2 reads stored for 1 customer" in out.getvalue() and "read" in err.getvalue()  # the bar
    bad = tmp_path / "bad.csv"
    bad.write_text(_file(f"{homes[customer.pk]},2026-11-30,nine,,"))
    err = StringIO()
    with pytest.raises(CommandError, match="nothing stored"):
        call_command(
            "import_register_reads", str(bad), "--by", field_tech.username, "--no-progress", stderr=err
        )
    assert "row 2, index: the read 'nine' is not a number" in err.getvalue()
    with pytest.raises(CommandError, match="no active staff user"):
        call_command("import_register_reads", str(good), "--by", "nobody")


def test_the_console_page_imports_and_lists_problems(homes, customer, field_tech, marketer, console):
    client = console(field_tech)
    page = client.get("/staff/accounts/reads/import/")
    assert page.status_code == 200 and "Import meter reads" in page.content.decode()
    bad = StringIO(_file(f"{homes[customer.pk]},2026-09-31,1200,,"))
    bad.name = "bad.csv"
    answer = client.post("/staff/accounts/reads/import/", {"file": bad})
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "Nothing was stored" in text
    assert "2026-09-31&#x27; is not a day of the calendar: that month has no day 31" in text
    good = StringIO(_file(f"{homes[customer.pk]},2026-09-30,1200,,"))
    good.name = "good.csv"
    answer = client.post("/staff/accounts/reads/import/", {"file": good})
    assert answer.status_code == 200 and "1 read stored for 1 customer" in answer.content.decode()
    assert console(marketer).get("/staff/accounts/reads/import/").status_code == 403


@pytest.mark.parametrize(
    "data",
    [
        b"meter,read_on,index\nM-1\x00,2026-10-01,5\n",
        b"meter,read_on,index\nM-1,2026-10-01\x00,5\n",
        "meter,read_on,index\nM-1,2026-10-01,5\x00\n",  # text as well as bytes
    ],
)
def test_a_nul_in_a_cell_is_named_not_a_server_error(homes, field_tech, data):
    """A NUL can't be stored or even looked up on PostgreSQL: the file is refused with the reason."""
    with pytest.raises((ImportFileError, ReadError), match="line 2 holds a NUL"):
        register_reads_import(data=data, file_name="reads.csv", by=field_tech)


def test_a_read_adds_and_never_replaces_a_read_or_a_metered_total(homes, customer, field_tech):
    alice = homes[customer.pk]
    register_reads_import(data=_file(f"{alice},2026-09-30,100,,"), file_name="first.csv", by=field_tech)
    before = _water(customer)
    # Another index for a day already read, and a day before the last read: each refused by row and column.
    report = register_reads_import(
        data=_file(f"{alice},2026-09-30,900,,"), file_name="again.csv", by=field_tech
    )
    assert [(p.row, p.column) for p in report.problems] == [(2, "index")]
    report = register_reads_import(data=_file(f"{alice},2026-09-15,90,,"), file_name="b.csv", by=field_tech)
    assert [(p.row, p.column) for p in report.problems] == [(2, "read_on")]
    assert _water(customer) == before


def test_a_cycle_the_meter_data_totals_is_not_replaced_by_a_read(homes, customer, field_tech, monkeypatch):
    alice = homes[customer.pk]
    register_reads_import(data=_file(f"{alice},2026-09-30,100,,"), file_name="first.csv", by=field_tech)
    # October's total came from the metering system: 700 gallons, not an estimate.
    document = meter_usage_document(customer)
    document["water"]["months"] = [{"month": "2026-10", "total": 700.0}]
    personal_data_record(
        customer=customer,
        values={"meter_usage": json.dumps(document)},
        submission=Submission(channel="meter", notice_key="metering", recorded_by_label="metering system"),
    )
    report = register_reads_import(
        data=_file(f"{alice},2026-10-31,99999,,"), file_name="x.csv", by=field_tech
    )
    assert [(p.row, p.column) for p in report.problems] == [(2, "read_on")]
    assert "metered total of 700.0" in report.problems[0].message
    assert _water(customer)["months"] == [{"month": "2026-10", "total": 700.0}]
    # An estimate is what a read is for: it replaces it.
    document["water"]["months"] = [{"month": "2026-10", "total": 700.0, "estimated": True}]
    personal_data_record(
        customer=customer,
        values={"meter_usage": json.dumps(document)},
        submission=Submission(channel="meter", notice_key="metering", recorded_by_label="metering system"),
    )
    report = register_reads_import(data=_file(f"{alice},2026-10-31,350,,"), file_name="y.csv", by=field_tech)
    assert report.ok and _water(customer)["months"] == [{"month": "2026-10", "total": 250.0}]


def test_no_file_of_reads_while_the_importers_reads_are_held(homes, customer, field_tech):
    ReadHold.objects.create(user=field_tech, purpose="providing_services", customers_in_hour=20, threshold=20)
    with pytest.raises(ReadError, match="held"):
        register_reads_import(
            data=_file(f"{homes[customer.pk]},2026-09-30,100,,"), file_name="r.csv", by=field_tech
        )
    assert _water(customer) == {}
