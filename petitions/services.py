"""The petitions' services: the only code that writes a petition (phản ánh, kiến nghị, ADR 0038).

Each public function is one user action in one transaction with the service clock set (as in
`workflows.services`). It checks who acts and the petition's state (an explicit table,
`ALLOWED_FROM`: a step from another state is `TransitionNotAllowed`, a 409 on the screens), writes
the petition's own step (`PetitionEvent`: who, when, from and to which state) and, for a petition
about a dossier, the dossier's audited event through `workflows.audit` (indicator 7 and the
dossier's history read it). Who handles: a clerk or a leader of the receiving agency, or a supervisor
whose subtree holds it (`handles`); who concludes a petition unsubstantiated, and so takes it out of
indicator 7: a leader or a supervisor, not the counter whose own work it is about (`concludes`).
"""
from contextlib import contextmanager
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from procedures.models import Agency
from workflows import access, audit, clock
from workflows.errors import Conflict, InvalidInput, PermissionDenied, TransitionNotAllowed
from workflows.models import Dossier
from workflows.roles import Role

from . import rules
from .models import Petition, PetitionChannel, PetitionClass, PetitionEvent, PetitionState

S = PetitionState
# The explicit state rule: each step and the states it may be taken from.
ALLOWED_FROM = {
    "classify": (S.RECEIVED, S.AWAITING_INFO),
    "refuse": (S.RECEIVED,),
    "ask_for_more": (S.RECEIVED,),
    "info_received": (S.AWAITING_INFO,),
    "answer": (S.RECEIVED,),
    "publish": (S.ANSWERED,),
    "record_dislike": (S.ANSWERED, S.PUBLISHED),
}
TEXT_LIMIT = 5000


@contextmanager
def _step(now: datetime | None):
    with clock.service_clock(now) as instant:
        try:
            with transaction.atomic():
                yield instant
        except IntegrityError as exc:
            raise Conflict() from exc


def _text(value, message, limit=TEXT_LIMIT) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message)
    if len(value) > limit:
        raise InvalidInput(_("Nội dung dài quá %(n)s ký tự.") % {"n": limit})
    return value


# --- who ---------------------------------------------------------------------------------------


def _scope(petition: Petition) -> tuple[int | None, str]:
    """The agency that answers for the petition and the unit path a supervisor's subtree must hold."""
    if petition.dossier_id:
        dossier = petition.dossier
        return dossier.receiving_agency_id, dossier.unit_path
    agency = petition.agency
    return petition.agency_id, agency.unit.path if agency is not None else ""


def _supervises(actor, path: str) -> bool:
    return bool(path) and any(path.startswith(p) for p in access.supervised_paths(actor))


def handles(actor, petition: Petition) -> bool:
    """The centre's petition handlers: a clerk or a leader of the receiving agency, or a supervisor
    whose subtree holds it (the rule `record_complaint` always had)."""
    agency, path = _scope(petition)
    return bool(agency and (access.is_member(actor, agency, Role.CLERK) or access.is_member(actor, agency, Role.LEADER))
                ) or _supervises(actor, path)


def concludes(actor, petition: Petition) -> bool:
    """Who may conclude a petition (and find it unsubstantiated): a leader of the receiving agency or
    a supervisor whose subtree holds it; not a clerk, whose counter's own work it is about."""
    agency, path = _scope(petition)
    return bool(agency and access.is_member(actor, agency, Role.LEADER)) or _supervises(actor, path)


def visible_to(user, queryset=None):
    """The petitions a user handles: those of their agencies (clerk, leader) and, for a supervisor,
    of the agencies and dossiers in their subtree."""
    qs = Petition.objects.all() if queryset is None else queryset
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_superuser:
        return qs
    from django.db.models import Q

    condition = Q(pk__in=[])
    roles = access.roles_of(user)
    agencies = access.agency_ids(user)
    if agencies and roles & {Role.CLERK, Role.LEADER}:
        condition |= Q(agency_id__in=agencies) | Q(dossier__receiving_agency_id__in=agencies)
    for path in access.supervised_paths(user):
        condition |= Q(agency__unit__path__startswith=path) | Q(dossier__unit_path__startswith=path)
    return qs.filter(condition)


# --- writing -------------------------------------------------------------------------------------


