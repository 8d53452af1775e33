"""Celery tasks of the notifications: the periodic deadline scan (and the send task, from `sending`).

Embedded default: tasks run eagerly in-process (`python manage.py run_periodic` for the
scan). Production: a worker and beat on Redis (docs/worker.md). Task names are the ones
they had in the engine (`workflows.tasks.…`): queued messages and the beat entries stored
in the database name them.

viewflow timers: the dossier flow has no timer nodes (deadlines are data on the work items,
watched by the scan below), so there is nothing of viewflow's to dispatch here.
"""
import logging

from celery import shared_task

from . import scan
from .sending import resend_lost, send_notification

__all__ = ["scan_deadlines", "send_notification"]

logger = logging.getLogger("onestop.tasks")


@shared_task(name="workflows.tasks.scan_deadlines", acks_late=True)
def scan_deadlines() -> dict:
    """Mark at-risk and overdue work and notify once per crossing; then resend lost messages
    (pending too long, or a hand-off stuck in `sending`: sending.resend_lost).

    Idempotent and catch-up safe: it compares deadlines with the current time, so a late or
    skipped run only delays alerts, and two runs (or two beats) never notify twice.
    """
    result = scan.run()
    result["resent"] = resend_lost()
    logger.info("deadline scan: %s", result)
    return result
