"""A dossier in the TT 04/2025/TT-VPCP data set: the `HoSo` object each sync record carries.

Field names are the portal's (law-2025.md B11: dossier, QuaTrinhXuLy, TaiLieuNop,
DanhSachPhiLePhi); dates are `yyyyMMddHHmmss` in Asia/Ho_Chi_Minh. Each flag the QĐ 766 score is
computed from reuses the named rule behind our own figures (digitisation.rules,
scoreboard.figures), so the portal is sent exactly what our scoreboard counts.

`hoso(dossier, upto=event)` describes the dossier as of that event: the status the event left,
the history up to it, and only the instants (result ready, returned, refused) reached by then.
"""
from django.utils import timezone

from digitisation.models import Component, Source
from payments.fees import charges
from payments.models import Payment, PaymentChannel, PaymentStatus
from procedures.models import RequiredDocument
from workflows.models import ApplicantCapacity, Channel, Dossier, DossierEvent, DossierFile, FileKind
from workflows.people import full_name
from workflows.statuses import NATIONAL_STATUS_CODE, PUBLIC_ACTION_TEXT, Status

# KenhThucHien: 1 direct, 2 online, 3 post (a counter outside the centre is "direct").
CHANNEL_CODE = {Channel.COUNTER: 1, Channel.OUTSIDE: 1, Channel.ONLINE: 2, Channel.POSTAL: 3}
# HinhThucTra, our codes on the same scale: at the counter, electronically, by post.
RETURN_AT_COUNTER, RETURN_ONLINE, RETURN_BY_POST = 1, 2, 3
# LoaiDoiTuong: a citizen (công dân) or an organisation (tổ chức, doanh nghiệp).
CITIZEN, ORGANISATION = 1, 2
PERSONAL_ID_LENGTH = 12  # the personal identification number (số định danh cá nhân)
# HinhThucThu of a fee line: paid at the counter or online.
PAID_AT_COUNTER, PAID_ONLINE = 1, 2


def stamp(instant) -> str | None:
    return timezone.localtime(instant).strftime("%Y%m%d%H%M%S") if instant else None


def _until(instant, cut):
    """`instant` if it was reached by `cut` (None: no cut), else None."""
    return instant if instant and (cut is None or instant <= cut) else None


def _subject_kind(dossier: Dossier) -> int:
    number = (dossier.subject_id_number or dossier.applicant_id_number or "").strip()
    return CITIZEN if not number or (number.isdigit() and len(number) == PERSONAL_ID_LENGTH) else ORGANISATION


def _return_form(dossier: Dossier) -> int:
    if dossier.channel == Channel.POSTAL:
        return RETURN_BY_POST
    return RETURN_AT_COUNTER if dossier.paper_result else RETURN_ONLINE


def _history(events) -> list[dict]:
    return [{
        "NguoiXuLy": full_name(event.actor) or "Hệ thống",
        "ThoiDiemXuLy": stamp(event.at),
        "NgayXuLy": stamp(event.at),  # the portal requires it beside ThoiDiemXuLy (OpenCPS #2507)
        "NoiDungXuLy": " — ".join(part for part in (str(PUBLIC_ACTION_TEXT.get(event.action, event.action)),
                                                   event.note) if part),
        "TrangThai": NATIONAL_STATUS_CODE.get(event.to_status),
        "NgayKetThucTheoQuyDinh": event.data.get("due_at") or event.data.get("new_due_at"),
    } for event in events]


def _documents(dossier: Dossier, cut) -> list[dict]:
    """MaThanhPhanHoSo is `<procedure code>-<order in the catalog>`: the order is what intake reads back
    (portal_intake.pull), the catalog having no component codes of its own."""
    components = Component.objects.filter(dossier=dossier).select_related("required_document")
    if cut is not None:
        components = components.filter(recorded_at__lte=cut)
    listed = [{
        "MaThanhPhanHoSo": _component_code(dossier, c.required_document),
        "TenThanhPhanHoSo": c.document_name,
        "DuongDanTaiTepTin": c.file_id and f"tep/{c.file_id}" or c.reused_file_id and f"tep/{c.reused_file_id}" or "",
        "DuocSoHoa": int(c.source in (Source.DIGITISED, Source.ELECTRONIC)),
        "DuocTaiSuDung": int(c.source == Source.REUSED),
        "DuocLayTuKhoDMQG": int(c.source == Source.DATA_STORE),
        "MaKetQuaThayThe": c.data_store_ref or None,
    } for c in components.order_by("pk")]
    if listed:
        return listed
    # Not digitised (yet): the documents the counter ticked as received, on paper.
    order = dict(RequiredDocument.objects.filter(procedure_id=dossier.procedure_id).values_list("pk", "order"))
    return [{"MaThanhPhanHoSo": f"{dossier.procedure.code}-{order.get(doc.get('id'), 0)}",
             "TenThanhPhanHoSo": doc.get("name", ""),
             "DuongDanTaiTepTin": "", "DuocSoHoa": 0, "DuocTaiSuDung": 0, "DuocLayTuKhoDMQG": 0,
             "MaKetQuaThayThe": None} for doc in dossier.documents or []]


