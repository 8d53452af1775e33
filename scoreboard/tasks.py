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
