"""The pull of online dossiers submitted on the national portal (ADR 0037, docs/portal-protocol.md).

`pull_new_dossiers` pages `GET /api/hoso/moi` from the stored cursor. Each item is handled on its
own: one already received (its MaHoSoDVCQG has a `PortalDossier`) is logged DUPLICATE and only
acknowledged again; otherwise its procedure, receiving counter and applicant are mapped, every file
is fetched and its Sha256 checked before anything is written, and then, in one transaction, the
dossier goes through the services the online form uses (`submit_online`, `attach_file`, the
citizen's message) and the `PortalDossier` row is written. A bad item is logged REJECTED with a
Vietnamese reason, leaves nothing behind and does not stop the page. After each item commits it is
acknowledged (`POST /api/hoso/<MaHoSoDVCQG>/tiepnhan`); a row whose acknowledgement failed is
acknowledged again at the next pull. The cursor advances once a page is handled; when the portal
does not answer the pull stops where it is and the next one resumes from the same cursor.
"""
import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from notifications.messages import notify_citizen
from portal_sync.client import PortalClient, PortalRefused, PortalUnavailable
from procedures.models import Agency, Procedure
from workflows import services, uploads
from workflows.errors import DomainError
from workflows.models import ApplicantCapacity

from .models import InboundCursor, InboundLog, InboundOutcome, PortalDossier

logger = logging.getLogger("onestop.portal_intake")

NEW_DOSSIERS = "/api/hoso/moi"
PAGE_SIZE = 50
MAX_PAGES = 40          # per pull: a long backlog is worked off over several runs
ACK_RETRIES = 200       # unacknowledged rows retried per pull
TRUE_VALUES = {True, "1", "true", "True", "TRUE", "co", "có"}  # True == 1


@dataclass
class PullSummary:
    pages: int = 0
    received: int = 0
    duplicates: int = 0
    rejected: int = 0
    acked: int = 0
    ack_failed: int = 0
    unavailable: bool = False  # the pull stopped: the portal did not answer, or refused the request
    error: str = ""
    skipped: bool = False     # no portal configured (PORTAL_URL empty)
    cursor: str = ""
    received_codes: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "received_codes"}


class Rejected(Exception):
    """The item cannot be received; `reason` (Vietnamese) is what the administrator reads."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Mapped:
    procedure: Procedure
    agency: Agency
    applicant: services.Applicant
    vneid_verified: bool
    files: list  # [(RequiredDocument | None, uploads.CheckedFile)]


def pull_new_dossiers(client: PortalClient | None = None, now: datetime | None = None) -> PullSummary:
    """Receive what the portal has queued since the stored cursor; never raises on portal failure.
    The reasons logged are in the product's language (LANGUAGE_CODE), whoever runs the pull."""
    with override(settings.LANGUAGE_CODE):
        return _pull(client, now)


def _pull(client, now) -> PullSummary:
    summary = PullSummary()
    client = client or PortalClient.from_settings()
    if client is None:
        summary.skipped = True
        return summary
    cursor_row, _created = InboundCursor.objects.get_or_create(name="hoso_moi")
    summary.cursor = cursor = cursor_row.cursor
    try:
        _retry_acks(client, summary, now)
        while summary.pages < MAX_PAGES:
            page = client.get_json(NEW_DOSSIERS, {"cursor": cursor, "limit": PAGE_SIZE})
            items = page.get("items") or []
            for item in items:
                _handle(client, item if isinstance(item, dict) else {}, summary, now)
            summary.pages += 1
            nxt = page.get("next")
            resume = nxt if nxt is not None else page.get("cursor")
            if resume is not None and str(resume) != cursor:
                cursor = str(resume)
                InboundCursor.objects.filter(pk=cursor_row.pk).update(cursor=cursor, updated_at=_now(now))
                summary.cursor = cursor
            if nxt is None or not items:
                break
    except PortalUnavailable as exc:
        summary.unavailable, summary.error = True, str(exc)[:500]
        logger.warning("portal intake stopped, the portal did not answer: %s (cursor %r)", exc, cursor)
    except PortalRefused as exc:
        summary.unavailable, summary.error = True, str(exc)[:500]
        logger.error("portal intake stopped, the portal refused the request: %s (cursor %r)", exc, cursor)
    logger.info("portal intake: %s", summary.as_dict())
    return summary


def _now(now):
    return now or timezone.now()


def _log(code: str, outcome: str, item: dict, now, reason: str = ""):
    InboundLog.objects.create(portal_code=code[:64], at=_now(now), outcome=outcome, reason=reason,
                              payload=item)


