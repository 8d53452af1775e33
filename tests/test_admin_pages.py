"""Every admin list and change page of the catalog and the engine renders (read-only where it must)."""
import io

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from notifications.models import Notification
from petitions.models import Petition
from procedures.models import CalendarDay, OfficeHours, OnestopTarget
from tests import factories as f
from tests.world import receive
from workflows import privacy, services
from workflows.models import SatisfactionRating

pytestmark = pytest.mark.django_db

APPS = ("procedures", "workflows", "notifications")


@pytest.fixture
def populated(world):
    w = world
    CalendarDay.objects.create(date="2026-02-16", kind="holiday", name="Tết")
    OfficeHours.objects.create()
    OnestopTarget.objects.create(unit=w.province, year=2026)
    dossier = services.complete_step(receive(w), actor=w.specialist)
    # Rows the services of other parts write (notifications, ratings, complaints), made directly:
    # this test is about the admin pages rendering them.
    Notification.objects.create(dossier=dossier, channel="sms", recipient="0912345678", body="Hồ sơ đã tiếp nhận",
                                idempotency_key="t:1")
    SatisfactionRating.objects.create(dossier=dossier, rating="satisfied")
    Petition.objects.create(dossier=dossier, text="Chậm trả kết quả")
    privacy.log_unmasked(w.clerk, dossier, "counter:dossier")  # a view of the numbers in full
    call_command("verify_audit", "--anchor", stdout=io.StringIO())  # an audit run and an anchor to show
    return dossier


def registered():
    return [model for model in admin.site._registry if model._meta.app_label in APPS]


def test_every_list_and_change_page_renders(client, populated):
    client.force_login(f.user("root", is_superuser=True, is_staff=True))
    assert len(registered()) >= 15
    for model in registered():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        obj = model._default_manager.first()
        assert obj is not None, f"no {opts.model_name} row to open"
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert client.get(change).status_code == 200, change


def test_the_audit_trail_cannot_be_edited_or_deleted_in_the_admin(client, populated):
    client.force_login(f.user("root", is_superuser=True, is_staff=True))
    event = populated.events.first()
    change = reverse("admin:workflows_dossierevent_change", args=[event.pk])
    delete = reverse("admin:workflows_dossierevent_delete", args=[event.pk])
    assert client.post(change, {"note": "sửa"}).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.note == ""


def test_the_catalog_search_and_filters_work(client, populated):
    client.force_login(f.user("root", is_superuser=True, is_staff=True))
    url = reverse("admin:procedures_procedure_changelist")
    response = client.get(url, {"q": "hôn nhân", "level__id__exact": populated.procedure.level_id})
    assert response.status_code == 200 and populated.procedure.code in response.content.decode()
