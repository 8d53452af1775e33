"""Item 8 on the counter's day: the counter's own dossiers list the phone and the ID number in full,
each listed dossier logged once per page view; the log itself is read-only in the admin, for
superusers and for supervisors over their units (ADR 0034)."""
import pytest
from django.test import Client
from django.urls import reverse

from procedures.models import Agency
from tests import factories as f
from tests.counter.conftest import result_ready
from tests.world import receive
from workflows import privacy, services
from workflows.models import PersonalDataView

pytestmark = pytest.mark.django_db


def day(client):
    return client.get(reverse("counter:index")).content.decode()


def test_the_counters_day_lists_its_own_dossiers_in_full_and_logs_each_once(clerk_client, world, frozen_now):
    ready = result_ready(world, now=frozen_now)  # received today and ready: in both lists
    other = receive(world, now=frozen_now, name="Lò Văn Ba")
    page = day(clerk_client)
    assert 'href="tel:0912345678">0912345678</a>' in page  # the results list: the phone, to call
    assert page.count('<span class="id-number">012345678901</span>') == 2  # the day's receipts: the ID
    assert "091****678" not in page and "********8901" not in page
    views = {v.dossier_id: v for v in PersonalDataView.objects.all()}
    assert set(views) == {ready.pk, other.pk}  # one record per listed dossier, the one listed twice once
    assert views[ready.pk].fields == "applicant_id_number,applicant_phone"
    assert views[other.pk].fields == "applicant_id_number"
    assert {(v.user, v.screen, v.at) for v in views.values()} == {(world.clerk, "counter:index", frozen_now)}
    day(clerk_client)
    assert PersonalDataView.objects.count() == 4  # each page view


def test_the_counters_other_clerk_and_the_return_counter_see_them_too(client, world, frozen_now):
    dossier = services.receive(  # the citizen collects at Bản Bo
        actor=world.clerk, procedure=world.commune_proc, agency=world.counter, return_agency=world.other_counter,
        applicant=services.Applicant(name="Nguyễn Văn An", id_number="012345678901", phone="0912345678"),
        document_ids=[d.pk for d in world.commune_proc.documents.filter(is_mandatory=True)], now=frozen_now,
    ).dossier
    services.decide(services.complete_step(dossier, actor=world.specialist, now=frozen_now), actor=world.leader,
                    outcome="granted", now=frozen_now)
    client.force_login(world.other_clerk)
    assert 'href="tel:0912345678"' in day(client)
    client.force_login(world.clerk2)
    assert '<span class="id-number">012345678901</span>' in day(client)
    assert sorted(PersonalDataView.objects.values_list("user__username", "fields")) == [
        ("clerk2", "applicant_id_number"), ("other_clerk", "applicant_phone")]


def test_a_list_shows_masked_what_the_user_may_not_see_in_full(world, frozen_now):
    dossier = receive(world, now=frozen_now)
    for user in (world.specialist, world.supervisor, world.other_clerk):
        assert privacy.unmasked_in_list(user, [(dossier, ("applicant_phone",))], "counter:index") == set()
    assert not PersonalDataView.objects.exists()
    assert privacy.unmasked_in_list(world.clerk, [(dossier, ("subject_id_number",))], "x") == {dossier.pk}
    assert not PersonalDataView.objects.exists()  # nothing to unmask: nothing to log


def _logged(world, frozen_now):
    dossier = receive(world, now=frozen_now)
    privacy.log_unmasked(world.clerk, dossier, "counter:dossier", now=frozen_now)
    return PersonalDataView.objects.get()


def test_the_log_is_read_only_for_superusers_and_the_supervisor_of_the_unit(world, frozen_now):
    view = _logged(world, frozen_now)
    changelist = reverse("admin:workflows_personaldataview_changelist")
    change = reverse("admin:workflows_personaldataview_change", args=[view.pk])
    root, supervisor = Client(), Client()
    root.force_login(f.user("root", is_superuser=True, is_staff=True))
    world.supervisor.is_staff = True
    world.supervisor.save(update_fields=["is_staff"])
    supervisor.force_login(world.supervisor)  # Tam Đường's supervisor: Bình Lư is in the district
    for c in (root, supervisor):
        page = c.get(changelist)
        assert page.status_code == 200 and "counter:dossier" in page.content.decode()
        assert c.get(change).status_code == 200
        assert c.get(reverse("admin:workflows_personaldataview_add")).status_code == 403
        assert c.post(change, {"fields": "x"}).status_code == 403
        assert c.post(reverse("admin:workflows_personaldataview_delete", args=[view.pk]),
                      {"post": "yes"}).status_code == 403
    assert "lượt xem dữ liệu cá nhân" in supervisor.get(reverse("admin:index")).content.decode().lower()
    assert PersonalDataView.objects.get() == view and view.fields == "applicant_id_number,applicant_phone"


def test_the_log_is_closed_to_another_units_supervisor_and_to_clerks(world, frozen_now):
    view = _logged(world, frozen_now)
    bo_pc = Agency.objects.get(name="UBND xã Bản Bo")
    elsewhere = Client()
    elsewhere.force_login(f.user("bo_supervisor", "supervisor", [bo_pc], supervised_unit=world.other_commune,
                                 is_staff=True))
    listing = elsewhere.get(reverse("admin:workflows_personaldataview_changelist"))
    assert listing.status_code == 200 and "counter:dossier" not in listing.content.decode()
    change = reverse("admin:workflows_personaldataview_change", args=[view.pk])
    assert elsewhere.get(change).status_code in (302, 403)
    clerk = Client()
    world.clerk.is_staff = True
    world.clerk.save(update_fields=["is_staff"])
    clerk.force_login(world.clerk)
    assert clerk.get(reverse("admin:workflows_personaldataview_changelist")).status_code == 403
