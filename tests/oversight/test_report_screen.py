"""The periodic report on screen and in its downloads: the two-level heading, the CSV's qualified names."""
import csv
import io
from html.parser import HTMLParser

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
MARCH = {"kind": "month", "year": 2026, "number": 3}


class _Rows(HTMLParser):
    """The report table's rows: (section, [(tag, attributes, text)])."""

    def __init__(self):
        super().__init__()
        self.rows, self.section, self.inside, self.cell = [], None, False, None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("class", "ov-report") in attrs:
            self.inside = True
        elif self.inside and tag in ("thead", "tbody"):
            self.section = tag
        elif self.inside and tag == "tr":
            self.rows.append((self.section, dict(attrs), []))
        elif self.inside and tag in ("th", "td"):
            self.cell = [tag, dict(attrs), ""]
            self.rows[-1][2].append(self.cell)

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif tag in ("th", "td"):
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[2] += data


def test_the_report_screen_has_a_two_level_heading(client, march):
    client.force_login(march.world.supervisor)
    response = client.get(reverse("oversight:report"), MARCH)
    assert response.status_code == 200
    content = response.content.decode()
    parser = _Rows()
    parser.feed(content)
    top, leaves = [cells for section, _attrs, cells in parser.rows if section == "thead"]
    cells = [(text, attrs.get("colspan"), attrs.get("rowspan")) for _tag, attrs, text in top]
    assert cells == [("Đơn vị", None, "2"), ("Lĩnh vực", None, "2"), ("Số hồ sơ nhận giải quyết", "4", None),
                     ("Số hồ sơ đã giải quyết", "4", None), ("Số hồ sơ đang giải quyết", "3", None),
                     ("Rút, dừng, từ chối", "2", None)]
    assert [text for _tag, _attrs, text in leaves][:5] == [
        "Tổng số", "Kỳ trước chuyển qua", "Trực tuyến", "Trực tiếp, bưu chính", "Tổng số"]
    assert "Tháng 3/2026 (từ ngày 01/03/2026 đến ngày 31/03/2026)</caption>" in content
    total = next([text for _tag, _a, text in cells]
                 for _s, attrs, cells in parser.rows if attrs.get("class") == "total")
    assert total == ["Tổng cộng", "", "11", "1", "1", "9", "7", "2", "2", "3", "3", "1", "2", "1", "1"]


def test_the_report_exports_a_csv_with_one_qualified_heading_row(client, march):
    client.force_login(march.world.supervisor)
    response = client.get(reverse("oversight:report"), {**MARCH, "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-thang-3-2026.csv"'
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = lines[0]
    assert len(header) == len(set(header)) == 15
    assert "Số hồ sơ đã giải quyết: Quá hạn" in header and "Số hồ sơ đang giải quyết: Quá hạn" in header
    assert lines[-1] == ["Tổng cộng", "", "11", "1", "1", "9", "7", "2", "2", "3", "3", "1", "2", "1", "1"]


def test_the_report_pdf_names_who_drew_it_up_family_name_first(client, march):
    from pypdf import PdfReader

    supervisor = march.world.supervisor
    supervisor.first_name, supervisor.last_name = "Văn Tạo", "Minh"
    supervisor.save()
    client.force_login(supervisor)
    response = client.get(reverse("oversight:report"), {**MARCH, "export": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert "Minh Văn Tạo" in text


def test_an_unknown_export_format_is_refused(client, march):
    client.force_login(march.world.supervisor)
    assert client.get(reverse("oversight:report"), {**MARCH, "export": "doc"}).status_code == 400
