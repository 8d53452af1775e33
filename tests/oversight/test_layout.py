"""What keeps the oversight screens readable: the delay audit's chosen filters in full, officials named
family name first, charts that print numbers as Vietnamese does and keep cut labels whole in a tooltip."""
import pytest
from django.urls import reverse
from django.utils import translation

from onestop.oversight import charts
from tests import factories as f

pytestmark = pytest.mark.django_db
MARCH = {"kind": "month", "year": 2026, "number": 3}


def test_the_delay_audit_names_the_chosen_filters_in_full(client, march):
    w = march.world
    name = "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu cho hộ gia đình, cá nhân đang sử dụng đất " * 2
    proc = f.procedure(code="1.012345", name=name.strip(), level_code="commune")
    official = f.user("huong", "specialist", [w.justice], first_name="Thị Thanh Hương", last_name="Nguyễn")
    client.force_login(w.supervisor)
    response = client.get(reverse("oversight:delays"), {**MARCH, "procedure": proc.pk, "official": official.pk})
    assert response.status_code == 200
    assert response.context["active_filters"] == [("Thủ tục", f"1.012345 – {name.strip()}"),
                                                  ("Cán bộ", "Nguyễn Thị Thanh Hương")]
    content = response.content.decode()
    assert "Nguyễn Thị Thanh Hương</option>" in content
    assert 'class="ov-scroll"' in content  # wide tables scroll in their own box, not the page


def test_the_late_steps_export_names_the_official_family_name_first(client, march):
    w = march.world
    w.specialist.first_name, w.specialist.last_name = "Văn Tạo", "Minh"
    w.specialist.save()
    client.force_login(w.supervisor)
    response = client.get(reverse("oversight:delays"), {**MARCH, "list": "tasks", "export": "csv"})
    content = b"".join(response.streaming_content)
    assert "Minh Văn Tạo" in content.decode("utf-8-sig")


def test_chart_numbers_use_the_languages_decimal_mark():
    with translation.override("vi"):
        assert charts.number(57.14) == "57,1" and charts.number(100.0) == "100" and charts.number(1234.5) == "1.234,5"
        svg = charts.line([("T1", 57.14), ("T2", None)], "Tỷ lệ")
        assert "57,1%" in svg
    with translation.override("en"):
        assert charts.number(57.14) == "57.1"


def test_a_long_chart_label_is_cut_and_keeps_its_full_text():
    name = "Công chức Tư pháp – Hộ tịch xã Bình Lư, huyện Tam Đường, tỉnh Lai Châu"
    svg = charts.hbars([(name, 12.5)], "Giờ vượt")
    assert f"<title>{name}</title>" in svg
    assert "…</text>" in svg


def test_bar_labels_too_wide_for_their_slot_are_slanted():
    many = [(f"Xã Mường Khoa số {i}", 70.0) for i in range(10)]
    assert "rotate(-35" in charts.bars(many, "Tỷ lệ", target=68)
    assert "rotate(" not in charts.bars([("Bình Lư", 70.0), ("Bản Bo", 60.0)], "Tỷ lệ", target=68)


def test_month_labels_are_short_with_the_full_month_in_a_tooltip():
    svg = charts.line([(("T3", "Tháng 3/2026"), 57.1)], "Tỷ lệ")
    assert "<title>Tháng 3/2026</title>" in svg and ">T3</text>" in svg
