"""A customer's meter read at the desk and from a route's file, so that their usage document holds every kind
of thing it can: months of totals, and reads of both kinds (each with the meter's number, the day, the index
and the kind)."""

from datetime import date

from custodian.billing.read_import import register_reads_import
from custodian.billing.register_reads import register_read_record
from custodian.customers.models import ServicePoint

# Indexes no other figure of a file or a page could be, each (day, index).
DESK = (("2026-11-02", "731913"), ("2026-11-09", "731933"))
FILED = (("2026-11-16", "731953"), ("2026-11-23", "731973"))


def meter_read_everywhere(customer, *, by) -> ServicePoint:
    """`customer`'s first meter (by service) read twice at the desk by `by`, then twice from a file of reads
    `by` imports; returns the meter's service point."""
    account = customer.accounts.get()
    point = ServicePoint.objects.filter(premise_id=account.premise_id).order_by("service").first()
    for on, index in DESK:
        register_read_record(
            account_id=account.pk, service=point.service, read_on=date.fromisoformat(on), index=index, by=by
        )
    rows = [f"{point.meter_number},{on},{index}" for on, index in FILED]
    report = register_reads_import(data="\n".join(["meter,read_on,index", *rows]), file_name="r1.csv", by=by)
    assert report.ok and report.stored == len(FILED)
    return point
