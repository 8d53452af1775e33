"""The services: the only code that changes a dossier's state.

Each public function is one user action. It runs in one transaction that takes the flow
lock, loads the open work item with its process and dossier in one query, checks the
actor's role and agency, moves the FSM status, completes the viewflow task (which creates
the next one, already assigned when possible), saves the dossier's changed columns and
appends one audit event. Notifications go out after commit (`audit.event_committed`).
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm
from django_fsm import TransitionNotAllowed as FSMTransitionNotAllowed
from viewflow.workflow.status import PROCESS

from procedures.models import AdministrativeUnit, Agency, OnlineLevel, Procedure

from . import access, audit, clock, codes, competence, deadlines, folding, frames, results, uploads
from .errors import Conflict, InvalidInput, PermissionDenied, RoutingError, TransitionNotAllowed
from .flows import DossierFlow
from .lock import load_open_task
from .models import (
    ApplicantCapacity,
    Channel,
    ClockSpan,
    CounterGuidance,
    Dossier,
    DossierFile,
    Outcome,
    Rating,
    SatisfactionRating,
    StopReason,
    WorkItem,
)
from .roles import Role
from .statuses import OPEN_STATUSES, Status


@dataclass
class Applicant:
    """The applicant (người nộp hồ sơ): personal data, never shown publicly."""

    name: str
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    # Filing for someone else (NĐ 118/2025 Art. 5–6): the subject and the authorisation.
    capacity: str = ApplicantCapacity.SELF
    subject_name: str = ""
    subject_id_number: str = ""
    subject_address: str = ""
    authorisation: str = ""

    def cleaned(self) -> "Applicant":
        """Stripped, and checked: who acts for the subject names them, and an authorised person
        the letter of authorisation (TT 03/2025 Mẫu 01 shows both)."""
        fields = {k: (v or "").strip() for k, v in self.__dict__.items()}
        if not fields["name"]:
            raise InvalidInput(_("Cần nhập họ tên người nộp hồ sơ."))
        if fields["capacity"] not in ApplicantCapacity.values:
            raise InvalidInput(_("Tư cách người nộp hồ sơ không hợp lệ."))
        if fields["capacity"] == ApplicantCapacity.SELF:
            fields.update(subject_name="", subject_id_number="", subject_address="", authorisation="")
        else:
            if not fields["subject_name"]:
                raise InvalidInput(_("Cần nhập tên tổ chức, cá nhân có yêu cầu (chủ hồ sơ)."))
            if fields["capacity"] == ApplicantCapacity.AUTHORISED and not fields["authorisation"]:
                raise InvalidInput(_("Người được ủy quyền cần xuất trình văn bản ủy quyền: nhập số, ngày văn bản."))
        return Applicant(**fields)


@dataclass
class Receipt:
    """What a receipt hands back: the dossier, and the lookup secret shown once to the citizen."""

    dossier: Dossier
    secret: str = field(repr=False)


# --- plumbing -------------------------------------------------------------------------


class _Action:
    """One service call: a transaction with the service clock set and errors translated."""

    def __init__(self, now: datetime | None):
        self.now = now

    def __enter__(self):
        self._clock = clock.service_clock(self.now)
        self.now = self._clock.__enter__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            suppressed = self._atomic.__exit__(exc_type, exc, tb)
        finally:
            self._clock.__exit__(None, None, None)
        if isinstance(exc, ConcurrentTransition | IntegrityError):
            raise Conflict() from exc
        if isinstance(exc, FSMTransitionNotAllowed):
            raise TransitionNotAllowed() from exc
        return suppressed


def _load_open_task(dossier: Dossier, expected_version: int | None = None) -> WorkItem:
    """Lock the dossier's flow and load its open work item, process and fresh dossier at once."""
    if dossier.process_id is None:
        raise TransitionNotAllowed()
    task = load_open_task(dossier.process_id)  # one statement, its SQL compiled once (workflows.lock)
    # Acting on a stale view of the dossier (another call committed since it was read) is a
    # conflict, whether the caller names the version it saw or passes the instance it read.
    expected = dossier.event_count if expected_version is None else expected_version
    if task is None:
        current = Dossier.objects.filter(pk=dossier.pk).values_list("event_count", flat=True).first()
        raise Conflict() if current != expected else TransitionNotAllowed()
    if task.process.dossier.event_count != expected:
        raise Conflict()
    task.process.dossier.calendar_revision = task.calendar_revision
    return task


def _require_node(task: WorkItem, *nodes):
    if task.flow_task not in nodes:
        raise TransitionNotAllowed()


def _transition(dossier: Dossier, name: str, actor):
    """Run the named FSM transition after checking the permission it declares."""
    method = getattr(dossier, name)
    if not can_proceed(method):  # wrong status or a condition fails: not a permission matter
        raise TransitionNotAllowed()
    if not has_transition_perm(method, actor):
        raise PermissionDenied()
    method()


def _require_member(actor, agency_id: int, role: str):
    if not access.is_member(actor, agency_id, role):
        raise PermissionDenied()


def _take(task: WorkItem, actor):
    """The actor performs the task: its owner, or an eligible member who claims it now."""
    activation = task.flow_task.activation_class(task)
    if actor is None:  # the system completes it (payment_received for a verified online payment): no claim
        if task.owner_id is None:
            activation.assign(None)
        return activation
    if task.owner_id is None:
        if not access.can_take(actor, task):
            raise PermissionDenied()
        activation.assign(actor)
    elif task.owner_id != actor.pk:
        raise PermissionDenied(_("Công việc này đang được giao cho người khác."))
    return activation


def _finish_task(task: WorkItem, actor, now: datetime) -> int:
    """Complete the work item (viewflow creates the next one); returns its working seconds."""
    activation = _take(task, actor)
    dossier = task.process.dossier
    spent = deadlines.working_seconds(deadlines.calendar_for(dossier), task.created, now)
    task.working_seconds = spent
    activation.start(None)
    activation.execute()
    return spent


