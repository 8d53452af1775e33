"""What the forms read from a dossier: its events, people, issuing bodies, hand-overs.

Read-only; a form never changes a dossier (the services do).
"""
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from procedures.models import Agency, RequiredDocument
from workflows import people
from workflows.flows import DossierFlow
from workflows.models import Dossier, DossierEvent, StaffMembership, WorkItem

from .layout import money

PEOPLE_COMMITTEE = "people_committee"  # AgencyKind code of Ủy ban nhân dân
UNIT_PREFIXES = ("thành phố ", "thị trấn ", "phường ", "huyện ", "tỉnh ", "thị xã ", "xã ", "quận ")


def person(user) -> str:
    return people.full_name(user)


def position(user, agency=None) -> str:
    """The signer's title (chức danh) as their membership records it: of `agency` when they belong to
    it, else of any agency of theirs; "" when none is recorded."""
    if user is None:
        return ""
    titles = dict(StaffMembership.objects.filter(user=user).exclude(title="").values_list("agency_id", "title"))
    if agency is not None and agency.pk in titles:
        return titles[agency.pk]
    return next(iter(titles.values()), "")


def signer(user, agency=None) -> tuple[str, str]:
    """(name, title) printed under a signature line."""
    return person(user), position(user, agency)


# What the dossier's fee line says, from the app that keeps fees and payments (payments registers it
# when it loads: documents sits below payments and does not import it). Without one, the catalog's text.
_fee_wording = None


def register_fee_wording(provider) -> None:
    global _fee_wording
    _fee_wording = provider


def fee_line(dossier: Dossier) -> str:
    """'Phí, lệ phí' on a form: what is charged and whether it is paid, or the catalog's wording."""
    worded = _fee_wording(dossier) if _fee_wording else None
    return worded or money(dossier.procedure.fee_amount, dossier.procedure.fee_note)


def footer_tail(dossier: Dossier, lead: str | None = None) -> str:
    """The footer's own part: the dossier code, then the counter's telephone, so a citizen holding any
    form knows whom to call."""
    tail = lead or f"Mã hồ sơ {dossier.code}"
    phone = dossier.receiving_agency.phone
    return f"{tail} · Điện thoại Bộ phận Một cửa: {phone}" if phone else tail


def events(dossier: Dossier) -> list[DossierEvent]:
    return list(dossier.events.select_related("actor", "agency").order_by("seq"))


def last_event(evts: list[DossierEvent], *actions: str) -> DossierEvent | None:
    return next((e for e in reversed(evts) if e.action in actions), None)


def parse_instant(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def appointment_before(dossier: Dossier, evts: list[DossierEvent], seq: int) -> datetime | None:
    """The appointment (hẹn trả) in force just before event `seq`."""
    due = None
    for event in evts:
        if event.seq >= seq:
            break
        due = parse_instant(event.data.get("new_due_at") or event.data.get("due_at")) or due
    return due or dossier.due_at


def place_name(unit) -> str:
    """'Xã Bình Lư' → 'Bình Lư' for the dateline."""
    name = unit.name.strip()
    lowered = name.lower()
    for prefix in UNIT_PREFIXES:
        if lowered.startswith(prefix):
            return name[len(prefix):]
    return name


def issuing_lines(agency: Agency) -> tuple[str, str]:
    """(superior body, agency) for the heading: a counter or office sits under its unit's
    People's Committee; a People's Committee stands alone."""
    if agency.kind.code == PEOPLE_COMMITTEE:
        return "", agency.name
    superior = (
        Agency.objects.filter(unit_id=agency.unit_id, kind__code=PEOPLE_COMMITTEE)
        .order_by("pk").values_list("name", flat=True).first()
    )
    return superior or "", agency.name


def documents(dossier: Dossier) -> list[dict]:
    """The documents received, with names (online submissions store only ids)."""
    docs = [dict(d) for d in dossier.documents or []]
    missing = [d["id"] for d in docs if not d.get("name") and d.get("id")]
    if missing:
        known = {r.pk: r for r in RequiredDocument.objects.filter(pk__in=missing)}
        for d in docs:
            row = known.get(d.get("id"))
            if row is not None and not d.get("name"):
                d.update(name=row.name, form=row.form, copies=row.copies)
    return docs


def register_number(dossier: Dossier) -> int:
    """The dossier's number in its agency's tracking book: numbered from 1 each year (TT 01 Art. 10.2.c)."""
    received = dossier.received_at
    year_start = timezone.localtime(received).replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    return Dossier.objects.filter(
        Q(received_at__lt=received) | Q(received_at=received, pk__lte=dossier.pk),
        receiving_agency_id=dossier.receiving_agency_id, received_at__gte=year_start,
    ).count()


# --- hand-overs for the control slip (Mẫu 05) ------------------------------------------


@dataclass
class Handover:
    giver_agency: str
    giver: str
    receiver_agency: str
    receiver: str
    at: datetime | None
    due_at: datetime | None
    finished: datetime | None
    state: str  # "open", "done", "canceled"
    note: str


def timeliness(finished: datetime | None, due: datetime | None) -> str:
    """Trước hạn / Đúng hạn / Quá hạn: before, on or after the due day (late if past the due time)."""
    if finished is None or due is None:
        return ""
    if finished > due:
        return "Quá hạn"
    if timezone.localtime(finished).date() < timezone.localtime(due).date():
        return "Trước hạn"
    return "Đúng hạn"


def handovers(dossier: Dossier, evts: list[DossierEvent]) -> list[Handover]:
    """One row per hand-over of the paper dossier: from the counter to each step's agency,
    to the counter for a supplement or the result, and finally to the applicant."""
    start = last_event(evts, "receive", "accept_online")
    giver_agency, giver = dossier.receiving_agency.name, person(start.actor if start else None)
    items = (
        WorkItem.objects.filter(process_id=dossier.process_id, flow_task_type="HUMAN")
        .select_related("agency", "owner").order_by("created", "pk")
    )
    rows = []
    for item in items:
        if item.flow_task == DossierFlow.review_submission:
            giver = person(item.owner) or giver  # the clerk who accepted the online submission
            continue
        receiver_agency = item.agency.name if item.agency else ""
        receiver = person(item.owner)
        if item.flow_task == DossierFlow.await_supplement:
            note = "Yêu cầu bổ sung, hoàn thiện hồ sơ"
        elif item.flow_task == DossierFlow.return_result:
            note = "Chuyển kết quả về Bộ phận Một cửa"
        else:
            step = dossier.plan[item.step_index] if item.step_index is not None and item.step_index < len(
                dossier.plan) else {}
            note = step.get("name", "")
        state = {"DONE": "done", "CANCELED": "canceled"}.get(item.status, "open")
        rows.append(Handover(giver_agency, giver, receiver_agency, receiver, item.created, item.due_at,
                             item.finished, state, note))
        giver_agency, giver = receiver_agency, receiver
    if dossier.returned_at:
        rows.append(Handover(giver_agency, giver, "Tổ chức, cá nhân", dossier.collected_by, dossier.returned_at,
                             dossier.original_due_at, dossier.returned_at, "done", "Trả kết quả"))
    return rows
