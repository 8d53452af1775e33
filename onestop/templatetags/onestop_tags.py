import datetime as dt

from django import template
from django.utils.formats import number_format
from django.utils.translation import ngettext

from workflows import people, privacy

register = template.Library()

register.filter("mask_id", privacy.mask_id_number)
register.filter("mask_phone", privacy.mask_phone)
register.filter("mask_name", privacy.mask_name)
register.filter("person", people.full_name)


@register.filter
def working_hours(seconds):
    """Working seconds as hours with one decimal in the page's number format (16,8 in Vietnamese)."""
    if seconds is None:
        return "—"
    return number_format(round(seconds / 3600, 1), 1)


def duration_words(seconds: int) -> str:
    """A length of time as officials write it: '1 ngày 2 giờ 30 phút' (whole minutes, zero parts left out)."""
    minutes = max(int(seconds), 0) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d ngày", "%(n)d ngày", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d giờ", "%(n)d giờ", hours) % {"n": hours})
    if minutes or not parts:
        parts.append(ngettext("%(n)d phút", "%(n)d phút", minutes) % {"n": minutes})
    return " ".join(parts)


@register.filter
def elapsed_until(start, end):
    """The calendar time from `start` to `end` in words ('—' when either is missing)."""
    if not isinstance(start, dt.datetime) or not isinstance(end, dt.datetime):
        return "—"
    return duration_words((end - start).total_seconds())