def _cancel_flow(process):
    """Cancel the open work items and the process (viewflow's Flow.cancel reads its own task table)."""
    for item in WorkItem.objects.open().filter(process=process):
        item.flow_task.activation_class(item).cancel()
    process.status = PROCESS.CANCELED
    process.finished = clock.now()
    process.save(update_fields=["status", "finished"])


def _record(dossier: Dossier, *, actor, action: str, from_status: str, fields: list[str],
            step_index=None, agency_id=None, note="", data=None):
    event = audit.stage_event(
        dossier, actor=actor, action=action, from_status=from_status, step_index=step_index,
        agency_id=agency_id, note=note, data=data,
    )
    dossier.save(update_fields=[*fields, "status", "event_count", "last_event_hash"])
    audit.save_event(event)
    return dossier


def _step_data(task: WorkItem, spent: int) -> dict:
    return {
        "task": task.pk, "working_seconds": spent, "allotted_seconds": task.allotted_seconds,
    }


# --- reception (tiếp nhận) -------------------------------------------------------------


def _check_documents(procedure: Procedure, document_ids, enforce_mandatory: bool = True) -> list[dict]:
    required = list(procedure.documents.all())
    by_id = {doc.pk: doc for doc in required}
    chosen = set()
    for raw in document_ids:
        try:
            chosen.add(int(raw))
        except (TypeError, ValueError):
            raise InvalidInput(_("Thành phần hồ sơ không hợp lệ.")) from None
    unknown = chosen - by_id.keys()
    if unknown:
        raise InvalidInput(_("Thành phần hồ sơ không thuộc thủ tục này."))
    missing = [doc.name for doc in required if doc.is_mandatory and doc.pk not in chosen]
    if missing and enforce_mandatory:
        raise InvalidInput(
            _("Thiếu thành phần hồ sơ bắt buộc: %(names)s") % {"names": "; ".join(missing)},
            missing=missing,
        )
    return [
        {"id": doc.pk, "name": doc.name, "form": doc.form, "copies": doc.copies}
        for doc in required if doc.pk in chosen
    ]


def resolve_plan(procedure: Procedure, unit: AdministrativeUnit) -> list[dict]:
    """The procedure's steps with the agency that handles each, seen from the competent unit."""
    steps = list(procedure.steps.all())
    if not steps:
        raise RoutingError(_("Thủ tục chưa có quy trình xử lý (các bước)."))
    lineage = [int(part) for part in unit.path.strip("/").split("/")]  # root … competent unit
    wanted = {}
    for step in steps:
        if step.unit_offset >= len(lineage):
            raise RoutingError(_("Bước “%(step)s” cần đơn vị cấp trên không tồn tại.") % {"step": step.name})
        wanted[step.pk] = (lineage[-1 - step.unit_offset], step.agency_kind_id)
    found = {}
    for row in (
        Agency.objects.in_force()
        .filter(unit_id__in={u for u, _k in wanted.values()}, kind_id__in={k for _u, k in wanted.values()})
        .order_by("pk").values("pk", "unit_id", "kind_id", "name")
    ):
        found.setdefault((row["unit_id"], row["kind_id"]), row)
    plan = []
    for step in steps:
        target = found.get(wanted[step.pk])
        if target is None:
            raise RoutingError(
                _("Không tìm thấy cơ quan xử lý bước “%(step)s” (loại cơ quan: %(kind)s).")
                % {"step": step.name, "kind": step.agency_kind_id}
            )
        plan.append({
            "order": step.order, "name": step.name, "agency": target["pk"], "agency_name": target["name"],
            "unit": target["unit_id"], "role": step.role, "share": str(step.share_percent), "allotted": 0,
            **({"duration": str(step.duration_value), "duration_unit": step.duration_unit}
               if step.duration_value is not None else {}),
        })
    return plan


def _new_dossier(*, procedure, agency, applicant: Applicant, documents, channel, now, status: str,
                 competent_unit: AdministrativeUnit | None = None,
                 return_agency: Agency | None = None, paper_result: bool = False,
                 vneid_verified: bool = False) -> tuple[Dossier, str]:
    day = timezone.localtime(now).date()
    if procedure.valid_to and procedure.valid_to <= day:
        raise InvalidInput(_("Thủ tục đã hết hiệu lực."))
    if procedure.valid_from and procedure.valid_from > day:
        # A version published ahead of its date (procedures.versions): the current one applies until then.
        raise InvalidInput(_("Phiên bản thủ tục này chỉ có hiệu lực từ ngày %(date)s.")
                           % {"date": procedure.valid_from.strftime("%d/%m/%Y")})
    unit = competence.competent_unit_for(procedure, agency, competent_unit, day)
    returning = competence.return_point(agency, return_agency, day)
    applicant = applicant.cleaned()
    secret = codes.new_secret()
    dossier = Dossier(
        code=codes.issue_code(agency, now, procedure), status=status, procedure=procedure, receiving_agency=agency,
        receiving_unit_id=agency.unit_id, competent_unit=unit, received_out_of_area=unit.pk != agency.unit_id,
        unit_path=unit.path, return_agency=returning, channel=channel,
        applicant_name=applicant.name, applicant_id_number=applicant.id_number,
        applicant_phone=applicant.phone, applicant_email=applicant.email, applicant_address=applicant.address,
        applicant_capacity=applicant.capacity, subject_name=applicant.subject_name,
        subject_id_number=applicant.subject_id_number, subject_address=applicant.subject_address,
        authorisation_document=applicant.authorisation, documents=documents,
        plan=resolve_plan(procedure, unit), lookup_secret_hash=codes.hash_secret(secret),
        created_at=now, applicant_search=folding.applicant_search(applicant.name, applicant.subject_name),
        paper_result=bool(paper_result), vneid_verified=bool(vneid_verified),
    )
    dossier.receiving_unit = agency.unit
    return dossier, secret


