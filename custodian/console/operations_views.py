"""IT's page: the readiness checks (as /readyz runs them) and every scheduled job with its schedule, next
time, last success (what it did) and last failure (its error, scrubbed of personal data). Nothing on it
identifies a customer."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from custodian.console.access import console_page, runs_the_systems
from custodian.operations.advisories import advisories
from custodian.operations.health import readiness
from custodian.operations.jobs import jobs_health, slot_after
from custodian.routing import page


@page("operations/", name="operations")
@console_page(runs_the_systems, _("Only IT and database administration sees the systems' health and jobs."))
def operations(request):
    now = timezone.now()
    checks = readiness()
    jobs = [
        {
            "name": item.job.name,
            "label": item.job.label,
            "schedule": item.schedule,
            "next": slot_after(item.schedule, now),
            "state": item.state,
            "problem": item.problem,
            "running": bool(item.state and item.state.lease_until and item.state.lease_until > now),
        }
        for item in jobs_health(now)
    ]
    return render(
        request,
        "console/operations.html",
        {
            "checks": sorted(checks.items()),
            "jobs": jobs,
            "failing": [n for n, p in checks.items() if p],
            "advisories": sorted(advisories().items()),
        },
    )
