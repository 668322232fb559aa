"""vendor_export: a million customers to the mailing vendor (name + mailing address): minimized, encrypted to
the vendor, every customer in the access log and the accounting of disclosures, committed — vs a bare loop
that decrypts the same fields and writes CSV, same data, same run."""

import csv
import io

from bench.harness import seconds, size

NAME = "vendor_export"
UNIT = "customers/s"
TARGET = 0.5
DATABASES = ["sqlite", "postgresql"]
OURS = "vendor_export_run(mailing, everyone named): gate reads, access events, encrypted file, accounting"
BASELINE = "a loop that unwraps each data key, decrypts name and mailing address and writes CSV"
CUSTOMERS = size("BENCH_EXPORT_CUSTOMERS", 1_000_000)


def _seed(count: int) -> None:
    from custodian.customers.models import Customer
    from custodian.vault.services import Submission, personal_data_record_many

    submission = Submission(
        channel="paper", notice_key="account_application", recorded_by_label="benchmark data"
    )
    batch = 5000
    for start in range(0, count, batch):
        n = min(batch, count - start)
        customers = Customer.objects.bulk_create([Customer(customer_class="residential") for _ in range(n)])
        personal_data_record_many(
            items=[
                (
                    c.pk,
                    {"name": f"Customer {c.pk}", "mailing_address": f"{c.pk} Elm Street, Owatonna, MN 55060"},
                )
                for c in customers
            ],
            submission=submission,
        )


def measure(db: str) -> dict:
    from django.db import connection

    from custodian.customers.models import Customer
    from custodian.disclosures.exports import vendor_export_run
    from custodian.staff.services import staff_member_create
    from custodian.testing import vendor_with_determination
    from custodian.vault import _crypto, sealing

    seeded = seconds(lambda: _seed(CUSTOMERS))
    officer = staff_member_create(
        username="po", password="p" * 16, full_name="P O", services=["privacy_officer"]
    )
    vendor, _ = vendor_with_determination(function="mailing", officer=officer, name="Mailing vendor")

    def baseline() -> None:
        out = io.StringIO()
        writer = csv.writer(out)
        sql = (
            "SELECT dk.customer_id, dk.key_id, dk.wrapped, pv.field, pv.ciphertext FROM vault_datakey dk "
            "JOIN vault_personalvalue pv ON pv.customer_id = dk.customer_id AND pv.superseded_at IS NULL "
            "AND pv.field IN ('name', 'mailing_address') ORDER BY dk.customer_id"
        )
        current, key, row = None, None, {}
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql)
            while rows := cursor.fetchmany(20_000):
                for cid, key_id, wrapped, field, sealed in rows:
                    if cid != current:
                        if row:
                            writer.writerow([current, row.get("name", ""), row.get("mailing_address", "")])
                        current, row = cid, {}
                        key = sealing.unwrap_data_key(cid, key_id, wrapped)
                    row[field] = _crypto.open_value(key, cid, field, sealed)
        if row:
            writer.writerow([current, row.get("name", ""), row.get("mailing_address", "")])

    def ours() -> None:
        # A mailing to every customer, named as a mailing export must name it (what is mailed, to whom).
        mailed = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
        export = vendor_export_run(
            vendor=vendor, requested_by=officer, mailing="A notice to every customer", customer_ids=mailed
        )
        assert export.status == "done" and export.rows == CUSTOMERS

    base = seconds(baseline)
    mine = seconds(ours)
    return {
        "ours": CUSTOMERS / mine,
        "baseline": CUSTOMERS / base,
        "n": CUSTOMERS,
        "seconds_ours": round(mine, 1),
        "seconds_baseline": round(base, 1),
        "seconds_seeding": round(seeded, 1),
    }
