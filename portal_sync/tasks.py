"""Celery tasks of the outbound sync (portal_sync.delivery). Both swallow nothing silently and raise
nothing: a failure is a record's state and `last_error`, retried by the sweep."""
from celery import shared_task

from . import delivery


@shared_task(name="portal_sync.tasks.deliver_dossier", acks_late=True, ignore_result=True)
def deliver_dossier(dossier_id: int) -> dict:
    """Right after an event commits: send the dossier's due records."""
    outcome = delivery.deliver_dossier(dossier_id)
    return {"sent": outcome.sent, "failed": outcome.failed, "dead": outcome.dead, "skipped": outcome.skipped}


@shared_task(name="portal_sync.tasks.deliver_due", acks_late=True, ignore_result=True)
def deliver_due() -> dict:
    outcome = delivery.deliver_due()
    return {"sent": outcome.sent, "failed": outcome.failed, "dead": outcome.dead, "skipped": outcome.skipped}
