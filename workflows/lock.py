"""The flow lock: the dossier's process row, locked inside the caller's transaction.

viewflow's stock `select_for_update_lock` uses NOWAIT and retries with sleeps of up to
seconds; a blocking row lock instead queues the second writer, which then re-reads the
task and gets a clean conflict error. SQLite serialises writers by itself.
"""
from contextlib import contextmanager

from django.db import connection, transaction


class ProcessRowLock:
    sql = "SELECT 1 FROM viewflow_process WHERE id = %s FOR UPDATE"

    @contextmanager
    def __call__(self, flow_class, process_pk):
        if connection.in_atomic_block:  # our services: one transaction, no savepoint round trips
            lock_process(process_pk)
            yield
            return
        with transaction.atomic():
            lock_process(process_pk)
            yield


process_row_lock = ProcessRowLock()


def lock_process(process_pk):
    """Take the lock inside an already open transaction (the services' single atomic)."""
    assert connection.in_atomic_block, "lock_process needs a transaction"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(ProcessRowLock.sql, [process_pk])


def lock_clause(queryset):
    """Lock the process row in the same statement that loads the work item (PostgreSQL).

    Rows of the joined tables may be a pre-lock snapshot after a wait: the dossier UPDATE is
    filtered on the status and event count it read, so a stale read fails as a conflict.
    """
    if connection.vendor == "postgresql":
        return queryset.select_for_update(of=("process",))
    return queryset
