"""The report-mailing vendor's rows: each customer's neighbour comparison as an addressed PDF, registered
with the disclosure workflow's exports (`disclosures.exports.export_rows_register`) when the app is ready."""

import base64

from django.utils import translation

from custodian.audit.actions import Action
from custodian.customers.selectors import languages_of
from custodian.disclosures.exports import REPORT_MAILING, ExportRows, export_rows_register
from custodian.policy.loader import current_policy
from custodian.usage.report_pdf import report_pdf
from custodian.usage.services import (
    USE_SERIES,
    comparison_reports,
    day_shapes,
    default_period,
    group_months_of,
    group_services_of,
    home_months,
)
from custodian.vault.gate import reveal_intervals_many
from custodian.vault.interval_files import months_between

HEADER = ["customer_ref", "name", "mailing_address", "report_month", "report_pdf_base64"]


def with_a_comparison(customer_ids) -> list[int]:
    """Only homes with a comparison that may be shown get a report."""
    return list(group_months_of(customer_ids))


def report_mailing_rows(*, actor, customer_ids, values):
    """The mailed neighbour comparison of each customer: their monthly use (electricity's interval sums where
    the meter has interval readings, else billing totals, as the comparison counts it; gas and water by
    their bills) against their group, as a PDF."""
    groups = group_services_of(customer_ids)
    blocks = reveal_intervals_many(
        actor=actor,
        customer_ids=customer_ids,
        purpose="providing_services",
        months=months_between(*default_period()),
        services=USE_SERIES,  # each service's tips follow the shape of its day; its readings off the grid
        action=Action.VENDOR_EXPORT,
    )
    by_customer: dict[int, list] = {}
    for b in blocks:
        by_customer.setdefault(b.customer_id, []).append(b)
    utility = current_policy().utility
    languages = languages_of(customer_ids)
    rows = []
    for cid in customer_ids:
        mine = by_customer.get(cid, [])
        months = home_months(values[cid].get("meter_usage"), mine)
        # Each letter in the language the customer chose, as every letter the outbox sends them: the
        # report's words (its tips among them) are composed in it, then the PDF.
        with translation.override(languages[int(cid)]):
            report = comparison_reports(months, groups.get(cid, {}), day_shapes(mine))
            if report is None:
                continue
            name, address = values[cid].get("name", ""), values[cid].get("mailing_address", "")
            pdf = report_pdf(utility=utility, name=name, mailing_address=address, report=report)
        rows.append([cid, name, address, report["latest"]["month"], base64.b64encode(pdf).decode()])
    return rows


def register() -> None:
    export_rows_register(
        REPORT_MAILING,
        ExportRows(
            header=HEADER, eligible=with_a_comparison, rows=report_mailing_rows, row_words=("report",)
        ),
    )
