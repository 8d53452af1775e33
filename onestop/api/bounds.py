"""Bounds of the API's inputs: a value past them is a 400, never a database overflow (a 500)."""
import django_filters
from django.core.exceptions import ValidationError
from django.utils.functional import lazy

from workflows import deadlines

MAX_ID = 2**63 - 1  # the largest bigint primary key on PostgreSQL and SQLite


def id_filter(field_name: str, **kwargs) -> django_filters.NumberFilter:
    """A filter on a primary key: a whole number the database can hold."""
    return django_filters.NumberFilter(field_name=field_name, min_value=0, max_value=MAX_ID, decimal_places=0,
                                       **kwargs)


# For DRF's own "overflow" error (a date-time past year 9999 once put in our time zone).
WINDOW_MESSAGE = lazy(deadlines.window_message, str)()


def in_window(value) -> None:
    """A validator (forms, filters and serializers alike) for the days anyone may type,
    workflows.deadlines.FIRST_DAY..LAST_DAY: 9999-12-31 plus a day overflows (a 500)."""
    if value is not None and not deadlines.in_window(value):
        raise ValidationError(deadlines.window_message(), code="out_of_window")


def date_filter(**kwargs) -> django_filters.DateFilter:
    """A date filter within the window."""
    return django_filters.DateFilter(validators=[in_window], **kwargs)
