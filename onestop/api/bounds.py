"""Bounds of the API's inputs: a value past them is a 400, never a database overflow (a 500)."""
import django_filters

MAX_ID = 2**63 - 1  # the largest bigint primary key on PostgreSQL and SQLite


def id_filter(field_name: str, **kwargs) -> django_filters.NumberFilter:
    """A filter on a primary key: a whole number the database can hold."""
    return django_filters.NumberFilter(field_name=field_name, min_value=0, max_value=MAX_ID, decimal_places=0,
                                       **kwargs)
