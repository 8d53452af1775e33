"""Item 2: one search box finds any dossier the clerk may see; a list with filters and pages."""
import pytest
from django.urls import reverse

from tests.counter.conftest import submit_online
from tests.world import receive
from workflows import codes, services
from workflows.models import Dossier

pytestmark = pytest.mark.django_db


def find(client, q):
    return client.get(reverse("counter:find"), {"q": q})


def listed(client, **params):
    response = client.get(reverse("counter:dossiers"), params)
    assert response.status_code == 200
    return [d.code for d in response.context["rows"]]


def test_a_whole_code_or_a_scanned_receipt_opens_the_dossier(clerk_client, world, frozen_now):
    dossier = receive(world, now=frozen_now)
    page = reverse("counter:dossier", args=[dossier.pk])
    assert find(clerk_client, dossier.code.lower())["Location"] == page
    assert find(clerk_client, f"  {dossier.code} ")["Location"] == page
    # the receipt's QR code holds the status page's link with the code signed in it
    assert find(clerk_client, codes.lookup_url(dossier))["Location"] == page


def test_a_forged_receipt_link_opens_nothing(clerk_client, world, frozen_now):
    dossier = receive(world, now=frozen_now)
    forged = codes.lookup_url(dossier)[:-3] + "xyz"
    response = clerk_client.get(reverse("counter:find"), {"q": forged}, follow=True)
    assert response.context["rows"] == []


def test_part_of_a_code_a_name_without_accents_a_phone_or_an_id_number_lists_the_dossier(clerk_client, world,
                                                                                         frozen_now):
    an = receive(world, now=frozen_now, name="Nguyễn Văn An")
    hoa = submit_online(world, name="Trần Thị Hoà")
    assert listed(clerk_client, q=an.code[-8:]) == [an.code]
    assert listed(clerk_client, q="nguyen van an") == [an.code]
    assert listed(clerk_client, q="TRAN hoa") == [hoa.code]
    assert listed(clerk_client, q="Đặng") == []
    assert listed(clerk_client, q="0912 345 678") == [an.code]
    assert listed(clerk_client, q="+84912345678") == [an.code]
    assert listed(clerk_client, q="012345678901") == [an.code]


def test_a_name_search_lists_and_does_not_jump(clerk_client, world, frozen_now):
    receive(world, now=frozen_now, name="Nguyễn Văn An")
    response = find(clerk_client, "van an")
    assert response["Location"].startswith(reverse("counter:dossiers"))


def test_results_are_scoped_to_what_the_clerk_may_see(client, world, frozen_now):
    ours = receive(world, now=frozen_now, name="Nguyễn Văn An")
    theirs = receive(world, now=frozen_now, name="Nguyễn Văn An", clerk=world.other_clerk, agency=world.other_counter)
    client.force_login(world.clerk)
    assert listed(client, q="nguyen") == [ours.code]
    assert find(client, theirs.code)["Location"].startswith(reverse("counter:dossiers"))
    client.force_login(world.other_clerk)
    assert listed(client, q="nguyen") == [theirs.code]


def test_filters_and_pages(clerk_client, world, frozen_now, monkeypatch):
    from onestop.counter import views

    monkeypatch.setattr(views, "LIST_PAGE", 2)
    received = [receive(world, now=frozen_now, name=f"Người {n}") for n in range(3)]
    online = submit_online(world)
    newest_first = [d.code for d in sorted([*received, online], key=lambda d: (d.created_at, d.pk), reverse=True)]
    assert listed(clerk_client) == newest_first[:2]
    assert listed(clerk_client, page=2) == newest_first[2:]
    assert listed(clerk_client, status="submitted") == [online.code]
    assert listed(clerk_client, channel="online") == [online.code]
    day = frozen_now.date().isoformat()
    assert len(listed(clerk_client, date_from=day, date_to=day)) == 2
    response = clerk_client.get(reverse("counter:dossiers"), {"page": 2})
    assert response.context["total"] == 4 and not response.context["has_next"]
    assert "Trang 2" in response.content.decode()


def test_names_are_folded_when_the_dossier_is_created(world, frozen_now):
    dossier = services.receive(
        actor=world.clerk, procedure=world.commune_proc, agency=world.counter,
        applicant=services.Applicant(name="Đặng Thị Ánh", capacity="legal_rep", subject_name="Công ty Đông Á"),
        document_ids=[d.pk for d in world.commune_proc.documents.filter(is_mandatory=True)], now=frozen_now,
    ).dossier
    assert Dossier.objects.get(pk=dossier.pk).applicant_search == "dang thi anh cong ty dong a"


def test_the_desk_inbox_shows_the_applicant_and_searches(client, world, frozen_now):
    an = receive(world, now=frozen_now, name="Nguyễn Văn An")
    hoa = receive(world, now=frozen_now, name="Trần Thị Hoa")
    client.force_login(world.specialist)
    page = client.get(reverse("desk:index")).content.decode()
    assert "Nguyễn Văn An" in page and "Trần Thị Hoa" in page
    found = client.get(reverse("desk:index"), {"q": "tran thi"})
    rows = [item.dossier.code for name in ("inbox", "queue", "others") for item in found.context[name]]
    assert rows == [hoa.code]
    assert an.code not in found.content.decode()
