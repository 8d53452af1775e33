import pytest
from django.core import mail
from django.core.cache import cache

from notifications.sms import LoggingSMSBackend
from onestop.celery import app
from tests.world import at


@pytest.fixture(autouse=True)
def portal_env(settings, tmp_path):
    # The portal's templates need its app installed (the lead adds it to settings; harmless after).
    if "onestop.portal" not in settings.INSTALLED_APPS:
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "onestop.portal"]
    settings.MEDIA_ROOT = tmp_path / "uploads"
    cache.clear()
    mail.outbox = []
    LoggingSMSBackend.outbox.clear()
    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    # Eager retries run in a loop only when errors do not propagate (as on a worker).
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, False
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved
    cache.clear()


@pytest.fixture
def applicant():
    from workflows.services import Applicant

    return Applicant(name="Nguyễn Văn An", id_number="012345678901", phone="0912345678",
                     email="an@example.vn", address="Bản Bình Lư, xã Bình Lư")


@pytest.fixture
def receipt(world, applicant):
    from workflows import services

    proc = world.commune_proc
    return services.receive(
        actor=world.clerk, procedure=proc, agency=world.counter, applicant=applicant,
        document_ids=[d.pk for d in proc.documents.filter(is_mandatory=True)], now=at(2026, 3, 2, 9),
    )
