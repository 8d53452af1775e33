import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _english_free_defaults(settings):
    """Tests run with the product's defaults (Vietnamese UI) and the embedded Celery mode."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    # Celery reads its configuration once at start-up: in the Redis pass, make tasks eager here
    # too (the worker test switches this off). Eager errors must not propagate, or a task's
    # retry raises instead of retrying.
    from onestop.celery import app

    app.conf.task_always_eager, app.conf.task_eager_propagates = True, False
    # Hashing demo and factory passwords with PBKDF2 would dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


from tests.world import world  # noqa: E402,F401 -- the shared small-province fixture