def _lock_dossier(dossier_id: int, expected_version: int | None) -> Dossier:
    dossier = Dossier.objects.select_for_update().filter(pk=dossier_id).first()
    if dossier is None or (expected_version is not None and dossier.event_count != expected_version):
        raise Conflict()
    return dossier


def _lock(petition: Petition) -> Petition:
    """The petition re-read under a lock: its dossier's row when it is about one (every write about
    the dossier takes it, so its chain head is current), else its own row."""
    if petition.dossier_id:
        dossier = _lock_dossier(petition.dossier_id, None)
        fresh = Petition.objects.select_related("agency__unit").filter(pk=petition.pk).first()
        if fresh is not None:
            fresh.dossier = dossier
    else:
        fresh = (Petition.objects.select_for_update(of=("self",)).select_related("agency__unit")
                 .filter(pk=petition.pk).first())
    if fresh is None:
        raise Conflict()
    return fresh


def _dossier_event(petition: Petition, *, actor, action: str, note: str = "", data=None):
    dossier = petition.dossier
    event = audit.stage_event(dossier, actor=actor, action=action, from_status=dossier.status,
                              agency_id=dossier.receiving_agency_id, note=note, data=data)
    dossier.save(update_fields=["status", "event_count", "last_event_hash"])
    audit.save_event(event)


def _trail(petition: Petition, *, actor, action: str, from_state: str, note: str = "", data=None):
    PetitionEvent.objects.create(petition=petition, at=clock.now(), actor=actor if getattr(actor, "pk", None) else None,
                                 action=action, from_state=from_state, to_state=petition.state,
                                 note=note or "", data=data or {})


def _check_state(petition: Petition, step: str):
    if petition.state not in ALLOWED_FROM[step]:
        raise TransitionNotAllowed(
            _("Phản ánh, kiến nghị đang ở trạng thái “%(state)s”: không thực hiện được thao tác này.")
            % {"state": petition.get_state_display()})


def receive(*, text: str, agency: Agency | None = None, dossier: Dossier | None = None, actor=None,
            channel: str = PetitionChannel.COUNTER, petitioner_name: str = "", petitioner_contact: str = "",
            classification: str = "", re_raised_from: Petition | None = None, received_at: datetime | None = None,
            expected_version=None, now: datetime | None = None) -> Petition:
    """Tiếp nhận phản ánh, kiến nghị: at the public page (no actor) or entered by a handler.

    About a dossier, the receiving agency is the dossier's; otherwise `agency` (the centre or counter
    it was sent to). A public petition names its sender and a way to answer them. `received_at`
    (default: now) may be earlier, for a letter entered later, never in the future. Sets the due
    instants of refusing, asking for more and handling (rules.receipt_dues).
    """
    text = _text(text, _("Cần nhập nội dung phản ánh, kiến nghị."))
    name, contact = (petitioner_name or "").strip()[:200], (petitioner_contact or "").strip()[:200]
    if channel not in PetitionChannel.values:
        raise InvalidInput(_("Kênh tiếp nhận không hợp lệ."))
    if classification and classification not in PetitionClass.values:
        raise InvalidInput(_("Phân loại phản ánh, kiến nghị không hợp lệ."))
    if channel == PetitionChannel.PUBLIC and not (name and contact):
        raise InvalidInput(_("Cần nhập họ tên và số điện thoại hoặc thư điện tử để nhận trả lời."))
    if channel == PetitionChannel.COUNTER and actor is None:
        raise PermissionDenied()
    with _step(now) as instant:
        if dossier is not None:
            dossier = _lock_dossier(dossier.pk, expected_version)
            agency = dossier.receiving_agency
        if agency is None:
            raise InvalidInput(_("Cần chọn nơi tiếp nhận phản ánh, kiến nghị."))
        petition = Petition(dossier=dossier, agency=agency, text=text, petitioner_name=name,
                            petitioner_contact=contact, channel=channel, classification=classification,
                            re_raised_from=re_raised_from)
        if actor is not None and not handles(actor, petition):
            raise PermissionDenied()
        received_at = received_at or instant
        if received_at > instant:
            raise InvalidInput(_("Thời điểm nhận phản ánh không được sau thời điểm hiện tại."))
        petition.received_at = received_at
        for name_, value in rules.receipt_dues(rules.calendar_of(agency), received_at).items():
            setattr(petition, name_, value)
        petition.save(force_insert=True)
        _trail(petition, actor=actor, action="receive", from_state="", note=text,
               data={"channel": channel, "re_raised_from": re_raised_from.pk if re_raised_from else None})
        if dossier is not None:
            # The dossier's trail keeps the name and data it always had (indicator 7 reads the rows).
            _dossier_event(petition, actor=actor, action="record_complaint", note=text,
                           data={"complaint": petition.pk, "received_at": received_at.isoformat()})
        return petition


