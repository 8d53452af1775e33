"""The service clock: one instant per service call, shared by our rows and viewflow's.

Services set it for the duration of a call (`service_clock(now)`); models stamp their
timestamps from it so that a simulated or back-dated call (the simulation command, tests)
writes one consistent instant everywhere. Outside a service call it is the wall clock.
"""
import contextvars
from contextlib import contextmanager

from django.utils import timezone

_current = contextvars.ContextVar("onestop_service_now", default=None)


def now():
    return _current.get() or timezone.now()


def active():
    """The instant of the running service call, or None outside one."""
    return _current.get()


@contextmanager
def service_clock(instant=None):
    token = _current.set(instant or timezone.now())
    try:
        yield _current.get()
    finally:
        _current.reset(token)
