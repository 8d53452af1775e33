"""The nightly rebuild of the rollups the dashboards read for closed months."""
import logging

from celery import shared_task

from .rollups import refresh

logger = logging.getLogger("onestop.tasks")


# The name it had in the engine app: queued messages and beat entries stored in the database keep working.
@shared_task(name="workflows.tasks.refresh_rollups", acks_late=True)
def refresh_rollups() -> int:
    rows = refresh()
    logger.info("rollups refreshed: %s rows", rows)
    return rows
