"""The oversight screens: who may open them, what scope they show, and their query budgets."""
import io
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.world import at, receive
from workflows.models import Dossier

pytestmark = pytest.mark.django_db
MARCH = {"kind": "month", "year": 2026, "number": 3}
SCREENS = ["index", "delays", "attribution", "report", "definitions"]


@pytest.mark.parametrize("name", SCREENS)
def test_a_commune_clerk_cannot_open_oversight(client, world, name):
    client.force_login(world.clerk)
    assert client.get(reverse(f"oversight:{name}")).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, world):
    response = client.get(reverse("oversight:index"))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("name", SCREENS)
def test_a_district_supervisor_opens_every_screen(client, march, name):
    client.force_login(march.world.supervisor)
    response = client.get(reverse(f"oversight:{name}"), MARCH)
    assert response.status_code == 200


def _other_district(world):
    other = f.unit("Phong Thổ", "district", parent=world.province, code="107")
    commune = f.unit("Mường So", "commune", parent=other, code="03500")
    counter = f.agency(commune, "one_stop", "Bộ phận Một cửa xã Mường So", "000.09.01.H29")
    f.agency(commune, "justice", "Tư pháp xã Mường So", "000.09.02.H29")
    f.agency(commune, "people_committee", "UBND xã Mường So", "000.09.03.H29")
    clerk = f.user("muong_so_clerk", "clerk", [counter])
    return other, receive(world, now=at(2026, 3, 2, 9), clerk=clerk, agency=counter, name="Ngoài phạm vi")


def test_a_district_supervisor_sees_only_their_district_and_its_communes(client, march):
    w = march.world
    other, outsider = _other_district(w)
    client.force_login(w.supervisor)
    delays = client.get(reverse("oversight:delays")).content.decode()
    assert march.G.code in delays  # overdue in Bình Lư
    assert outsider.code not in delays
    report = client.get(reverse("oversight:report"), MARCH).context["report"]
    assert report.totals["total"] == 11  # Bình Lư's March only
    assert client.get(reverse("oversight:dossier", args=[outsider.pk])).status_code == 404
    # choosing a unit outside the subtree is a form error, not someone else's data
    response = client.get(reverse("oversight:index"), {**MARCH, "unit": other.pk})
    assert response.status_code == 400
    assert response.context["unit"] == w.district


def test_a_commune_chosen_within_the_district_narrows_the_figures(client, march):
    client.force_login(march.world.supervisor)
    response = client.get(reverse("oversight:index"), {**MARCH, "unit": march.world.other_commune.pk})
    assert response.status_code == 200
    assert response.context["summary"]["received"] == 0
    response = client.get(reverse("oversight:index"), {**MARCH, "unit": march.world.commune.pk})
    assert response.context["summary"]["received"] == 10


def test_bad_period_input_is_a_clear_form_error(client, march):
    client.force_login(march.world.supervisor)
    response = client.get(reverse("oversight:index"), {"kind": "quarter", "year": 2026, "number": 7})
    assert response.status_code == 400
    assert "không hợp lệ" in response.content.decode()
    assert client.get(reverse("oversight:delays"), {"export": "doc"}).status_code == 400


_codes = itertools.count(1)


def _bulk_dossiers(world, n):
    """Volume for the query-count test: rows inserted directly, bypassing the services on purpose
    (a query count cannot depend on how the rows were made, and 1,000 service calls would be slow)."""
    start = at(2026, 3, 2, 9)
    rows = []
    for i in range(n):
        received = start + timezone.timedelta(hours=i % 200)
        rows.append(Dossier(
            code=f"BULK-{next(_codes):07d}", procedure=world.commune_proc, receiving_agency=world.counter,
            receiving_unit=world.commune, competent_unit=world.commune, return_agency=world.counter,
            unit_path=world.commune.path, channel="online" if i % 3 else "counter",
            applicant_name="Bulk", status="returned" if i % 2 else "processing", received_at=received,
            due_at=received + timezone.timedelta(days=3), original_due_at=received + timezone.timedelta(days=3),
            resolved_at=received + timezone.timedelta(days=i % 5) if i % 2 else None,
            returned_at=received + timezone.timedelta(days=i % 5) if i % 2 else None,
            closed_at=received + timezone.timedelta(days=i % 5) if i % 2 else None,
            lookup_secret_hash="x",
        ))
    Dossier.objects.bulk_create(rows)


def _queries(client, name, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(f"oversight:{name}"), params)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("name", ["index", "delays", "attribution", "report"])
def test_the_query_count_does_not_grow_with_the_number_of_dossiers(client, world, name):
    client.force_login(world.supervisor)
    _bulk_dossiers(world, 10)
    _queries(client, name, MARCH)  # warm the session and caches
    with_10 = _queries(client, name, MARCH)
    _bulk_dossiers(world, 990)
    with_1000 = _queries(client, name, MARCH)
    assert with_10 == with_1000
    assert Dossier.objects.count() == 1000


def test_the_delay_lists_export_to_xlsx_and_csv(client, march):
    from openpyxl import load_workbook

    client.force_login(march.world.supervisor)
    url = reverse("oversight:delays")
    xlsx = client.get(url, {"list": "overdue", "export": "xlsx"})
    assert xlsx["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert march.G.code in codes and march.J.code in codes
    csv = b"".join(client.get(url, {"list": "tasks", "export": "csv"}).streaming_content).decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("Mã hồ sơ")
    assert march.G.code in csv  # its open first step is past its due time
    attribution = client.get(reverse("oversight:attribution"), {**MARCH, "by": "official", "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(attribution.content)).active.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2]) for r in rows] == [("leader", 4), ("specialist", 1)]


def test_a_dossier_page_shows_its_delay_breakdown_and_scores(client, march):
    client.force_login(march.world.supervisor)
    response = client.get(reverse("oversight:dossier", args=[march.D.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cần xác minh thêm" in html  # the extension and its reason
    assert response.context["scores"]["i1"] == 0
    assert 'data-score="i2">0' in html
