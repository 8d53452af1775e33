"""The engine's models: the dossier (hồ sơ) with its state machine, its work items
(viewflow tasks), its audit trail, and staff membership.

State changes happen only in `workflows.services`; the transition methods here declare
what is legal (source, target, conditions) and are called by the services.
"""
import datetime as dt
import hashlib
import json

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransition, ConcurrentTransitionMixin, FSMField, transition
from viewflow.workflow.managers import TaskQuerySet
from viewflow.workflow.models import AbstractTask, Process
from viewflow.workflow.status import STATUS

from procedures.models import AdministrativeUnit, Agency, Procedure

from . import clock, frames
from .membership import agency_ids, has_role, is_member, roles_of
from .roles import Role
from .statuses import NATIONAL_STATUS_CODE, OPEN_STATUSES, UNDECIDED_STATUSES, Status


class StaffMembership(models.Model):
    """A staff member's membership of an agency (công tác tại cơ quan).

    Clerks, specialists and leaders act on dossiers of their agencies; a supervisor's
    reach is the subtree of `supervised_unit`.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("người dùng"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("cơ quan"),
    )
    supervised_unit = models.ForeignKey(
        AdministrativeUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("đơn vị giám sát"),
        help_text=_("Với vai trò giám sát: đơn vị (kèm các đơn vị trực thuộc) được xem."),
    )
    title = models.CharField(
        _("chức danh"), max_length=120, blank=True,
        help_text=_("In dưới họ tên người ký trên biểu mẫu, ví dụ “Phó Chủ tịch Ủy ban nhân dân xã”, "
                    "“Công chức Tư pháp – Hộ tịch”."),
    )

    class Meta:
        verbose_name = _("thành viên cơ quan")
        verbose_name_plural = _("thành viên cơ quan")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="membership_user_agency"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.agency}"


class ServiceClockMixin:
    """Stamp viewflow's timestamps with the service call's instant (see workflows.clock).

    viewflow sets created/started/finished from the wall clock; inside a service call we
    replace any of them that this save is setting for the first time.
    """

    clock_fields: tuple[str, ...] = ()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stamped = {f for f in cls.clock_fields if getattr(instance, f, None) is not None}
        return instance

    def save(self, *args, **kwargs):
        instant = clock.active()
        if instant is not None:
            stamped = getattr(self, "_stamped", set())
            for name in self.clock_fields:
                if name not in stamped and getattr(self, name) is not None:
                    setattr(self, name, instant)
        super().save(*args, **kwargs)
        self._stamped = {f for f in self.clock_fields if getattr(self, f) is not None}


class DossierProcess(ServiceClockMixin, Process):
    """viewflow's process row for a dossier; a proxy, so no extra table or join."""

    clock_fields = ("created", "finished")

    class Meta:
        proxy = True
        verbose_name = _("quy trình hồ sơ")
        verbose_name_plural = _("quy trình hồ sơ")


class Channel(models.TextChoices):
    COUNTER = "counter", _("trực tiếp tại Bộ phận Một cửa")
    ONLINE = "online", _("trực tuyến")
    POSTAL = "postal", _("qua bưu chính")
    OUTSIDE = "outside", _("ngoài Bộ phận Một cửa")


class FileKind(models.TextChoices):
    # What a stored file is: a document the citizen or the counter sent in, or the result onestop
    # issued on the leader's decision (documents/result.py, docs/decisions/0028).
    SUBMITTED = "submitted", _("giấy tờ đã nộp")
    RESULT = "result", _("kết quả giải quyết")


class Outcome(models.TextChoices):
    # A decision agrees to the request (đồng ý, chấp thuận) or refuses it with reasons.
    GRANTED = "granted", _("đồng ý / chấp thuận")
    DENIED = "denied", _("từ chối giải quyết")


class ApplicantCapacity(models.TextChoices):
    """In what capacity the applicant files (NĐ 118/2025 Art. 5–6): for themselves or for the subject."""

    SELF = "self", _("tự nộp (chủ hồ sơ)")
    LEGAL_REPRESENTATIVE = "legal_rep", _("người đại diện theo pháp luật")
    AUTHORISED = "authorised", _("người được ủy quyền")