def _start_clock(dossier: Dossier, now: datetime):
    cal = deadlines.calendar_for(dossier)
    deadline = deadlines.legal_deadline(dossier.procedure, cal, now, deadlines.area_unit(dossier))
    dossier.received_at = now
    dossier.due_at = dossier.original_due_at = deadline.due_at
    dossier.at_risk_at = deadlines.at_risk_instant(cal, deadline.counting_from, deadline.due_at)
    deadlines.allot_steps(dossier.plan, deadline.working_total, cal.working_day_length)
    dossier.receiving_unit_due_at = deadlines.first_unit_due(cal, deadline.counting_from, dossier.plan)


def _begin_clock_span(dossier: Dossier, now: datetime, *, waiting: bool = False, first: bool = False):
    """Record where the clock stands from `now` (a new `ClockSpan`); the previous span ends here."""
    if not first:
        ClockSpan.objects.filter(dossier_id=dossier.pk, ended_at__isnull=True).update(ended_at=now)
    ClockSpan.objects.create(dossier_id=dossier.pk, started_at=now, legal_due_at=dossier.original_due_at,
                             waiting=waiting)


def _wait_for_applicant(dossier: Dossier, task: WorkItem, actor, now: datetime) -> int:
    """The step hands the dossier back to the applicant: the clock stands still from `now` (a waiting
    span), the step's working time so far is kept; returns it."""
    dossier.clock_paused_at = now
    spent = _finish_task(task, actor, now)
    step = dossier.plan[dossier.current_step]
    step["spent"] = step.get("spent", 0) + spent
    _begin_clock_span(dossier, now, waiting=True)
    return spent


def _resume_clock(dossier: Dossier, task: WorkItem, actor, now: datetime, *, legal: datetime,
                  appointment: datetime):
    """The applicant did their part: the clock runs again towards the new due times."""
    dossier.original_due_at, dossier.due_at = legal, appointment
    dossier.at_risk_at = deadlines.at_risk_instant(deadlines.calendar_for(dossier), now, appointment)
    dossier.clock_paused_at = None
    _finish_task(task, actor, now)
    _begin_clock_span(dossier, now)


def _start_flow(dossier: Dossier, *, actor, action: str, note: str, data: dict):
    event = audit.stage_event(dossier, actor=actor, action=action, from_status="", note=note, data=data,
                              agency_id=dossier.receiving_agency_id)
    DossierFlow.start.run(dossier=dossier)  # INSERTs the process, the dossier and the first work item
    audit.save_event(event)


def receive(*, actor, procedure: Procedure, agency: Agency, applicant: Applicant, document_ids,
            channel: str = Channel.COUNTER, note: str = "", competent_unit: AdministrativeUnit | None = None,
            return_agency: Agency | None = None, paper_result: bool = False, now: datetime | None = None) -> Receipt:
    """Tiếp nhận hồ sơ tại Bộ phận Một cửa: the dossier is complete, the clock starts.

    `competent_unit`: the applicant's or the land's unit when it is not the receiving one (receiving
    regardless of boundary); `return_agency`: the counter where the citizen will collect the result;
    `paper_result`: the applicant asks for the result on paper too (by default electronic only)."""
    if channel == Channel.ONLINE:
        raise InvalidInput(_("Hồ sơ trực tuyến được tiếp nhận qua chức năng tiếp nhận hồ sơ trực tuyến."))
    with _Action(now) as act:
        _require_member(actor, agency.pk, Role.CLERK)
        documents = _check_documents(procedure, document_ids)
        dossier, secret = _new_dossier(
            procedure=procedure, agency=agency, applicant=applicant, documents=documents,
            channel=channel, now=act.now, status=Status.RECEIVED, competent_unit=competent_unit,
            return_agency=return_agency, paper_result=paper_result,
        )
        _start_clock(dossier, act.now)
        guidances = _earlier_guidances(dossier)
        dossier.guidance_count = len(guidances)
        _start_flow(dossier, actor=actor, action="receive", note=note,
                    data={"due_at": dossier.due_at.isoformat(), "channel": channel,
                          **({"paper_result": True} if dossier.paper_result else {}),
                          **({"guidances": guidances} if guidances else {})})
        if guidances:
            CounterGuidance.objects.filter(pk__in=guidances).update(dossier=dossier)
        _begin_clock_span(dossier, act.now, first=True)
        return Receipt(dossier, secret)


# A guidance older than this is not the same attempt at the procedure any more.
GUIDANCE_TAKEN_OVER_WITHIN = timedelta(days=90)


def _earlier_guidances(dossier: Dossier) -> list[int]:
    """The counter guidances to this person for this procedure not yet taken over by a dossier."""
    if not dossier.applicant_id_number:
        return []
    return list(CounterGuidance.objects.filter(
        dossier__isnull=True, applicant_id_number=dossier.applicant_id_number,
        procedure_code=dossier.procedure.code, issued_at__lte=dossier.received_at,
        issued_at__gte=dossier.received_at - GUIDANCE_TAKEN_OVER_WITHIN,
        agency__unit__path__startswith=f"/{dossier.receiving_unit.path.split('/')[1]}/",  # within the province
    ).order_by("issued_at").values_list("pk", flat=True))


