"""Celery tasks: sending notifications and the periodic deadline scan.

Embedded default: tasks run eagerly in-process (`python manage.py run_periodic` for the
scan). Production: a worker and beat on Redis (docs/worker.md).

viewflow timers: the dossier flow has no timer nodes (deadlines are data on the work items,
watched by the scan below), so there is nothing of viewflow's to dispatch here.
"""
import logging

from celery import shared_task

from . import notifications, scan

logger = logging.getLogger("onestop.tasks")

SEND_MAX_RETRIES = 5


class SendFailed(Exception):
    """A backend error, re-raised so Celery retries the task with backoff."""


@shared_task(
    bind=True, autoretry_for=(SendFailed,), max_retries=SEND_MAX_RETRIES, retry_backoff=30,
    retry_backoff_max=3600, retry_jitter=True, acks_late=True,
)
def send_notification(self, notification_id: int) -> str:
    """Send one recorded notification; a retry of a sent one does nothing (idempotent)."""
    final = self.request.retries >= SEND_MAX_RETRIES
    try:
        return notifications.deliver(notification_id, final=final)
    except Exception as exc:
        raise SendFailed(str(exc)) from exc


@shared_task(acks_late=True)
def scan_deadlines() -> dict:
    """Mark at-risk and overdue work and notify once per crossing; then resend lost messages.

    Idempotent and catch-up safe: it compares deadlines with the current time, so a late or
    skipped run only delays alerts, and two runs (or two beats) never notify twice.
    """
    result = scan.run()
    resent = 0
    for pk in notifications.stale_pending():
        send_notification.delay(pk)
        resent += 1
    result["resent"] = resent
    logger.info("deadline scan: %s", result)
    return result


@shared_task(acks_late=True)
def refresh_rollups() -> int:
    """Rebuild the monthly rollups the dashboards read for closed months (nightly)."""
    from .rollups import refresh

    rows = refresh()
    logger.info("rollups refreshed: %s rows", rows)
    return rows
