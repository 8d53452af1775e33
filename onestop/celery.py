"""The Celery application. Settings come from Django settings with the CELERY_ prefix.

Without CELERY_BROKER_URL the tasks run eagerly in-process (the embedded default).
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")

app = Celery("onestop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