def issue_guidance(*, actor, procedure: Procedure, agency: Agency, applicant: Applicant, items: list[str],
                   note: str = "", now: datetime | None = None) -> CounterGuidance:
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ at the counter: the dossier is incomplete and is not
    received; what is missing is written down once and in full (TT 01/2018 Art. 6; TT 03/2025 Mẫu 02).

    Recorded, because the law counts it: each such guidance is a contact the applicant made to
    complete the dossier (TT 01/2018 Art. 13, indicators 3 and 4), taken over by the dossier later
    received for the same person and procedure."""
    items = [item.strip() for item in items if item and item.strip()]
    if not items:
        raise InvalidInput(_("Cần liệt kê giấy tờ, nội dung cần bổ sung, hoàn thiện."))
    applicant = applicant.cleaned()
    with _Action(now) as act:
        _require_member(actor, agency.pk, Role.CLERK)
        if not competence.receivable_at(procedure, agency, timezone.localdate(act.now)):
            raise InvalidInput(_("Thủ tục không thuộc cấp tiếp nhận của quầy."))
        return CounterGuidance.objects.create(
            procedure=procedure, procedure_code=procedure.code, agency=agency, actor=actor,
            applicant_name=applicant.name, applicant_id_number=applicant.id_number,
            applicant_phone=applicant.phone, items=items, note=(note or "").strip(), issued_at=act.now,
        )


def submit_online(*, procedure: Procedure, agency: Agency, applicant: Applicant, document_ids,
                  note: str = "", competent_unit: AdministrativeUnit | None = None,
                  return_agency: Agency | None = None, paper_result: bool = False, vneid_verified: bool = False,
                  now: datetime | None = None) -> Receipt:
    """Nộp hồ sơ trực tuyến: the dossier waits at the counter for acceptance (clock not started);
    `paper_result` as for `receive`; `vneid_verified`: submitted through a national-portal account
    verified with VNeID (TaiKhoanDuocXacThucVoiVNeID, QĐ 766 indicator 4.5)."""
    with _Action(now) as act:
        if procedure.online_level == OnlineLevel.NONE:
            raise InvalidInput(_("Thủ tục này chưa cung cấp dịch vụ công trực tuyến."))
        if not agency.kind.is_one_stop_counter:
            raise InvalidInput(_("Hồ sơ trực tuyến phải gửi tới Bộ phận Một cửa."))
        # Completeness is the counter's check on acceptance (NĐ 61/2018 Art. 17.2); here only
        # that each document belongs to the procedure.
        documents = _check_documents(procedure, document_ids, enforce_mandatory=False)
        dossier, secret = _new_dossier(
            procedure=procedure, agency=agency, applicant=applicant, documents=documents,
            channel=Channel.ONLINE, now=act.now, status=Status.SUBMITTED, competent_unit=competent_unit,
            return_agency=return_agency, paper_result=paper_result, vneid_verified=vneid_verified,
        )
        dossier.submitted_at = act.now
        _start_flow(dossier, actor=None, action="submit_online", note=note,
                    data={"paper_result": True} if dossier.paper_result else {})
        return Receipt(dossier, secret)


def accept_online(dossier: Dossier, *, actor, note: str = "", expected_version=None, checks=None,
                  now: datetime | None = None) -> Dossier:
    """Tiếp nhận hồ sơ trực tuyến: accept a submission; the clock starts now.

    `checks`, if given, is the clerk's verdict on each submitted document (a list of dicts, e.g.
    {"file": id, "name": ..., "result": "pass"}), recorded in the event's data."""
    with _Action(now) as act:
        task = _load_open_task(dossier, expected_version)
        _require_node(task, DossierFlow.review_submission)
        dossier = task.process.dossier
        _transition(dossier, "accept", actor)
        _start_clock(dossier, act.now)
        _finish_task(task, actor, act.now)
        _begin_clock_span(dossier, act.now, first=True)
        return _record(dossier, actor=actor, action="accept_online", from_status=Status.SUBMITTED,
                       fields=["received_at", "due_at", "original_due_at", "at_risk_at", "receiving_unit_due_at",
                               "plan"],
                       agency_id=task.agency_id, note=note, data={"checks": list(checks)} if checks else None)


def refuse(dossier: Dossier, *, actor, reasons: str, expected_version=None,
           now: datetime | None = None) -> Dossier:
    """Từ chối tiếp nhận hồ sơ trực tuyến, with the reasons the citizen will read."""
    if not (reasons or "").strip():
        raise InvalidInput(_("Cần nêu rõ lý do từ chối."))
    with _Action(now) as act:
        task = _load_open_task(dossier, expected_version)
        _require_node(task, DossierFlow.review_submission)
        dossier = task.process.dossier
        _transition(dossier, "refuse", actor)
        dossier.outcome_reasons = reasons.strip()
        dossier.closed_at = act.now
        _finish_task(task, actor, act.now)
        return _record(dossier, actor=actor, action="refuse", from_status=Status.SUBMITTED,
                       fields=["outcome_reasons", "closed_at"], agency_id=task.agency_id, note=reasons)


def refuse_at_counter(*, actor, procedure: Procedure, agency: Agency, applicant: Applicant,
                      reasons: str, competent_unit: AdministrativeUnit | None = None,
                      now: datetime | None = None) -> Dossier:
    """Từ chối tiếp nhận tại quầy: recorded (for the register and the refusal slip), no flow."""
    if not (reasons or "").strip():
        raise InvalidInput(_("Cần nêu rõ lý do từ chối."))
    with _Action(now) as act:
        _require_member(actor, agency.pk, Role.CLERK)
        dossier, _secret = _new_dossier(
            procedure=procedure, agency=agency, applicant=applicant, documents=[],
            channel=Channel.COUNTER, now=act.now, status=Status.REFUSED, competent_unit=competent_unit,
        )
        dossier.outcome_reasons = reasons.strip()
        dossier.closed_at = act.now
        event = audit.stage_event(dossier, actor=actor, action="refuse_at_counter", from_status="",
                                  agency_id=agency.pk, note=reasons)
        dossier.save(force_insert=True)
        audit.save_event(event)
        return dossier


# --- processing (giải quyết) -----------------------------------------------------------