def record_complaint(dossier: Dossier, *, actor, text: str, received_at: datetime | None = None,
                     expected_version=None, now: datetime | None = None, **details) -> Petition:
    """Tiếp nhận phản ánh, kiến nghị about how a dossier was handled (counted by indicator 7).

    Who: a clerk or a leader of the receiving agency (the counter answers for its dossiers), or a
    supervisor whose subtree holds the dossier. `received_at` (default: now) may be earlier, for a
    letter entered later, never in the future. Returns the petition; its `.dossier` is fresh.
    """
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Cần nhập nội dung phản ánh, kiến nghị."))
    return receive(text=text, dossier=dossier, actor=actor, channel=PetitionChannel.COUNTER,
                   received_at=received_at, expected_version=expected_version, now=now, **details)


def _act(petition: Petition, step: str, *, actor, who=handles) -> Petition:
    """Lock and re-read, check who acts, then the state."""
    fresh = _lock(petition)
    if not who(actor, fresh):
        raise PermissionDenied()
    _check_state(fresh, step)
    return fresh


def _save(petition: Petition, fields: list[str], *, actor, action: str, from_state: str, note="",
          data=None, dossier_data=None):
    petition.save(update_fields=fields)
    _trail(petition, actor=actor, action=action, from_state=from_state, note=note, data=data)
    if petition.dossier_id:
        _dossier_event(petition, actor=actor, action=action, note=note,
                       data={"petition": petition.pk, **(dossier_data or data or {})})
    return petition


def classify(petition: Petition, *, actor, classification: str, now: datetime | None = None) -> Petition:
    """Phân loại (QĐ 766 5.1 counts by it)."""
    if classification not in PetitionClass.values:
        raise InvalidInput(_("Phân loại phản ánh, kiến nghị không hợp lệ."))
    with _step(now):
        p = _act(petition, "classify", actor=actor)
        p.classification = classification
        return _save(p, ["classification"], actor=actor, action="classify_petition", from_state=p.state,
                     data={"classification": classification})


def refuse(petition: Petition, *, actor, reason: str, now: datetime | None = None) -> Petition:
    """Từ chối xử lý, with the reason (within 2 working days of receipt: rules.REFUSE_DAYS)."""
    reason = _text(reason, _("Cần nêu lý do từ chối xử lý."))
    with _step(now) as instant:
        p = _act(petition, "refuse", actor=actor)
        before = p.state
        p.state, p.refused_at, p.refuse_reason = S.REFUSED, instant, reason
        return _save(p, ["state", "refused_at", "refuse_reason"], actor=actor, action="refuse_petition",
                     from_state=before, note=reason)


def ask_for_more(petition: Petition, *, actor, text: str, now: datetime | None = None) -> Petition:
    """Đề nghị bổ sung thông tin, once (within 5 working days of receipt: rules.ASK_DAYS)."""
    text = _text(text, _("Cần nêu thông tin cần bổ sung."))
    with _step(now) as instant:
        p = _act(petition, "ask_for_more", actor=actor)
        if p.asked_at is not None:
            raise TransitionNotAllowed(_("Đã đề nghị bổ sung thông tin cho phản ánh, kiến nghị này."))
        before = p.state
        p.state, p.asked_at, p.ask_text = S.AWAITING_INFO, instant, text
        return _save(p, ["state", "asked_at", "ask_text"], actor=actor, action="ask_petition_info",
                     from_state=before, note=text)


def info_received(petition: Petition, *, actor, note: str = "", now: datetime | None = None) -> Petition:
    """Đã nhận thông tin bổ sung: handling counts again, 15 working days from now."""
    with _step(now) as instant:
        p = _act(petition, "info_received", actor=actor)
        before = p.state
        p.state = S.RECEIVED
        p.handle_due_at = rules.handle_due_after_info(rules.calendar_of(p.agency), instant)
        return _save(p, ["state", "handle_due_at"], actor=actor, action="petition_info_received",
                     from_state=before, note=(note or "").strip(),
                     data={"handle_due_at": p.handle_due_at.isoformat()})


