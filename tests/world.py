"""A small province for tests (the `world` fixture, registered in tests/conftest.py).

A province, a district and two communes, with the agencies a commune → district → province
procedure needs, and one user per role.
"""
import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from procedures.models import Agency
from tests import factories as f
from workflows import services
from workflows.roles import ensure_role_groups

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, m, d, hh=9, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=VN)


@pytest.fixture
def world(db):
    ensure_role_groups()
    province = f.unit("Lai Châu", "province", code="12")
    district = f.unit("Tam Đường", "district", parent=province, code="106")
    commune = f.unit("Bình Lư", "commune", parent=district, code="03424")
    other_commune = f.unit("Bản Bo", "commune", parent=district, code="03430")
    w = SimpleNamespace(province=province, district=district, commune=commune, other_commune=other_commune)
    w.counter = f.agency(commune, "one_stop", "Bộ phận Một cửa xã Bình Lư", "000.01.06.H29")
    w.pc = f.agency(commune, "people_committee", "UBND xã Bình Lư", "000.02.06.H29")
    w.justice = f.agency(commune, "justice", "Công chức Tư pháp – Hộ tịch xã Bình Lư", "000.03.06.H29")
    w.other_counter = f.agency(other_commune, "one_stop", "Bộ phận Một cửa xã Bản Bo", "000.04.06.H29")
    f.agency(other_commune, "people_committee", "UBND xã Bản Bo", "000.05.06.H29")
    f.agency(other_commune, "justice", "Tư pháp xã Bản Bo", "000.06.06.H29")
    w.district_counter = f.agency(district, "one_stop", "Bộ phận Một cửa huyện Tam Đường", "000.00.16.H29")
    w.district_pc = f.agency(district, "people_committee", "UBND huyện Tam Đường", "000.00.17.H29")
    w.land = f.agency(district, "land_registration", "Chi nhánh VP ĐKĐĐ Tam Đường", "000.00.18.H29")
    w.province_pc = f.agency(province, "people_committee", "UBND tỉnh Lai Châu", "000.00.00.H29")
    w.tax = f.agency(province, "tax", "Cục Thuế tỉnh", "000.00.01.H29")

    w.clerk = f.user("clerk", "clerk", [w.counter])
    w.clerk2 = f.user("clerk2", "clerk", [w.counter])
    w.specialist = f.user("specialist", "specialist", [w.justice])
    w.leader = f.user("leader", "leader", [w.pc])
    w.other_clerk = f.user("other_clerk", "clerk", [w.other_counter])
    w.district_clerk = f.user("district_clerk", "clerk", [w.district_counter])
    w.land_specialist = f.user("land_specialist", "specialist", [w.land])
    w.district_leader = f.user("district_leader", "leader", [w.district_pc])
    w.tax_specialist = f.user("tax_specialist", "specialist", [w.tax])
    w.province_leader = f.user("province_leader", "leader", [w.province_pc])
    w.supervisor = f.user("district_supervisor", "supervisor", [w.district_pc], supervised_unit=district)

    w.commune_proc = f.procedure(
        code="1.004873", name="Cấp Giấy xác nhận tình trạng hôn nhân", level_code="commune",
        time_limit_value=3, time_limit_unit="working_days",
        steps=[("Thẩm định hồ sơ", 0, "justice", "specialist", 70),
               ("Ký giấy xác nhận", 0, "people_committee", "leader", 30)],
        documents=[("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", True), ("Giấy tờ khác", False)],
    )
    w.linked_proc = f.procedure(
        code="9.000001", name="Liên thông đăng ký đất đai", level_code="commune", is_interlinked=True,
        time_limit_value=10, time_limit_unit="working_days",
        steps=[("Xác nhận của xã", 0, "justice", "specialist", 20),
               ("Thẩm tra hồ sơ địa chính", 1, "land_registration", "specialist", 40),
               ("Xác định nghĩa vụ tài chính", 2, "tax", "specialist", 20),
               ("Ký quyết định", 2, "people_committee", "leader", 20)],
    )
    return w


@pytest.fixture
def commune_b(world):
    """Bản Bo's specialist and leader, and the procedure listed as received regardless of boundary."""
    world.b_justice = Agency.objects.get(name="Tư pháp xã Bản Bo")
    world.b_pc = Agency.objects.get(name="UBND xã Bản Bo")
    world.b_specialist = f.user("b_specialist", "specialist", [world.b_justice])
    world.b_leader = f.user("b_leader", "leader", [world.b_pc])
    world.commune_proc.boundless_receipt = True
    world.commune_proc.save(update_fields=["boundless_receipt"])
    return world


def receive(w, procedure=None, *, now=None, clerk=None, agency=None, name="Nguyễn Văn An"):
    procedure = procedure or w.commune_proc
    return services.receive(
        actor=clerk or w.clerk, procedure=procedure, agency=agency or w.counter,
        applicant=services.Applicant(name=name, id_number="012345678901", phone="0912345678"),
        document_ids=[d.pk for d in procedure.documents.filter(is_mandatory=True)],
        now=now or at(2026, 3, 2, 9),
    ).dossier
