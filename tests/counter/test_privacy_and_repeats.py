"""Item 8: the receiving clerk sees the phone and ID number in full, logged; item 9: an action
submitted twice is answered once, never with an error page."""
import threading
import traceback

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from tests.counter.conftest import result_ready
from tests.world import receive
from workflows import services
from workflows.models import DossierEvent, PersonalDataView
from workflows.statuses import Status

pytestmark = pytest.mark.django_db


def page_of(client, app, dossier):
    return client.get(reverse(f"{app}:dossier", args=[dossier.pk])).content.decode()


def test_the_receiving_clerk_sees_the_numbers_in_full_and_the_view_is_logged(clerk_client, world, frozen_now):
    dossier = receive(world, now=frozen_now)
    page = page_of(clerk_client, "counter", dossier)
    assert "012345678901" in page and 'href="tel:0912345678"' in page
    view = PersonalDataView.objects.get(dossier=dossier)
    assert view.user == world.clerk and view.screen == "counter:dossier" and view.at == frozen_now
    assert view.fields == "applicant_id_number,applicant_phone"
    page_of(clerk_client, "counter", dossier)
    assert PersonalDataView.objects.filter(dossier=dossier).count() == 2  # each view
    assert not DossierEvent.objects.filter(dossier=dossier).exclude(action="receive").exists()  # not a change


def test_the_return_counters_clerk_sees_them_in_full_too(client, world, frozen_now):
    dossier = services.receive(
        actor=world.clerk, procedure=world.commune_proc, agency=world.counter, return_agency=world.other_counter,
        applicant=services.Applicant(name="Nguyễn Văn An", id_number="012345678901", phone="0912345678"),
        document_ids=[d.pk for d in world.commune_proc.documents.filter(is_mandatory=True)], now=frozen_now,
    ).dossier
    client.force_login(world.other_clerk)  # Bản Bo's counter, chosen as the return point
    assert client.get(reverse("counter:dossier", args=[dossier.pk])).status_code == 200
    assert "012345678901" in page_of(client, "counter", dossier)


def test_other_roles_see_them_masked_and_nothing_is_logged(client, world, frozen_now):
    dossier = receive(world, now=frozen_now)
    client.force_login(world.specialist)
    page = page_of(client, "desk", dossier)
    assert "012345678901" not in page and "0912345678" not in page
    assert "********8901" in page and "091****678" in page
    assert not PersonalDataView.objects.exists()


def test_a_repeated_return_is_answered_once(clerk_client, world, frozen_now):
    dossier = result_ready(world, now=frozen_now)
    form = {"version": dossier.event_count, "collected_by": "Nguyễn Văn An"}
    first = clerk_client.post(reverse("counter:return", args=[dossier.pk]), form)
    again = clerk_client.post(reverse("counter:return", args=[dossier.pk]), form, follow=True)
    assert first.status_code == 302 and again.redirect_chain == [(first["Location"], 302)]
    page = again.content.decode()
    assert "đã được ghi nhận lúc" in page and "không được ghi thêm" in page
    assert reverse("counter:return", args=[dossier.pk]) not in page  # nothing left to return
    assert DossierEvent.objects.filter(dossier=dossier, action="return_result").count() == 1


def test_a_repeated_claim_at_the_desk_is_answered_once(client, world, frozen_now):
    dossier = receive(world, now=frozen_now)
    client.force_login(world.specialist)
    form = {"version": dossier.event_count}
    client.post(reverse("desk:claim", args=[dossier.pk]), form)
    again = client.post(reverse("desk:claim", args=[dossier.pk]), form, follow=True)
    assert again.status_code == 200 and "không được ghi thêm" in again.content.decode()
    assert DossierEvent.objects.filter(dossier=dossier, action="start_processing").count() == 1


def test_a_busy_database_is_waited_for_then_a_message_not_an_error_page(clerk_client, world, frozen_now,
                                                                         monkeypatch):
    from onestop.screens import views as screen_views

    dossier = result_ready(world, now=frozen_now)
    monkeypatch.setattr(screen_views, "BUSY_RETRIES", (0, 0))
    attempts, real = [], services.return_result

    def locked_twice(*args, **kwargs):
        attempts.append(1)
        if len(attempts) <= 2:
            raise OperationalError("database is locked")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "return_result", locked_twice)
    form = {"version": dossier.event_count, "collected_by": "Nguyễn Văn An"}
    response = clerk_client.post(reverse("counter:return", args=[dossier.pk]), form)
    assert response.status_code == 302 and len(attempts) == 3
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED

    def always_locked(*args, **kwargs):
        raise OperationalError("database is locked")

    other = result_ready(world, now=frozen_now, name="Lò Văn Ba")
    monkeypatch.setattr(services, "return_result", always_locked)
    response = clerk_client.post(reverse("counter:return", args=[other.pk]),
                                 {"version": other.event_count, "collected_by": "Lò Văn Ba"}, follow=True)
    assert response.redirect_chain == [(reverse("counter:dossier", args=[other.pk]), 302)]
    assert "Hệ thống đang bận" in response.content.decode()
    other.refresh_from_db()
    assert other.status == Status.RESULT_READY


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite's in-memory test database locks tables for readers too; runs in CI pass 2")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_returns_record_one_and_answer_both(world, frozen_now, settings):
    """Two clerks press "return" at the same instant: one event, two answers, no 500.

    Not on the in-memory SQLite test database: its shared cache locks whole tables, for readers
    too, where a file database in WAL mode (the embedded default) lets readers read and queues the
    writers (IMMEDIATE transactions, the busy timeout)."""
    dossier = result_ready(world, now=frozen_now)
    form = {"version": dossier.event_count, "collected_by": "Nguyễn Văn An"}
    clients = []
    for clerk in (world.clerk, world.clerk2):
        c = Client(raise_request_exception=True)
        c.force_login(clerk)
        clients.append(c)
    barrier, answers = threading.Barrier(2), []

    def press(c):
        from django.db import connection
        try:
            barrier.wait()
            answers.append(c.post(reverse("counter:return", args=[dossier.pk]), form).status_code)
        except Exception:  # reported by the assertion below
            answers.append(traceback.format_exc())
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(map(str, answers)) == ["302", "302"]  # the winner's success, the other's redirect with the message
    assert DossierEvent.objects.filter(dossier=dossier, action="return_result").count() == 1
