"""Receiving regardless of administrative boundary (NĐ 118/2025 Art. 14): the counter of commune A
receives for commune B; B's agencies handle it, A's counter (or the chosen return point) returns it,
figures count it for B and the boundless receipt for A's counter. Refused on the old rules."""
import pytest

from reporting import metrics, rollups
from reporting.periods import Period
from tests import factories as f
from tests.world import at
from workflows import access, services
from workflows.errors import InvalidInput
from workflows.models import Dossier, WorkItem
from workflows.statuses import Status

pytestmark = pytest.mark.django_db


def _receive_for(w, unit, *, now=None, procedure=None, return_agency=None):
    procedure = procedure or w.commune_proc
    return services.receive(
        actor=w.clerk, procedure=procedure, agency=w.counter,
        applicant=services.Applicant(name="Lò Văn Thành", id_number="011223344556", phone="0987654321"),
        document_ids=[d.pk for d in procedure.documents.filter(is_mandatory=True)],
        competent_unit=unit, return_agency=return_agency, now=now or at(2026, 3, 2, 9),
    ).dossier


def test_a_dossier_received_for_another_commune_is_handled_there_and_returned_here(commune_b):
    w = commune_b
    d = _receive_for(w, w.other_commune)
    assert (d.receiving_agency, d.competent_unit, d.return_agency) == (w.counter, w.other_commune, w.counter)
    assert d.received_out_of_area and d.unit_path == w.other_commune.path
    item = WorkItem.objects.open_for(d).get()
    assert item.agency == w.b_justice  # routed to the competent unit's agency, not the receiving one

    assert not access.dossiers_for(w.specialist).filter(pk=d.pk).exists()
    assert access.dossiers_for(w.b_specialist).filter(pk=d.pk).exists()
    assert access.dossiers_for(w.clerk).filter(pk=d.pk).exists()  # the receiving counter sees its part
    assert not access.dossiers_for(w.other_clerk).filter(pk=d.pk).exists()

    d = services.start_processing(d, actor=w.b_specialist, now=at(2026, 3, 2, 10))
    d = services.complete_step(d, actor=w.b_specialist, now=at(2026, 3, 2, 11))
    assert WorkItem.objects.open_for(d).get().agency == w.b_pc
    d = services.decide(d, actor=w.b_leader, outcome="granted", now=at(2026, 3, 3, 9))
    assert WorkItem.objects.open_for(d).get().agency == w.counter  # the result comes back to the chosen point
    d = services.return_result(d, actor=w.clerk, collected_by="Lò Văn Thành", now=at(2026, 3, 4, 9))
    assert d.status == Status.RETURNED


def test_the_result_goes_to_the_return_point_the_citizen_chose(commune_b):
    w = commune_b
    d = _receive_for(w, w.other_commune, return_agency=w.other_counter)
    assert access.dossiers_for(w.other_clerk).filter(pk=d.pk).exists()  # the returning counter sees it
    d = services.complete_step(d, actor=w.b_specialist, now=at(2026, 3, 2, 11))
    d = services.decide(d, actor=w.b_leader, outcome="granted", now=at(2026, 3, 3, 9))
    assert WorkItem.objects.open_for(d).get().agency == w.other_counter
    d = services.return_result(d, actor=w.other_clerk, collected_by="Lò Văn Thành", now=at(2026, 3, 4, 9))
    assert d.status == Status.RETURNED


def test_figures_count_the_competent_unit_and_the_boundless_receipt_counts_for_the_receiving_counter(commune_b):
    w = commune_b
    _receive_for(w, w.other_commune)
    _receive_for(w, w.other_commune)
    _receive_for(w, None)  # an own-commune dossier
    period = Period.of("month", 2026, 3)
    rows = {r["competent_unit"]: r["received"] for r in
            metrics.counts([w.commune.pk, w.other_commune.pk], period, ["competent_unit"], now=at(2026, 3, 31, 17))}
    assert rows == {w.commune.pk: 1, w.other_commune.pk: 2}
    expected = [{"agency_id": w.counter.pk, "name": w.counter.name, "received": 3, "boundless": 2, "share": 66.67}]
    assert metrics.boundless_receipts([w.commune.pk, w.other_commune.pk], period) == expected
    # the same from the rollups, once they cover the month (a quarter's receipts live cost seconds at 10M)
    rollups.refresh(now=at(2026, 4, 2))
    assert rollups.covers(period)
    assert metrics.boundless_receipts([w.commune.pk, w.other_commune.pk], period) == expected
    assert metrics.boundless_receipts([w.other_commune.pk], period) == []  # counted where received


@pytest.mark.parametrize("case", ["not_listed", "before_reform", "other_province", "wrong_level"])
def test_receiving_for_another_unit_is_refused_where_the_law_does_not_allow_it(commune_b, case):
    w = commune_b
    unit, now = w.other_commune, at(2026, 3, 2, 9)
    if case == "not_listed":
        w.commune_proc.boundless_receipt = False
        w.commune_proc.save(update_fields=["boundless_receipt"])
    elif case == "before_reform":
        now = at(2025, 6, 30, 9)
    elif case == "other_province":
        unit = f.unit("Xã khác tỉnh", "commune", parent=f.unit("Điện Biên", "province", code="11"), code="03100")
    else:
        unit = w.district
    with pytest.raises(InvalidInput):
        _receive_for(w, unit, now=now)
    assert not Dossier.objects.exists()


def test_the_first_day_of_the_reform_allows_what_the_day_before_refused(commune_b):
    w = commune_b
    with pytest.raises(InvalidInput):
        _receive_for(w, w.other_commune, now=at(2025, 6, 30, 16))
    d = _receive_for(w, w.other_commune, now=at(2025, 7, 1, 8))
    assert d.competent_unit == w.other_commune


def test_an_interlinked_receipt_carries_the_first_units_appointment_before_the_whole(world):
    d = services.receive(
        actor=world.clerk, procedure=world.linked_proc, agency=world.counter,
        applicant=services.Applicant(name="Nguyễn Văn An"), now=at(2026, 3, 2, 9),
        document_ids=[doc.pk for doc in world.linked_proc.documents.filter(is_mandatory=True)],
    ).dossier
    assert d.receiving_unit_due_at is not None and d.receiving_unit_due_at < d.due_at
