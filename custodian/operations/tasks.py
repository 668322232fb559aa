from django.tasks import task


@task()
def scheduled_job(name: str) -> str:
    """A scheduled job, queued by the scheduler, run by the worker (custodian.operations.jobs)."""
    from custodian.operations.jobs import job_run

    return job_run(name)
