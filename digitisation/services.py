"""Digitisation writes: the only code that records a dossier component's electronic copy.

Each call is one transaction on the locked dossier: the checks (a clerk of the receiving counter,
the dossier open, the component the procedure's and not recorded yet), the row, and one audit event
(`digitise_component`) on the dossier's chain. A scan is stored by `workflows.services.attach_file`
(its own event, `attach_file`, then this one), inside the same transaction.
"""
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from workflows import audit, clock, uploads
from workflows import services as workflow_services
from workflows.errors import Conflict, InvalidInput, PermissionDenied, TransitionNotAllowed
from workflows.models import Channel, Dossier, DossierFile
from workflows.statuses import OPEN_STATUSES

from . import reuse as reuse_offer
from .models import Component, ExemptReason, Source


@dataclass(frozen=True)
class Checks:
    """The clerk's confirmations for a copy made at the counter (TT 01/2023/TT-VPCP Art. 8.2)."""

    counts: bool = False  # the originals and copies counted against the dossier
    complete: bool = False  # đầy đủ, chính xác
    order: bool = False  # as many images as pages, in order
    legible: bool = False

    def missing(self) -> list[str]:
        labels = {"counts": _("đã đối chiếu số bản chính, bản sao"), "complete": _("đầy đủ, chính xác"),
                  "order": _("đủ số trang, đúng thứ tự"), "legible": _("rõ nét, đọc được")}
        return [label for name, label in labels.items() if not getattr(self, name)]


# --- plumbing ----------------------------------------------------------------------------


def _lock(dossier_id: int, actor) -> Dossier:
    dossier = Dossier.objects.select_for_update().filter(pk=dossier_id).first()
    if dossier is None:
        raise Conflict()
    if not reuse_offer.may_reuse(actor, dossier):  # a clerk of the receiving counter
        raise PermissionDenied()
    if dossier.status not in OPEN_STATUSES:
        raise TransitionNotAllowed(_("Hồ sơ đã kết thúc, không số hóa thêm thành phần."))
    return dossier


def _component_name(dossier: Dossier, required_document, document_name: str) -> str:
    if required_document is None:
        name = (document_name or "").strip()
        if not name:
            raise InvalidInput(_("Cần ghi tên giấy tờ khác được số hóa."))
        return name[:500]
    if required_document.procedure_id != dossier.procedure_id:
        raise InvalidInput(_("Thành phần hồ sơ không thuộc thủ tục này."))
    if Component.objects.filter(dossier=dossier, required_document=required_document).exists():
        raise InvalidInput(_("Thành phần “%(name)s” đã được ghi nhận số hóa.") % {"name": required_document.name})
    return required_document.name


def _paper_only(dossier: Dossier):
    if dossier.channel == Channel.ONLINE:
        raise InvalidInput(_("Hồ sơ nộp trực tuyến đã là bản điện tử, không cần số hóa hoặc miễn số hóa."))


def _save(dossier: Dossier, component: Component) -> Component:
    """The row and its event: who, when and what, on the dossier's chain (status unchanged)."""
    component.dossier = dossier
    component.recorded_at = clock.now()
    try:
        with transaction.atomic():
            component.save(force_insert=True)
    except IntegrityError:  # the same component recorded by another clerk a moment ago
        raise Conflict() from None
    event = audit.stage_event(
        dossier, actor=component.actor, action="digitise_component", from_status=dossier.status,
        agency_id=dossier.receiving_agency_id, note=component.note,
        data={"component": component.pk, "source": component.source, "name": component.document_name,
              "required_document": component.required_document_id, "file": component.file_id,
              "reused_file": component.reused_file_id, "pages": component.pages,
              "originals": component.originals, "copies": component.copies,
              "exempt_reason": component.exempt_reason, "data_store_ref": component.data_store_ref},
    )
    dossier.save(update_fields=["event_count", "last_event_hash"])
    audit.save_event(event)
    return component


def _count(value, label: str, *, minimum: int = 0) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("%(label)s phải là số.") % {"label": label}) from None
    if number < minimum or number > 10_000:
        raise InvalidInput(_("%(label)s không hợp lệ.") % {"label": label})
    return number


# --- the four ways a paper component becomes electronic ------------------------------------


