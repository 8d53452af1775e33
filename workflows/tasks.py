"""The engine's own periodic work: dossiers whose supplement time ran out, and the nightly verification
of every audit trail, then the day's anchor.

(The engine-era task names `workflows.tasks.scan_deadlines`, `send_notification` and `refresh_rollups`
live in notifications/ and reporting/; only the names are shared.)
"""
import logging

from celery import shared_task

from . import audit, services

logger = logging.getLogger("onestop.tasks")


@shared_task(name="workflows.tasks.verify_audit", acks_late=True)
def verify_audit() -> dict:
    """Verify every dossier's trail against itself and the latest anchor, then anchor today's heads.

    The new anchor carries forward the anchored heads of the dossiers found disagreeing with the
    previous one, so a rewrite found tonight is found again tomorrow rather than taken for the truth.
    Safe to repeat: a second run only adds a run and an anchor.
    """
    run = audit.verify_all()
    anchor = audit.take_anchor(carry_from=run)
    result = {"run": run.pk, "checked": run.checked, "events": run.events_checked,
              "findings": run.finding_count, "anchor": anchor.pk, "anchored": anchor.dossier_count}
    (logger.error if run.finding_count else logger.info)("audit verification: %s", result)
    return result


@shared_task(name="workflows.tasks.expire_supplements", acks_late=True)
def expire_supplements() -> int:
    """Stop the dossiers whose applicant did not bring the supplement in time (services.expire_supplement).
    Idempotent: a second run finds nothing left to stop."""
    stopped = services.expire_due_supplements()
    logger.info("supplement time expired: %s dossiers stopped", stopped)
    return stopped