class StopReason(models.TextChoices):
    APPLICANT_REQUEST = "request", _("theo đề nghị của tổ chức, cá nhân")
    SUPPLEMENT_EXPIRED = "supplement", _("quá thời hạn bổ sung hồ sơ")


class DossierQuerySet(models.QuerySet):
    """Dossier lists. When a dossier is overdue, at risk or past its appointment is a rule of
    `reporting.rules`, not a method here: every list, figure and alert uses that one definition."""

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


def counter_clerk(dossier, user) -> bool:
    """A clerk of the counter that received the dossier or of the one returning its result."""
    return (is_member(user, dossier.receiving_agency_id, Role.CLERK)
            or is_member(user, dossier.return_agency_id, Role.CLERK))


def processor(dossier, user) -> bool:
    """A specialist or leader (the services also check the work item's agency)."""
    return has_role(user, Role.SPECIALIST) or has_role(user, Role.LEADER)


def leader(dossier, user) -> bool:
    return has_role(user, Role.LEADER)


def staff_of_dossier(dossier, user) -> bool:
    return counter_clerk(dossier, user) or processor(dossier, user)


class Dossier(ConcurrentTransitionMixin, models.Model):
    """A dossier (hồ sơ thủ tục hành chính) received for one procedure.

    `status` is the legal, citizen-visible status (django-fsm-2); who must act next is
    viewflow's work items on `process`. Both change together in one service call.
    """

    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, verbose_name=_("thủ tục"))
    receiving_agency = models.ForeignKey(  # indexed by dossier_receiving_list and dossier_counter_status_due
        Agency, on_delete=models.PROTECT, related_name="received_dossiers",
        verbose_name=_("nơi tiếp nhận"), db_index=False,
    )
    receiving_unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="dossiers",
        verbose_name=_("đơn vị tiếp nhận"),
    )
    # Receiving regardless of boundary (NĐ 118/2025 Art. 14): the unit whose agencies handle the
    # dossier follows the applicant or the land, not the counter. Without it both are the same.
    competent_unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="competent_dossiers",
        verbose_name=_("đơn vị có thẩm quyền giải quyết"),
    )
    received_out_of_area = models.BooleanField(
        _("tiếp nhận không phụ thuộc địa giới hành chính"), default=False, editable=False,
    )
    # Denormalised from competent_unit.path: supervision and every figure count a dossier for its
    # competent unit, and subtree scoping stays one indexed prefix filter.
    unit_path = models.CharField(max_length=255, db_index=True, editable=False)
    # Where the citizen collects the result (their choice at receipt; NĐ 118/2025 Art. 7).
    return_agency = models.ForeignKey(  # indexed by dossier_return_list, dossier_return_status_due
        Agency, on_delete=models.PROTECT, related_name="returning_dossiers", verbose_name=_("nơi trả kết quả"),
        db_index=False,
    )
    channel = models.CharField(_("hình thức nộp"), max_length=10, choices=Channel.choices)

    applicant_name = models.CharField(_("họ tên người nộp"), max_length=200)
    applicant_id_number = models.CharField(_("số định danh cá nhân"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    # TaiKhoanDuocXacThucVoiVNeID of the TT 04/2025 data set: the applicant acted through an account
    # verified with the national e-ID (VNeID); QĐ 766 indicator 4.5 counts it.
    vneid_verified = models.BooleanField(_("tài khoản được xác thực với VNeID"), default=False)
    # The subject (chủ hồ sơ) when someone files for them, with the authorisation (NĐ 118 Art. 6).
    applicant_capacity = models.CharField(
        _("tư cách người nộp"), max_length=10, choices=ApplicantCapacity.choices, default=ApplicantCapacity.SELF,
    )
    subject_name = models.CharField(_("tổ chức, cá nhân có yêu cầu"), max_length=200, blank=True)
    subject_id_number = models.CharField(_("số định danh / mã số của chủ hồ sơ"), max_length=20, blank=True)
    subject_address = models.CharField(_("địa chỉ của chủ hồ sơ"), max_length=300, blank=True)
    authorisation_document = models.CharField(
        _("văn bản ủy quyền"), max_length=300, blank=True, help_text=_("Số, ngày, người ký văn bản ủy quyền."),
    )
    # [{"id": RequiredDocument id, "name": ..., "form": ..., "copies": n}] as checked at reception
    documents = models.JSONField(_("giấy tờ đã nhận"), default=list, blank=True)

    status = FSMField(
        _("trạng thái"), max_length=24, choices=Status.choices, default=Status.SUBMITTED,
        protected=True, db_index=True,
    )
    process = models.OneToOneField(
        DossierProcess, null=True, blank=True, on_delete=models.PROTECT, related_name="dossier",
    )
    # The processing plan resolved at receipt: the procedure's steps with their agencies,
    # pinned so a later catalog edit never changes a running dossier.
    plan = models.JSONField(default=list, editable=False)
    current_step = models.PositiveSmallIntegerField(_("bước hiện tại"), default=0)

    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True, db_index=True)
    due_at = models.DateTimeField(_("hẹn trả"), null=True, blank=True)
    original_due_at = models.DateTimeField(
        _("hạn giải quyết theo quy định"), null=True, blank=True,
        help_text=_("Hạn trước khi gia hạn; dùng để tính đúng hạn."),
    )
    # Inter-linked dossiers: when the receiving unit's own part is due (on the receipt beside due_at).
    receiving_unit_due_at = models.DateTimeField(_("hẹn của đơn vị tiếp nhận"), null=True, blank=True)
    # While waiting for a supplement: the day it must be brought by (Procedure.supplement_days).
    supplement_due_at = models.DateTimeField(_("hạn bổ sung hồ sơ"), null=True, blank=True)
    at_risk_at = models.DateTimeField(null=True, blank=True, editable=False)
    clock_paused_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(_("có kết quả lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)

    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices, blank=True)
    outcome_reasons = models.TextField(_("lý do"), blank=True)
    extension_count = models.PositiveSmallIntegerField(_("số lần gia hạn"), default=0)
    supplement_count = models.PositiveSmallIntegerField(_("số lần bổ sung"), default=0)
    # Times the counter guided the applicant to complete the dossier before receiving it (Mẫu 02 at
    # the counter, CounterGuidance): contacts the evaluation counts beside the supplements.
    guidance_count = models.PositiveSmallIntegerField(_("số lần hướng dẫn hoàn thiện trước khi tiếp nhận"), default=0)
    collected_by = models.CharField(_("người nhận kết quả"), max_length=200, blank=True)
    # The applicant's choice at receipt or submission: the result is electronic (signed, downloaded
    # behind the lookup secret) unless they ask for it on paper too (nhận kết quả bản giấy).
    paper_result = models.BooleanField(_("nhận kết quả bản giấy"), default=False)
    stop_reason = models.CharField(_("lý do dừng"), max_length=10, choices=StopReason.choices, blank=True)

    lookup_secret_hash = models.CharField(max_length=128, editable=False)
    # The audit chain's head, kept on the row that is locked anyway: no read per event.
    event_count = models.PositiveIntegerField(default=0, editable=False)
    last_event_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The applicant's and the subject's names folded (workflows.folding): the staff search box.
    applicant_search = models.CharField(max_length=400, blank=True, editable=False)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-received_at", "-id"]
        indexes = [
            # The counter's day: each status list in its order (the old (agency, status) is its prefix).
            models.Index(fields=["receiving_agency", "status", "due_at"], name="dossier_counter_status_due"),
            models.Index(fields=["unit_path", "received_at"]),
            models.Index(fields=["status", "due_at"]),
            # The staff lists: one branch of the scope each (access.scope_branches), read in list order.
            models.Index(fields=["receiving_agency", "created_at", "id"], name="dossier_receiving_list"),
            models.Index(fields=["return_agency", "created_at", "id"], name="dossier_return_list"),
            # The counter's results to return: at the return point the citizen chose, by appointment.
            models.Index(fields=["return_agency", "status", "due_at"], name="dossier_return_status_due"),
            models.Index(fields=["created_at", "id"], name="dossier_list"),
            # The work-item branch probes dossiers by process: the list's columns ride along, index-only.
            models.Index(fields=["process"], include=["created_at", "id"], name="dossier_process_list"),
            # The counter's overdue list: only dossiers whose handling has not ended (a few percent).
            models.Index(fields=["receiving_agency", "original_due_at"], name="dossier_counter_open_due",
                         condition=models.Q(resolved_at__isnull=True, closed_at__isnull=True)),
            # The running month of the current period: still open, or ended since the month began
            # (reporting.rules.HANDLING_ENDED_AT, the same expression, so the planner matches it).
            models.Index(Coalesce("resolved_at", "closed_at"), F("competent_unit"), name="dossier_ended_unit"),
        ]

    def __str__(self):
        return self.code

    # --- optimistic concurrency -------------------------------------------------------
    # ConcurrentTransitionMixin guards the status; the chain head (event_count) guards the
    # rest: a write from an instance loaded before another service call fails cleanly.

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_event_count = instance.__dict__.get("event_count")
        return instance

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update, *args, **kwargs):
        loaded = getattr(self, "_loaded_event_count", None)
        guarded = base_qs if loaded is None else base_qs.filter(event_count=loaded)
        updated = super()._do_update(guarded, using, pk_val, values, update_fields, forced_update, *args, **kwargs)
        if not updated and loaded is not None and base_qs.filter(pk=pk_val).exists():
            raise ConcurrentTransition("The dossier changed since it was read.")
        return updated

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._loaded_event_count = self.event_count

    # --- state machine (trạng thái hồ sơ) --------------------------------------------
    # Each transition only moves the status and declares who may make it (its role; the
    # services also check the agency and the work item); the services own timestamps, work
    # items, events and notifications so that everything commits together.

    @transition(field=status, source=Status.SUBMITTED, target=Status.RECEIVED, permission=counter_clerk)
    def accept(self):
        """Tiếp nhận hồ sơ trực tuyến."""

    @transition(field=status, source=Status.SUBMITTED, target=Status.REFUSED, permission=counter_clerk)
    def refuse(self):
        """Từ chối tiếp nhận."""

    @transition(field=status, source=Status.RECEIVED, target=Status.PROCESSING, permission=processor)
    def start_processing(self):
        """Bắt đầu giải quyết."""

    @transition(field=status, source=[Status.RECEIVED, Status.PROCESSING], target=Status.PROCESSING,
                conditions=[lambda d: d.has_next_step], permission=processor)
    def complete_step(self):
        """Hoàn thành một bước, chuyển bước tiếp theo (có thể liên thông)."""

    @transition(field=status, source=[Status.RECEIVED, Status.PROCESSING], target=Status.AWAITING_SUPPLEMENT,
                permission=processor)
    def request_supplement(self):
        """Yêu cầu bổ sung, hoàn thiện hồ sơ."""

    @transition(field=status, source=Status.AWAITING_SUPPLEMENT, target=Status.PROCESSING, permission=counter_clerk)
    def supplement_received(self):
        """Đã nhận đủ hồ sơ bổ sung."""

    @transition(field=status, source=[Status.RECEIVED, Status.PROCESSING], target=Status.RESULT_READY,
                conditions=[lambda d: not d.has_next_step], permission=leader)
    def decide(self):
        """Quyết định giải quyết hoặc từ chối giải quyết."""

    @transition(field=status, source=Status.RESULT_READY, target=Status.RETURNED, permission=counter_clerk)
    def return_result(self):
        """Trả kết quả."""

    @transition(field=status, source=[Status.RECEIVED, Status.PROCESSING], target=Status.AWAITING_PAYMENT,
                permission=processor)
    def request_payment(self):
        """Thông báo thực hiện nghĩa vụ tài chính: the clock stands still until it is met."""

    @transition(field=status, source=Status.AWAITING_PAYMENT, target=Status.PROCESSING, permission=counter_clerk)
    def payment_received(self):
        """Đã hoàn thành nghĩa vụ tài chính."""

    # An online submission not yet received may always be withdrawn; a received dossier under the
    # 2018 rules is withdrawn, under the 2025 rules its handling is stopped (frames.LegalFrame).
    @transition(field=status, source=list(OPEN_STATUSES), target=Status.WITHDRAWN, permission=counter_clerk,
                conditions=[lambda d: d.status == Status.SUBMITTED or frames.frame_of(d).applicant_may_withdraw])
    def withdraw(self):
        """Công dân rút hồ sơ."""

    @transition(field=status, source=list(UNDECIDED_STATUSES), target=Status.STOPPED, permission=counter_clerk,
                conditions=[lambda d: frames.frame_of(d).applicant_may_stop])
    def stop(self):
        """Dừng giải quyết hồ sơ theo đề nghị của tổ chức, cá nhân (NĐ 118/2025 Điều 21)."""

    # No permission: the system ends it (the periodic scan), once the applicant's time has run out.
    @transition(field=status, source=Status.AWAITING_SUPPLEMENT, target=Status.STOPPED,
                conditions=[lambda d: frames.frame_of(d).supplement_time_ends_dossier and d.supplement_due_at])
    def expire_supplement(self):
        """Dừng giải quyết: quá thời hạn bổ sung hồ sơ mà tổ chức, cá nhân không bổ sung."""

    @transition(field=status, source=[Status.RECEIVED, Status.PROCESSING, Status.AWAITING_SUPPLEMENT,
                                      Status.AWAITING_PAYMENT],
                target=None, conditions=[lambda d: d.extension_count == 0], permission=staff_of_dossier)
    def extend(self):
        """Gia hạn (xin lỗi, hẹn lại ngày trả) — một lần."""

    # --- derived facts -----------------------------------------------------------------

    @property
    def has_next_step(self) -> bool:
        return self.current_step + 1 < len(self.plan)

    @property
    def current_plan_step(self) -> dict | None:
        if 0 <= self.current_step < len(self.plan):
            return self.plan[self.current_step]
        return None

    @property
    def national_status_code(self) -> int:
        """The national portal's status code (1–10) for synchronisation."""
        return NATIONAL_STATUS_CODE[self.status]


class DossierCodeCounter(models.Model):
    """The last dossier sequence number issued by an agency on a day (số thứ tự trong ngày).

    Incremented with an UPDATE inside the receipt's transaction: the row lock serialises
    concurrent receipts and a rolled-back receipt gives its number back, so codes have
    no gaps and no duplicates.
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE)
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="code_counter_agency_day")]

    def __str__(self):
        return f"{self.agency_id} {self.day}: {self.last_number}"


class ResultCodeCounter(models.Model):
    """The last result number an agency issued in a year (workflows.codes.issue_result_code): taken
    with one upsert inside the decision's transaction, so the row lock serialises concurrent
    decisions and a rolled-back decision gives its number back."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="result_counter_agency_year")]

    def __str__(self):
        return f"{self.agency_id}/{self.year}: {self.last_number}"


#: A work item still waiting for someone: in its agency's queue (NEW) or held by its owner (ASSIGNED).
OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED)


