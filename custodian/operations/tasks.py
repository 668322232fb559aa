from django.tasks import task

from custodian.operations.jobs import job_run


@task()
def scheduled_job(name: str) -> str:
    """A scheduled job, queued by the scheduler, run by the worker (custodian.operations.jobs)."""

    return job_run(name)
