from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from custodian.operations.jobs import ScheduleError, active_jobs, slot_after
from custodian.operations.scheduler import Scheduler, scheduler_tick


class Command(BaseCommand):
    help = (
        "Run the scheduled jobs: queues each job when due for the background worker (`db_worker`), until "
        "stopped (SIGTERM signs the access log's head first). `--once` queues what is due now and exits; "
        "`--list` shows every job and its next time."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--once", action="store_true", help="queue what is due now, then exit")
        group.add_argument(
            "--list", dest="show", action="store_true", help="list the jobs and their next times"
        )

    def handle(self, *args, once, show, **options):
        try:
            jobs = active_jobs()
        except ScheduleError as exc:
            raise CommandError(str(exc)) from None
        if show:
            now = timezone.now()
            for job, expr in jobs:
                nxt = timezone.localtime(slot_after(expr, now))
                self.stdout.write(f"{job.name:20} {expr:15} next {nxt:%Y-%m-%d %H:%M}  {job.label}")
            return
        if once:
            queued = scheduler_tick()
            self.stdout.write(f"queued: {', '.join(queued) or 'nothing due'}")
            return
        scheduler = Scheduler()
        scheduler.install_signal_handlers()
        scheduler.run()
