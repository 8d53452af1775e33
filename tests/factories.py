"""Plain factories for tests: small functions that build valid rows with sensible defaults.

Each accepts overrides as keyword arguments. Shared across test modules; add here rather
than building rows by hand in tests.
"""
import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from procedures.models import (
    AdministrativeUnit,
    Agency,
    AgencyKind,
    Field,
    Procedure,
    ProcedureStep,
    RequiredDocument,
    UnitLevel,
)
from workflows.models import StaffMembership

_seq = itertools.count(1)


def level(code="commune", rank=None, name=None):
    ranks = {"province": 0, "district": 1, "commune": 2}
    obj, _ = UnitLevel.objects.get_or_create(
        code=code, defaults={"rank": ranks.get(code, 9) if rank is None else rank, "name": name or code},
    )
    return obj


def unit(name=None, level_code="commune", parent=None, code=None, **kw):
    n = next(_seq)
    return AdministrativeUnit.objects.create(
        name=name or f"Đơn vị {n}", code=code or f"U{n:05d}", level=level(level_code), parent=parent, **kw,
    )


def agency_kind(code="one_stop", name=None, is_one_stop_counter=None):
    obj, _ = AgencyKind.objects.get_or_create(
        code=code,
        defaults={
            "name": name or code,
            "is_one_stop_counter": code == "one_stop" if is_one_stop_counter is None else is_one_stop_counter,
        },
    )
    return obj


def agency(unit=None, kind_code="one_stop", name=None, identifier=None, **kw):
    n = next(_seq)
    return Agency.objects.create(
        unit=unit or globals()["unit"](),
        kind=agency_kind(kind_code),
        name=name or f"Cơ quan {n}",
        identifier=identifier or f"000.{n // 100:02d}.{n % 100:02d}.H29",
        **kw,
    )


def field(name="Hộ tịch", code=None):
    obj, _ = Field.objects.get_or_create(name=name, defaults={"code": code or f"F{next(_seq)}"})
    return obj


def procedure(code=None, name=None, level_code="commune", steps=None, documents=None, **kw):
    """A procedure; `steps` is a list of (name, unit_offset, agency_kind_code, role, share)."""
    n = next(_seq)
    kw.setdefault("time_limit_value", Decimal("3"))
    kw.setdefault("time_limit_unit", "working_days")
    kw.setdefault("competent_agency_kind", agency_kind("people_committee"))
    proc = Procedure.objects.create(
        code=code or f"9.{n:06d}", name=name or f"Thủ tục thử {n}", field=kw.pop("field", None) or field(),
        level=level(level_code), **kw,
    )
    for order, (sname, offset, kind_code, role, share) in enumerate(
        steps or [("Thẩm định", 0, "people_committee", "specialist", 60),
                  ("Phê duyệt", 0, "people_committee", "leader", 40)],
        start=1,
    ):
        ProcedureStep.objects.create(
            procedure=proc, order=order, name=sname, unit_offset=offset,
            agency_kind=agency_kind(kind_code), role=role, share_percent=Decimal(share),
        )
    for order, (dname, mandatory) in enumerate(documents or [("Tờ khai", True)], start=1):
        RequiredDocument.objects.create(procedure=proc, order=order, name=dname, is_mandatory=mandatory)
    return proc


def user(username=None, role=None, agencies=(), supervised_unit=None, password="pw-for-tests-1", **kw):
    u = get_user_model().objects.create_user(
        username=username or f"user{next(_seq)}", password=password, **kw,
    )
    if role:
        u.groups.add(Group.objects.get_or_create(name=role)[0])
    for ag in agencies:
        StaffMembership.objects.create(user=u, agency=ag, supervised_unit=supervised_unit)
    return u