def _conclude(p: Petition, *, actor, instant, unsubstantiated: bool, answer: str = ""):
    p.state, p.resolved_at, p.unsubstantiated = S.ANSWERED, instant, unsubstantiated
    if answer:
        p.answer = answer
    p.publish_due_at = rules.publish_due(rules.calendar_of(p.agency), instant)


def answer(petition: Petition, *, actor, answer: str, unsubstantiated: bool = False,
           now: datetime | None = None) -> Petition:
    """Trả lời (xử lý xong), within 15 working days (rules.HANDLE_DAYS); the answer is then published
    within 2. Finding it unsubstantiated (out of indicator 7) takes a leader or a supervisor."""
    text = _text(answer, _("Cần nhập kết quả xử lý, trả lời."))
    if not isinstance(unsubstantiated, bool):
        raise InvalidInput(_("Cần kết luận phản ánh đúng hay không đúng."))
    with _step(now) as instant:
        p = _act(petition, "answer", actor=actor, who=concludes if unsubstantiated else handles)
        before = p.state
        _conclude(p, actor=actor, instant=instant, unsubstantiated=unsubstantiated, answer=text)
        return _save(p, ["state", "resolved_at", "unsubstantiated", "answer", "publish_due_at"], actor=actor,
                     action="answer_petition", from_state=before, note=text,
                     data={"unsubstantiated": unsubstantiated})


def resolve_complaint(complaint: Petition, *, actor, unsubstantiated: bool, note: str = "",
                      expected_version=None, now: datetime | None = None) -> Petition:
    """Kết luận phản ánh, kiến nghị, once: found unsubstantiated (không đúng, vu cáo), it no longer
    counts against the agency in indicator 7. The petition is then answered (its answer, if any, is
    entered with `answer`).

    Who: a leader of the receiving agency or a supervisor whose subtree holds it; not a clerk, since
    the conclusion decides whether a complaint counts against the counter's own work.
    """
    if not isinstance(unsubstantiated, bool):
        raise InvalidInput(_("Cần kết luận phản ánh đúng hay không đúng."))
    with _step(now) as instant:
        if complaint.dossier_id:
            dossier = _lock_dossier(complaint.dossier_id, expected_version)
        p = _lock(complaint)
        if not concludes(actor, p):
            raise PermissionDenied()
        if p.resolved_at is not None:
            raise TransitionNotAllowed(_("Phản ánh, kiến nghị này đã có kết luận."))
        _check_state(p, "answer")
        if complaint.dossier_id:
            p.dossier = dossier
        before = p.state
        _conclude(p, actor=actor, instant=instant, unsubstantiated=unsubstantiated)
        p.save(update_fields=["state", "resolved_at", "unsubstantiated", "publish_due_at"])
        _trail(p, actor=actor, action="resolve_complaint", from_state=before, note=note,
               data={"unsubstantiated": unsubstantiated})
        if p.dossier_id:
            _dossier_event(p, actor=actor, action="resolve_complaint", note=note,
                           data={"complaint": p.pk, "unsubstantiated": unsubstantiated})
        return p


def publish(petition: Petition, *, actor, now: datetime | None = None) -> Petition:
    """Công khai kết quả xử lý on the public list (within 2 working days: rules.PUBLISH_DAYS)."""
    with _step(now) as instant:
        p = _act(petition, "publish", actor=actor)
        if not p.answer:
            raise TransitionNotAllowed(_("Cần nhập kết quả xử lý trước khi công khai."))
        before = p.state
        p.state, p.published_at = S.PUBLISHED, instant
        return _save(p, ["state", "published_at"], actor=actor, action="publish_petition", from_state=before)


def record_dislike(petition: Petition, *, actor, note: str = "", now: datetime | None = None) -> Petition:
    """Ghi nhận người phản ánh không hài lòng với kết quả xử lý (QĐ 766 5.3), once."""
    with _step(now):
        p = _act(petition, "record_dislike", actor=actor)
        if p.disliked:
            raise TransitionNotAllowed(_("Đã ghi nhận không hài lòng với kết quả này."))
        p.disliked = True
        return _save(p, ["disliked"], actor=actor, action="dislike_petition", from_state=p.state,
                     note=(note or "").strip())
