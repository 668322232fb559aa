"""Kill the export process midway: ledger and files still agree (nothing marked done, no accounting
entries), and re-running produces a complete, accounted export."""

import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from custodian.customers.models import Customer
from custodian.demo.services import demo_customers_ensure
from custodian.disclosures.exports import export_dir, vendor_export_run
from custodian.disclosures.models import DisclosureEntry, VendorExport
from custodian.staff.services import staff_member_create
from custodian.testing import export_text, postgres_only, vendor_with_determination

NOTICE = "A notice of a planned outage"


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_killed_export_leaves_no_done_file_and_no_ledger_rows_and_reruns():
    demo_customers_ensure(count=300, seed=11)
    officer = staff_member_create(
        username="po", password="p" * 16, full_name="P O", services=["privacy_officer"]
    )
    vendor, private = vendor_with_determination(function="mailing", officer=officer, name="Acme Mailing")
    ids = sorted(Customer.objects.values_list("pk", flat=True))
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CUSTODIAN_VAR_DIR": str(settings.VAR_DIR),
        "CUSTODIAN_MASTER_KEYRING": str(settings.CUSTODIAN_MASTER_KEYRING),
        "CUSTODIAN_BLIND_INDEX_KEY": str(settings.CUSTODIAN_BLIND_INDEX_KEY),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "vendor_export",
            "--vendor",
            str(vendor.pk),
            "--batch",
            "5",
            "--by",
            "po",
            "--mailing",
            NOTICE,
            "--customers",
            ",".join(str(c) for c in ids),
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    seen = 0
    for line in proc.stdout:
        if line.startswith("wrote"):
            seen += 1
            if seen == 3:
                proc.send_signal(signal.SIGKILL)
                break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    export = VendorExport.objects.get()
    assert export.status == "running"
    assert not DisclosureEntry.objects.exists()
    assert not (export_dir() / export.file_name).exists()  # only a .partial file, if anything

    done = vendor_export_run(vendor=vendor, requested_by=officer, mailing=NOTICE, customer_ids=ids)
    export.refresh_from_db()
    assert export.status == "failed" and not (export_dir() / f"{export.file_name}.partial").exists()
    assert done.status == "done" and done.rows == 300
    assert DisclosureEntry.objects.count() == 300
    assert export_text(done, private).count("\n") == 301