def start_processing(dossier: Dossier, *, actor, expected_version=None, now: datetime | None = None) -> Dossier:
    """Nhận xử lý: the actor takes the current step; a received dossier becomes processing."""
    with _Action(now):
        task = _load_open_task(dossier, expected_version)
        _require_node(task, DossierFlow.process_step)
        dossier = task.process.dossier
        from_status = dossier.status
        _take(task, actor)
        if dossier.status == Status.RECEIVED:
            _transition(dossier, "start_processing", actor)
        return _record(dossier, actor=actor, action="start_processing", from_status=from_status, fields=[],
                       step_index=task.step_index, agency_id=task.agency_id)


def complete_step(dossier: Dossier, *, actor, note: str = "", next_assignee=None, expected_version=None,
                  now: datetime | None = None) -> Dossier:
    """Hoàn thành bước và chuyển bước tiếp theo (liên thông: to another agency or level)."""
    with _Action(now) as act:
        task = _load_open_task(dossier, expected_version)
        _require_node(task, DossierFlow.process_step)
        dossier = task.process.dossier
        from_status = dossier.status
        _transition(dossier, "complete_step", actor)
        dossier.current_step += 1
        dossier._next_assignee = next_assignee
        spent = _finish_task(task, actor, act.now)
        return _record(dossier, actor=actor, action="complete_step", from_status=from_status,
                       fields=["current_step"], step_index=task.step_index, agency_id=task.agency_id,
                       note=note, data=_step_data(task, spent))


def request_supplement(dossier: Dossier, *, actor, items: list[str], reason: str = "", expected_version=None,
                       now: datetime | None = None) -> Dossier:
    """Yêu cầu bổ sung, hoàn thiện hồ sơ: all at once; the clock pauses or will restart."""
    items = [item.strip() for item in items if item and item.strip()]
    if not items:
        raise InvalidInput(_("Cần liệt kê giấy tờ cần bổ sung."))
    with _Action(now) as act:
        task = _load_open_task(dossier, expected_version)
        _require_node(task, DossierFlow.process_step)
        dossier = task.process.dossier
        from_status = dossier.status
        _transition(dossier, "request_supplement", actor)
        dossier.supplement_count += 1
        cal = deadlines.calendar_for(dossier)
        if frames.frame_of(dossier).supplement_time_ends_dossier:
            dossier.supplement_due_at = deadlines.supplement_due(cal, act.now, dossier.procedure.supplement_days)
        spent = _wait_for_applicant(dossier, task, actor, act.now)
        late_request = deadlines.working_seconds(cal, dossier.received_at, act.now) > 3 * int(
            cal.working_day_length.total_seconds()
        )
        return _record(
            dossier, actor=actor, action="request_supplement", from_status=from_status,
            fields=["clock_paused_at", "supplement_count", "supplement_due_at", "plan"], step_index=task.step_index,
            agency_id=task.agency_id, note=reason,
            data={**_step_data(task, spent), "items": items, "after_3_working_days": late_request,
                  **({"supplement_due_at": due.isoformat()} if (due := dossier.supplement_due_at) else {})},
        )


def supplement_received(dossier: Dossier, *, actor, note: str = "", expected_version=None,
                        now: datetime | None = None) -> Dossier:
    """Đã nhận đủ hồ sơ bổ sung: processing resumes; the clock restarts or shifts."""
    with _Action(now) as act:
        task = _load_open_task(dossier, expected_version)
        _require_node(task, DossierFlow.await_supplement)
        dossier = task.process.dossier
        _transition(dossier, "supplement_received", actor)
        cal = deadlines.calendar_for(dossier)
        legal, appointment, paused = deadlines.after_supplement(dossier, cal, act.now)
        restart = dossier.procedure.supplement_clock_rule == "restart"
        if restart:
            deadlines.allot_steps(dossier.plan, cal.working_time_between(cal.start_of_counting(act.now), legal),
                                  cal.working_day_length)
            for step in dossier.plan:
                step.pop("spent", None)
        _resume_clock(dossier, task, actor, act.now, legal=legal, appointment=appointment)
        dossier.supplement_due_at = None
        return _record(
            dossier, actor=actor, action="supplement_received", from_status=Status.AWAITING_SUPPLEMENT,
            fields=["original_due_at", "due_at", "at_risk_at", "clock_paused_at", "supplement_due_at", "plan"],
            agency_id=task.agency_id, note=note,
            data={"rule": dossier.procedure.supplement_clock_rule, "paused_working_seconds": paused,
                  "due_at": appointment.isoformat()},
        )


def request_payment(dossier: Dossier, *, actor, obligation: str, expected_version=None,
                    now: datetime | None = None) -> Dossier:
    """Thông báo thực hiện nghĩa vụ tài chính: the step holder tells the applicant what to pay (taxes,
    land levies…); the clock stands still until the counter records it paid, then both due times
    move by the working time waited (the paused time is the applicant's, not the agency's)."""
    if not (obligation or "").strip():
        raise InvalidInput(_("Cần ghi nghĩa vụ tài chính phải thực hiện."))
    with _Action(now) as act:
        task = _load_open_task(dossier, expected_version)
        _require_node(task, DossierFlow.process_step)
        dossier = task.process.dossier
        from_status = dossier.status
        _transition(dossier, "request_payment", actor)
        spent = _wait_for_applicant(dossier, task, actor, act.now)
        return _record(
            dossier, actor=actor, action="request_payment", from_status=from_status,
            fields=["clock_paused_at", "plan"], step_index=task.step_index, agency_id=task.agency_id,
            note=obligation.strip(), data=_step_data(task, spent),
        )


