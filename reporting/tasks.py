"""The rebuilds of the rollups the dashboards read: whole nightly, the running month every ten minutes."""
import logging

from celery import shared_task

from .rollups import refresh, refresh_running

logger = logging.getLogger("onestop.tasks")


# The name it had in the engine app: queued messages and beat entries stored in the database keep working.
@shared_task(name="workflows.tasks.refresh_rollups", acks_late=True)
def refresh_rollups() -> int:
    rows = refresh()
    logger.info("rollups refreshed: %s rows", rows)
    return rows


@shared_task(name="reporting.tasks.refresh_running_month", acks_late=True, ignore_result=True)
def refresh_running_month() -> int:
    """The running month's rows as they stand now: the current period is served from them while fresh."""
    return refresh_running()
