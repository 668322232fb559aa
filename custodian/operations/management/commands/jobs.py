from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from custodian.operations.jobs import JOBS, job_by_name, job_run, jobs_health
from custodian.operations.models import JobState


class Command(BaseCommand):
    help = (
        "Scheduled jobs: `status` shows each job's last success and failure; `run NAME` runs one now in this "
        "process (under its lease: skipped if a run of it is still going) and records the outcome."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "run"])
        parser.add_argument("name", nargs="?", choices=[j.name for j in JOBS])

    def handle(self, *args, action, name, **options):
        if action == "run":
            if not name:
                raise CommandError("run needs the job's name")
            job_by_name(name)
            outcome = job_run(name)
            state = JobState.objects.get(name=name)
            detail = state.last_summary if outcome == "success" else state.last_error
            self.stdout.write(
                f"{name}: {outcome}" + (f" ({detail})" if detail and outcome != "skipped" else "")
            )
            if outcome == "failure":
                raise CommandError(f"{name} failed")
            return
        for item in jobs_health():
            s = item.state

            def when(moment):
                return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else "never"

            self.stdout.write(
                f"{item.job.name:20} {'OK' if item.ok else item.problem}; last success "
                f"{when(s and s.last_success_at)}, last failure {when(s and s.last_failure_at)}"
            )
