from datetime import datetime, timedelta

from scoreboard.timeliness import PortalClock, portal_on_time

D = datetime(2026, 9, 1, 8)
END = datetime(2026, 9, 30, 23)


def test_supplement_time_is_subtracted():
    c = PortalClock(start=D, appointment=D + timedelta(days=5), result_ready_at=D + timedelta(days=8),
                    supplement_requests=((D + timedelta(days=1), D + timedelta(days=4)),))
    assert portal_on_time(c, END)
    assert not portal_on_time(PortalClock(start=D, appointment=D + timedelta(days=5),
                                          result_ready_at=D + timedelta(days=8)), END)


def test_two_supplement_requests_are_late_and_result_ready_wins():
    two = ((D, D), (D, D))
    assert not portal_on_time(PortalClock(start=D, appointment=END, result_ready_at=D,
                                          supplement_requests=two), END)
    c = PortalClock(start=D, appointment=D + timedelta(days=2), result_ready_at=D + timedelta(days=1),
                    returned_at=D + timedelta(days=9))
    assert portal_on_time(c, END)


def test_pending_ends_at_period_end():
    assert not portal_on_time(PortalClock(start=D, appointment=D + timedelta(days=3)), END)
    assert portal_on_time(PortalClock(start=D, appointment=END + timedelta(days=1)), END)