def payment_received(dossier: Dossier, *, actor, note: str = "", expected_version=None,
                     now: datetime | None = None) -> Dossier:
    """Đã hoàn thành nghĩa vụ tài chính: handling resumes with the due times moved by the wait.

    `actor=None` is the system: the payment gateway's verified result (signature and amount checked
    by payments.services) meets the obligation, no clerk acts; the counter's work item closes unclaimed.
    """
    with _Action(now) as act:
        task = _load_open_task(dossier, expected_version)
        _require_node(task, DossierFlow.await_payment)
        dossier = task.process.dossier
        if actor is None:  # online payment confirmed by the gateway (payments.services._complete)
            if not can_proceed(dossier.payment_received):
                raise TransitionNotAllowed()
            dossier.payment_received()
        else:
            _transition(dossier, "payment_received", actor)
        cal = deadlines.calendar_for(dossier)
        legal, appointment, paused = deadlines.after_pause(dossier, cal, act.now)
        _resume_clock(dossier, task, actor, act.now, legal=legal, appointment=appointment)
        return _record(
            dossier, actor=actor, action="payment_received", from_status=Status.AWAITING_PAYMENT,
            fields=["original_due_at", "due_at", "at_risk_at", "clock_paused_at"], agency_id=task.agency_id,
            note=note, data={"paused_working_seconds": paused, "due_at": appointment.isoformat()},
        )


STOP_CHANNELS = ("counter", "postal", "online")


def stop(dossier: Dossier, *, actor, reason: str, channel: str = "counter", expected_version=None,
         now: datetime | None = None) -> Dossier:
    """Dừng giải quyết hồ sơ at the applicant's request (NĐ 118/2025 Art. 21; TT 03/2025 Art. 7).

    Asked at the counter, by post or online, before a decision is issued; the counter records it and
    issues the stop notice (Thông báo dừng giải quyết hồ sơ). Handling ends: open work is cancelled,
    the clock stops for good (national status 8). Dossiers under the 2018 rules are withdrawn instead.
    """
    if not (reason or "").strip():
        raise InvalidInput(_("Cần ghi lý do đề nghị dừng giải quyết."))
    if channel not in STOP_CHANNELS:
        raise InvalidInput(_("Hình thức đề nghị dừng giải quyết không hợp lệ."))
    with _Action(now) as act:
        task = _load_open_task(dossier, expected_version)
        dossier = task.process.dossier
        _require_member(actor, dossier.receiving_agency_id, Role.CLERK)
        from_status = dossier.status
        _transition(dossier, "stop", actor)
        dossier.closed_at = act.now
        dossier.stop_reason = StopReason.APPLICANT_REQUEST
        _cancel_flow(task.process)
        return _record(dossier, actor=actor, action="stop", from_status=from_status,
                       fields=["closed_at", "stop_reason"], agency_id=dossier.receiving_agency_id,
                       note=reason.strip(), data={"channel": channel})


def expire_supplement(dossier: Dossier, *, expected_version=None, now: datetime | None = None) -> Dossier:
    """Dừng giải quyết: the applicant's time to bring the supplement ran out (Procedure.supplement_days).

    Run by the periodic scan, not by a person: open work is cancelled and handling ends as a stop
    (national status 8), and the counter issues the stop notice. The waiting time stays the
    applicant's: the agency's clock, paused since the request, never runs again.
    """
    with _Action(now) as act:
        task = _load_open_task(dossier, expected_version)
        _require_node(task, DossierFlow.await_supplement)
        dossier = task.process.dossier
        if dossier.supplement_due_at is None or dossier.supplement_due_at > act.now:
            raise TransitionNotAllowed()
        _transition(dossier, "expire_supplement", None)
        dossier.closed_at = act.now
        dossier.stop_reason = StopReason.SUPPLEMENT_EXPIRED
        _cancel_flow(task.process)
        return _record(dossier, actor=None, action="expire_supplement", from_status=Status.AWAITING_SUPPLEMENT,
                       fields=["closed_at", "stop_reason"], agency_id=dossier.receiving_agency_id,
                       data={"supplement_due_at": dossier.supplement_due_at.isoformat()})


def expire_due_supplements(now: datetime | None = None) -> int:
    """Stop every dossier whose supplement time ran out by `now`, each in its own transaction;
    a dossier supplemented or stopped meanwhile is left as it is. Returns how many were stopped."""
    now = now or clock.now()
    due = (Dossier.objects.filter(status=Status.AWAITING_SUPPLEMENT, supplement_due_at__lte=now)
           .order_by("supplement_due_at", "pk"))
    stopped = 0
    for dossier in list(due):
        try:
            expire_supplement(dossier, now=now)
        except (Conflict, TransitionNotAllowed):
            continue  # acted on since it was read: the next pass sees its new state
        stopped += 1
    return stopped


def extend(dossier: Dossier, *, actor, new_due_at: datetime, reason: str, expected_version=None,
           now: datetime | None = None) -> Dossier:
    """Gia hạn (phiếu xin lỗi và hẹn lại ngày trả): once, at least a working day before the due time."""
    if not (reason or "").strip():
        raise InvalidInput(_("Cần nêu rõ lý do quá hạn."))
    with _Action(now) as act:
        task = _load_open_task(dossier, expected_version)
        dossier = task.process.dossier
        processing_agency = task.agency_id if task.flow_task == DossierFlow.process_step else None
        if not (access.is_member(actor, dossier.receiving_agency_id, Role.CLERK)
                or (processing_agency and (access.is_member(actor, processing_agency, Role.LEADER)
                                           or task.owner_id == actor.pk))):
            raise PermissionDenied()
        from_status = dossier.status
        _transition(dossier, "extend", actor)
        cal = deadlines.calendar_for(dossier)
        deadlines.check_extension(dossier, cal, act.now, new_due_at)
        previous = dossier.due_at
        dossier.due_at = new_due_at
        dossier.extension_count += 1
        dossier.at_risk_at = deadlines.at_risk_instant(cal, act.now, new_due_at)
        return _record(
            dossier, actor=actor, action="extend", from_status=from_status,
            fields=["due_at", "extension_count", "at_risk_at"], step_index=task.step_index,
            agency_id=processing_agency or dossier.receiving_agency_id, note=reason,
            data={"previous_due_at": previous.isoformat(), "new_due_at": new_due_at.isoformat()},
        )


