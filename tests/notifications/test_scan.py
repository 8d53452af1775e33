"""The deadline scan: at-risk and overdue work, the assignee and the unit's supervisor told once per crossing."""
import pytest
from django.core import mail
from django.core.management import call_command

from notifications import scan
from notifications.models import DeadlineAlert, Notification
from tests.world import at
from workflows import services
from workflows.models import WorkItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_emails(world):
    for user in (world.specialist, world.leader, world.supervisor):
        user.email = f"{user.username}@laichau.gov.vn"
        user.save()
    return world


def staff_messages():
    return list(Notification.objects.filter(event__isnull=True).order_by("recipient")
                .values_list("recipient", "subject"))


def open_item(dossier):
    return WorkItem.objects.get(process_id=dossier.process_id, status__in=["NEW", "ASSIGNED"], flow_task_type="HUMAN")


def test_an_overdue_step_alerts_its_assignee_and_the_supervisor_once_however_often_the_scan_runs(
        receipt, staff_emails, django_capture_on_commit_callbacks):
    item = open_item(receipt.dossier)
    late = at(2026, 3, 20, 10)
    assert item.due_at < late
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        first = scan.run(now=late)
        second = scan.run(now=late)
        third = scan.run(now=at(2026, 4, 1, 10))
    assert first == {"items_at_risk": 0, "items_overdue": 1, "dossiers_at_risk": 0, "dossiers_overdue": 1}
    assert second == third == {"items_at_risk": 0, "items_overdue": 0, "dossiers_at_risk": 0, "dossiers_overdue": 0}
    assert set(DeadlineAlert.objects.values_list("work_item_id", "kind")) == {(item.pk, "overdue"), (None, "overdue")}
    code = receipt.dossier.code
    # The step's alert to its assignee and the supervisor; the appointment's alert to the supervisor.
    assert staff_messages() == [
        ("district_supervisor@laichau.gov.vn", f"Quá hạn: hồ sơ {code}"),
        ("district_supervisor@laichau.gov.vn", f"Quá hạn: hồ sơ {code}"),
        ("specialist@laichau.gov.vn", f"Quá hạn: hồ sơ {code}"),
    ]
    assert len(mail.outbox) == 3
    assert set(Notification.objects.filter(event__isnull=True).values_list("status", flat=True)) == {"sent"}


def test_a_step_entering_its_at_risk_window_is_alerted_then_again_when_overdue(receipt, staff_emails):
    item = open_item(receipt.dossier)
    assert item.at_risk_at < item.due_at
    risky = item.at_risk_at
    assert scan.run(now=risky)["items_at_risk"] == 1
    assert scan.run(now=risky)["items_at_risk"] == 0
    assert scan.run(now=at(2026, 4, 1, 10))["items_overdue"] == 1
    kinds = sorted(DeadlineAlert.objects.filter(work_item=item).values_list("kind", flat=True))
    assert kinds == ["at_risk", "overdue"]


def test_work_with_a_stopped_clock_is_not_alerted(receipt, world, staff_emails):
    services.request_supplement(receipt.dossier, actor=world.specialist, items=["Sổ hộ khẩu"],
                                now=at(2026, 3, 2, 14))
    assert scan.run(now=at(2026, 4, 1, 10)) == {
        "items_at_risk": 0, "items_overdue": 0, "dossiers_at_risk": 0, "dossiers_overdue": 0}
    assert not DeadlineAlert.objects.exists()


def test_an_unassigned_step_alerts_everyone_in_its_agency_queue(world, staff_emails):
    from tests import factories as f

    second = f.user("specialist2", "specialist", [world.justice], email="specialist2@laichau.gov.vn")
    from tests.world import receive

    dossier = receive(world)
    assert open_item(dossier).owner_id is None  # two specialists: the item waits in the queue
    scan.run(now=at(2026, 4, 1, 10))
    recipients = {r for r, _s in staff_messages()}
    assert {"specialist@laichau.gov.vn", second.email, "district_supervisor@laichau.gov.vn"} <= recipients


def test_run_periodic_runs_the_scan_once_per_call_and_is_safe_to_repeat(receipt, staff_emails, capsys):
    # Real time is long after the March deadlines of the receipt fixture.
    call_command("run_periodic")
    call_command("run_periodic")
    out = [line for line in capsys.readouterr().out.strip().splitlines() if line.startswith("supplement_expired")]
    assert out[0].startswith("supplement_expired=0, items_at_risk=0, items_overdue=1")
    assert out[1].startswith("supplement_expired=0, items_at_risk=0, items_overdue=0")
    assert DeadlineAlert.objects.count() == 2


def test_the_scan_reads_a_bounded_number_of_queries(world, staff_emails, django_assert_max_num_queries):
    from tests.world import receive

    for hour in (9, 10, 11):
        receive(world, now=at(2026, 3, 2, hour))
    scan.run(now=at(2026, 3, 2, 8))  # warm-up, nothing due yet
    with django_assert_max_num_queries(5):
        assert scan.run(now=at(2026, 3, 2, 8)) == {
            "items_at_risk": 0, "items_overdue": 0, "dossiers_at_risk": 0, "dossiers_overdue": 0}
