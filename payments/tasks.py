"""The daily reconciliation of payments with the gateway (beat: onestop/celery.py)."""
import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

from . import reconcile, services

logger = logging.getLogger("onestop.tasks")


@shared_task(name="payments.tasks.reconcile_payments", acks_late=True)
def reconcile_payments(day: str | None = None) -> dict:
    """Reconcile yesterday's payments (or `day`, YYYY-MM-DD), then query whatever is still pending."""
    target = dt.date.fromisoformat(day) if day else timezone.localdate() - dt.timedelta(days=1)
    report = reconcile.reconcile(target)
    pending = services.settle_pending()
    logger.info("payments reconciled for %s: %s; pending queried: %s", target, report.counts, pending)
    return {"day": target.isoformat(), **report.counts, "pending_checked": pending["checked"]}