def decide(dossier: Dossier, *, actor, outcome: str, reasons: str = "", expected_version=None,
           now: datetime | None = None) -> Dossier:
    """Quyết định: the leader grants or denies (with reasons); the result goes to the counter.

    A grant produces the electronic result (workflows.results: coded, rendered, signed, stored as
    the dossier's result file) in the same transaction; the decide event records its code, file
    and sha256. The stored file is removed if the call fails; a caller that wraps this in its own
    transaction removes it if that fails (`uploads.remove`). A denial's document is the refusal,
    Mẫu 03, printed and signed on demand as before (docs/decisions/0028)."""
    if outcome not in Outcome.values:
        raise InvalidInput(_("Kết quả giải quyết không hợp lệ."))
    if outcome == Outcome.DENIED and not (reasons or "").strip():
        raise InvalidInput(_("Cần nêu rõ lý do từ chối giải quyết."))
    written = []
    try:
        with _Action(now) as act:
            task = _load_open_task(dossier, expected_version)
            _require_node(task, DossierFlow.process_step)
            dossier = task.process.dossier
            if task.role != Role.LEADER:
                raise TransitionNotAllowed(_("Bước hiện tại không phải bước quyết định của lãnh đạo."))
            from_status = dossier.status
            _transition(dossier, "decide", actor)
            dossier.outcome = outcome
            dossier.outcome_reasons = (reasons or "").strip()
            dossier.resolved_at = act.now
            spent = _finish_task(task, actor, act.now)
            data = {**_step_data(task, spent), "outcome": outcome}
            if outcome == Outcome.GRANTED:
                result = results.issue_result(dossier, actor=actor, agency=task.agency or dossier.receiving_agency,
                                              now=act.now, written=written)
                data["result"] = {"code": result.result_code, "file": result.pk, "sha256": result.sha256}
            return _record(
                dossier, actor=actor, action="decide", from_status=from_status,
                fields=["outcome", "outcome_reasons", "resolved_at"], step_index=task.step_index,
                agency_id=task.agency_id, note=reasons, data=data,
            )
    except BaseException:
        uploads.remove(written)  # a result stored for a decision that did not commit
        raise


# --- return (trả kết quả) and withdrawal -----------------------------------------------


def return_result(dossier: Dossier, *, actor, collected_by: str, note: str = "", expected_version=None,
                  now: datetime | None = None) -> Dossier:
    """Trả kết quả tại Bộ phận Một cửa: records who collected it; the flow ends."""
    if not (collected_by or "").strip():
        raise InvalidInput(_("Cần ghi họ tên người nhận kết quả."))
    with _Action(now) as act:
        task = _load_open_task(dossier, expected_version)
        _require_node(task, DossierFlow.return_result)
        dossier = task.process.dossier
        _transition(dossier, "return_result", actor)
        dossier.returned_at = dossier.closed_at = act.now
        dossier.collected_by = collected_by.strip()
        _finish_task(task, actor, act.now)
        return _record(
            dossier, actor=actor, action="return_result", from_status=Status.RESULT_READY,
            fields=["returned_at", "closed_at", "collected_by"], agency_id=task.agency_id, note=note,
        )


def withdraw(dossier: Dossier, *, actor, reason: str, expected_version=None,
             now: datetime | None = None) -> Dossier:
    """Công dân rút hồ sơ, recorded at the counter: open work is cancelled."""
    if not (reason or "").strip():
        raise InvalidInput(_("Cần ghi lý do rút hồ sơ."))
    with _Action(now) as act:
        task = _load_open_task(dossier, expected_version)
        dossier = task.process.dossier
        _require_member(actor, dossier.receiving_agency_id, Role.CLERK)
        if dossier.status not in OPEN_STATUSES:
            raise TransitionNotAllowed()
        from_status = dossier.status
        _transition(dossier, "withdraw", actor)
        dossier.closed_at = act.now
        _cancel_flow(task.process)
        return _record(dossier, actor=actor, action="withdraw", from_status=from_status,
                       fields=["closed_at"], agency_id=dossier.receiving_agency_id, note=reason)


# --- work assignment (phân công) -------------------------------------------------------


def assign(dossier: Dossier, *, actor, assignee, expected_version=None, now: datetime | None = None) -> Dossier:
    """Claim the current work item (assignee = actor) or, as a leader of its agency, assign it."""
    with _Action(now):
        task = _load_open_task(dossier, expected_version)
        dossier = task.process.dossier
        if assignee.pk != actor.pk and not access.is_member(actor, task.agency_id, Role.LEADER):
            raise PermissionDenied()
        if not access.can_take(assignee, task):
            raise PermissionDenied(_("Người được giao không thuộc cơ quan hoặc không có vai trò phù hợp."))
        activation = task.flow_task.activation_class(task)
        if task.owner_id is None:
            activation.assign(assignee)
        else:
            if task.owner_id != actor.pk and not access.is_member(actor, task.agency_id, Role.LEADER):
                raise PermissionDenied()
            activation.reassign(assignee)
        return _record(dossier, actor=actor, action="assign", from_status=dossier.status, fields=[],
                       step_index=task.step_index, agency_id=task.agency_id,
                       data={"task": task.pk, "assignee": assignee.pk})