def digitise(dossier: Dossier, *, actor, required_document, upload, pages, originals, copies, checks: Checks,
             document_name: str = "", note: str = "", now: datetime | None = None) -> Component:
    """Số hóa tại quầy: the clerk scans the paper component and confirms the Art. 8.2 checks."""
    pages = _count(pages, _("Số trang"), minimum=1)
    originals, copies = _count(originals, _("Số bản chính")), _count(copies, _("Số bản sao"))
    if originals + copies == 0:
        raise InvalidInput(_("Cần ghi số bản chính hoặc bản sao đã nhận."))
    if missing := checks.missing():
        raise InvalidInput(_("Cần xác nhận bản số hóa: %(items)s.") % {"items": "; ".join(missing)})
    if upload is None:
        raise InvalidInput(_("Cần chọn tệp bản quét (PDF, JPEG hoặc PNG)."))
    checked = uploads.check(upload)
    stored = []
    try:
        with clock.service_clock(now) as at, transaction.atomic():
            locked = _lock(dossier.pk, actor)
            _paper_only(locked)
            name = _component_name(locked, required_document, document_name)
            file = workflow_services.attach_file(locked, checked_file=checked, actor=actor,
                                                 required_document=required_document, now=at)
            stored.append(file.stored_name)
            return _save(file.dossier, Component(
                required_document=required_document, document_name=name, source=Source.DIGITISED, file=file,
                pages=pages, originals=originals, copies=copies, checked_counts=True, checked_complete=True,
                checked_order=True, checked_legible=True, note=(note or "").strip()[:300], actor=actor,
            ))
    except BaseException:
        uploads.remove(stored)  # the row did not commit: nothing of it stays on disk
        raise


def reuse(dossier: Dossier, *, actor, required_document, file_id, note: str = "",
          now: datetime | None = None) -> Component:
    """Tái sử dụng: an earlier document or result of the same person stands in for the component."""
    if required_document is None:
        raise InvalidInput(_("Cần chọn thành phần hồ sơ được tái sử dụng."))
    with clock.service_clock(now), transaction.atomic():
        locked = _lock(dossier.pk, actor)
        name = _component_name(locked, required_document, "")
        earlier = reuse_offer.offered_file(locked, file_id, required_document)
        if earlier is None:
            raise InvalidInput(_("Tệp được chọn không thuộc các giấy tờ đã có của công dân có thể dùng lại."))
        return _save(locked, Component(required_document=required_document, document_name=name,
                                       source=Source.REUSED, reused_file=earlier,
                                       note=(note or "").strip()[:300], actor=actor))


def from_data_store(dossier: Dossier, *, actor, required_document, reference: str, document_name: str = "",
                    note: str = "", now: datetime | None = None) -> Component:
    """Lấy từ Kho quản lý dữ liệu điện tử của tổ chức, cá nhân: the component's reference in the store."""
    reference = (reference or "").strip()
    if not reference:
        raise InvalidInput(_("Cần ghi mã tài liệu trong Kho quản lý dữ liệu điện tử."))
    with clock.service_clock(now), transaction.atomic():
        locked = _lock(dossier.pk, actor)
        name = _component_name(locked, required_document, document_name)
        return _save(locked, Component(required_document=required_document, document_name=name,
                                       source=Source.DATA_STORE, data_store_ref=reference[:200],
                                       note=(note or "").strip()[:300], actor=actor))


def exempt(dossier: Dossier, *, actor, required_document, reason: str, document_name: str = "", note: str = "",
           now: datetime | None = None) -> Component:
    """Miễn số hóa: only for a case TT 03/2025/TT-VPCP Art. 5.2 lists (`ExemptReason`)."""
    if reason not in ExemptReason.values:
        raise InvalidInput(_("Cần chọn lý do miễn số hóa theo Điều 5.2 Thông tư 03/2025/TT-VPCP."))
    with clock.service_clock(now), transaction.atomic():
        locked = _lock(dossier.pk, actor)
        _paper_only(locked)
        name = _component_name(locked, required_document, document_name)
        return _save(locked, Component(required_document=required_document, document_name=name,
                                       source=Source.EXEMPT, exempt_reason=reason,
                                       note=(note or "").strip()[:300], actor=actor))


def record_electronic(dossier: Dossier, *, actor, now: datetime | None = None) -> list[Component]:
    """Nộp trực tuyến: each file the citizen sent for a listed component, recorded as its electronic copy
    (components already recorded are left as they are)."""
    with clock.service_clock(now), transaction.atomic():
        locked = _lock(dossier.pk, actor)
        if locked.channel != Channel.ONLINE:
            raise InvalidInput(_("Chỉ hồ sơ nộp trực tuyến có thành phần điện tử do công dân gửi."))
        done = set(Component.objects.filter(dossier=locked).values_list("required_document_id", flat=True))
        rows = []
        for file in (DossierFile.objects.filter(dossier=locked, required_document__isnull=False)
                     .select_related("required_document").order_by("pk")):
            if file.required_document_id in done:
                continue
            done.add(file.required_document_id)
            rows.append(_save(locked, Component(required_document=file.required_document,
                                                document_name=file.required_document.name,
                                                source=Source.ELECTRONIC, file=file, actor=actor)))
        return rows
