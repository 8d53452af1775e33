"""The Celery application. Settings come from Django settings with the CELERY_ prefix.

Without CELERY_BROKER_URL the tasks run eagerly in-process (the embedded default; the
periodic scan is then `python manage.py run_periodic`). In production one beat and any
number of workers run on Redis (docs/worker.md).
"""
import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")

app = Celery("onestop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The deadline scan every 10 minutes. It compares deadlines with the current time and
# records each crossing once, so a missed or late run only delays alerts. With the
# DatabaseScheduler (settings) this entry is copied to the database, where admins can edit it.
# Entries name tasks, not modules: the scan (notifications/tasks.py) keeps its engine-era name
# so that entries already in the database keep working.
app.conf.beat_schedule = {
    "deadline-scan": {
        "task": "workflows.tasks.scan_deadlines",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 9 * 60},  # a backlog of scans collapses into the next one
    },
    # Dossiers whose supplement time ran out are stopped (workflows/tasks.py); hourly is close enough
    # for a limit counted in working days, and a late run stops them at its own instant.
    "supplement-expiry": {
        "task": "workflows.tasks.expire_supplements",
        "schedule": crontab(minute=5),
        "options": {"expires": 50 * 60},
    },
    # The dashboards' rollups, whole (reporting/tasks.py) ...
    "rollups-refresh": {
        "task": "workflows.tasks.refresh_rollups",
        "schedule": crontab(hour=1, minute=30),
        "options": {"expires": 6 * 3600},
    },
    # ... and their running month every ten minutes: the current period is served from it while it is
    # under twenty minutes old (reporting.periods.RUNNING_FRESHNESS), live otherwise (ADR 0043).
    "rollups-running-month": {
        "task": "reporting.tasks.refresh_running_month",
        "schedule": crontab(minute="3-59/10"),
        "options": {"expires": 9 * 60},
    },
    # The QĐ 766 scoreboard's closed months (scoreboard/tasks.py): the last three, after the rollups.
    "scoreboard-rollups": {
        "task": "scoreboard.tasks.rebuild_rollups",
        "schedule": crontab(hour=1, minute=50),
        "options": {"expires": 6 * 3600},
    },
    # The running month's QĐ 766 counts, judged now, every ten minutes (the scoreboard reads them
    # while they are under twenty minutes old, live otherwise).
    "scoreboard-running-month": {
        "task": "scoreboard.tasks.rebuild_running_month",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 9 * 60},
    },
    # Every audit trail verified, then the day's heads anchored (workflows/tasks.py); after the rollups.
    "audit-verify": {
        "task": "workflows.tasks.verify_audit",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 12 * 3600},
    },
    # The portal outbox swept every minute (portal_sync/tasks.py): records whose retry is due, and any
    # whose task after commit was lost. Each run sends what is due and returns.
    "portal-sync-sweep": {
        "task": "portal_sync.tasks.deliver_due",
        "schedule": crontab(),
        "options": {"expires": 55},
    },
    # Yesterday's payments reconciled with the gateway (payments/tasks.py), pending ones queried.
    "payments-reconcile": {
        "task": "payments.tasks.reconcile_payments",
        "schedule": crontab(hour=3, minute=15),
        "options": {"expires": 12 * 3600},
    },
    # Online dossiers submitted on the national portal, pulled from the stored cursor
    # (portal_intake/tasks.py, ADR 0037); a no-op while PORTAL_URL is empty.
    "portal-pull": {
        "task": "portal_intake.tasks.pull_portal_dossiers",
        "schedule": crontab(minute="*/2"),
        "options": {"expires": 110},  # runs missed during an outage collapse into the next one
    },
    # Yesterday's dossiers reconciled with the portal's records (portal_intake/reconcile.py).
    "portal-reconcile": {
        "task": "portal_intake.tasks.reconcile_portal",
        "schedule": crontab(hour=3, minute=45),
        "options": {"expires": 12 * 3600},
    },
}
