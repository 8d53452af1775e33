"""The periodic work of the portal's inbound side (beat: onestop/celery.py): the pull of new online
dossiers every few minutes, and the daily reconciliation. Both are no-ops when the province is not
linked to the portal (PORTAL_URL empty) and never raise on a portal failure."""
import logging

from celery import shared_task

logger = logging.getLogger("onestop.tasks")


@shared_task(name="portal_intake.tasks.pull_portal_dossiers", acks_late=True)
def pull_portal_dossiers() -> dict:
    from .pull import pull_new_dossiers

    return pull_new_dossiers().as_dict()


@shared_task(name="portal_intake.tasks.reconcile_portal", acks_late=True)
def reconcile_portal(day: str | None = None) -> dict:
    """Reconcile yesterday's dossiers (or `day`, YYYY-MM-DD) with the portal."""
    import datetime as dt

    from .reconcile import default_day, run_reconciliation

    target = dt.date.fromisoformat(day) if day else default_day()
    run = run_reconciliation(target, target)
    if run is None:
        return {"skipped": True}
    return run.as_dict()
