"""Bulk generation of the neighbour comparisons from the console, in the background (django.tasks), with its
progress recorded as it goes: read every eligible home's usage through the gate, compute the peer groups,
store what may be shown, and — when a report-mailing vendor is named — send every home's letter through that
vendor's export (a disclosure, with its determination and accounting).

A run is safe to repeat: the comparison replaces the stored groups, and an export that died is cleaned up by
the next one. Only one run is queued or running at a time.
"""

import logging

from django.conf import settings
from django.tasks import task

from custodian.background import run_outcome, run_queue, run_start, runs_latest
from custodian.disclosures.exports import REPORT_MAILING, ExportRefused, NothingToSend, vendor_export_run
from custodian.policy.loader import current_policy
from custodian.staff.selectors import reviews_access, services_of
from custodian.usage.comparison import compute
from custodian.usage.inputs import comparison_inputs_for
from custodian.usage.models import ReportRun
from custodian.usage.services import store_group_aggregates
from custodian.vault.gate import policy_decision, staff_actor

log = logging.getLogger(__name__)


class RunRefused(Exception):
    pass


def may_run_reports(user) -> bool:
    """Staff who provide utility services with meter usage, and the privacy officer, run comparisons."""

    actor = staff_actor(user)
    allowed = policy_decision(current_policy(), actor, "providing_services", ["meter_usage"]).allowed
    return allowed or reviews_access(actor.services)


def report_run_list(*, fetched_by, limit: int = 10) -> tuple[list[ReportRun], bool]:
    """The latest report runs and whether one is queued or running, for staff who may run reports; none
    for anyone else."""
    if fetched_by.kind != "staff" or fetched_by.user is None or not may_run_reports(fetched_by.user):
        return [], False
    return runs_latest(ReportRun, limit=limit, related=("mail_vendor", "requested_by"))


def may_mail_reports(user) -> bool:
    """Mailing the letters is a disclosure to a vendor: the privacy officer's decision."""

    return reviews_access(services_of(user))


def report_run_request(*, requested_by, mail_vendor=None) -> ReportRun:
    """Queue a run; refused while another is queued or running, or when `requested_by` may not run it."""

    if requested_by is None or not may_run_reports(requested_by):
        raise RunRefused("only staff who provide utility services, or the privacy officer, run reports")
    if mail_vendor is not None and not may_mail_reports(requested_by):
        raise RunRefused("only the privacy officer has the letters mailed")
    if mail_vendor is not None and mail_vendor.function != REPORT_MAILING:
        raise RunRefused(f"{mail_vendor.name} does not mail comparison reports")
    busy = RunRefused("a run is already queued or running; wait for it to finish")
    return run_queue(
        ReportRun, generate_reports, refused=busy, requested_by=requested_by, mail_vendor=mail_vendor
    )


def _progress(run: ReportRun, stage: str) -> dict:
    """A stage of the run, its progress counted by the work itself: `progress_total` sets the stage's total
    (the homes read, the customers the letters' export goes through) before `progress` counts them, so the
    console's bar ends at 100 % with the stage's last part, never short of it or past it."""
    run.stage, run.total, run.done = stage, 0, 0
    run.save(update_fields=["stage", "total", "done"])

    def total(n: int):
        run.total, run.done = n, 0
        run.save(update_fields=["total", "done"])

    def advance(n: int):
        run.done = min(run.total, run.done + n)
        run.save(update_fields=["done"])

    return {"progress": advance, "progress_total": total}


@task()
def generate_reports(*, run_id: int) -> str:
    run = run_start(ReportRun, run_id)
    if run is None:
        return "nothing to do"
    with run_outcome(run, log=log, what="comparison report run"):
        try:
            data = comparison_inputs_for(
                settings.CUSTODIAN_COMPARISON_ENGINE,
                started_by=run.requested_by,
                **_progress(run, "reading usage through the gate"),
            )
            run.stage = "comparing similar homes"  # the count stays that of the homes read
            run.save(update_fields=["stage"])
            rows, groups, members = compute(data)
            store_group_aggregates(data, (groups, members))
            homes = len({r.customer_id for r in rows})
            run.summary = f"{homes} homes compared in {len({r.peer_group for r in rows})} peer groups"
            if run.mail_vendor_id:
                export = vendor_export_run(
                    vendor=run.mail_vendor,
                    requested_by=run.requested_by,
                    **_progress(run, f"writing letters for {run.mail_vendor.name}"),
                )
                run.export = export
                run.summary += f"; {export.rows} letters sent in export {export.pk}"
            run.status, run.stage, run.done = ReportRun.Status.DONE, "done", run.total
        except NothingToSend as exc:
            # Not a failure: the reports are computed, and nobody was to be sent a letter (said in words).
            run.status, run.stage, run.done = ReportRun.Status.DONE, "done", run.total
            run.summary += f"; no letters mailed. {exc.told(file_too=False)}"
        except ExportRefused as exc:
            run.status, run.summary = (
                ReportRun.Status.FAILED,
                f"{run.summary}; mailing refused: {exc}".lstrip("; "),
            )
    return run.summary