def unassign(dossier: Dossier, *, actor, expected_version=None, now: datetime | None = None) -> Dossier:
    """Return the current work item to the agency's queue (its owner or a leader of the agency)."""
    with _Action(now):
        task = _load_open_task(dossier, expected_version)
        dossier = task.process.dossier
        if task.owner_id is None:
            raise TransitionNotAllowed(_("Công việc chưa được giao cho ai."))
        if task.owner_id != actor.pk and not access.is_member(actor, task.agency_id, Role.LEADER):
            raise PermissionDenied()
        previous = task.owner_id
        task.flow_task.activation_class(task).unassign()
        return _record(dossier, actor=actor, action="unassign", from_status=dossier.status, fields=[],
                       step_index=task.step_index, agency_id=task.agency_id,
                       data={"task": task.pk, "previous_owner": previous})


# --- beside the flow: rating, files (petitions: petitions.services) -------------------------
# Records that feed official figures (the satisfaction rate) or the dossier's
# evidence. There is no work item to load: each call locks and re-reads the dossier row, so the
# chain head is current. None depends on what another call changed, so by default a caller's
# older instance is fine; pass `expected_version` to insist on the version seen.


def _lock_dossier(dossier_id: int, expected_version: int | None) -> Dossier:
    dossier = Dossier.objects.select_for_update().filter(pk=dossier_id).first()
    if dossier is None or (expected_version is not None and dossier.event_count != expected_version):
        raise Conflict()
    return dossier


def rate(dossier: Dossier, *, rating: str, comment: str = "", expected_version=None,
         now: datetime | None = None) -> SatisfactionRating:
    """Đánh giá mức độ hài lòng: the citizen (no actor) rates a dossier once its result was returned.

    Returns the rating; its `.dossier` is the fresh dossier.
    """
    if rating not in Rating.values:
        raise InvalidInput(_("Mức độ hài lòng không hợp lệ."))
    with _Action(now) as act:
        dossier = _lock_dossier(dossier.pk, expected_version)
        if dossier.status != Status.RETURNED:
            raise TransitionNotAllowed(_("Chỉ đánh giá được sau khi đã nhận kết quả."))
        if SatisfactionRating.objects.filter(dossier=dossier).exists():
            raise TransitionNotAllowed(_("Hồ sơ này đã được đánh giá."))
        row = SatisfactionRating.objects.create(
            dossier=dossier, rating=rating, comment=(comment or "").strip(), created_at=act.now,
        )
        _record(dossier, actor=None, action="rate", from_status=dossier.status, fields=[],
                agency_id=dossier.receiving_agency_id, data={"rating": rating, "rating_id": row.pk})
        return row


def reissue_secret(dossier: Dossier, *, actor, id_checked_note: str, expected_version=None,
                   now: datetime | None = None) -> Receipt:
    """Cấp lại mã bí mật tra cứu: a clerk of the receiving or the return counter, after checking the
    applicant's identity document (`id_checked_note` says which), gives a new secret; the old one
    stops working. Returns the receipt with the new secret, shown once."""
    note = (id_checked_note or "").strip()
    if not note:
        raise InvalidInput(_("Cần ghi giấy tờ tùy thân đã kiểm tra trước khi cấp lại mã bí mật."))
    with _Action(now):
        dossier = _lock_dossier(dossier.pk, expected_version)
        if not any(access.is_member(actor, agency, Role.CLERK)
                   for agency in {dossier.receiving_agency_id, dossier.return_agency_id} if agency):
            raise PermissionDenied()
        secret = codes.new_secret()
        dossier.lookup_secret_hash = codes.hash_secret(secret)
        _record(dossier, actor=actor, action="reissue_secret", from_status=dossier.status,
                fields=["lookup_secret_hash"], agency_id=dossier.receiving_agency_id, note=note,
                data={"secret_hash": dossier.lookup_secret_hash})
        return Receipt(dossier, secret)


def attach_file(dossier: Dossier, *, checked_file: uploads.CheckedFile, actor=None, required_document=None,
                expected_version=None, now: datetime | None = None) -> DossierFile:
    """Đính kèm tệp: store an upload already checked (`uploads.check`) as a file of the dossier.

    Who: the citizen (no actor) on their online submission until the counter acts on it, or a
    clerk of the receiving agency while the dossier is open. The file is written inside the
    transaction and removed if the call fails; a caller that wraps calls in its own transaction
    removes the files of the rows it got back if that fails (`uploads.remove`), so nothing is
    left of a submission that did not commit. Returns the row; its `.dossier` is fresh.
    """
    written = []
    try:
        with _Action(now) as act:
            dossier = _lock_dossier(dossier.pk, expected_version)
            if actor is None:
                # The citizen: their online submission before the counter acts on it, or the
                # supplement the counter asked of an online dossier (the counter then records it
                # received: `supplement_received`, the official's check as on acceptance).
                supplement = dossier.status == Status.AWAITING_SUPPLEMENT and dossier.channel == Channel.ONLINE
                if dossier.status != Status.SUBMITTED and not supplement:
                    raise TransitionNotAllowed()
            else:
                _require_member(actor, dossier.receiving_agency_id, Role.CLERK)
                if dossier.status not in OPEN_STATUSES:
                    raise TransitionNotAllowed()
            if required_document is not None and required_document.procedure_id != dossier.procedure_id:
                raise InvalidInput(_("Thành phần hồ sơ không thuộc thủ tục này."))
            written.append(uploads.store(checked_file, act.now))
            file = DossierFile.objects.create(
                dossier=dossier, required_document=required_document, stored_name=written[0],
                original_name=checked_file.original_name, content_type=checked_file.content_type,
                size=checked_file.size, sha256=checked_file.sha256, uploaded_at=act.now,
            )
            _record(dossier, actor=actor, action="attach_file", from_status=dossier.status, fields=[],
                    agency_id=dossier.receiving_agency_id,
                    data={"file": file.pk, "name": file.original_name, "content_type": file.content_type,
                          "size": file.size, "sha256": file.sha256,
                          "required_document": required_document.pk if required_document else None})
            return file
    except BaseException:
        uploads.remove(written)
        raise