class WorkItemQuerySet(TaskQuerySet):
    """The work-item queries the site and the engine share (viewflow's own queryset underneath)."""

    def open(self):
        return self.filter(status__in=OPEN_TASK_STATUSES)

    def open_for(self, dossier):
        """The dossier's open human work item (at most one): who must act on it now."""
        if dossier.process_id is None:
            return self.none()
        return self.open().filter(process_id=dossier.process_id, flow_task_type="HUMAN")

    def queue_for(self, user):
        """The agency queue: open human work items the user may hold (`access.holder_rule` read from
        the user's side: an agency the user belongs to, a role the user holds); a superuser sees all."""
        queue = self.open().filter(flow_task_type="HUMAN")
        if not (user.is_authenticated and user.is_active):
            return queue.none()
        if user.is_superuser:
            return queue
        return queue.filter(agency_id__in=agency_ids(user), role__in=roles_of(user))


class WorkItem(ServiceClockMixin, AbstractTask):
    """A viewflow task with the facts our queues and delay audit need.

    Which agency and role must act, on which step of the dossier's plan, by when; and, when
    done, how much working time it took (`working_seconds`) against its allotment.
    """

    process = models.ForeignKey(DossierProcess, on_delete=models.CASCADE, verbose_name=_("quy trình"))
    data = models.JSONField(default=dict, blank=True)
    agency = models.ForeignKey(  # indexed by workitem_agency_process
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="work_items",
        verbose_name=_("cơ quan xử lý"), db_index=False,
    )
    role = models.CharField(_("vai trò"), max_length=20, blank=True)
    step_index = models.SmallIntegerField(_("bước"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn xử lý"), null=True, blank=True)
    at_risk_at = models.DateTimeField(null=True, blank=True)
    allotted_seconds = models.PositiveIntegerField(null=True, blank=True)
    working_seconds = models.PositiveIntegerField(_("thời gian làm việc (giây)"), null=True, blank=True)

    clock_fields = ("created", "assigned", "started", "finished")

    objects = WorkItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("công việc")
        verbose_name_plural = _("công việc")
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["status", "due_at"]),
            # The scope's work-item branch, index-only (it replaces the foreign key's own index).
            models.Index(fields=["agency", "process"], name="workitem_agency_process"),
            # The desk: an agency's open work in due order (open items only: a small index).
            models.Index(fields=["agency", "due_at", "id"], name="workitem_open_agency_due",
                         condition=models.Q(status__in=OPEN_TASK_STATUSES)),
        ]

    def __str__(self):
        return f"{self.flow_task} #{self.pk}"


