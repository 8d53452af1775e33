"""The nightly rebuild of the scoreboard's rollups (scoreboard.rollups)."""
import logging

from celery import shared_task

from . import rollups

logger = logging.getLogger("onestop.scoreboard")


@shared_task(name="scoreboard.tasks.rebuild_rollups", acks_late=True, ignore_result=True)
def rebuild_rollups() -> dict:
    """The months whose dossiers may still change what the portal sees; idempotent."""
    built = {f"{p.year}-{p.number:02d}": rollups.rebuild_month(p) for p in rollups.months_to_rebuild()}
    logger.info("QĐ 766 rollups rebuilt: %s", built)
    return built


@shared_task(name="scoreboard.tasks.rebuild_running_month", acks_late=True, ignore_result=True)
def rebuild_running_month() -> int:
    """The running month's counts, judged now: the scoreboard reads them while fresh (rollups.covers)."""
    from django.utils import timezone

    from reporting.periods import Period

    today = timezone.localdate()
    return rollups.rebuild_month(Period.of("month", today.year, today.month))
