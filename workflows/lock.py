"""The flow lock: the dossier's process row, locked inside the caller's transaction.

viewflow's stock `select_for_update_lock` uses NOWAIT and retries with sleeps of up to
seconds; a blocking row lock instead queues the second writer, which then re-reads the
task and gets a clean conflict error. SQLite serialises writers by itself.

Every action starts with `load_open_task`: the open work item, its process and its dossier in
the one statement that takes the lock. Its SQL is compiled by the ORM once per connection and
reused (building and compiling that three-table query cost more than running it).
"""
from contextlib import contextmanager
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models.query import get_related_populators


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


def open_task_queryset(process_id):
    """The dossier's open human work item with its process, dossier and calendar revision, locked."""
    from procedures.models import CalendarRevision

    from .models import WorkItem

    queryset = lock_clause(
        WorkItem.objects.open_for(SimpleNamespace(process_id=process_id)).select_related("process__dossier")
        .annotate(calendar_revision=CalendarRevision.subquery())  # read with the task: no extra query
    )
    return (queryset if queryset.ordered else queryset.order_by("pk"))[:1]  # as .first()


# Placeholder the SQL is compiled with (never a real process id).
_PROCESS = -7_000_003


class _CompiledLoad:
    """`open_task_queryset` compiled once: its SQL, and how a row becomes the three instances."""

    def __init__(self, conn):
        compiler = open_task_queryset(_PROCESS).query.get_compiler(connection=conn)
        self.sql, params = compiler.as_sql()
        assert list(params).count(_PROCESS) == 1, "the process id must be one SQL parameter"
        self.params = list(params)
        self.slot = self.params.index(_PROCESS)
        self.compiler = compiler  # its select list and converters turn rows into Python values
        info = compiler.klass_info
        self.model = info["model"]
        self.start, self.end = info["select_fields"][0], info["select_fields"][-1] + 1
        self.init_list = [col[0].target.attname for col in compiler.select[self.start:self.end]]
        self.populators = get_related_populators(info, compiler.select, conn.alias)
        self.annotations = dict(compiler.annotation_col_map)


def load_open_task(process_id):
    """`open_task_queryset(process_id).first()`, from the SQL compiled for this connection."""
    compiled = getattr(connection, "_onestop_open_task_load", None)
    if compiled is None:
        compiled = connection._onestop_open_task_load = _CompiledLoad(connection)
    params = list(compiled.params)
    params[compiled.slot] = process_id
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchmany(1)
    for row in compiled.compiler.results_iter([rows]):
        task = compiled.model.from_db(connection.alias, compiled.init_list, row[compiled.start:compiled.end])
        for populator in compiled.populators:
            populator.populate(row, task)
        for name, position in compiled.annotations.items():
            setattr(task, name, row[position])
        return task
    return None