class DossierHold(models.Model):
    """An agency that has held a step of the dossier (hồ sơ đã qua cơ quan): one row per dossier and agency.

    The work items say the same, but read for an agency they come in step order, so a list of the
    agency's dossiers cannot stop at a page. The dossier's list key (`created_at`, never changed)
    is copied here, and the scope's branch for the agency reads its dossiers in list order from one
    index (`access.scope_branches`, ADR 0044). Written with the work item (`workflows.nodes`),
    never changed; the dossier's deletion takes it along.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="holds", db_index=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", db_index=False)
    created_at = models.DateTimeField(editable=False)

    class Meta:
        verbose_name = _("cơ quan đã xử lý hồ sơ")
        verbose_name_plural = _("cơ quan đã xử lý hồ sơ")
        constraints = [
            # Also the probe from the dossier's side (`access.dossiers_for`): index-only.
            models.UniqueConstraint(fields=["dossier", "agency"], name="hold_dossier_agency"),
        ]
        indexes = [models.Index(fields=["agency", "created_at", "dossier"], name="hold_agency_list")]

    def __str__(self):
        return f"{self.dossier_id} @ {self.agency_id}"



class ClockSpan(models.Model):
    """One stretch of a dossier's clock (diễn biến thời hạn): from `started_at` the legal due time was
    `legal_due_at` and the agency's clock ran, or stood still while the dossier waited for the applicant.

    The services open a span at receipt and a new one whenever the clock stops or restarts; a span
    ends where the next begins, and the dossier's end of handling bounds the last. The history lets
    a figure for a past instant (a closed period's pending-overdue count) be computed from what was
    true then, so later events never change it (`reporting.rules.overdue_at`).
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="clock_spans")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    legal_due_at = models.DateTimeField()
    waiting = models.BooleanField(default=False, help_text="The clock stood still: waiting for the applicant.")

    class Meta:
        verbose_name = _("diễn biến thời hạn")
        verbose_name_plural = _("diễn biến thời hạn")
        indexes = [models.Index(fields=["dossier", "started_at"], name="clockspan_dossier_start")]

    def __str__(self):
        return f"{self.dossier_id} from {self.started_at:%Y-%m-%d %H:%M}"


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events are append-only.")


