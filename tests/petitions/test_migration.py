"""The move keeps the table and its rows: a complaint recorded before it becomes a petition of the
dossier's receiving agency, in the state it was in."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.world import at, receive

BEFORE = [("workflows", "0020_vneid_and_sync"), ("petitions", None)]


@pytest.mark.django_db(transaction=True)
def test_rows_recorded_before_the_move_survive_it(world):
    d = receive(world, now=at(2026, 3, 2, 9))
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE[:1]).apps
    Complaint = old.get_model("workflows", "Complaint")
    open_one = Complaint.objects.create(dossier_id=d.pk, text="Chậm", received_at=at(2026, 3, 3, 9))
    closed = Complaint.objects.create(dossier_id=d.pk, text="Sai", received_at=at(2026, 3, 3, 9),
                                      resolved_at=at(2026, 3, 4, 9), unsubstantiated=True)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(latest)

    from petitions.models import Petition

    rows = {p.pk: p for p in Petition.objects.all()}
    assert (rows[open_one.pk].agency_id, rows[open_one.pk].state) == (world.counter.pk, "received")
    assert (rows[closed.pk].state, rows[closed.pk].unsubstantiated) == ("answered", True)
    assert {p.dossier_id for p in rows.values()} == {d.pk}
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM workflows_complaint")
        assert cursor.fetchone()[0] == 2