def _handle(client, item: dict, summary: PullSummary, now):
    code = str(item.get("MaHoSoDVCQG") or "").strip()
    if not code or len(code) > 64:
        summary.rejected += 1
        _log(code or "?", InboundOutcome.REJECTED, item, now, _("Hồ sơ không có mã hồ sơ DVCQG hợp lệ."))
        return
    existing = PortalDossier.objects.filter(portal_code=code).select_related("dossier").first()
    if existing is not None:
        summary.duplicates += 1
        _log(code, InboundOutcome.DUPLICATE, item, now,
             _("Đã tiếp nhận trước đó thành hồ sơ %(code)s.") % {"code": existing.dossier.code})
        _acknowledge(client, existing, summary, now)  # the portal asks again: maybe our ack was lost
        return
    try:
        mapped = _map(client, item, now)
        row = _receive(code, item, mapped, now)
    except Rejected as exc:
        summary.rejected += 1
        _log(code, InboundOutcome.REJECTED, item, now, exc.reason)
        return
    except IntegrityError:
        # Another pull received it meanwhile (the unique MaHoSoDVCQG): this one stored nothing.
        summary.duplicates += 1
        _log(code, InboundOutcome.DUPLICATE, item, now, _("Đã được tiếp nhận trong một lượt khác."))
        return
    summary.received += 1
    summary.received_codes.append(row.dossier.code)
    _acknowledge(client, row, summary, now)


# --- mapping ---------------------------------------------------------------------------------


def _text(item: dict, key: str) -> str:
    value = item.get(key)
    return "" if value is None else str(value).strip()


def _map(client, item: dict, now) -> _Mapped:
    day = timezone.localtime(_now(now)).date()
    procedure_code = _text(item, "MaTTHC")
    procedure = Procedure.objects.version_of(procedure_code, day) if procedure_code else None
    if procedure is None:
        raise Rejected(_("Thủ tục có mã “%(code)s” không có trong danh mục thủ tục hành chính của tỉnh "
                         "hoặc không còn hiệu lực.") % {"code": procedure_code})
    agency = _agency(procedure, _text(item, "MaDonVi"))
    applicant = _applicant(item)
    files = _fetch_files(client, procedure, item.get("TaiLieuNop") or [])
    return _Mapped(procedure, agency, applicant, item.get("TaiKhoanDuocXacThucVoiVNeID") in TRUE_VALUES, files)


def _agency(procedure: Procedure, identifier: str) -> Agency:
    """The receiving counter: MaDonVi is its mã định danh. As on the online form
    (onestop/portal/submit.py `_counters`), a one-stop counter in force of the procedure's level; an item
    without MaDonVi goes to the only such counter when there is one (a province-level centre)."""
    counters = Agency.objects.in_force().filter(kind__is_one_stop_counter=True, unit__level_id=procedure.level_id)
    if identifier:
        agency = counters.filter(identifier=identifier).select_related("unit").first()
        if agency is None:
            raise Rejected(_("Không có Bộ phận Một cửa có mã định danh “%(code)s” tiếp nhận thủ tục "
                             "%(procedure)s.") % {"code": identifier, "procedure": procedure.code})
        return agency
    found = list(counters.select_related("unit")[:2])
    if len(found) != 1:
        raise Rejected(_("Hồ sơ không ghi đơn vị tiếp nhận (MaDonVi)."))
    return found[0]


LIMITS = {"ChuHoSo": 200, "SoGiayToChuHoSo": 20, "SoDienThoaiChuHoSo": 20, "EmailChuHoSo": 254,
          "DiaChiChuHoSo": 300, "NguoiNopHoSo": 200, "SoGiayToNguoiNop": 20, "VanBanUyQuyen": 300}


def _applicant(item: dict) -> services.Applicant:
    for key, limit in LIMITS.items():
        if len(_text(item, key)) > limit:
            raise Rejected(_("Trường %(field)s dài quá %(limit)s ký tự.") % {"field": key, "limit": limit})
    owner = services.Applicant(
        name=_text(item, "ChuHoSo"), id_number=_text(item, "SoGiayToChuHoSo"),
        phone=_text(item, "SoDienThoaiChuHoSo"), email=_text(item, "EmailChuHoSo"),
        address=_text(item, "DiaChiChuHoSo"),
    )
    if not owner.name:
        raise Rejected(_("Hồ sơ không ghi chủ hồ sơ (ChuHoSo)."))
    if item.get("UyQuyen") in TRUE_VALUES and _text(item, "NguoiNopHoSo"):
        # Filed by an authorised person (NĐ 118/2025 Art. 6): they are the applicant, the owner the subject.
        owner = services.Applicant(
            name=_text(item, "NguoiNopHoSo"), id_number=_text(item, "SoGiayToNguoiNop"), phone=owner.phone,
            email=owner.email, capacity=ApplicantCapacity.AUTHORISED, subject_name=owner.name,
            subject_id_number=owner.id_number, subject_address=owner.address,
            authorisation=_text(item, "VanBanUyQuyen"),
        )
    try:
        return owner.cleaned()
    except DomainError as exc:
        raise Rejected(str(exc.message)) from None