class DossierEvent(models.Model):
    """One entry of a dossier's audit trail (nhật ký xử lý), appended by every service call.

    Append-only: each event carries the hash of the previous event of its dossier, so an
    edited or removed event breaks the chain (`workflows.audit.verify_chain`).
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    step_index = models.SmallIntegerField(null=True, blank=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["dossier", "seq"]
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("nhật ký hồ sơ")
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="event_dossier_seq")]
        indexes = [models.Index(fields=["action", "at"])]

    def __str__(self):
        return f"{self.dossier_id}#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def compute_hash(self) -> str:
        # The dossier's code, not its id: known before the first INSERT, stable across copies.
        payload = {
            "dossier": self.dossier.code, "seq": self.seq,
            "at": self.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "actor": self.actor_id, "action": self.action, "from": self.from_status,
            "to": self.to_status, "step": self.step_index, "agency": self.agency_id,
            "note": self.note, "data": self.data, "prev": self.prev_hash,
        }
        encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(encoded.encode()).hexdigest()


# --- around the dossier: files, messages, ratings, alerts (petitions: the petitions app) ---------------------


class DossierFile(models.Model):
    """A stored file of a dossier: an uploaded document (tệp đính kèm) or the electronic result.
    Stored in the dossiers' storage (workflows.uploads) under a generated name with its sha256,
    served only through permission-checked views that check that hash."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="files")
    required_document = models.ForeignKey(
        "procedures.RequiredDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    stored_name = models.CharField(max_length=200, unique=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(_("loại tệp"), max_length=10, choices=FileKind.choices, default=FileKind.SUBMITTED)
    # A result's code (số kết quả, workflows.codes.format_result_code); blank for a submitted file.
    result_code = models.CharField(_("số kết quả"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("tệp hồ sơ")
        verbose_name_plural = _("tệp hồ sơ")
        constraints = [models.UniqueConstraint(fields=["result_code"], condition=~models.Q(result_code=""),
                                               name="dossier_file_result_code_unique")]

    def __str__(self):
        return self.original_name


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Hài lòng")
    NORMAL = "normal", _("Bình thường")
    NOT_SATISFIED = "not_satisfied", _("Không hài lòng")


class SatisfactionRating(models.Model):
    """The citizen's rating of the service, once per dossier (đánh giá mức độ hài lòng)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="rating")
    rating = models.CharField(max_length=20, choices=Rating.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("đánh giá hài lòng")
        verbose_name_plural = _("đánh giá hài lòng")

    def __str__(self):
        return f"{self.dossier_id}: {self.rating}"


class CounterGuidance(models.Model):
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ issued at the counter before receipt (TT 01/2018 Art. 6,
    TT 03/2025 Mẫu 02): no dossier exists yet, so it is a record of its own, written once by
    `services.issue_guidance`; the dossier later received for the same person and procedure takes
    it over (`dossier`, and the receive event lists it), and the evaluation counts it as a contact."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, verbose_name=_("thủ tục"))
    # The national code: a later receipt under a newer version of the procedure still matches.
    procedure_code = models.CharField(max_length=32, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("nơi hướng dẫn"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              verbose_name=_("người hướng dẫn"))
    applicant_name = models.CharField(_("họ tên người nộp"), max_length=200)
    applicant_id_number = models.CharField(_("số định danh cá nhân"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    items = models.JSONField(_("nội dung cần bổ sung, hoàn thiện"), default=list)
    note = models.TextField(_("ghi chú"), blank=True)
    issued_at = models.DateTimeField(_("thời điểm hướng dẫn"))
    dossier = models.ForeignKey("Dossier", on_delete=models.PROTECT, null=True, blank=True, editable=False,
                                related_name="guidances", verbose_name=_("hồ sơ tiếp nhận sau đó"))

    class Meta:
        verbose_name = _("phiếu hướng dẫn hoàn thiện hồ sơ")
        verbose_name_plural = _("phiếu hướng dẫn hoàn thiện hồ sơ")
        indexes = [models.Index(fields=["applicant_id_number", "procedure_code"], name="guidance_person_procedure",
                                condition=models.Q(dossier__isnull=True))]

    def __str__(self):
        return f"{self.procedure_code} – {self.applicant_name} ({self.issued_at:%d/%m/%Y})"


# --- the audit trail's defences: the nightly verification and the signed daily anchor -------


class AuditAnchor(models.Model):
    """A signed digest of every dossier's chain head at one instant (mốc đối chiếu nhật ký).

    A rewrite of a dossier's events *and* its head leaves a chain that still verifies; it no
    longer agrees with the head anchored before it. The signature's key is not in the database,
    and the anchors are exported to write-once storage (docs/decisions/0015-audit-anchoring.md).
    """

    day = models.DateField(db_index=True)
    taken_at = models.DateTimeField()
    dossier_count = models.PositiveIntegerField(default=0)
    # sha256 over the heads in code order (workflows.audit.head_line), signed with HMAC-SHA256.
    digest = models.CharField(max_length=64)
    signature = models.CharField(max_length=64)
    key_id = models.CharField(max_length=16, help_text="Fingerprint of the signing key, never the key.")

    class Meta:
        verbose_name = _("mốc đối chiếu nhật ký")
        verbose_name_plural = _("mốc đối chiếu nhật ký")
        ordering = ["-taken_at", "-id"]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} ({self.dossier_count})"


class AuditAnchorHead(models.Model):
    """One dossier's head in an anchor. Only the latest anchors keep their heads here (the
    comparison needs the latest one's); older anchors keep their digest and signature."""

    anchor = models.ForeignKey(AuditAnchor, on_delete=models.PROTECT, related_name="heads")
    position = models.PositiveIntegerField()  # in code order: the digest's order
    code = models.CharField(max_length=64)
    event_count = models.PositiveIntegerField()
    last_event_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["anchor", "position"], name="anchorhead_position"),
            models.UniqueConstraint(fields=["anchor", "code"], name="anchorhead_code"),
        ]

    def __str__(self):
        return f"{self.code}#{self.event_count}"


class AuditRun(models.Model):
    """One verification of every dossier's trail (lượt kiểm tra nhật ký): `workflows.audit.verify_all`."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)  # empty: still running, or it failed (error)
    checked = models.PositiveIntegerField(default=0)  # dossiers
    events_checked = models.PositiveIntegerField(default=0)
    finding_count = models.PositiveIntegerField(default=0)  # all of them; at most MAX_STORED_FINDINGS are rows
    anchor = models.ForeignKey(AuditAnchor, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               help_text="The anchor the heads were compared with.")
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("lượt kiểm tra nhật ký")
        verbose_name_plural = _("lượt kiểm tra nhật ký")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.finding_count})"

    @property
    def ok(self) -> bool:
        return self.finished_at is not None and not self.error and self.finding_count == 0


class FindingKind(models.TextChoices):
    CHAIN = "chain", _("Nhật ký bị sửa hoặc mất sự kiện")
    HEAD = "head", _("Đầu chuỗi trên hồ sơ không khớp nhật ký")
    STATUS = "status", _("Trạng thái hồ sơ không khớp nhật ký")
    ANCHOR = "anchor", _("Không khớp mốc đối chiếu đã ký")
    ANCHOR_INVALID = "anchor_invalid", _("Mốc đối chiếu không hợp lệ")


class AuditFinding(models.Model):
    """Something a run found broken. `unit_path` (copied from the dossier) scopes it to the
    supervisors of its subtree; a finding without one (an anchor's) is for superusers."""

    run = models.ForeignKey(AuditRun, on_delete=models.PROTECT, related_name="findings")
    dossier = models.ForeignKey(Dossier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=64, blank=True)
    unit_path = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=20, choices=FindingKind.choices)
    seq = models.PositiveIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=300)

    class Meta:
        verbose_name = _("phát hiện khi kiểm tra nhật ký")
        verbose_name_plural = _("phát hiện khi kiểm tra nhật ký")
        ordering = ["run", "id"]
        indexes = [models.Index(fields=["run", "unit_path"], name="auditfinding_run_path")]

    def __str__(self):
        return f"{self.code or '—'} {self.kind} {self.seq or ''}".strip()


class PersonalDataView(models.Model):
    """One view of a dossier's personal data unmasked (số định danh, số điện thoại) by staff:
    who, when, which fields, on which screen (`workflows.privacy.log_unmasked`). A record of
    reading, not a change of the dossier: no audit event, no version."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    fields = models.CharField(max_length=200)  # comma-separated field names
    screen = models.CharField(max_length=60)

    class Meta:
        verbose_name = _("lượt xem dữ liệu cá nhân")
        verbose_name_plural = _("lượt xem dữ liệu cá nhân")
        indexes = [models.Index(fields=["dossier", "at"], name="personaldataview_dossier_at")]

    def __str__(self):
        return f"{self.dossier_id} {self.user_id} {self.at:%Y-%m-%d %H:%M}"
