"""Benchmark plumbing: a throwaway database on the configured engine, and timers."""
import os
import statistics
import time
from contextlib import contextmanager

import django


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    django.setup()


@contextmanager
def throwaway_database():
    """Create `test_<name>` on the configured engine, migrate it, drop it afterwards."""
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield connection
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


class Timer:
    def __init__(self):
        self.samples = []

    @contextmanager
    def measure(self):
        start = time.perf_counter()
        yield
        self.samples.append(time.perf_counter() - start)

    @property
    def median_ms(self):
        return statistics.median(self.samples) * 1000 if self.samples else float("nan")