_COMPONENT_ORDER = re.compile(r"(\d+)$")


def _component(procedure: Procedure, code: str, by_order: dict):
    """The catalog's component a document names: MaThanhPhanHoSo ends with its order ("TP1", "1"); a
    document naming none of ours is kept without a component (the counter checks completeness)."""
    found = _COMPONENT_ORDER.search(code or "")
    return by_order.get(int(found.group(1))) if found else None


def _fetch_files(client, procedure: Procedure, documents) -> list:
    """Every document fetched and checked before anything is written; Rejected at the first bad one."""
    if not isinstance(documents, list):
        raise Rejected(_("Danh sách tài liệu nộp (TaiLieuNop) không hợp lệ."))
    by_order = {doc.order: doc for doc in procedure.documents.all()}
    checked = []
    for doc in documents:
        doc = doc if isinstance(doc, dict) else {}
        name, path, expected = _text(doc, "TenTep"), _text(doc, "DuongDan"), _text(doc, "Sha256").lower()
        if not path.startswith("/api/tep/"):
            raise Rejected(_("Tài liệu “%(name)s” không có đường dẫn tải tệp hợp lệ.") % {"name": name[:80]})
        try:
            data = client.get_bytes(path)
        except PortalRefused as exc:
            raise Rejected(_("Không tải được tệp “%(name)s” từ Cổng (mã lỗi %(status)s).")
                           % {"name": name[:80], "status": exc.status}) from None
        if hashlib.sha256(data).hexdigest() != expected:
            raise Rejected(_("Tệp “%(name)s” không khớp mã băm Sha256 do Cổng gửi: tệp bị hỏng hoặc bị thay "
                             "đổi trên đường truyền.") % {"name": name[:80]})
        try:
            file = uploads.check(ContentFile(data, name=name))
        except DomainError as exc:
            raise Rejected(str(exc.message)) from None
        checked.append((_component(procedure, _text(doc, "MaThanhPhanHoSo"), by_order), file))
    return checked


# --- receiving -------------------------------------------------------------------------------


def _receive(code: str, item: dict, mapped: _Mapped, now) -> PortalDossier:
    """One transaction: the dossier and its files through the online form's services, the portal row,
    the log. A failure leaves no row and no stored file."""
    attached = []
    try:
        with transaction.atomic():
            receipt = services.submit_online(
                procedure=mapped.procedure, agency=mapped.agency, applicant=mapped.applicant,
                document_ids=sorted({doc.pk for doc, _f in mapped.files if doc is not None}),
                note=_("Nộp trên Cổng Dịch vụ công quốc gia, mã %(code)s") % {"code": code},
                vneid_verified=mapped.vneid_verified, now=now,
            )
            dossier = receipt.dossier
            for doc, file in mapped.files:
                attached.append(services.attach_file(dossier, checked_file=file, required_document=doc, now=now))
            row = PortalDossier.objects.create(portal_code=code, dossier=dossier, received_at=_now(now))
            _log(code, InboundOutcome.RECEIVED, item, now)
            notify_citizen(dossier.events.get(action="submit_online"), secret=receipt.secret)
    except DomainError as exc:
        uploads.remove(f.stored_name for f in attached)
        raise Rejected(str(exc.message)) from None
    except BaseException:
        uploads.remove(f.stored_name for f in attached)  # their rows went with the rollback
        raise
    return row


# --- acknowledgement -------------------------------------------------------------------------


def _acknowledge(client, row: PortalDossier, summary: PullSummary, now):
    """`POST /api/hoso/<MaHoSoDVCQG>/tiepnhan` with our code. PortalUnavailable goes up (the pull
    stops, the row stays unacknowledged and is retried); a refusal is logged and retried later."""
    try:
        client.post_json(f"/api/hoso/{row.portal_code}/tiepnhan", {"MaHoSo": row.dossier.code})
    except PortalRefused as exc:
        summary.ack_failed += 1
        logger.error("portal refused the acknowledgement of %s: %s", row.portal_code, exc)
        return
    except PortalUnavailable:
        summary.ack_failed += 1
        raise
    if row.acked_at is None:
        row.acked_at = _now(now)
        PortalDossier.objects.filter(pk=row.pk).update(acked_at=row.acked_at)
    summary.acked += 1


def _retry_acks(client, summary: PullSummary, now):
    pending = (PortalDossier.objects.filter(acked_at__isnull=True).select_related("dossier")
               .order_by("received_at", "pk")[:ACK_RETRIES])
    for row in pending:
        _acknowledge(client, row, summary, now)

