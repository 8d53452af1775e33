import pytest
from django.core import mail

from notifications.sms import LoggingSMSBackend
from onestop.celery import app
from tests.world import at


@pytest.fixture(autouse=True)
def eager_celery():
    """Celery's config was read once at start-up: set eager mode here too (the PostgreSQL+Redis pass)."""
    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    # Eager retries run in a loop only when errors do not propagate (as on a worker).
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, False
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture(autouse=True)
def outboxes():
    mail.outbox = []
    LoggingSMSBackend.outbox.clear()
    yield
    LoggingSMSBackend.outbox.clear()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a service call and what follows its commit (the signal, the queued sends)."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def applicant():
    from workflows.services import Applicant

    return Applicant(name="Nguyễn Văn An", id_number="012345678901", phone="0912345678",
                     email="an@example.vn", address="Bản Bình Lư, xã Bình Lư")


@pytest.fixture
def receipt(world, applicant, commit):
    from workflows import services

    proc = world.commune_proc
    return commit(
        services.receive, actor=world.clerk, procedure=proc, agency=world.counter, applicant=applicant,
        document_ids=[d.pk for d in proc.documents.filter(is_mandatory=True)], now=at(2026, 3, 2, 9),
    )
