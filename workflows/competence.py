"""Which unit handles a dossier and where it is received and returned (NĐ 118/2025 Art. 7, 14).

Since 1 July 2025 any centre of the province — provincial or commune, their branches and reception
points — receives the procedures the province lists as received regardless of administrative
boundary; the dossier goes to the competent unit of the applicant's residence or of the land, and
the result comes back to the counter the citizen chose. Before that day each unit received its own.
One place for these rules: the services, the counter's and the portal's forms ask here.
"""
import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from procedures.models import AdministrativeUnit, Agency, Procedure

from . import frames
from .errors import InvalidInput


def _in_force(row, day: dt.date) -> bool:
    return not ((row.valid_to and row.valid_to <= day) or (row.valid_from and row.valid_from > day))


def _province_of(unit: AdministrativeUnit) -> str:
    return unit.path.split("/")[1]


def boundless_on(procedure: Procedure, day: dt.date) -> bool:
    """Is the procedure received regardless of boundary on `day` (listed, and the 2025 rules apply)?"""
    return procedure.boundless_receipt and frames.frame_on(day).receives_regardless_of_boundary


def receivable_q(level_ids, day: dt.date) -> Q:
    """`receivable_at` as a filter on procedures, for counters of these levels."""
    own = Q(level_id__in=level_ids)
    return own | Q(boundless_receipt=True) if frames.frame_on(day).receives_regardless_of_boundary else own


def receivable_at(procedure: Procedure, agency: Agency, day: dt.date) -> bool:
    """May this counter receive the procedure: one of its own level, or any listed as boundless."""
    return agency.unit.level_id == procedure.level_id or boundless_on(procedure, day)


def competent_units(procedure: Procedure, agencies: list[Agency], day: dt.date):
    """The units a clerk at these counters may name as competent: their own units at the procedure's
    level, or, for a procedure received regardless of boundary, every unit of the province at that level."""
    units = AdministrativeUnit.objects.in_force(day).filter(level_id=procedure.level_id).order_by("name")
    if not agencies:
        return units.none()
    if not boundless_on(procedure, day):
        return units.filter(pk__in={a.unit_id for a in agencies})
    return units.filter(path__startswith=f"/{_province_of(agencies[0].unit)}/")


def return_points(agency: Agency, day: dt.date):
    """Where the citizen may collect the result: any one-stop counter, centre or point of the province."""
    return (Agency.objects.in_force(day).filter(kind__is_one_stop_counter=True,
                                                 unit__path__startswith=f"/{_province_of(agency.unit)}/")
            .select_related("unit").order_by("unit__path", "name"))


def competent_unit_for(procedure: Procedure, agency: Agency, unit: AdministrativeUnit | None,
                       day) -> AdministrativeUnit:
    """The unit whose agencies handle the dossier. The receiving unit itself, unless the procedure is
    received regardless of boundary (NĐ 118/2025 Art. 14) and the clerk named the applicant's or the
    land's unit: then any unit of the same province at the procedure's level, in force that day."""
    if unit is None or unit.pk == agency.unit_id:
        unit = agency.unit
    else:
        if not frames.frame_on(day).receives_regardless_of_boundary:
            raise InvalidInput(_("Trước ngày 01/7/2025, hồ sơ được tiếp nhận tại đơn vị có thẩm quyền giải quyết."))
        if not procedure.boundless_receipt:
            raise InvalidInput(_("Thủ tục này không thuộc danh mục tiếp nhận không phụ thuộc địa giới hành chính: "
                                 "hồ sơ nộp tại đơn vị có thẩm quyền giải quyết."))
        if _province_of(unit) != _province_of(agency.unit):
            raise InvalidInput(_("Chỉ tiếp nhận không phụ thuộc địa giới hành chính trong phạm vi tỉnh."))
        if not _in_force(unit, day):
            raise InvalidInput(_("Đơn vị hành chính “%(unit)s” không còn hiệu lực.") % {"unit": unit.name})
    if unit.level_id != procedure.level_id:
        raise InvalidInput(_("Thủ tục không thuộc cấp của đơn vị có thẩm quyền: chọn đơn vị có thẩm quyền "
                             "giải quyết đúng cấp của thủ tục."))
    return unit


def return_point(agency: Agency, chosen: Agency | None, day) -> Agency:
    """Where the citizen collects the result: their choice at receipt, a one-stop counter of the province."""
    if chosen is None or chosen.pk == agency.pk:
        return agency
    if not chosen.kind.is_one_stop_counter:
        raise InvalidInput(_("Nơi trả kết quả phải là Bộ phận Một cửa, Trung tâm hoặc điểm tiếp nhận."))
    if not _in_force(chosen, day):
        raise InvalidInput(_("Nơi trả kết quả đã chọn không còn hoạt động."))
    if _province_of(chosen.unit) != _province_of(agency.unit):
        raise InvalidInput(_("Nơi trả kết quả phải thuộc tỉnh."))
    return chosen
