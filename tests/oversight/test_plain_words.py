"""No internal identifiers on the supervisor's pages or in their downloads' names (issue 13 item 5)."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
MARCH = {"kind": "month", "year": 2026, "number": 3}


def test_the_definitions_page_names_each_figure_in_the_officials_words(client, march):
    client.force_login(march.world.supervisor)
    page = client.get(reverse("oversight:definitions")).content.decode()
    assert "<dt id=\"resolved\">Đã giải quyết</dt>" in page
    assert "<dd>có quyết định (đồng ý hoặc từ chối giải quyết)" in page
    assert "<code>" not in page and ">pending_overdue<" not in page


@pytest.mark.parametrize(("by", "name"), [("agency", "quy-trach-nhiem-theo-co-quan"),
                                          ("step", "quy-trach-nhiem-theo-buoc"),
                                          ("official", "quy-trach-nhiem-theo-can-bo")])
def test_an_attribution_export_is_named_by_its_grouping_in_vietnamese(client, march, by, name):
    client.force_login(march.world.supervisor)
    response = client.get(reverse("oversight:attribution"), {**MARCH, "by": by, "export": "csv"})
    assert response["Content-Disposition"] == f'attachment; filename="{name}.csv"'


@pytest.mark.parametrize(("period", "name"), [(MARCH, "bao-cao-thang-3-2026"),
                                              ({"kind": "quarter", "year": 2026, "number": 1}, "bao-cao-quy-1-2026"),
                                              ({"kind": "year", "year": 2026}, "bao-cao-nam-2026")])
def test_a_report_download_is_named_by_its_period(client, march, period, name):
    client.force_login(march.world.supervisor)
    response = client.get(reverse("oversight:report"), {**period, "export": "csv"})
    assert response["Content-Disposition"] == f'attachment; filename="{name}.csv"'