def _component_code(dossier: Dossier, required_document) -> str:
    return f"{dossier.procedure.code}-{required_document.order if required_document else 0}"


def _fees(dossier: Dossier, paid_online: bool) -> list[dict]:
    return [{
        "TenPhiLePhi": charge.line.name,
        "MaPhiLePhi": f"{dossier.procedure.code}-{charge.line.pk}",
        "HinhThucThu": PAID_ONLINE if paid_online else PAID_AT_COUNTER,
        "Gia": charge.amount,
        "LoaiPhiLePhi": charge.line.kind,
    } for charge in charges(dossier)]


def hoso(dossier: Dossier, upto: DossierEvent | None = None) -> dict:
    """The dossier's `HoSo` as of `upto` (default: its last event)."""
    dossier = (Dossier.objects.select_related("procedure__field").get(pk=dossier.pk))
    events = list(DossierEvent.objects.filter(dossier_id=dossier.pk, **({"seq__lte": upto.seq} if upto else {}))
                  .select_related("actor").order_by("seq"))
    last = events[-1] if events else None
    cut = last.at if upto is not None and last else None
    status = last.to_status if last and upto is not None else dossier.status
    results = [] if status not in (Status.RESULT_READY, Status.RETURNED) else list(
        DossierFile.objects.filter(dossier=dossier, kind=FileKind.RESULT).order_by("pk"))
    if cut is not None:
        results = [f for f in results if f.uploaded_at <= cut]
    paid = Payment.objects.filter(dossier=dossier, channel=PaymentChannel.ONLINE, status=PaymentStatus.PAID)
    if cut is not None:
        paid = paid.filter(paid_at__lte=cut)
    paid_online = paid.exists()
    refused_at = next((e.at for e in events if e.to_status == Status.REFUSED), None)
    return {
        "MaHoSo": dossier.code,
        "MaTTHC": dossier.procedure.code,
        "MaLinhVuc": dossier.procedure.field.code,
        "KenhThucHien": CHANNEL_CODE.get(dossier.channel, 1),
        "ChuHoSo": dossier.subject_name or dossier.applicant_name,
        "SoGiayToChuHoSo": dossier.subject_id_number or dossier.applicant_id_number,
        "LoaiDoiTuong": _subject_kind(dossier),
        "UyQuyen": int(dossier.applicant_capacity == ApplicantCapacity.AUTHORISED),
        "NgayTiepNhan": stamp(_until(dossier.received_at, cut)),
        "NgayHenTra": stamp(dossier.due_at),
        "TrangThaiHoSo": NATIONAL_STATUS_CODE.get(status),
        "NgayKetThucXuLy": stamp(_until(dossier.resolved_at, cut)),
        "NgayTra": stamp(_until(dossier.returned_at, cut)),
        "HinhThucTra": _return_form(dossier),
        "NgayTuChoi": stamp(refused_at),
        "DinhKemKetQua": [{"TenTepDinhKem": f.original_name, "DuongDanTepDinhKem": f"tep/{f.pk}", "Sha256": f.sha256}
                          for f in results],
        "MaKetQua": next((f.result_code for f in results if f.result_code), None),
        "TaiKhoanDuocXacThucVoiVNeID": int(dossier.vneid_verified),
        "DuocThanhToanTrucTuyen": int(paid_online),
        "QuaTrinhXuLy": _history(events),
        "TaiLieuNop": _documents(dossier, cut),
        "DanhSachPhiLePhi": _fees(dossier, paid_online),
    }
